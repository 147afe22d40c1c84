/* Ring consumption and completion (see ring_queue.h). */
#include "lib/ring_queue.h"

#include "lib/mem.h"

void ring_queue_init(struct ring_queue *q, struct capos_ring *shared)
{
	memset(q, 0, sizeof(*q));
	q->shared = shared;
	shared->magic = CAPOS_RING_MAGIC;
	shared->version = CAPOS_RING_VERSION;
	shared->sq_entries = CAPOS_RING_SQ_ENTRIES;
	shared->cq_entries = CAPOS_RING_CQ_ENTRIES;
}

int ring_queue_available(const struct ring_queue *q, uint32_t *avail)
{
	uint32_t tail = __atomic_load_n(&q->shared->sq_tail, __ATOMIC_ACQUIRE);
	*avail = tail - q->sq_head;
	return *avail > CAPOS_RING_SQ_ENTRIES ? CAPOS_E_RING_CORRUPT : CAPOS_OK;
}

void ring_queue_flush(struct ring_queue *q)
{
	uint32_t n = 0;
	while (n < q->nbacklog && ring_queue_unread(q) < CAPOS_RING_CQ_ENTRIES)
		ring_queue_post(q, &q->backlog[n++]);
	if (n) {
		q->nbacklog -= n;
		memmove(q->backlog, q->backlog + n, q->nbacklog * sizeof(q->backlog[0]));
	}
}

bool ring_queue_complete_slow(struct ring_queue *q, const struct capos_cqe *c)
{
	ring_queue_flush(q);
	if (q->nbacklog == 0 && ring_queue_unread(q) < CAPOS_RING_CQ_ENTRIES) {
		ring_queue_post(q, c);
		return true;
	}
	/* credits + nbacklog never exceed the CQ's size, so this fits. */
	if (q->nbacklog < CAPOS_RING_CQ_ENTRIES)
		q->backlog[q->nbacklog++] = *c;
	return false;
}
