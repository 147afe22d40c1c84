/* Submission decoding and completion posting.
 *
 * lib/ring_queue takes each SQE out of shared memory (a copy: nothing is
 * read twice) only when the CQ has room for its completion, so every
 * submission gets exactly one completion. A CALL is checked completely
 * before any object code runs (decode, then invoke), in one fixed order:
 * the CapId, the interface it must implement, the method, the rights the
 * method needs (from the table generated from the schema), the results
 * buffer (writable, and large enough for fixed-size results), then the
 * params message, validated within a traversal budget proportional to its
 * size. */
#include "kernel/ring.h"

#include "include/capos/syscall.h"

#include "capos/capos.capnp.h"
#include "kernel/ipc.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "kernel/timer.h"
#include "lib/mem.h"
#include "lib/ring_sqe.h"

/* An empty message: one segment whose root pointer is null, so every field
 * reads as its default. Used for CALLs with params_len 0. */
static const uint64_t empty_message[2] = { 0x0000000100000000ull, 0 };

/* Params and fixed-size results up to this size live on the kernel stack. */
#define SMALL_BYTES 256u

void ring_init(struct ring_state *r, struct capos_ring *shared)
{
	*r = (struct ring_state){ 0 };
	ring_queue_init(&r->q, shared);
}

/* Completes a pending operation of p and wakes p's thread blocked in
 * cap_enter once enough completions wait (to run next, or in turn). */
static void complete_later(struct process *p, uint64_t user_data, int32_t result, uint32_t cap, bool next)
{
	if (p->state != PROCESS_ALIVE || !p->ring.q.shared)
		return;
	struct ring_state *r = &p->ring;
	ring_queue_complete(&r->q, user_data, result, cap);
	if (r->waiter && ring_queue_unread(&r->q) >= r->waiting_for)
		(next ? sched_wake_next : sched_wake)(r->waiter);
}

void ring_complete_later(struct process *p, uint64_t user_data, int32_t result, uint32_t cap)
{
	complete_later(p, user_data, result, cap, false);
}

void ring_complete_handoff(struct process *p, uint64_t user_data, int32_t result, uint32_t cap)
{
	complete_later(p, user_data, result, cap, true);
}

/* The capability, interface, method and rights checks, in that order.
 * Returns CAPOS_OK with the slot, the method's table entry, and whether
 * the capability is an endpoint's client facet (the method is the served
 * interface's, and the call goes to a server). */
static int check_capability(struct process *p, const struct capos_sqe *sqe, struct cap_slot **slot,
                            const struct capnp_method **m, bool *forward)
{
	int err = cap_table_lookup(&p->caps, sqe->cap, sqe->interface_id, 0, slot);
	if (err)
		return cap_error(err);
	const struct kobject_ops *ops = ((struct kobject *)(*slot)->object)->ops;
	const struct capnp_interface *iface = ops->iface;
	*forward = iface->id != sqe->interface_id;
	if (*forward) {
		KASSERT(ops->served, "only endpoints have slots of another interface");
		iface = ops->served((*slot)->object);
	}
	*m = capnp_interface_method(iface, sqe->method);
	if (!*m)
		return CAPOS_E_NO_SUCH_METHOD;
	if (((*slot)->rights & (*m)->needs) != (*m)->needs)
		return CAPOS_E_PERMISSION_DENIED;
	return CAPOS_OK;
}

/* Copies the params into the kernel (into small when they fit) and
 * validates them within a budget proportional to their size, charging the
 * words walked to *work. Returns CAPOS_OK with *params to free (or NULL). */
static int fetch_params(struct process *p, const struct capos_sqe *sqe, uint64_t *small, struct capnp_msg *msg,
                        void **params, uint32_t *work)
{
	*params = 0;
	const void *bytes = empty_message;
	size_t len = sizeof(empty_message);
	if (sqe->params_len) {
		void *copy = sqe->params_len <= SMALL_BYTES ? small : (*params = kmalloc(sqe->params_len));
		if (!copy)
			return CAPOS_E_NO_MEMORY;
		if (!user_copy_in(copy, sqe->buf, sqe->params_len)) {
			kfree(*params);
			*params = 0;
			return CAPOS_E_FAULT;
		}
		bytes = copy;
		len = sqe->params_len;
	}
	struct capnp_limits limits = capnp_limits_for_size(len, CAPNP_TRAVERSAL_FACTOR);
	int err = capnp_msg_init(msg, bytes, len, &limits);
	struct capnp_walk_stats walked = { 0, 0 };
	if (err == CAPNP_OK)
		err = capnp_walk(capnp_msg_root(msg), &walked);
	*work += RING_CALL_WORK + (uint32_t)(walked.steps + len / 8);
	return err == CAPNP_OK ? CAPOS_OK : CAPOS_E_BAD_MESSAGE;
}

/* CALL: decode, invoke, complete. Returns the completion result, or
 * CALL_PENDING when the object will complete it later. */
static int do_call(struct process *p, const struct capos_sqe *sqe, uint32_t *new_cap, uint32_t *work)
{
	struct cap_slot *slot;
	const struct capnp_method *m = 0;
	bool forward = false;
	int r = check_capability(p, sqe, &slot, &m, &forward);
	if (r)
		return r;
	if (forward)
		return ipc_call(p, sqe, slot, m);
	if (sqe->flags & CAPOS_SQE_TRANSFER)
		return CAPOS_E_NOT_SUPPORTED; /* kernel objects take capabilities in their params */
	if (m->results_bytes && sqe->buf_cap < m->results_bytes)
		return CAPOS_E_TOO_BIG;
	/* Results are written after the object acted, so the whole results
	 * buffer must be known writable before it does. Params are read
	 * directly (user_copy_in): one that faults is refused before anything
	 * happened. */
	if (sqe->buf_cap && !aspace_accessible(&p->as, sqe->buf, sqe->buf_cap, true))
		return CAPOS_E_FAULT;
	uint64_t small_params[SMALL_BYTES / 8], small_results[SMALL_BYTES / 8];
	struct capnp_msg msg;
	void *params;
	r = fetch_params(p, sqe, small_params, &msg, &params, work);
	uint32_t arena_bytes = m->results_bytes ? m->results_bytes
	                       : sqe->buf_cap < CALL_RESULTS_ARENA ? sqe->buf_cap & ~7u : CALL_RESULTS_ARENA;
	void *arena = small_results;
	if (!r && arena_bytes > SMALL_BYTES && !(arena = kmalloc(arena_bytes)))
		r = CAPOS_E_NO_MEMORY;
	if (r) {
		kfree(params);
		return r;
	}
	struct capnp_builder results;
	capnp_builder_init(&results, arena, arena_bytes);
	struct call c = {
		.base = { sqe->method, &msg, &results },
		.caller = p, .slot = slot,
		.user_data = sqe->user_data, .buf = sqe->buf, .buf_cap = sqe->buf_cap,
	};
	struct kobject *obj = slot->object;
	r = obj->ops->call(obj, &c);
	if (r == CAPOS_OK) {
		size_t out = capnp_builder_finish(&results);
		if (capnp_builder_error(&results) != CAPNP_OK || out > sqe->buf_cap) {
			KASSERT(!m->results_bytes, "fixed-size results fit the size checked before the call");
			r = CAPOS_E_TOO_BIG;
		} else {
			bool written = user_copy_out(sqe->buf, arena, out);
			KASSERT(written, "the results buffer was checked writable");
			r = (int)out;
			*new_cap = c.new_cap;
			*work += (uint32_t)(out / 8);
		}
	}
	if (arena != small_results)
		kfree(arena);
	kfree(params);
	return r;
}

static int do_release(struct process *p, const struct capos_sqe *sqe)
{
	struct cap_slot removed;
	int err = cap_table_release(&p->caps, sqe->cap, &removed);
	if (err)
		return cap_error(err);
	cap_drop(&removed);
	return CAPOS_OK;
}

/* RECV: the object decides (endpoints serve calls, notifications deliver
 * bits); objects that cannot be received on refuse it. */
static int do_recv(struct process *p, const struct capos_sqe *sqe, uint32_t *new_cap)
{
	struct cap_slot *slot;
	int err = cap_table_get(&p->caps, sqe->cap, &slot);
	if (err)
		return cap_error(err);
	struct kobject *o = slot->object;
	return o->ops->recv ? o->ops->recv(o, p, slot, sqe, new_cap) : CAPOS_E_NOT_SUPPORTED;
}

/* RETURN: only through a reply capability. */
static int do_return(struct process *p, const struct capos_sqe *sqe)
{
	struct cap_slot *slot;
	int err = cap_table_get(&p->caps, sqe->cap, &slot);
	if (err)
		return cap_error(err);
	return slot->interface_id == capos_Reply_ID ? ipc_return(p, sqe) : CAPOS_E_NOT_SUPPORTED;
}

/* Runs one submission taken from the SQ (it holds a CQ credit). */
static void submit(struct process *p, const struct capos_sqe *sqe, uint32_t *work)
{
	uint32_t new_cap = 0;
	int r = ring_sqe_check(sqe, USER_MIN, USER_MAX);
	if (r == CAPOS_OK) {
		switch (sqe->opcode) {
		case CAPOS_OP_NOP:
			break;
		case CAPOS_OP_CALL:
			r = do_call(p, sqe, &new_cap, work);
			break;
		case CAPOS_OP_RELEASE:
			r = do_release(p, sqe);
			break;
		case CAPOS_OP_RECV:
			r = do_recv(p, sqe, &new_cap);
			break;
		case CAPOS_OP_RETURN:
			r = do_return(p, sqe);
			break;
		}
	}
	if (r != CALL_PENDING)
		ring_queue_complete(&p->ring.q, sqe->user_data, r, new_cap);
}

/* Ticks until timeout_ns has passed, rounded up, at least one. */
static uint64_t deadline_after(uint64_t timeout_ns)
{
	if (timeout_ns == CAPOS_TIMEOUT_NEVER)
		return DEADLINE_NONE;
	uint64_t tick_ns = 1000000000ull / timer_hz;
	uint64_t ticks = timeout_ns / tick_ns + 1;
	return ticks > UINT64_MAX - timer_ticks ? DEADLINE_NONE : timer_ticks + ticks;
}

/* Takes and runs submissions while there are some, the CQ has room for
 * their completions and this cap_enter's work budget lasts. */
static uint32_t consume(struct process *p)
{
	uint32_t consumed = 0, work = 0;
	struct capos_sqe sqe;
	while (work < RING_ENTER_WORK_WORDS && !p->doomed && ring_queue_take(&p->ring.q, &sqe)) {
		consumed++;
		submit(p, &sqe, &work);
		if (process_reap_pending())
			process_reap(); /* releasing a last handle kills at once */
	}
	return consumed;
}

int64_t ring_enter(struct process *p, uint32_t min_complete, uint64_t timeout_ns)
{
	struct ring_state *r = &p->ring;
	if (min_complete > CAPOS_RING_CQ_ENTRIES)
		return CAPOS_E_BAD_ARGUMENT;
	uint32_t avail;
	if (ring_queue_available(&r->q, &avail) != CAPOS_OK)
		return CAPOS_E_RING_CORRUPT;
	if (r->q.nbacklog)
		ring_queue_flush(&r->q);
	uint32_t consumed = consume(p);
	if (p->doomed)
		process_exit(p, CAPOS_EXIT_KILLED);
	if (min_complete && timeout_ns && ring_queue_unread(&r->q) < min_complete) {
		uint64_t deadline = deadline_after(timeout_ns);
		r->waiter = thread_current();
		r->waiting_for = min_complete;
		while (ring_queue_unread(&r->q) < min_complete && sched_block(deadline))
			;
		r->waiter = 0;
	}
	return consumed;
}
