/* IPC general path (kernel/ipc.h). */
#include "kernel/ipc.h"

#include "kernel/process.h"

int ipc_return(struct process *p, const struct capos_sqe *sqe)
{
	(void)p, (void)sqe;
	return CAPOS_E_NOT_SUPPORTED; /* replaced by the endpoint work in progress */
}
