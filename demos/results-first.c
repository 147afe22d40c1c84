/* results-first: every method with a side effect, called with a results
 * buffer one byte smaller than its results, fails with CAPOS_E_TOO_BIG and
 * changes nothing — the console prints nothing, no frame is taken or
 * given back, nothing is spawned or killed — and a failed call reports no
 * new capability. With the exact size each call succeeds. */
#include "demos/demo.h"

const char demo_name[] = "results-first";

static capos_Console console;
static capos_FrameAllocator frames;
static capos_ProcessSpawner spawner;

/* Sends the params begun in cl as method of iface on cap with buf_cap
 * bytes for the results; *new_cap gets the completion's capability. */
static int call_with(struct capnp_client *cl, uint32_t cap, const struct capnp_interface *iface, uint16_t method,
                     uint32_t buf_cap, uint32_t *new_cap)
{
	uint32_t len = cl->started ? (uint32_t)capnp_builder_finish(&cl->params) : 0;
	cl->started = false;
	return rt_call(cap, iface->id, method, cl->buf, len, buf_cap, new_cap);
}

static uint32_t short_of(const struct capnp_interface *iface, uint16_t method)
{
	return iface->methods[method].results_bytes - 1;
}

static struct demo_ledger ledger(void) { return demo_ledger(frames); }

static void console_methods(void)
{
	RT_CLIENT(cl, 256);
	static const char leak[] = "results-first: LEAK: printed by a call that failed";
	for (uint16_t m = 0; m < capos_Console_METHOD_COUNT; m++) {
		capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), leak, sizeof leak - 1);
		int r = call_with(&cl, console.id, &capos_Console_interface, m, short_of(&capos_Console_interface, m), 0);
		CHECK(r == CAPOS_E_TOO_BIG, "Console.%s with %u bytes for its results: TOO_BIG (%d)",
		      capos_Console_methods[m].name, short_of(&capos_Console_interface, m), r);
	}
}

static void frame_methods(void)
{
	RT_CLIENT(cl, 256);
	const struct capnp_interface *fa = &capos_FrameAllocator_interface;
	struct demo_ledger before = ledger();
	capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
	uint32_t cap = 7;
	int r = call_with(&cl, frames.id, fa, capos_FrameAllocator_alloc_ORDINAL,
	                  short_of(fa, capos_FrameAllocator_alloc_ORDINAL), &cap);
	CHECK(r == CAPOS_E_TOO_BIG && cap == 0 && demo_ledger_same(ledger(), before),
	      "FrameAllocator.alloc one byte short: TOO_BIG, no frame taken, none charged (%d)", r);

	capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
	capos_FrameAllocator_alloc_Results res;
	r = capos_FrameAllocator_alloc_call(frames, &cl, &res);
	uint64_t phys = r >= 0 ? capos_FrameAllocator_alloc_Results_get_phys(res) : 0;
	CHECK(r >= 0 && phys, "with the exact size alloc succeeds (%#llx)", (unsigned long long)phys);

	struct demo_ledger holding = ledger();
	capos_FrameAllocator_free_Params_builder fp = capos_FrameAllocator_free_begin(&cl);
	capos_FrameAllocator_free_Params_set_phys(fp, phys);
	capos_FrameAllocator_free_Params_set_count(fp, 1);
	r = call_with(&cl, frames.id, fa, capos_FrameAllocator_free_ORDINAL,
	              short_of(fa, capos_FrameAllocator_free_ORDINAL),
	              0);
	CHECK(r == CAPOS_E_TOO_BIG && demo_ledger_same(ledger(), holding) && holding.granted == before.granted + 1,
	      "FrameAllocator.free one byte short: TOO_BIG, the frame is still held (%d)", r);
	fp = capos_FrameAllocator_free_begin(&cl);
	capos_FrameAllocator_free_Params_set_phys(fp, phys);
	capos_FrameAllocator_free_Params_set_count(fp, 1);
	r = capos_FrameAllocator_free_call(frames, &cl, 0);
	CHECK(r >= 0 && demo_ledger_same(ledger(), before),
	      "with the exact size free succeeds and the ledger is back (%d)", r);
}

static void process_methods(void)
{
	RT_CLIENT(cl, 512);
	const struct capnp_interface *ps = &capos_ProcessSpawner_interface, *ph = &capos_ProcessHandle_interface;
	struct demo_ledger before = ledger();
	capos_ProcessSpawner_spawn_Params_builder sp = capos_ProcessSpawner_spawn_begin(&cl);
	capos_ProcessSpawner_spawn_Params_set_name(sp, "exit0", 5);
	capos_ProcessSpawner_spawn_Params_set_binary(sp, "exit0", 5);
	uint32_t cap = 7;
	int r = call_with(&cl, spawner.id, ps, capos_ProcessSpawner_spawn_ORDINAL,
	                  short_of(ps, capos_ProcessSpawner_spawn_ORDINAL), &cap);
	CHECK(r == CAPOS_E_TOO_BIG && cap == 0 && demo_ledger_same(ledger(), before),
	      "ProcessSpawner.spawn one byte short: TOO_BIG, nothing spawned, no capability (%d)", r);

	capos_ProcessHandle spin;
	CHECK(demo_spawn(spawner, "spinner", &spin) == CAPOS_OK, "spawned a spinner");
	r = call_with(&cl, spin.id, ph, capos_ProcessHandle_kill_ORDINAL, short_of(ph, capos_ProcessHandle_kill_ORDINAL),
	              0);
	capos_ProcessHandle_info_Results info;
	int ri = capos_ProcessHandle_info_call(spin, &cl, &info);
	CHECK(r == CAPOS_E_TOO_BIG && ri >= 0 && !capos_ProcessHandle_info_Results_get_exited(info),
	      "ProcessHandle.kill one byte short: TOO_BIG, the spinner still runs (%d)", r);
	/* A registered wait holds a record charged to this process. */
	struct demo_ledger waiting = ledger();
	r = call_with(&cl, spin.id, ph, capos_ProcessHandle_wait_ORDINAL, short_of(ph, capos_ProcessHandle_wait_ORDINAL),
	              0);
	CHECK(r == CAPOS_E_TOO_BIG && demo_ledger_same(ledger(), waiting),
	      "ProcessHandle.wait one byte short: TOO_BIG at once, nothing left pending (%d)", r);
	int64_t code = 0;
	CHECK(demo_kill(spin) == CAPOS_OK && rt_wait(spin, &code) == CAPOS_OK && code == CAPOS_EXIT_KILLED,
	      "with the exact size kill and wait succeed (exit code %lld)", (long long)code);
	rt_release(spin.id);
	CHECK(demo_ledger_same(ledger(), before), "the ledger is back where it started");
}

int main(void)
{
	console = RT_CAP(capos_Console, "console");
	frames = RT_CAP(capos_FrameAllocator, "frames");
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	/* Let init post its wait for this process first: its record comes
	 * from the kernel heap, and allocated in the middle of the ledger
	 * checks below it could keep a heap page those checks expect back. */
	sys_cap_enter(1, 20 * 1000 * 1000);
	console_methods();
	frame_methods();
	process_methods();
	return demo_finish();
}
