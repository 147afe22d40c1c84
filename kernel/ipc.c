/* IPC, the general path: moving calls and answers between processes
 * (kernel/ipc.h; the ABI in include/capos/ring.h; docs/ipc.md).
 *
 * A CALL is checked completely (sizes, buffers, the capabilities it
 * sends, the endpoint open, room in its queue) before anything changes;
 * then it is delivered to a posted RECV at once, or queued. Delivery checks
 * the server's side (buffer size and access, free slots for the reply and
 * the capabilities) before it copies anything, so a delivery that cannot
 * happen changes nothing either: the call fails (its own fault: too big,
 * unreadable) or the RECV does (the server's: no free slot). A RETURN is
 * checked the same way before it answers. Records come from per-process
 * pools, so the path never allocates. Completions that wake a waiting
 * thread put it first in line (direct handoff). */
#include "kernel/ipc.h"

#include "capos/capos.capnp.h"
#include "kernel/cap/endpoint.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/ring.h"
#include "lib/mem.h"

#define HDR ((uint32_t)sizeof(struct capos_recv_header))
#define XFER ((uint32_t)sizeof(struct capos_transfer))
#define SMALL_PARAMS IPC_SMALL

/* ---- the kernel's transfer hooks: object references and facet counts */

static void hook_hold(void *ctx, void *o) { (void)ctx, kobject_get(o); }
static void hook_unhold(void *ctx, void *o) { (void)ctx, kobject_put(o); }

static void hook_added(void *ctx, const struct cap_slot *s)
{
	(void)ctx;
	struct kobject *o = s->object;
	kobject_get(o);
	o->caps++;
	if (o->ops->facet)
		o->ops->facet(o, s->interface_id, +1);
}

static void hook_removed(void *ctx, const struct cap_slot *s)
{
	(void)ctx;
	cap_drop((struct cap_slot *)s);
}

const struct cap_transfer_hooks ipc_transfer_hooks = { hook_hold, hook_unhold, hook_added, hook_removed };

/* aspace_accessible, where an empty range is always fine (a message of
 * no bytes may name any address). */
static bool user_ok(const struct aspace *as, uint64_t va, size_t len, bool write)
{
	return !len || aspace_accessible(as, va, len, write);
}

/* ---- records */

/* p's pool, made (and charged to p) on its first IPC operation. */
static struct ipc_pool *pool_of(struct process *p, int *err)
{
	if (p->ipc)
		return p->ipc;
	struct ipc_pool *pool = kmem_zalloc(p->kmem, sizeof(*pool), err);
	if (!pool)
		return 0;
	for (uint32_t i = 0; i < CAPOS_RING_CQ_ENTRIES; i++) {
		pool->ops[i].next = pool->free;
		pool->free = &pool->ops[i];
	}
	return p->ipc = pool;
}

void ipc_pool_free(struct process *p)
{
	if (p->ipc)
		kmem_free(p->kmem, p->ipc, sizeof(*p->ipc));
	p->ipc = 0;
}

/* A record of p's (whose pool exists) for an operation of p; the caller
 * sets the rest. */
struct ipc_op *ipc_op_take(struct process *p)
{
	struct ipc_pool *pool = p->ipc;
	struct ipc_op *op = pool->free;
	KASSERT(op, "each IPC record holds a CQ credit, so the pool has one per credit");
	pool->free = op->next;
	op->pool_owner = op->owner = p;
	op->tx.n = 0;
	op->checked_at = p->as.shrinks;
	return op;
}

/* Whether op's buffer still passes the check made when it was submitted:
 * nothing of its owner's address space went or lost rights since. */
bool ipc_still_checked(const struct ipc_op *op) { return op->checked_at == op->owner->as.shrinks; }

void ipc_op_free(struct ipc_op *op)
{
	struct ipc_pool *pool = op->pool_owner->ipc;
	op->state = IPC_FREE;
	op->next = pool->free;
	pool->free = op;
}

/* Completes op's submission for its owner (if alive) and frees nothing. */
void ipc_op_complete(struct ipc_op *op, int32_t result, uint32_t cap)
{
	process_pending_remove(&op->pend);
	if (op->owner)
		ring_complete_handoff(op->owner, op->user_data, result, cap);
}

/* ---- endpoint queues */

static void queue_push(struct ipc_op ***tail, struct ipc_op *op)
{
	op->next = 0;
	**tail = op;
	*tail = &op->next;
}

static struct ipc_op *queue_pop(struct ipc_op **head, struct ipc_op ***tail)
{
	struct ipc_op *op = *head;
	if (op && !(*head = op->next))
		*tail = head;
	return op;
}

static void queue_push_front(struct ipc_op **head, struct ipc_op ***tail, struct ipc_op *op)
{
	if (!(op->next = *head))
		*tail = &op->next;
	*head = op;
}

static void queue_unlink(struct ipc_op **head, struct ipc_op ***tail, struct ipc_op *op)
{
	struct ipc_op **pp = head, *prev = 0;
	while (*pp != op)
		prev = *pp, pp = &(*pp)->next;
	*pp = op->next;
	if (*tail == &op->next)
		*tail = prev ? &prev->next : head;
}

/* Ends a CALL that never reached a server: completes it with result, rolls
 * its transfer back, drops its endpoint reference, frees the record. */
static void call_fail(struct ipc_op *call, int32_t result)
{
	ipc_op_complete(call, result, 0);
	cap_transfer_abort(&call->owner->caps, &call->tx, &ipc_transfer_hooks, 0);
	kobject_put(&call->ep->obj);
	ipc_op_free(call);
}

/* ---- the Reply object: a delivered call's record */

static struct ipc_op *op_of_reply(struct kobject *o) { return (struct ipc_op *)o; }

/* The reply capability went without a RETURN (released, or its holder
 * died): the caller learns the server is gone. */
static void reply_last_cap(struct kobject *o)
{
	struct ipc_op *call = op_of_reply(o);
	if (call->state == IPC_DELIVERED) {
		call->state = IPC_ANSWERED;
		ipc_op_complete(call, CAPOS_E_DISCONNECTED, 0);
	}
}

static void reply_destroy(struct kobject *o)
{
	struct ipc_op *call = op_of_reply(o);
	struct process *p = call->pool_owner;
	ipc_op_free(call);
	kobject_put(&p->obj); /* may free p, and its pool with it */
}

static const struct kobject_ops reply_ops = {
	.iface = &capos_Reply_interface,
	.last_cap = reply_last_cap,
	.destroy = reply_destroy,
};

/* Makes the delivered call's record its Reply object (no references yet:
 * the server's slot will hold the first); the record lives in its
 * caller's pool, so the caller's struct stays until the reply goes. */
void ipc_reply_init(struct ipc_op *call)
{
	call->reply = (struct kobject){ &reply_ops, 0, 0 };
	call->state = IPC_DELIVERED;
	kobject_get(&call->pool_owner->obj);
}

/* Takes the used reply out of the server's table (its record goes with
 * the last reference). */
void ipc_reply_release(struct process *server, cap_id reply)
{
	struct cap_slot removed;
	cap_table_release(&server->caps, reply, &removed);
	cap_drop(&removed);
}

/* ---- cancellation when a process exits with operations pending */

static void call_cancel(struct pending_op *pend);

void ipc_call_pending(struct process *p, struct ipc_op *call)
{
	call->pend.cancel = call_cancel;
	process_pending_add(p, &call->pend);
}

static void call_cancel(struct pending_op *pend)
{
	struct ipc_op *call = (struct ipc_op *)((char *)pend - __builtin_offsetof(struct ipc_op, pend));
	process_pending_remove(pend);
	if (call->state == IPC_QUEUED) {
		struct endpoint *ep = call->ep;
		queue_unlink(&ep->calls, &ep->calls_tail, call);
		ep->queued--;
		call->owner = 0; /* no completion */
		cap_transfer_abort(&call->pool_owner->caps, &call->tx, &ipc_transfer_hooks, 0);
		kobject_put(&ep->obj);
		ipc_op_free(call);
	} else {
		call->owner = 0; /* delivered: the record waits for its reply capability */
	}
}

static void recv_cancel(struct pending_op *pend)
{
	struct ipc_op *rv = (struct ipc_op *)((char *)pend - __builtin_offsetof(struct ipc_op, pend));
	process_pending_remove(pend);
	queue_unlink(&rv->ep->recvs, &rv->ep->recvs_tail, rv);
	kobject_put(&rv->ep->obj);
	ipc_op_free(rv);
}

/* ---- delivery */

enum deliver_outcome { DELIVERED, CALL_FAILED, RECV_FAILED };

/* Hands call to the posted RECV rv: the params into rv's buffer after the
 * header, the capabilities and a new reply capability into the server's
 * table. Checks everything first; on CALL_FAILED the call was completed
 * with its error and freed (rv is untouched), on RECV_FAILED rv was
 * completed with its error and freed (the call is untouched). */
static enum deliver_outcome deliver(struct ipc_op *call, struct ipc_op *rv)
{
	struct process *server = rv->owner, *client = call->owner;
	uint32_t bytes = HDR + call->params_len;
	if (bytes > rv->buf_cap) {
		call_fail(call, CAPOS_E_TOO_BIG);
		return CALL_FAILED;
	}
	/* Small params come through the kernel stack: read directly when the
	 * caller is the current process (the usual case: its own CALL found
	 * the RECV), through its page tables otherwise. */
	struct {
		struct capos_recv_header h;
		uint8_t params[SMALL_PARAMS];
	} m;
	bool small = call->params_len <= SMALL_PARAMS, direct = small && client == process_current();
	if (direct ? !user_copy_in(m.params, call->buf, call->params_len)
	           : !ipc_still_checked(call) && !user_ok(&client->as, call->buf, call->params_len, false)) {
		call_fail(call, CAPOS_E_FAULT);
		return CALL_FAILED;
	}
	int err = cap_table_free(&server->caps) < call->tx.n + 1                          ? CAPOS_E_TABLE_FULL
	          : !ipc_still_checked(rv) && !user_ok(&server->as, rv->buf, rv->buf_cap, true) ? CAPOS_E_FAULT
	                                                                                    : CAPOS_OK;
	if (err) {
		ipc_op_complete(rv, err, 0);
		kobject_put(&rv->ep->obj);
		ipc_op_free(rv);
		return RECV_FAILED;
	}
	struct capos_recv_header *h = &m.h; /* every field set: nothing of the stack leaks */
	h->badge = call->badge;
	h->interface_id = call->interface_id;
	h->method = call->method;
	h->reserved = 0;
	h->params_len = call->params_len;
	h->caller_pid = client->pid;
	h->principal = client->principal;
	cap_transfer_commit(&client->caps, &server->caps, &call->tx, &h->caps, &ipc_transfer_hooks, 0);
	ipc_reply_init(call);
	cap_grant_as(server, &call->reply, capos_Reply_ID, 0, 0, &h->reply);
	if (small) { /* header and params in one write */
		if (!direct)
			aspace_read_checked(&client->as, m.params, call->buf, call->params_len);
		aspace_write_checked(&server->as, rv->buf, &m, bytes);
	} else {
		aspace_write_checked(&server->as, rv->buf, h, HDR);
		aspace_copy_between_checked(&server->as, rv->buf + HDR, &client->as, call->buf, call->params_len);
	}
	kobject_put(&call->ep->obj);
	call->ep = 0;
	ipc_op_complete(rv, (int32_t)bytes, h->reply);
	kobject_put(&rv->ep->obj);
	ipc_op_free(rv);
	return DELIVERED;
}

/* Delivers queued calls to posted RECVs while there are both; whichever
 * side of a failed delivery is still good goes back to the front. */
static void match(struct endpoint *ep)
{
	kobject_get(&ep->obj); /* a failed call may drop the last other reference */
	while (ep->calls && ep->recvs) {
		struct ipc_op *call = queue_pop(&ep->calls, &ep->calls_tail);
		struct ipc_op *rv = queue_pop(&ep->recvs, &ep->recvs_tail);
		ep->queued--;
		switch (deliver(call, rv)) {
		case DELIVERED:
			break;
		case CALL_FAILED:
			queue_push_front(&ep->recvs, &ep->recvs_tail, rv);
			break;
		case RECV_FAILED:
			queue_push_front(&ep->calls, &ep->calls_tail, call);
			ep->queued++;
			break;
		}
	}
	kobject_put(&ep->obj);
}

/* ---- the operations */

/* Reads and prepares the transfer block at the start of buf, in the
 * current process p. */
static int prepare_transfer(struct process *p, uint64_t buf, struct cap_transfer *tx)
{
	struct capos_transfer block;
	if (!user_copy_in(&block, buf, XFER))
		return CAPOS_E_FAULT;
	for (uint32_t i = 0; i < block.count && i < CAPOS_TRANSFER_MAX; i++)
		if (block.caps[i].interface_id == capos_Reply_ID)
			return CAPOS_E_BAD_ARGUMENT; /* a reply is answered, not passed on */
	return cap_transfer_prepare(&p->caps, &block, tx, &ipc_transfer_hooks, 0);
}

int ipc_call(struct process *p, const struct capos_sqe *sqe, struct cap_slot *slot, const struct capnp_method *m)
{
	if (ipc_fast_enabled && ipc_fast_call(p, sqe, slot, m))
		return CALL_PENDING;
	struct endpoint *ep = endpoint_of(slot->object);
	uint32_t off = (sqe->flags & CAPOS_SQE_TRANSFER) ? XFER : 0;
	if (m->results_bytes && sqe->buf_cap - off < m->results_bytes)
		return CAPOS_E_TOO_BIG;
	if (!user_ok(&p->as, sqe->buf, sqe->buf_cap, true) ||
	    (sqe->params_len > sqe->buf_cap &&
	     !user_ok(&p->as, sqe->buf + sqe->buf_cap, sqe->params_len - sqe->buf_cap, false)))
		return CAPOS_E_FAULT;
	if (ep->closed)
		return CAPOS_E_DISCONNECTED;
	if (!ep->recvs && ep->queued >= ep->queue_limit)
		return CAPOS_E_QUEUE_FULL;
	int err;
	struct ipc_pool *pool = pool_of(p, &err);
	if (!pool)
		return err;
	struct ipc_op *call = ipc_op_take(p);
	if (off && (err = prepare_transfer(p, sqe->buf, &call->tx))) {
		ipc_op_free(call);
		return err;
	}
	call->state = IPC_QUEUED;
	call->flags = sqe->flags;
	call->method = sqe->method;
	call->buf = sqe->buf + off;
	call->buf_cap = sqe->buf_cap - off;
	call->params_len = sqe->params_len - off;
	call->user_data = sqe->user_data;
	call->badge = slot->badge;
	call->interface_id = slot->interface_id;
	call->ep = ep;
	kobject_get(&ep->obj);
	ipc_call_pending(p, call);
	queue_push(&ep->calls_tail, call);
	ep->queued++;
	match(ep);
	return CALL_PENDING;
}

int ipc_recv(struct endpoint *ep, struct process *p, const struct cap_slot *slot, const struct capos_sqe *sqe,
             cap_id *new_cap)
{
	(void)new_cap;
	if (slot->interface_id != capos_Endpoint_ID || !(slot->rights & capos_Endpoint_rightServe))
		return CAPOS_E_PERMISSION_DENIED; /* a client facet, or a serve capability without the right */
	if (sqe->buf_cap < HDR)
		return CAPOS_E_TOO_BIG;
	if (!user_ok(&p->as, sqe->buf, sqe->buf_cap, true))
		return CAPOS_E_FAULT;
	int err;
	struct ipc_pool *pool = pool_of(p, &err);
	if (!pool)
		return err;
	struct ipc_op *rv = ipc_op_take(p);
	rv->state = IPC_POSTED;
	rv->buf = sqe->buf;
	rv->buf_cap = sqe->buf_cap;
	rv->user_data = sqe->user_data;
	rv->ep = ep;
	kobject_get(&ep->obj);
	rv->pend.cancel = recv_cancel;
	process_pending_add(p, &rv->pend);
	queue_push(&ep->recvs_tail, rv);
	match(ep);
	return CALL_PENDING;
}

void ipc_close(struct endpoint *ep)
{
	kobject_get(&ep->obj); /* the last operation's reference may be its last */
	while (ep->calls) {
		struct ipc_op *call = queue_pop(&ep->calls, &ep->calls_tail);
		ep->queued--;
		call_fail(call, CAPOS_E_DISCONNECTED);
	}
	while (ep->recvs) {
		struct ipc_op *rv = queue_pop(&ep->recvs, &ep->recvs_tail);
		ipc_op_complete(rv, CAPOS_E_CANCELLED, 0);
		kobject_put(&ep->obj);
		ipc_op_free(rv);
	}
	kobject_put(&ep->obj);
}

/* Checks a RETURN's answer and, if the caller can take it, writes it into
 * the caller's buffer and moves the capabilities. Returns the caller's
 * completion result, or (negative, with *own set) an error of the RETURN
 * itself, with nothing changed. */
static int answer(struct process *server, const struct capos_sqe *sqe, struct ipc_op *call, bool *own)
{
	struct process *client = call->owner;
	uint32_t off = (sqe->flags & CAPOS_SQE_TRANSFER) ? XFER : 0, len = sqe->params_len - off;
	int64_t exception = (int64_t)sqe->interface_id;
	*own = true;
	if (exception > 0 || exception < INT32_MIN || (exception && sqe->params_len))
		return CAPOS_E_BAD_ARGUMENT;
	if (exception) {
		*own = false;
		return (int)exception;
	}
	if (off && !(call->flags & CAPOS_SQE_TRANSFER))
		return CAPOS_E_BAD_ARGUMENT; /* the caller has no block to receive capabilities in */
	if (len > call->buf_cap)
		return CAPOS_E_TOO_BIG;
	uint8_t results[SMALL_PARAMS]; /* small results pass through the stack, read directly */
	bool small = len <= SMALL_PARAMS;
	if (small ? !user_copy_in(results, sqe->buf + off, len) : !user_ok(&server->as, sqe->buf, sqe->params_len, false))
		return CAPOS_E_FAULT;
	struct cap_transfer tx;
	tx.n = 0;
	int err = off ? prepare_transfer(server, sqe->buf, &tx) : CAPOS_OK;
	if (err)
		return err;
	if (cap_table_free(&client->caps) < tx.n) {
		cap_transfer_abort(&server->caps, &tx, &ipc_transfer_hooks, 0);
		return CAPOS_E_TABLE_FULL;
	}
	*own = false;
	uint32_t coff = (call->flags & CAPOS_SQE_TRANSFER) ? XFER : 0;
	if (!ipc_still_checked(call) && !user_ok(&client->as, call->buf - coff, coff + len, true)) {
		cap_transfer_abort(&server->caps, &tx, &ipc_transfer_hooks, 0);
		return CAPOS_E_FAULT; /* the caller's buffer went: its CALL fails */
	}
	if (small)
		aspace_write_checked(&client->as, call->buf, results, len);
	else
		aspace_copy_between_checked(&client->as, call->buf, &server->as, sqe->buf + off, len);
	if (coff) {
		struct capos_transfer got;
		cap_transfer_commit(&server->caps, &client->caps, &tx, &got, &ipc_transfer_hooks, 0);
		aspace_write_checked(&client->as, call->buf - coff, &got, XFER);
	}
	return (int)len;
}

int ipc_return(struct process *p, const struct capos_sqe *sqe)
{
	struct cap_slot *slot;
	cap_table_get(&p->caps, sqe->cap, &slot); /* the ring resolved it */
	struct ipc_op *call = op_of_reply(slot->object);
	int r = CAPOS_E_DISCONNECTED; /* the caller is gone */
	if (ipc_fast_enabled && call->owner && ipc_fast_return(p, sqe, call, &r))
		return r;
	if (call->owner) {
		bool mine;
		int result = answer(p, sqe, call, &mine);
		if (mine)
			return result; /* the RETURN was wrong: nothing changed, the reply still works */
		call->state = IPC_ANSWERED;
		ipc_op_complete(call, result, 0);
		r = CAPOS_OK;
	}
	ipc_reply_release(p, sqe->cap);
	return r;
}
