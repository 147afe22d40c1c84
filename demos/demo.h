/* Shared support for the demos: checks that print one line each and count
 * failures. A demo's exit code is its number of failed checks. */
#ifndef CAPOS_DEMO_H
#define CAPOS_DEMO_H

#include "capos/capos.capnp.h"
#include "lib/mem.h"
#include "rt/capos.h"

extern const char demo_name[];
static int demo_failures;

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		bool ok_ = (cond);                                               \
		printf("%s: %s: ", demo_name, ok_ ? "ok" : "FAILED");            \
		printf(__VA_ARGS__);                                             \
		printf("\n");                                                    \
		demo_failures += !ok_;                                           \
	} while (0)

/* Submits one SQE and waits for its completion; returns the result. */
static inline int demo_submit_wait(struct capos_sqe sqe, struct capos_cqe *out)
{
	return rt_submit_wait(&sqe, out);
}

/* Spawns binary (named after it, with kernel_memory bytes of quota; 0: the
 * default), waits for it and releases its handle. Returns the spawn or wait
 * error, or CAPOS_OK with the exit code in *code. */
static inline int demo_run(capos_ProcessSpawner spawner, const char *binary, const struct rt_grant *g,
                           uint32_t ng, const char *const *args, uint32_t nargs, uint64_t kernel_memory,
                           int64_t *code)
{
	struct rt_spawn_args a = { binary, binary, g, ng, args, nargs, kernel_memory };
	capos_ProcessHandle h;
	int r = rt_spawn(spawner, &a, &h, 0);
	if (r == CAPOS_OK) {
		r = rt_wait(h, code);
		rt_release(h.id);
	}
	return r;
}

/* Spawns binary with no grants; CAPOS_OK with the handle in *h. */
static inline int demo_spawn(capos_ProcessSpawner spawner, const char *binary, capos_ProcessHandle *h)
{
	struct rt_spawn_args a = { binary, binary, 0, 0, 0, 0, 0 };
	return rt_spawn(spawner, &a, h, 0);
}

/* ProcessHandle.kill. */
static inline int demo_kill(capos_ProcessHandle h)
{
	RT_CLIENT(cl, 64);
	int r = capos_ProcessHandle_kill_call(h, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

/* The frame ledger and this process's account, as FrameAllocator.stats
 * reports them. */
struct demo_ledger {
	uint64_t free_frames, heap_frames, granted, kmem;
};

/* The console is the serial driver's endpoint: a process's first IPC call
 * makes its IPC record pool (kernel/ipc.c), charged to it and taken from
 * the kernel heap. Ledger checks measure after it exists, so the first
 * printf between two measurements does not count as a leak. */
static inline void demo_ipc_ready(void)
{
	static bool ready;
	if (ready)
		return;
	ready = true;
	RT_CLIENT(cl, 64);
	capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), "", 0);
	capos_Console_write_call(RT_CAP(capos_Console, "console"), &cl, 0);
}

static inline struct demo_ledger demo_ledger(capos_FrameAllocator frames)
{
	demo_ipc_ready();
	RT_CLIENT(cl, 128);
	capos_FrameAllocator_stats_Results s;
	if (capos_FrameAllocator_stats_call(frames, &cl, &s) < 0)
		return (struct demo_ledger){ 0, 0, 0, 0 };
	return (struct demo_ledger){ capos_FrameAllocator_stats_Results_get_freeFrames(s),
		                     capos_FrameAllocator_stats_Results_get_heapFrames(s),
		                     capos_FrameAllocator_stats_Results_get_grantedFrames(s),
		                     capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s) };
}

static inline bool demo_ledger_same(struct demo_ledger a, struct demo_ledger b)
{
	return a.free_frames == b.free_frames && a.heap_frames == b.heap_frames && a.granted == b.granted &&
	       a.kmem == b.kmem;
}

/* The interfaces kernel objects implement, by name. */
static inline const struct capnp_interface *demo_interface(const char *name)
{
	static const struct capnp_interface *const all[] = {
		&capos_Console_interface, &capos_FrameAllocator_interface, &capos_ProcessSpawner_interface,
		&capos_ProcessHandle_interface, &capos_BootPackage_interface, &capos_Null_interface,
	};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return 0;
}

static inline int demo_finish(void)
{
	printf("%s: %s (%d failed)\n", demo_name, demo_failures ? "FAILED" : "done", demo_failures);
	return demo_failures;
}

#endif
