/* badge-write-once: a capability badged once keeps its badge. The only
 * path that sets badges today is a spawn grant (Endpoint.mint comes with
 * IPC and follows the same rule): badging an unbadged capability works,
 * re-badging a badged one is refused with PERMISSION_DENIED, passing it on
 * with its own badge (or "keep", 0) works, and narrowing its rights works.
 * The checks on the badged capability run in badge-child, which holds it. */
#include "demos/demo.h"

const char demo_name[] = "badge-write-once";

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	uint32_t console = rt_capset_find("console", capos_Console_ID);
	struct rt_grant g[3] = {
		{ "console", console, capos_Console_ID, 0, capos_rightsAll },
		{ "badged", console, capos_Console_ID, 0x5, capos_rightsAll },
		{ "spawner", spawner.id, capos_ProcessSpawner_ID, 0, capos_rightsAll },
	};
	int64_t code = -1;
	int r = demo_run(spawner, "badge-child", g, 3, 0, 0, 4u << 20, &code);
	CHECK(r == CAPOS_OK, "an unbadged capability was badged on its way to a child (%d)", r);
	CHECK(code == 0, "the child found every re-badge refused and every other grant working (%lld failed)",
	      (long long)code);
	return demo_finish();
}
