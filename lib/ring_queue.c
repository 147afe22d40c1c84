/* Ring consumption and completion (see ring_queue.h). */
#include "lib/ring_queue.h"

#include "lib/mem.h"

#define SQ_MASK (CAPOS_RING_SQ_ENTRIES - 1)
#define CQ_MASK (CAPOS_RING_CQ_ENTRIES - 1)

void ring_queue_init(struct ring_queue *q, struct capos_ring *shared)
{
	memset(q, 0, sizeof(*q));
	q->shared = shared;
	shared->magic = CAPOS_RING_MAGIC;
	shared->version = CAPOS_RING_VERSION;
	shared->sq_entries = CAPOS_RING_SQ_ENTRIES;
	shared->cq_entries = CAPOS_RING_CQ_ENTRIES;
}

uint32_t ring_queue_unread(const struct ring_queue *q)
{
	uint32_t head = __atomic_load_n(&q->shared->cq_head, __ATOMIC_ACQUIRE);
	uint32_t unread = q->cq_tail - head;
	return unread > CAPOS_RING_CQ_ENTRIES ? CAPOS_RING_CQ_ENTRIES : unread;
}

int ring_queue_available(const struct ring_queue *q, uint32_t *avail)
{
	uint32_t tail = __atomic_load_n(&q->shared->sq_tail, __ATOMIC_ACQUIRE);
	*avail = tail - q->sq_head;
	return *avail > CAPOS_RING_SQ_ENTRIES ? CAPOS_E_RING_CORRUPT : CAPOS_OK;
}

/* Writes one CQE at cq_tail; the caller checked there is room. */
static void post(struct ring_queue *q, const struct capos_cqe *c)
{
	q->shared->cq[q->cq_tail & CQ_MASK] = *c;
	q->cq_tail++;
	__atomic_store_n(&q->shared->cq_tail, q->cq_tail, __ATOMIC_RELEASE);
}

bool ring_queue_take(struct ring_queue *q, struct capos_sqe *out)
{
	uint32_t avail = __atomic_load_n(&q->shared->sq_tail, __ATOMIC_ACQUIRE) - q->sq_head;
	if (avail - 1 >= CAPOS_RING_SQ_ENTRIES) /* empty, or corrupt */
		return false;
	if (ring_queue_unread(q) + q->credits + q->nbacklog >= CAPOS_RING_CQ_ENTRIES)
		return false;
	*out = q->shared->sq[q->sq_head & SQ_MASK];
	q->sq_head++;
	__atomic_store_n(&q->shared->sq_head, q->sq_head, __ATOMIC_RELEASE);
	q->credits++;
	return true;
}

void ring_queue_flush(struct ring_queue *q)
{
	uint32_t n = 0;
	while (n < q->nbacklog && ring_queue_unread(q) < CAPOS_RING_CQ_ENTRIES)
		post(q, &q->backlog[n++]);
	if (n) {
		q->nbacklog -= n;
		memmove(q->backlog, q->backlog + n, q->nbacklog * sizeof(q->backlog[0]));
	}
}

bool ring_queue_complete(struct ring_queue *q, uint64_t user_data, int32_t result, uint32_t cap)
{
	struct capos_cqe c = { .user_data = user_data, .result = result, .cap = cap };
	if (q->credits > 0)
		q->credits--;
	if (q->nbacklog)
		ring_queue_flush(q);
	if (q->nbacklog == 0 && ring_queue_unread(q) < CAPOS_RING_CQ_ENTRIES) {
		post(q, &c);
		return true;
	}
	/* credits + nbacklog never exceed the CQ's size, so this fits. */
	if (q->nbacklog < CAPOS_RING_CQ_ENTRIES)
		q->backlog[q->nbacklog++] = c;
	return false;
}
