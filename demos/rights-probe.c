/* rights-probe (for rights): calls one method, named by its arguments
 * "Interface method", on its capability "cap" with sensible params, and
 * exits with the call's error (0 when it succeeded) plus 100 if it sees a
 * side effect it should not have caused: frames granted or kernel memory
 * charged by a call that failed. "ledger" (a FrameAllocator with the stats
 * right) reads its own ledger; "alloc" (FrameAllocator) provides a frame
 * for FrameAllocator.free. A Console write prints which outcome the parent
 * expects, so a write that should have been refused is caught in the log. */
#include "demos/demo.h"
#include "lib/fmt.h"

const char demo_name[] = "rights-probe";

static struct demo_ledger ledger(void) { return demo_ledger(RT_CAP(capos_FrameAllocator, "ledger")); }

static int call(const char *iface, const char *method, const char *expect)
{
	const struct capnp_interface *ifc = demo_interface(iface);
	uint32_t cap = ifc ? rt_capset_find("cap", ifc->id) : 0;
	RT_CLIENT(cl, 8192);
	bool m0 = !strcmp(method, "0"), m1 = !strcmp(method, "1"), m2 = !strcmp(method, "2");
	if (!strcmp(iface, "Console")) {
		char text[80];
		int n = fmt_snprintf(text, sizeof text, "rights-probe: Console.%s written, expected %s",
		                     m0 ? "write" : "writeLine",
		                     expect);
		if (m0) {
			capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), text, (size_t)n);
			int r = capos_Console_write_call((capos_Console){ cap }, &cl, 0);
			printf("\n");
			return r;
		}
		capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), text, (size_t)n);
		return capos_Console_writeLine_call((capos_Console){ cap }, &cl, 0);
	}
	if (!strcmp(iface, "FrameAllocator")) {
		capos_FrameAllocator fa = { cap };
		if (m0) {
			capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
			return capos_FrameAllocator_alloc_call(fa, &cl, 0);
		}
		if (m1) {
			capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
			capos_FrameAllocator_alloc_Results res;
			if (capos_FrameAllocator_alloc_call(RT_CAP(capos_FrameAllocator, "alloc"), &cl, &res) < 0)
				return 99;
			uint64_t phys = capos_FrameAllocator_alloc_Results_get_phys(res);
			capos_FrameAllocator_free_Params_builder p = capos_FrameAllocator_free_begin(&cl);
			capos_FrameAllocator_free_Params_set_phys(p, phys);
			capos_FrameAllocator_free_Params_set_count(p, 1);
			int r = capos_FrameAllocator_free_call(fa, &cl, 0);
			if (r >= 0)
				return r;
			/* Refused: give the frame back through "alloc" so the ledger
			 * check sees only what the probed call did. */
			p = capos_FrameAllocator_free_begin(&cl);
			capos_FrameAllocator_free_Params_set_phys(p, phys);
			capos_FrameAllocator_free_Params_set_count(p, 1);
			capos_FrameAllocator_free_call(RT_CAP(capos_FrameAllocator, "alloc"), &cl, 0);
			return r;
		}
		if (!strcmp(method, "3")) {
			capos_FrameAllocator_allocObject_Params_set_pages(capos_FrameAllocator_allocObject_begin(&cl), 1);
			int r = capos_FrameAllocator_allocObject_call(fa, &cl, 0);
			if (r >= 0)
				rt_release(cl.new_cap);
			return r;
		}
		return capos_FrameAllocator_stats_call(fa, &cl, 0);
	}
	if (!strcmp(iface, "ProcessSpawner")) {
		capos_ProcessSpawner_spawn_Params_builder p = capos_ProcessSpawner_spawn_begin(&cl);
		capos_ProcessSpawner_spawn_Params_set_name(p, "exit0", 5);
		capos_ProcessSpawner_spawn_Params_set_binary(p, "exit0", 5);
		struct demo_ledger before = ledger();
		int r = capos_ProcessSpawner_spawn_call((capos_ProcessSpawner){ cap }, &cl, 0);
		if (r < 0 && ledger().kmem != before.kmem)
			return 100 - r;
		if (r >= 0)
			rt_release(cl.new_cap);
		return r;
	}
	if (!strcmp(iface, "ProcessHandle")) {
		capos_ProcessHandle h = { cap };
		if (m0)
			return capos_ProcessHandle_wait_call(h, &cl, 0);
		if (m1)
			return capos_ProcessHandle_kill_call(h, &cl, 0);
		return capos_ProcessHandle_info_call(h, &cl, 0);
	}
	if (!strcmp(iface, "BootPackage")) {
		capos_BootPackage b = { cap };
		if (m0)
			return capos_BootPackage_manifest_call(b, &cl, 0);
		if (m1)
			return capos_BootPackage_list_call(b, &cl, 0);
		if (m2) {
			capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&cl), "exit0", 5);
			return capos_BootPackage_stat_call(b, &cl, 0);
		}
		capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
		capos_BootPackage_read_Params_set_name(p, "exit0", 5);
		capos_BootPackage_read_Params_set_length(p, 16);
		return capos_BootPackage_read_call(b, &cl, 0);
	}
	if (!strcmp(iface, "Null")) {
		if (m0)
			return capos_Null_nop_call((capos_Null){ cap }, &cl, 0);
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), 42);
		return capos_Null_echo_call((capos_Null){ cap }, &cl, 0);
	}
	return 98;
}

int main(void)
{
	if (rt_argc() != 3)
		return 97;
	struct demo_ledger before = ledger();
	int r = call(rt_arg(0), rt_arg(1), rt_arg(2));
	if (r >= 0)
		return 0;
	struct demo_ledger after = ledger();
	return -r + (after.granted != before.granted || after.kmem != before.kmem ? 100 : 0);
}
