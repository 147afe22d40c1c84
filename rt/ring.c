/* The ring client: submission, entry, and completions matched by user_data
 * (out-of-order completions are kept until asked for). Single owner. */
#include "rt/capos.h"

#include "lib/mem.h"

#define KEPT_MAX CAPOS_RING_CQ_ENTRIES

static struct capos_cqe kept[KEPT_MAX];
static uint32_t nkept;
static uint64_t next_user_data = 1;

uint64_t rt_ring_next_user_data(void) { return next_user_data++; }

bool rt_ring_submit(const struct capos_sqe *sqe)
{
	struct capos_ring *r = rt.ring;
	uint32_t tail = r->sq_tail;
	uint32_t head = __atomic_load_n(&r->sq_head, __ATOMIC_ACQUIRE);
	if (tail - head >= CAPOS_RING_SQ_ENTRIES)
		return false;
	r->sq[tail & (CAPOS_RING_SQ_ENTRIES - 1)] = *sqe;
	__atomic_store_n(&r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return true;
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

/* Looks for user_data's completion among the kept ones and then in the CQ,
 * keeping the others: 1 found, 0 not there yet, -1 a completion had to be
 * dropped (more outstanding operations than the runtime tracks). */
static int find(uint64_t user_data, struct capos_cqe *out)
{
	if (take_kept(user_data, out))
		return 1;
	struct capos_cqe c;
	while (take(&c)) {
		if (c.user_data == user_data) {
			*out = c;
			return 1;
		}
		if (nkept == KEPT_MAX)
			return -1;
		kept[nkept++] = c;
	}
	return 0;
}

bool rt_ring_poll(uint64_t user_data, struct capos_cqe *out) { return find(user_data, out) > 0; }

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

int rt_submit_wait(struct capos_sqe *sqe, struct capos_cqe *out)
{
	sqe->user_data = rt_ring_next_user_data();
	while (!rt_ring_submit(sqe))
		sys_cap_enter(0, 0);
	struct capos_cqe c;
	if (!rt_ring_wait(sqe->user_data, &c))
		return CAPOS_E_BUSY;
	if (out)
		*out = c;
	return c.result;
}

int rt_call(uint32_t cap, uint16_t method, const void *params, uint32_t params_len, void *buf,
            uint32_t buf_cap, uint32_t *new_cap)
{
	if (params && params != buf)
		memmove(buf, params, params_len);
	struct capos_sqe sqe = {
		.opcode = CAPOS_OP_CALL,
		.method = method,
		.cap = cap,
		.buf = (uint64_t)(uintptr_t)buf,
		.params_len = params_len,
		.buf_cap = buf_cap,
	};
	struct capos_cqe c = { 0 };
	int r = rt_submit_wait(&sqe, &c);
	if (new_cap)
		*new_cap = c.cap;
	return r;
}

int rt_release(uint32_t cap)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RELEASE, .cap = cap };
	return rt_submit_wait(&sqe, 0);
}

int rt_handle_close(struct rt_handle *h)
{
	if (!h->cap)
		return CAPOS_OK;
	int r = rt_release(h->cap);
	h->cap = 0;
	return r;
}
