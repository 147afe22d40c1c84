/* unprivileged-stranger: granted nothing. Every attempt to use authority
 * fails cleanly, and the process still ends normally. It has no console, so
 * its exit code (the number of unexpected outcomes) is its only report. A
 * guessed id fails as "no such capability", or as "stale" when it names a
 * slot with another generation: the two cannot be told apart. */
#include "demos/demo.h"

const char demo_name[] = "unprivileged-stranger";

static bool refused(int r) { return r == CAPOS_E_BAD_CAP || r == CAPOS_E_STALE_CAP; }

int main(void)
{
	int bad = 0;
	bad += rt.capset->count != 0;
	bad += rt_capset_find("console", capos_Console_ID) != 0;
	/* Guessed CapIds: slot 0..3 with generations 1..3, and junk. */
	for (uint32_t gen = 1; gen <= 3; gen++)
		for (uint32_t slot = 0; slot < 4; slot++)
			bad += !refused(rt_call((gen << 16) | slot, capos_Console_ID, 0, 0, 0, 0, 0));
	bad += rt_call(0, capos_Console_ID, 0, 0, 0, 0, 0) != CAPOS_E_BAD_CAP;
	bad += !refused(rt_call(0xFFFFFFFFu, capos_Console_ID, 0, 0, 0, 0, 0));
	bad += !refused(rt_release(0x10000));
	struct capos_sqe recv = { .opcode = CAPOS_OP_RECV, .cap = 0x10001 };
	bad += !refused(demo_submit_wait(recv, 0));
	bad += demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_NOP }, 0) != 0;
	return bad;
}
