/* kmem-quota: a process with a small kernel-memory quota exhausts it by
 * spawns, frames and pending waits and gets LIMIT_EXCEEDED each time (in
 * kmem-hog); the kernel heap and the free frames are back to their
 * starting values once it has exited, and a sibling kept running. */
#include "demos/demo.h"

const char demo_name[] = "kmem-quota";

#define HOG_QUOTA (1536u * 1024)

static capos_FrameAllocator frames;

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	frames = RT_CAP(capos_FrameAllocator, "frames");
	uint32_t console = rt_capset_find("console", capos_Console_ID);
	capos_ProcessHandle sibling, hog;
	CHECK(demo_spawn(spawner, "spinner", &sibling) == CAPOS_OK, "a sibling spinner runs");
	int64_t code = -1;
	struct demo_ledger before = demo_ledger(frames);
	struct rt_grant g[3] = {
		{ "console", console, capos_Console_ID, 0, capos_rightsAll },
		{ "spawner", spawner.id, capos_ProcessSpawner_ID, 0, capos_rightsAll },
		{ "frames", frames.id, capos_FrameAllocator_ID, 0, capos_rightsAll },
	};
	struct rt_spawn_args a = { "kmem-hog", "kmem-hog", g, 3, 0, 0, HOG_QUOTA };
	CHECK(rt_spawn(spawner, &a, &hog, 0) == CAPOS_OK, "spawned kmem-hog with a %u KiB quota", HOG_QUOTA / 1024);
	CHECK(rt_wait(hog, &code) == CAPOS_OK && code == 0, "kmem-hog hit its quota every way (%lld failed)",
	      (long long)code);
	rt_release(hog.id);
	struct demo_ledger after = demo_ledger(frames);
	CHECK(after.free_frames == before.free_frames, "free frames are back: %llu (before %llu)",
	      (unsigned long long)after.free_frames, (unsigned long long)before.free_frames);
	CHECK(after.heap_frames == before.heap_frames, "kernel heap frames are back: %llu (before %llu)",
	      (unsigned long long)after.heap_frames, (unsigned long long)before.heap_frames);
	CHECK(after.kmem == before.kmem, "this process's kernel memory is back: %llu bytes (before %llu)",
	      (unsigned long long)after.kmem, (unsigned long long)before.kmem);
	RT_CLIENT(cl, 128);
	capos_ProcessHandle_info_Results info;
	CHECK(capos_ProcessHandle_info_call(sibling, &cl, &info) >= 0 &&
	              !capos_ProcessHandle_info_Results_get_exited(info),
	      "the sibling is still running");
	demo_kill(sibling);
	rt_release(sibling.id);
	return demo_finish();
}
