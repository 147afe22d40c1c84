/* The IPC fast path (kernel/ipc.h). The common case, straight through:
 *   CALL   a small message, no capabilities, to an endpoint whose oldest
 *          RECV is posted and no call is queued before this one;
 *   RETURN a small answer, no capabilities, to a caller that is alive.
 * It skips the general path's queues, endpoint references, transfer
 * transactions and re-checks. Anything else — and every error — is left to
 * the general path (kernel/ipc.c), which then gives the same result: a
 * fast path that declines has changed nothing. */
#include "capos/capos.capnp.h"
#include "kernel/cap/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/ring.h"

#define HDR ((uint32_t)sizeof(struct capos_recv_header))

bool ipc_fast_enabled = true;

bool ipc_fast_call(struct process *client, const struct capos_sqe *sqe, struct cap_slot *slot,
                   const struct capnp_method *m)
{
	struct endpoint *ep = endpoint_of(slot->object);
	struct ipc_op *rv = ep->recvs;
	uint32_t len = sqe->params_len;
	if ((sqe->flags & CAPOS_SQE_TRANSFER) || !rv || ep->calls || len > IPC_SMALL || !client->ipc ||
	    (m->results_bytes && sqe->buf_cap < m->results_bytes) || HDR + len > rv->buf_cap ||
	    !ipc_still_checked(rv) || cap_table_full(&rv->owner->caps))
		return false;
	struct {
		struct capos_recv_header h;
		uint8_t params[IPC_SMALL];
	} msg;
	if ((sqe->buf_cap && !aspace_accessible(&client->as, sqe->buf, sqe->buf_cap, true)) ||
	    !user_copy_in(msg.params, sqe->buf, len))
		return false;
	/* Nothing can fail from here. */
	struct process *server = rv->owner;
	struct ipc_op *call = ipc_op_take(client);
	call->flags = 0;
	call->method = sqe->method;
	call->buf = sqe->buf;
	call->buf_cap = sqe->buf_cap;
	call->params_len = len;
	call->user_data = sqe->user_data;
	call->badge = slot->badge;
	call->interface_id = slot->interface_id;
	call->ep = 0;
	ipc_call_pending(client, call);
	ipc_reply_init(call);
	struct capos_recv_header *h = &msg.h;
	cap_grant_as(server, &call->reply, capos_Reply_ID, 0, 0, &h->reply);
	h->badge = call->badge;
	h->interface_id = call->interface_id;
	h->method = call->method;
	h->reserved = 0;
	h->params_len = len;
	h->caller_pid = client->pid;
	h->principal = client->principal;
	h->caps = (struct capos_transfer){ 0 };
	aspace_write_checked(&server->as, rv->buf, &msg, HDR + len);
	if (!(ep->recvs = rv->next))
		ep->recvs_tail = &ep->recvs;
	ipc_op_complete(rv, (int32_t)(HDR + len), h->reply);
	kobject_put(&ep->obj); /* the RECV's (the caller's slot holds another) */
	ipc_op_free(rv);
	return true;
}

bool ipc_fast_return(struct process *server, const struct capos_sqe *sqe, struct ipc_op *call, int *result)
{
	uint32_t len = sqe->params_len;
	uint8_t results[IPC_SMALL];
	if ((sqe->flags & CAPOS_SQE_TRANSFER) || sqe->interface_id || (call->flags & CAPOS_SQE_TRANSFER) ||
	    len > IPC_SMALL || len > call->buf_cap || !ipc_still_checked(call) ||
	    !user_copy_in(results, sqe->buf, len))
		return false;
	aspace_write_checked(&call->owner->as, call->buf, results, len);
	call->state = IPC_ANSWERED;
	ipc_op_complete(call, (int32_t)len, 0);
	ipc_reply_release(server, sqe->cap);
	*result = CAPOS_OK;
	return true;
}
