/* ProcessHandle: wait for, kill and inspect one process. The object is the
 * struct process itself (kernel/process.c), which outlives the process for
 * as long as anything refers to it. Releasing the last handle to a live
 * process kills it (process.h, "Process lifetime"). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/process.h"
#include "kernel/ring.h"
#include "lib/mem.h"

static int handle_wait(void *self, struct capnp_call *call, capos_ProcessHandle_wait_Params params,
                       capos_ProcessHandle_wait_Results_builder results)
{
	(void)params;
	struct process *p = self;
	struct call *c = call_of(call);
	if (p == c->caller)
		return CAPOS_E_BAD_ARGUMENT; /* it would never complete */
	if (p->state == PROCESS_EXITED) {
		capos_ProcessHandle_wait_Results_set_exitCode(results, p->exit_code);
		return CAPOS_OK;
	}
	return process_wait_exit(p, c->caller, c->user_data, c->buf, c->buf_cap);
}

static int handle_kill(void *self, struct capnp_call *call, capos_ProcessHandle_kill_Params params,
                       capos_ProcessHandle_kill_Results_builder results)
{
	(void)params, (void)results;
	struct process *p = self;
	if (p == call_of(call)->caller)
		return CAPOS_E_BAD_ARGUMENT; /* a process ends itself with exit */
	process_exit(p, CAPOS_EXIT_KILLED);
	return CAPOS_OK;
}

static int handle_info(void *self, struct capnp_call *call, capos_ProcessHandle_info_Params params,
                       capos_ProcessHandle_info_Results_builder r)
{
	(void)call, (void)params;
	struct process *p = self;
	/* Results are bounded (a name of at most PROCESS_NAME_MAX bytes) and
	 * the method changes nothing, so a short buffer just fails TOO_BIG. */
	capos_ProcessHandle_info_Results_set_pid(r, p->pid);
	capos_ProcessHandle_info_Results_set_name(r, p->name, strlen(p->name));
	capos_ProcessHandle_info_Results_set_exited(r, p->state == PROCESS_EXITED);
	capos_ProcessHandle_info_Results_set_exitCode(r, p->exit_code);
	return CAPOS_OK;
}

static const struct capos_ProcessHandle_server server = {
	.wait = handle_wait,
	.kill = handle_kill,
	.info = handle_info,
};

static int process_handle_call(struct kobject *o, struct call *c)
{
	return capos_ProcessHandle_dispatch(&server, o, &c->base);
}

static void process_handle_last_cap(struct kobject *o) { process_doom((struct process *)o); }

const struct kobject_ops process_handle_ops = {
	.iface = &capos_ProcessHandle_interface,
	.call = process_handle_call,
	.last_cap = process_handle_last_cap,
	.destroy = process_free,
};

void process_handle_wait_done(struct process *waiter, uint64_t user_data, uint64_t buf, uint64_t buf_cap,
                              int64_t exit_code)
{
	uint64_t arena[4];
	struct capnp_builder b;
	capnp_builder_init(&b, arena, sizeof(arena));
	capos_ProcessHandle_wait_Results_set_exitCode(capos_ProcessHandle_wait_Results_init_root(&b), exit_code);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	int32_t result = (int32_t)len;
	/* The ring checked buf_cap against the fixed results size at submission. */
	if (len > buf_cap || !aspace_copy_out(&waiter->as, buf, arena, len))
		result = CAPOS_E_FAULT;
	ring_complete_later(waiter, user_data, result, 0);
}
