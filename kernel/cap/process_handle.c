/* ProcessHandle: wait for, kill and inspect one process. The object is the
 * struct process itself (kernel/process.c), which outlives the process for
 * as long as a handle to it exists. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/process.h"
#include "lib/mem.h"

#define KILLED_EXIT_CODE (-9)

static int process_handle_call(struct kobject *o, struct call *c)
{
	struct process *p = (struct process *)o;
	switch (c->method) {
	case capos_ProcessHandle_wait_ORDINAL:
		process_wait(p, c->caller, c->user_data, c->buf, c->buf_cap);
		return CALL_PENDING;
	case capos_ProcessHandle_kill_ORDINAL:
		if (p == c->caller)
			return CAPOS_E_BAD_ARGUMENT; /* a process ends itself with exit */
		process_exit(p, KILLED_EXIT_CODE);
		return CAPOS_OK;
	default: {
		capos_ProcessHandle_info_Results_builder r = capos_ProcessHandle_info_Results_init_root(c->results);
		capos_ProcessHandle_info_Results_set_pid(r, p->pid);
		capos_ProcessHandle_info_Results_set_name(r, p->name, strlen(p->name));
		capos_ProcessHandle_info_Results_set_exited(r, p->state == PROCESS_EXITED);
		capos_ProcessHandle_info_Results_set_exitCode(r, p->exit_code);
		return CAPOS_OK;
	}
	}
}

const struct kobject_ops process_handle_ops = {
	.name = "ProcessHandle",
	.interface_id = capos_ProcessHandle_ID,
	.method_count = capos_ProcessHandle_METHOD_COUNT,
	.call = process_handle_call,
	.destroy = process_free,
};
