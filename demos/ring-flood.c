/* ring-flood: keeps its ring full of NOPs forever (for ring-fairness). */
#include "rt/capos.h"

int main(void)
{
	struct capos_ring *r = rt.ring;
	for (;;) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
		while (rt_ring_submit(&nop))
			;
		sys_cap_enter(0, 0);
		r->cq_head = r->cq_tail; /* discard the completions */
	}
}
