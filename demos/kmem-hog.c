/* kmem-hog (for kmem-quota): runs with a small kernel-memory quota and
 * exhausts it by spawns, by frames and by pending waits; each ends in
 * LIMIT_EXCEEDED for this process. It exits without cleaning up: the
 * kernel takes everything back. Exit code: failed checks. */
#include "demos/demo.h"

const char demo_name[] = "kmem-hog";

static capos_ProcessSpawner spawner;
static capos_FrameAllocator frames;

static uint64_t room(void)
{
	RT_CLIENT(cl, 128);
	capos_FrameAllocator_stats_Results s;
	capos_FrameAllocator_stats_call(frames, &cl, &s);
	return capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s) -
	       capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s);
}

static int spawn_spinner(uint64_t quota, capos_ProcessHandle *h)
{
	struct rt_spawn_args a = { "spinner", "spinner", 0, 0, 0, 0, quota };
	return rt_spawn(spawner, &a, h, 0);
}

int main(void)
{
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	frames = RT_CAP(capos_FrameAllocator, "frames");
	demo_ipc_ready();
	uint64_t start = room();
	CHECK(start > 0 && start < 1536 * 1024, "%llu bytes of quota left after starting",
	      (unsigned long long)start);

	/* Spawns: a quota larger than what is left, then one too small for
	 * the child itself. */
	capos_ProcessHandle s;
	int r = spawn_spinner(start + 4096, &s);
	CHECK(r == CAPOS_E_LIMIT_EXCEEDED, "a child quota beyond what is left: LIMIT_EXCEEDED (%d)", r);
	r = spawn_spinner(16 * 1024, &s);
	CHECK(r == CAPOS_E_LIMIT_EXCEEDED, "a child quota too small for the child: LIMIT_EXCEEDED (%d)", r);
	CHECK(room() == start, "failed spawns left the quota untouched");
	r = spawn_spinner(512 * 1024, &s);
	CHECK(r == CAPOS_OK, "a spinner with a 512 KiB quota (%d)", r);

	/* Frames: each costs a page of quota. */
	uint32_t got = 0;
	RT_CLIENT(cl, 128);
	for (;;) {
		capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
		r = capos_FrameAllocator_alloc_call(frames, &cl, 0);
		if (r < 0)
			break;
		got++;
	}
	CHECK(r == CAPOS_E_LIMIT_EXCEEDED && got > 4, "%u frames, then LIMIT_EXCEEDED (%d)", got, r);

	/* Pending waits: each holds a small record of kernel memory. */
	static uint64_t waitbuf[4];
	uint32_t pending = 0;
	r = CAPOS_OK;
	for (uint32_t i = 0; i < CAPOS_RING_CQ_ENTRIES - 2 && r == CAPOS_OK; i++) {
		struct capos_sqe w = { .opcode = CAPOS_OP_CALL, .cap = s.id, .interface_id = capos_ProcessHandle_ID,
			               .method = capos_ProcessHandle_wait_ORDINAL, .user_data = 9000 + i,
			               .buf = (uint64_t)(uintptr_t)waitbuf, .buf_cap = sizeof waitbuf };
		rt_ring_submit(&w);
		sys_cap_enter(0, 0);
		struct capos_ring *ring = rt.ring;
		if (ring->cq_tail != ring->cq_head) { /* the wait failed at once */
			struct capos_cqe c;
			rt_ring_wait(9000 + i, &c);
			r = c.result;
		} else {
			pending++;
		}
	}
	CHECK(r == CAPOS_E_LIMIT_EXCEEDED && pending > 0, "%u waits pending, then LIMIT_EXCEEDED (%d)", pending, r);
	r = spawn_spinner(0, &s);
	CHECK(r == CAPOS_E_LIMIT_EXCEEDED, "a spawn with the quota used up: LIMIT_EXCEEDED (%d)", r);
	return demo_finish();
}
