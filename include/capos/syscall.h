/* System calls. There are few: everything else is a capability method
 * invoked through the ring. SYSCALL with the number in RAX, arguments in
 * RDI, RSI, RDX; the result comes back in RAX (RCX and R11 are clobbered). */
#ifndef CAPOS_SYSCALL_H
#define CAPOS_SYSCALL_H

#include <stdint.h>

enum capos_syscall {
	/* cap_enter(min_complete, timeout_ns): consumes pending submissions
	 * (at most one SQ's worth per call, so no process can monopolize the
	 * kernel), then blocks until at least min_complete completions are
	 * waiting in the CQ or timeout_ns nanoseconds pass. timeout_ns 0 never
	 * blocks; CAPOS_TIMEOUT_NEVER waits forever. Returns the number of SQEs
	 * consumed, or a negative CAPOS_E_* error (CAPOS_E_BAD_ARGUMENT for
	 * min_complete larger than the CQ). It also stops taking submissions
	 * while the CQ has no room for their completions, and once it has
	 * validated a bounded amount of params (RING_ENTER_WORK_WORDS in
	 * kernel/ring.h), so one call holds the CPU for a bounded time. */
	CAPOS_SYS_CAP_ENTER = 0,
	/* exit(code): ends the process; never returns. */
	CAPOS_SYS_EXIT = 1,
};

#define CAPOS_TIMEOUT_NEVER UINT64_MAX

/* Exit codes the kernel gives a process that did not exit by itself. */
#define CAPOS_EXIT_FAULT (-1)  /* killed for a fault in user mode */
#define CAPOS_EXIT_KILLED (-9) /* ProcessHandle.kill, its last handle released, or init's end */

#endif
