/* capset-bootstrap: the entry registers and the read-only CapSet page. */
#include "demos/demo.h"

const char demo_name[] = "capset-bootstrap";

int main(void)
{
	const struct capos_capset *cs = rt.capset;
	CHECK(cs->magic == CAPOS_CAPSET_MAGIC, "CapSet magic at %p", (const void *)cs);
	CHECK(rt.ring->magic == CAPOS_RING_MAGIC && rt.ring->sq_entries == CAPOS_RING_SQ_ENTRIES &&
	              rt.ring->cq_entries == CAPOS_RING_CQ_ENTRIES,
	      "ring page at %p: magic and geometry", (void *)rt.ring);
	CHECK(rt.pid > 1, "pid %u from RSI", rt.pid);
	CHECK(cs->count == 2, "two bootstrap capabilities (got %u)", cs->count);
	for (uint32_t i = 0; i < cs->count; i++)
		printf("%s: capset[%u] = %s, interface %#llx, cap %#x\n", demo_name, i, cs->entries[i].name,
		       (unsigned long long)cs->entries[i].interface_id, cs->entries[i].cap);
	capos_Console console = RT_CAP(capos_Console, "console");
	capos_Null null = RT_CAP(capos_Null, "null");
	CHECK(console.id && null.id, "console and null found by name and interface id");
	CHECK(!rt_capset_find("console", capos_Null_ID), "a name with the wrong interface id is not found");
	CHECK(!rt_capset_find("spawner", capos_ProcessSpawner_ID), "an ungranted capability is absent");
	RT_CLIENT(cl, 64);
	capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), 0xC0FFEE);
	capos_Null_echo_Results res;
	CHECK(capos_Null_echo_call(null, &cl, &res) >= 0 && capos_Null_echo_Results_get_value(res) == 0xC0FFEE,
	      "Null.echo through the CapSet id");
	return demo_finish();
}
