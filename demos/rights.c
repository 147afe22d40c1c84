/* rights: for every method of every kernel interface, a capability
 * narrowed to exactly the rights the method needs (from the table generated
 * from schema/capos.capnp) gets the same outcome as one with every right,
 * and a capability lacking any one of them is refused with
 * PERMISSION_DENIED and no side effect. Each call runs in a rights-probe
 * child that holds the narrowed capability; the probe reports side effects
 * on its own ledger, the kill of a victim is checked here, and a refused
 * Console write would print a line the system test rejects. */
#include "demos/demo.h"
#include "lib/fmt.h"

const char demo_name[] = "rights";

static capos_ProcessSpawner spawner;

/* The capability of interface ifc to probe method m with (a fresh victim
 * for ProcessHandle: exit0 for wait, a spinner otherwise). */
static uint32_t subject(const struct capnp_interface *ifc, uint16_t m, capos_ProcessHandle *victim)
{
	victim->id = 0;
	if (ifc == &capos_ProcessHandle_interface) {
		demo_spawn(spawner, m == capos_ProcessHandle_wait_ORDINAL ? "exit0" : "spinner", victim);
		return victim->id;
	}
	static const char *const names[] = { "console", "frames", "spawner", "", "bootpkg", "null" };
	static const struct capnp_interface *const order[] = {
		&capos_Console_interface, &capos_FrameAllocator_interface, &capos_ProcessSpawner_interface,
		&capos_ProcessHandle_interface, &capos_BootPackage_interface, &capos_Null_interface,
	};
	for (int i = 0; i < 6; i++)
		if (order[i] == ifc)
			return rt_capset_find(names[i], ifc->id);
	return 0;
}

static bool alive(capos_ProcessHandle h)
{
	RT_CLIENT(cl, 128);
	capos_ProcessHandle_info_Results info;
	return capos_ProcessHandle_info_call(h, &cl, &info) >= 0 && !capos_ProcessHandle_info_Results_get_exited(info);
}

/* Runs one probe of method m with the capability narrowed to rights;
 * returns its exit code (the call's error, 0 for success, +100 for a side
 * effect), or 1000 when the probe could not run. *victim_alive tells
 * whether a ProcessHandle victim survived. */
static int64_t probe(const struct capnp_interface *ifc, uint16_t m, uint32_t rights, bool *victim_alive)
{
	capos_ProcessHandle victim;
	uint32_t cap = subject(ifc, m, &victim);
	uint32_t frames = rt_capset_find("frames", capos_FrameAllocator_ID);
	struct rt_grant g[3] = {
		{ "cap", cap, ifc->id, 0, rights },
		{ "ledger", frames, capos_FrameAllocator_ID, 0, capos_FrameAllocator_rightStats },
		{ "alloc", frames, capos_FrameAllocator_ID, 0, capos_rightsAll },
	};
	char method[8];
	fmt_snprintf(method, sizeof method, "%u", m);
	bool denied = (rights & ifc->methods[m].needs) != ifc->methods[m].needs;
	const char *args[3] = { ifc->name, method, denied ? "DENIED-BUT-PRINTED" : "allowed" };
	int64_t code = 1000;
	if (demo_run(spawner, "rights-probe", g, 3, args, 3, 4u << 20, &code) != CAPOS_OK)
		code = 1000;
	*victim_alive = victim.id && alive(victim);
	if (victim.id) {
		demo_kill(victim);
		rt_release(victim.id);
	}
	return code;
}

static void check_method(const struct capnp_interface *ifc, uint16_t m)
{
	const struct capnp_method *meth = &ifc->methods[m];
	bool alive_full, alive_exact, alive_less;
	int64_t full = probe(ifc, m, ifc->rights, &alive_full);
	int64_t exact = probe(ifc, m, meth->needs, &alive_exact);
	bool is_kill = ifc == &capos_ProcessHandle_interface && m == capos_ProcessHandle_kill_ORDINAL;
	uint32_t narrower = 0, denied = 0, victims_kept = 0;
	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (!(meth->needs & bit))
			continue;
		narrower++;
		denied += probe(ifc, m, ifc->rights & ~bit, &alive_less) == -CAPOS_E_PERMISSION_DENIED;
		victims_kept += alive_less || !is_kill;
	}
	CHECK(narrower > 0 && full != -CAPOS_E_PERMISSION_DENIED && full < 100 && exact == full &&
	              denied == narrower && victims_kept == narrower && (!is_kill || (!alive_full && !alive_exact)),
	      "%s.%s needs %#x: all rights %lld, exactly those %lld, %u of %u narrower sets denied cleanly", ifc->name,
	      meth->name, meth->needs, (long long)full, (long long)exact, denied, narrower);
}

int main(void)
{
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	static const char *const ifaces[] = { "Console", "FrameAllocator", "ProcessSpawner", "ProcessHandle",
		                              "BootPackage", "Null" };
	uint32_t methods = 0;
	for (size_t i = 0; i < sizeof ifaces / sizeof ifaces[0]; i++) {
		const struct capnp_interface *ifc = demo_interface(ifaces[i]);
		for (uint16_t m = 0; m < ifc->method_count; m++, methods++)
			check_method(ifc, m);
	}
	CHECK(methods == 16, "%u methods of 6 interfaces probed", methods);
	return demo_finish();
}
