/* process-teardown: 1,000 children spawned and reaped; the free frame count
 * afterwards equals the count before (the frame ledger balances). A child
 * whose last handle is released dies; attenuated rights hold in a child. */
#include "demos/demo.h"

const char demo_name[] = "process-teardown";

static capos_ProcessSpawner spawner;
static capos_FrameAllocator frames;

static bool spawn_and_reap(void)
{
	int64_t code = -1;
	return demo_run(spawner, "exit0", 0, 0, 0, 0, 0, &code) == CAPOS_OK && code == 0;
}

static int free_frames(uint64_t *total, uint64_t *free_count)
{
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_stats_Results s;
	int r = capos_FrameAllocator_stats_call(frames, &cl, &s);
	*total = capos_FrameAllocator_stats_Results_get_totalFrames(s);
	*free_count = capos_FrameAllocator_stats_Results_get_freeFrames(s);
	return r < 0 ? r : CAPOS_OK;
}

/* Releasing the last handle to a running process kills it: a spinner whose
 * handle is released no longer holds its memory. */
static void last_handle_kills(void)
{
	uint64_t total, before, after;
	capos_ProcessHandle h;
	free_frames(&total, &before);
	CHECK(demo_spawn(spawner, "spinner", &h) == CAPOS_OK, "spawned a spinner");
	CHECK(rt_release(h.id) == CAPOS_OK, "released its only handle");
	free_frames(&total, &after);
	CHECK(after == before, "the spinner died with its last handle: free frames %llu (before %llu)",
	      (unsigned long long)after, (unsigned long long)before);
}

/* A grant narrowed to the stats right: the child's FrameAllocator refuses
 * alloc; the parent's own capability is untouched. */
static void attenuation_holds(void)
{
	struct rt_grant g = { "frames", frames.id, capos_FrameAllocator_ID, 0, capos_FrameAllocator_rightStats };
	int64_t code = -1;
	CHECK(demo_run(spawner, "attenuated-child", &g, 1, 0, 0, 0, &code) == CAPOS_OK && code == 0,
	      "a FrameAllocator granted without the alloc right refuses alloc in the child (exit code %lld)",
	      (long long)code);
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
	capos_FrameAllocator_alloc_Results res;
	int r = capos_FrameAllocator_alloc_call(frames, &cl, &res);
	CHECK(r >= 0 && capos_FrameAllocator_alloc_Results_get_phys(res),
	      "the parent's own grant still allocates (%d)", r);
}

int main(void)
{
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	frames = RT_CAP(capos_FrameAllocator, "frames");
	demo_ipc_ready();
	uint64_t total, free_before, free_after;
	/* A warm-up first: the kernel heap may grow by a frame for the first
	 * spawns (it keeps it), which is not a leak of the processes. */
	for (int i = 0; i < 10; i++)
		spawn_and_reap();
	CHECK(free_frames(&total, &free_before) == CAPOS_OK, "free frames before: %llu of %llu",
	      (unsigned long long)free_before, (unsigned long long)total);
	enum { CHILDREN = 1000 };
	uint32_t ok = 0;
	for (int i = 0; i < CHILDREN; i++)
		ok += spawn_and_reap();
	CHECK(ok == CHILDREN, "%u of %d children spawned, exited 0 and were reaped", ok, CHILDREN);
	CHECK(free_frames(&total, &free_after) == CAPOS_OK && free_after == free_before,
	      "free frames after: %llu (before %llu)", (unsigned long long)free_after, (unsigned long long)free_before);
	last_handle_kills();
	attenuation_holds();
	return demo_finish();
}
