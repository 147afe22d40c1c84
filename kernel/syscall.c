/* The system calls: cap_enter and exit (include/capos/syscall.h). */
#include "kernel/syscall.h"

#include "include/capos/ring.h"
#include "include/capos/syscall.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/ring.h"

int64_t syscall_handle(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2)
{
	(void)a2;
	struct process *p = process_current();
	KASSERT(p, "system calls come from processes");
	switch (num) {
	case CAPOS_SYS_CAP_ENTER:
		if (a0 > UINT32_MAX)
			return CAPOS_E_BAD_ARGUMENT;
		return ring_enter(p, (uint32_t)a0, a1);
	case CAPOS_SYS_EXIT:
		process_exit(p, (int64_t)a0);
		panic("exit returned");
	default:
		return CAPOS_E_NOT_SUPPORTED;
	}
}
