/* ring-nop: NOP completions, single and batched, matched by user_data. */
#include "demos/demo.h"

const char demo_name[] = "ring-nop";

int main(void)
{
	struct capos_cqe c;
	int r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_NOP }, &c);
	CHECK(r == 0, "a single NOP completes with 0 (got %d)", r);

	enum { BATCH = 64 };
	for (uint32_t i = 0; i < BATCH; i++)
		{
			struct capos_sqe s = { .opcode = CAPOS_OP_NOP, .user_data = 1000 + i };
			if (rt_ring_submit(&s) != CAPOS_OK)
				break;
		}
	int64_t consumed = sys_cap_enter(BATCH, CAPOS_TIMEOUT_NEVER);
	CHECK(consumed == BATCH, "one cap_enter consumes a batch of %d NOPs (consumed %lld)", BATCH, (long long)consumed);
	uint32_t seen = 0;
	for (uint32_t i = BATCH; i-- > 0;)
		seen += rt_ring_wait(1000 + i, &c) && c.result == 0;
	CHECK(seen == BATCH, "all %d completions arrive, matched by user_data in reverse order (%u)", BATCH, seen);

	int64_t none = sys_cap_enter(0, 0);
	CHECK(none == 0, "cap_enter with nothing submitted consumes nothing (%lld)", (long long)none);
	int64_t bad = sys_cap_enter(CAPOS_RING_CQ_ENTRIES + 1, 0);
	CHECK(bad == CAPOS_E_BAD_ARGUMENT, "min_complete beyond the CQ is refused (%lld)", (long long)bad);
	int64_t t = sys_cap_enter(1, 20 * 1000 * 1000);
	CHECK(t == 0, "waiting 20 ms for a completion that never comes times out (%lld)", (long long)t);
	return demo_finish();
}
