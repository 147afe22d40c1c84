/* Submission decoding and completion posting.
 *
 * Every SQE is copied out of the shared page before any field is looked at;
 * the kernel keeps its own sq_head and cq_tail and never reads them back.
 * A CALL is checked completely — capability, method, lengths, buffer
 * mapping, params message — before the object sees it (decode, then
 * invoke). */
#include "kernel/ring.h"

#include "include/capos/syscall.h"

#include "capos/capos.capnp.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "kernel/timer.h"
#include "lib/mem.h"
#include "lib/ring_sqe.h"

#define SQ_MASK (CAPOS_RING_SQ_ENTRIES - 1)
#define CQ_MASK (CAPOS_RING_CQ_ENTRIES - 1)

/* An empty message: one segment whose root pointer is null, so every field
 * reads as its default. Used for CALLs with params_len 0. */
static const uint64_t empty_message[2] = { 0x0000000100000000ull, 0 };

void ring_init(struct ring_state *r, struct capos_ring *shared)
{
	*r = (struct ring_state){ .shared = shared };
	shared->magic = CAPOS_RING_MAGIC;
	shared->version = CAPOS_RING_VERSION;
	shared->sq_entries = CAPOS_RING_SQ_ENTRIES;
	shared->cq_entries = CAPOS_RING_CQ_ENTRIES;
}

/* Completions waiting in the CQ. A cq_head the process wrote more than a
 * queue behind (or ahead of) cq_tail counts as a full queue. */
static uint32_t cq_pending(const struct ring_state *r)
{
	uint32_t head = __atomic_load_n(&r->shared->cq_head, __ATOMIC_RELAXED);
	uint32_t pending = r->cq_tail - head;
	return pending > CAPOS_RING_CQ_ENTRIES ? CAPOS_RING_CQ_ENTRIES : pending;
}

static void post(struct process *p, uint64_t user_data, int32_t result, uint32_t cap)
{
	struct ring_state *r = &p->ring;
	if (!r->shared)
		return;
	if (cq_pending(r) >= CAPOS_RING_CQ_ENTRIES) {
		r->shared->cq_overflow++;
		return;
	}
	struct capos_cqe *e = &r->shared->cq[r->cq_tail & CQ_MASK];
	e->user_data = user_data;
	e->result = result;
	e->cap = cap;
	r->cq_tail++;
	__atomic_store_n(&r->shared->cq_tail, r->cq_tail, __ATOMIC_RELEASE);
	if (r->waiter && cq_pending(r) >= r->waiting_for)
		sched_wake(r->waiter);
}

void ring_complete_later(struct process *p, uint64_t user_data, int32_t result, uint32_t cap)
{
	if (p->state == PROCESS_ALIVE)
		post(p, user_data, result, cap);
}

void ring_complete_exit_wait(struct process *waiter, uint64_t user_data, uint64_t buf, uint64_t buf_cap,
                             int64_t exit_code)
{
	uint64_t arena[8];
	struct capnp_builder b;
	capnp_builder_init(&b, arena, sizeof(arena));
	capos_ProcessHandle_wait_Results_builder res = capos_ProcessHandle_wait_Results_init_root(&b);
	capos_ProcessHandle_wait_Results_set_exitCode(res, exit_code);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	int32_t result = (int32_t)len;
	if (len > buf_cap)
		result = CAPOS_E_TOO_BIG;
	else if (!aspace_copy_out(&waiter->as, buf, arena, len))
		result = CAPOS_E_FAULT;
	ring_complete_later(waiter, user_data, result, 0);
}

static int lookup_error(int err)
{
	return err == CAP_ERR_STALE ? CAPOS_E_STALE_CAP : CAPOS_E_BAD_CAP;
}

/* Checks the buffer is mapped and copies the params in (ring_sqe_check
 * already checked lengths and range); returns a CAPOS_E_* error or CAPOS_OK
 * with *params (kmalloc'd, or NULL for the empty message). */
static int fetch_params(struct process *p, const struct capos_sqe *sqe, void **params)
{
	*params = 0;
	/* Results are written after the object acted, so the whole results
	 * buffer must be writable before it does. */
	if (sqe->buf_cap && !aspace_accessible(&p->as, sqe->buf, sqe->buf_cap, true))
		return CAPOS_E_FAULT;
	if (!sqe->params_len)
		return CAPOS_OK;
	*params = kmalloc(sqe->params_len);
	if (!*params)
		return CAPOS_E_NO_MEMORY;
	if (!aspace_copy_in(&p->as, *params, sqe->buf, sqe->params_len)) {
		kfree(*params);
		*params = 0;
		return CAPOS_E_FAULT;
	}
	return CAPOS_OK;
}

/* CALL: decode, invoke, complete. Returns the completion result, or
 * CALL_PENDING when the object will complete it later. */
static int do_call(struct process *p, const struct capos_sqe *sqe, uint32_t *new_cap)
{
	struct cap_slot *slot;
	int err = cap_table_lookup(&p->caps, sqe->cap, 0, 0, &slot);
	if (err)
		return lookup_error(err);
	struct kobject *obj = slot->object;
	if (sqe->method >= obj->ops->method_count)
		return CAPOS_E_NO_SUCH_METHOD;
	void *params;
	err = fetch_params(p, sqe, &params);
	if (err)
		return err;
	struct capnp_msg msg;
	struct capnp_limits limits = { CAPNP_DEFAULT_TRAVERSAL_WORDS, CAPNP_DEFAULT_NESTING };
	const void *bytes = params ? params : (const void *)empty_message;
	size_t len = params ? sqe->params_len : sizeof(empty_message);
	if (capnp_msg_init(&msg, bytes, len, &limits) != CAPNP_OK || capnp_msg_validate(&msg) != CAPNP_OK) {
		kfree(params);
		return CAPOS_E_BAD_MESSAGE;
	}
	uint32_t arena_bytes = sqe->buf_cap < CALL_RESULTS_ARENA ? sqe->buf_cap & ~7u : CALL_RESULTS_ARENA;
	void *arena = arena_bytes ? kmalloc(arena_bytes) : 0;
	if (arena_bytes && !arena) {
		kfree(params);
		return CAPOS_E_NO_MEMORY;
	}
	struct capnp_builder results;
	capnp_builder_init(&results, arena, arena_bytes);
	struct call c = { p, slot, sqe->method, &msg, &results, 0, sqe->user_data, sqe->buf, sqe->buf_cap };
	int r = obj->ops->call(obj, &c);
	if (r == CAPOS_OK) {
		size_t out = capnp_builder_finish(&results);
		if (capnp_builder_error(&results) != CAPNP_OK || out > sqe->buf_cap)
			r = CAPOS_E_TOO_BIG;
		else if (!aspace_copy_out(&p->as, sqe->buf, arena, out))
			r = CAPOS_E_FAULT;
		else
			r = (int)out;
	}
	*new_cap = c.new_cap;
	kfree(arena);
	kfree(params);
	return r;
}

static int do_release(struct process *p, const struct capos_sqe *sqe)
{
	struct cap_slot removed;
	int err = cap_table_release(&p->caps, sqe->cap, &removed);
	if (err)
		return lookup_error(err);
	kobject_put(removed.object);
	return CAPOS_OK;
}

/* RECV and RETURN serve Endpoints, which do not exist yet: the capability
 * is checked like any other, then the operation is refused. */
static int do_endpoint_op(struct process *p, const struct capos_sqe *sqe)
{
	struct cap_slot *slot;
	int err = cap_table_lookup(&p->caps, sqe->cap, 0, 0, &slot);
	return err ? lookup_error(err) : CAPOS_E_NOT_SUPPORTED;
}

/* Runs one submission (already copied out of shared memory). */
static void submit(struct process *p, const struct capos_sqe *sqe)
{
	uint32_t new_cap = 0;
	int r = ring_sqe_check(sqe, USER_MIN, USER_MAX);
	if (r == CAPOS_OK) {
		switch (sqe->opcode) {
		case CAPOS_OP_NOP:
			break;
		case CAPOS_OP_CALL:
			r = do_call(p, sqe, &new_cap);
			break;
		case CAPOS_OP_RELEASE:
			r = do_release(p, sqe);
			break;
		default:
			r = do_endpoint_op(p, sqe);
		}
	}
	if (r != CALL_PENDING)
		post(p, sqe->user_data, r, new_cap);
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

int64_t ring_enter(struct process *p, uint32_t min_complete, uint64_t timeout_ns)
{
	struct ring_state *r = &p->ring;
	if (min_complete > CAPOS_RING_CQ_ENTRIES)
		return CAPOS_E_BAD_ARGUMENT;
	uint32_t tail = __atomic_load_n(&r->shared->sq_tail, __ATOMIC_ACQUIRE);
	uint32_t avail = tail - r->sq_head;
	if (avail > CAPOS_RING_SQ_ENTRIES)
		return CAPOS_E_RING_CORRUPT;
	uint32_t consumed = 0;
	while (consumed < avail && cq_pending(r) < CAPOS_RING_CQ_ENTRIES) {
		struct capos_sqe sqe;
		memcpy(&sqe, &r->shared->sq[r->sq_head & SQ_MASK], sizeof(sqe));
		r->sq_head++;
		__atomic_store_n(&r->shared->sq_head, r->sq_head, __ATOMIC_RELEASE);
		consumed++;
		submit(p, &sqe);
	}
	if (min_complete && timeout_ns && cq_pending(r) < min_complete) {
		uint64_t deadline = deadline_after(timeout_ns);
		r->waiter = thread_current();
		r->waiting_for = min_complete;
		while (cq_pending(r) < min_complete && sched_block(deadline))
			;
		r->waiter = 0;
	}
	return consumed;
}
