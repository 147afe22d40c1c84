/* ring-flood: keeps its ring full of NOPs forever (for ring-fairness). */
#include "rt/capos.h"

int main(void)
{
	for (;;) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
		while (rt_ring_submit(&nop) == CAPOS_OK)
			;
		sys_cap_enter(0, 0);
		rt_ring_drain(); /* discard the completions */
	}
}
