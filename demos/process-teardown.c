/* process-teardown: 1,000 children spawned and reaped; the free frame count
 * afterwards equals the count before (the frame ledger balances). Also: a
 * completion that finds the CQ full is counted in cq_overflow, not lost
 * silently. */
#include "demos/demo.h"

const char demo_name[] = "process-teardown";

static uint32_t spawner, frames;

static bool spawn_and_reap(void)
{
	struct rt_handle h;
	int64_t code = -1;
	bool ok = spawner_spawn(spawner, "exit0", "exit0", 0, 0, 0, 0, &h, 0) == CAPOS_OK &&
	          process_wait(h.cap, &code) == CAPOS_OK && code == 0;
	return rt_handle_close(&h) == CAPOS_OK && ok;
}

/* Nothing is printed between filling the CQ and draining it: printing is
 * itself a CALL and would need the CQ. */
static void overflow_is_reported(void)
{
	struct capos_ring *r = rt.ring;
	struct rt_handle h;
	CHECK(spawner_spawn(spawner, "spinner", "spinner", 0, 0, 0, 0, &h, 0) == CAPOS_OK, "spawned a spinner");
	static uint64_t waitbuf[8];
	struct capos_sqe wait = { .opcode = CAPOS_OP_CALL, .cap = h.cap, .user_data = 1,
		                  .buf = (uint64_t)(uintptr_t)waitbuf, .buf_cap = sizeof waitbuf };
	rt_ring_submit(&wait); /* ProcessHandle.wait: completes when the spinner dies */
	sys_cap_enter(0, 0);
	uint32_t before = r->cq_overflow;
	struct capos_sqe nop = { .opcode = CAPOS_OP_NOP, .user_data = 2 };
	for (uint32_t i = 0; i < CAPOS_RING_CQ_ENTRIES; i++)
		rt_ring_submit(&nop);
	sys_cap_enter(0, 0); /* the CQ is now full of NOP completions */
	struct capos_sqe kill = { .opcode = CAPOS_OP_CALL, .cap = h.cap, .method = 1, .user_data = 3 };
	rt_ring_submit(&kill);
	int64_t while_full = sys_cap_enter(0, 0);
	r->cq_head += 1; /* room for exactly one completion */
	int64_t with_room = sys_cap_enter(0, 0);
	uint32_t overflow = r->cq_overflow - before;
	r->cq_head = r->cq_tail;
	CHECK(while_full == 0, "with the CQ full, cap_enter takes no new submission (%lld)", (long long)while_full);
	CHECK(with_room == 1 && overflow == 1,
	      "the kill ends the spinner: of the wait's and the kill's completions one fits, "
	      "the other is counted in cq_overflow (%u)", overflow);
	rt_handle_close(&h);
}

/* A grant narrowed to no rights: the child's FrameAllocator refuses alloc. */
static void attenuation_holds(void)
{
	struct rt_grant g = { "frames", frames, capos_FrameAllocator_ID, 0, 0 };
	struct rt_handle h;
	int64_t code = -1;
	CHECK(spawner_spawn(spawner, "attenuated-child", "attenuated-child", &g, 1, 0, 0, &h, 0) == CAPOS_OK &&
	              process_wait(h.cap, &code) == CAPOS_OK && code == 0,
	      "a FrameAllocator granted with no rights refuses alloc in the child (exit code %lld)", (long long)code);
	rt_handle_close(&h);
	uint64_t phys = 0;
	CHECK(frames_alloc(frames, &phys) == CAPOS_OK && phys, "the parent's own grant still allocates (%#llx)",
	      (unsigned long long)phys);
}

int main(void)
{
	spawner = rt_capset_find("spawner", capos_ProcessSpawner_ID);
	frames = rt_capset_find("frames", capos_FrameAllocator_ID);
	uint64_t total, free_before, free_after, granted;
	CHECK(spawn_and_reap(), "a warm-up child (the kernel heap grows once)");
	CHECK(frames_stats(frames, &total, &free_before, &granted) == CAPOS_OK, "free frames before: %llu of %llu",
	      (unsigned long long)free_before, (unsigned long long)total);
	enum { CHILDREN = 1000 };
	uint32_t ok = 0;
	for (int i = 0; i < CHILDREN; i++)
		ok += spawn_and_reap();
	CHECK(ok == CHILDREN, "%u of %d children spawned, exited 0 and were reaped", ok, CHILDREN);
	CHECK(frames_stats(frames, &total, &free_after, &granted) == CAPOS_OK && free_after == free_before,
	      "free frames after: %llu (before %llu)", (unsigned long long)free_after, (unsigned long long)free_before);
	overflow_is_reported();
	attenuation_holds();
	return demo_finish();
}
