/* The kernel's side of one capability ring, as pure logic: consuming
 * submissions and posting completions so that no completion is ever lost.
 *
 * The rule (include/capos/ring.h): a submission is consumed only while the
 * CQ has room for its completion. Every consumed submission holds one CQ
 * credit until it completes — at once for most operations, later for a
 * wait — so the completions the kernel owes never exceed the CQ's size:
 *
 *     unread entries + credits held + backlog <= CAPOS_RING_CQ_ENTRIES
 *
 * is checked before each submission is taken. A process that reads its CQ
 * honestly therefore always has room for every completion. The CQ's head is
 * written by the process and never trusted: a head that moved backwards (or
 * past the tail) makes the CQ look full; completions that arrive then wait
 * in a fixed backlog of CAPOS_RING_CQ_ENTRIES entries (which the invariant
 * above bounds) and are posted, in order, as soon as there is room.
 *
 * Every field of the shared page is read once per use, and no geometry is
 * read back. Pure: no kernel headers, host-tested and fuzzed. */
#ifndef CAPOS_LIB_RING_QUEUE_H
#define CAPOS_LIB_RING_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "include/capos/ring.h"

struct ring_queue {
	struct capos_ring *shared;
	uint32_t sq_head;  /* next SQE to consume */
	uint32_t cq_tail;  /* next CQE slot to fill */
	uint32_t credits;  /* consumed submissions not yet completed */
	uint32_t nbacklog; /* completions waiting for room, oldest first */
	struct capos_cqe backlog[CAPOS_RING_CQ_ENTRIES];
};

/* Initializes q over the shared page and writes the page's geometry. */
void ring_queue_init(struct ring_queue *q, struct capos_ring *shared);

/* Completions the process has not read yet, as far as the kernel can tell
 * (a cq_head outside [cq_tail - entries, cq_tail] counts as a full CQ). */
static inline uint32_t ring_queue_unread(const struct ring_queue *q)
{
	uint32_t head = __atomic_load_n(&q->shared->cq_head, __ATOMIC_ACQUIRE);
	uint32_t unread = q->cq_tail - head;
	return unread > CAPOS_RING_CQ_ENTRIES ? CAPOS_RING_CQ_ENTRIES : unread;
}

/* Submissions waiting in the SQ: stores their count in *avail and returns
 * CAPOS_OK, or CAPOS_E_RING_CORRUPT when sq_tail is more than a queue
 * ahead of sq_head. */
int ring_queue_available(const struct ring_queue *q, uint32_t *avail);

/* Takes the next submission when there is room for its completion: copies
 * it out of shared memory into *out, advances sq_head and takes one credit.
 * Returns false (nothing taken) when the SQ is empty or the CQ has no room.
 * (The common paths are inline: they run once per submission.) */
static inline bool ring_queue_take(struct ring_queue *q, struct capos_sqe *out)
{
	uint32_t avail = __atomic_load_n(&q->shared->sq_tail, __ATOMIC_ACQUIRE) - q->sq_head;
	if (avail - 1 >= CAPOS_RING_SQ_ENTRIES) /* empty, or corrupt */
		return false;
	if (ring_queue_unread(q) + q->credits + q->nbacklog >= CAPOS_RING_CQ_ENTRIES)
		return false;
	*out = q->shared->sq[q->sq_head & (CAPOS_RING_SQ_ENTRIES - 1)];
	q->sq_head++;
	__atomic_store_n(&q->shared->sq_head, q->sq_head, __ATOMIC_RELEASE);
	q->credits++;
	return true;
}

/* Writes one CQE at cq_tail; the caller checked there is room. */
static inline void ring_queue_post(struct ring_queue *q, const struct capos_cqe *c)
{
	q->shared->cq[q->cq_tail & (CAPOS_RING_CQ_ENTRIES - 1)] = *c;
	q->cq_tail++;
	__atomic_store_n(&q->shared->cq_tail, q->cq_tail, __ATOMIC_RELEASE);
}

/* ring_queue_complete when there is a backlog or the CQ looks full. */
bool ring_queue_complete_slow(struct ring_queue *q, const struct capos_cqe *c);

/* Completes a submission taken earlier (returns its credit): posts the CQE,
 * or appends it to the backlog when the CQ looks full. Returns true if it
 * was posted. */
static inline bool ring_queue_complete(struct ring_queue *q, uint64_t user_data, int32_t result, uint32_t cap)
{
	struct capos_cqe c = { .user_data = user_data, .result = result, .cap = cap };
	if (q->credits > 0)
		q->credits--;
	if (q->nbacklog == 0 && ring_queue_unread(q) < CAPOS_RING_CQ_ENTRIES) {
		ring_queue_post(q, &c);
		return true;
	}
	return ring_queue_complete_slow(q, &c);
}

/* Posts backlogged completions while the CQ has room. */
void ring_queue_flush(struct ring_queue *q);

#endif
