/* The ring client: submission, entry, and completions matched by user_data
 * (out-of-order completions are kept until asked for). Single owner.
 *
 * No completion is ever dropped here: the runtime admits at most
 * RT_INFLIGHT_MAX operations in flight (submitted, completion not yet
 * handed to the caller), so the store of kept completions always has room
 * for the next one. It is twice the CQ so that a full CQ of completions
 * nobody asked for yet can be moved aside for the one being waited for. */
#include "rt/capos.h"

#include "lib/mem.h"

#define KEPT_MAX RT_INFLIGHT_MAX

static struct capos_cqe kept[KEPT_MAX];
static uint32_t nkept;
static uint32_t inflight;
static uint64_t next_user_data = 1;

uint64_t rt_ring_next_user_data(void) { return next_user_data++; }

int rt_ring_submit(const struct capos_sqe *sqe)
{
	struct capos_ring *r = rt.ring;
	if (inflight >= KEPT_MAX)
		return CAPOS_E_BUSY;
	uint32_t tail = r->sq_tail;
	uint32_t head = __atomic_load_n(&r->sq_head, __ATOMIC_ACQUIRE);
	if (tail - head >= CAPOS_RING_SQ_ENTRIES)
		return RT_SQ_FULL;
	r->sq[tail & (CAPOS_RING_SQ_ENTRIES - 1)] = *sqe;
	__atomic_store_n(&r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	inflight++;
	return CAPOS_OK;
}

/* Pops one completion from the CQ; false when it is empty. */
static bool take(struct capos_cqe *out)
{
	struct capos_ring *r = rt.ring;
	uint32_t head = r->cq_head;
	if (head == __atomic_load_n(&r->cq_tail, __ATOMIC_ACQUIRE))
		return false;
	*out = r->cq[head & (CAPOS_RING_CQ_ENTRIES - 1)];
	__atomic_store_n(&r->cq_head, head + 1, __ATOMIC_RELEASE);
	return true;
}

static bool take_kept(uint64_t user_data, struct capos_cqe *out)
{
	for (uint32_t i = 0; i < nkept; i++) {
		if (kept[i].user_data == user_data) {
			*out = kept[i];
			kept[i] = kept[--nkept];
			return true;
		}
	}
	return false;
}

/* Hands a completion to the caller: it is no longer in flight. */
static bool deliver(const struct capos_cqe *c, struct capos_cqe *out)
{
	*out = *c;
	if (inflight)
		inflight--;
	return true;
}

/* Looks for user_data's completion among the kept ones, then in the CQ,
 * keeping the others: 1 found, 0 not there yet, -1 the store is full
 * (only if someone bypassed rt_ring_submit; the completion then stays in
 * the CQ rather than be lost). */
static int find(uint64_t user_data, struct capos_cqe *out)
{
	struct capos_cqe c;
	if (take_kept(user_data, &c))
		return deliver(&c, out);
	while (nkept < KEPT_MAX && take(&c)) {
		if (c.user_data == user_data)
			return deliver(&c, out);
		kept[nkept++] = c;
	}
	return nkept == KEPT_MAX ? -1 : 0;
}

bool rt_ring_poll(uint64_t user_data, struct capos_cqe *out) { return find(user_data, out) > 0; }

bool rt_ring_next(struct capos_cqe *out)
{
	struct capos_cqe c;
	if (nkept) {
		c = kept[0];
		kept[0] = kept[--nkept];
		return deliver(&c, out);
	}
	return take(&c) && deliver(&c, out);
}

bool rt_ring_wait(uint64_t user_data, struct capos_cqe *out)
{
	for (;;) {
		int r = find(user_data, out);
		if (r)
			return r > 0;
		if (sys_cap_enter(1, CAPOS_TIMEOUT_NEVER) < 0)
			return false;
	}
}

uint32_t rt_ring_drain(void)
{
	uint32_t n = nkept;
	struct capos_cqe c;
	while (take(&c))
		n++;
	nkept = 0;
	inflight = inflight > n ? inflight - n : 0;
	return n;
}

int rt_submit_wait(struct capos_sqe *sqe, struct capos_cqe *out)
{
	sqe->user_data = rt_ring_next_user_data();
	int r;
	while ((r = rt_ring_submit(sqe)) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	if (r)
		return r;
	struct capos_cqe c;
	if (!rt_ring_wait(sqe->user_data, &c))
		return CAPOS_E_BUSY;
	if (out)
		*out = c;
	return c.result;
}

int rt_call(uint32_t cap, uint64_t interface_id, uint16_t method, void *buf, uint32_t params_len,
            uint32_t buf_cap, uint32_t *new_cap)
{
	struct capos_sqe sqe = {
		.opcode = CAPOS_OP_CALL,
		.method = method,
		.cap = cap,
		.interface_id = interface_id,
		.buf = (uint64_t)(uintptr_t)buf,
		.params_len = params_len,
		.buf_cap = buf_cap,
	};
	struct capos_cqe c = { 0 };
	int r = rt_submit_wait(&sqe, &c);
	if (new_cap)
		*new_cap = r >= 0 ? c.cap : 0;
	return r;
}

int capnp_client_transport(struct capnp_client *cl, uint32_t cap, uint64_t interface_id, uint16_t method,
                           uint32_t params_bytes)
{
	return rt_call(cap, interface_id, method, cl->buf, params_bytes, cl->buf_bytes, &cl->new_cap);
}

int rt_release(uint32_t cap)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RELEASE, .cap = cap };
	return rt_submit_wait(&sqe, 0);
}
