/* The kernel's side of one ring (lib/ring_queue): init writes the geometry;
 * take copies exactly one SQE and advances sq_head; an empty or corrupt SQ
 * takes nothing; one CQ credit per consumed submission, so at most
 * CAPOS_RING_CQ_ENTRIES completions are ever owed; a wait completed by a
 * later synchronous operation at every fill level of the CQ; a cq_head moved
 * backwards or ahead backlogs completions (never overwriting an entry the
 * process may still read), flushed in order once the head is honest again;
 * kernel-written fields of the page are never read back; free-running
 * counters across 2^32. Each test names the invariant it guards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "lib/ring_queue.h"

#define SQN CAPOS_RING_SQ_ENTRIES
#define CQN CAPOS_RING_CQ_ENTRIES

static struct capos_ring page;
static struct ring_queue q;

/* A fresh ring whose counters start at sq0 (SQ) and cq0 (CQ), as if it had
 * been running a long time: the test sets both copies of each counter. */
static void setup_at(uint32_t sq0, uint32_t cq0)
{
	memset(&page, 0, sizeof page);
	ring_queue_init(&q, &page);
	q.sq_head = page.sq_head = page.sq_tail = sq0;
	q.cq_tail = page.cq_tail = page.cq_head = cq0;
}

/* The process writes one SQE, every field derived from ud, and submits it. */
static struct capos_sqe make_sqe(uint64_t ud)
{
	return (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .flags = (uint8_t)ud,
		                   .method = (uint16_t)(ud * 3), .cap = (uint32_t)(ud * 5 + 1),
		                   .user_data = ud, .interface_id = ud * 0x9E3779B97F4A7C15ull,
		                   .buf = ~ud, .params_len = (uint32_t)(ud * 8),
		                   .buf_cap = (uint32_t)(ud * 7) };
}

static void submit(uint64_t ud)
{
	page.sq[page.sq_tail & (SQN - 1)] = make_sqe(ud);
	page.sq_tail++;
}

/* Takes one SQE, which must be the one submitted with ud. */
static void take_expect(uint64_t ud)
{
	struct capos_sqe got, want = make_sqe(ud);

	memset(&got, 0xEE, sizeof got);
	assert_true(ring_queue_take(&q, &got));
	assert_memory_equal(&got, &want, sizeof got);
}

/* Takes nothing: ring_queue_take returns false and changes no state. */
static void take_refused(void)
{
	struct capos_sqe got, before;
	struct ring_queue q0 = q;

	memset(&got, 0xEE, sizeof got);
	before = got;
	assert_false(ring_queue_take(&q, &got));
	assert_memory_equal(&got, &before, sizeof got);
	assert_int_equal(q.sq_head, q0.sq_head);
	assert_int_equal(page.sq_head, q0.sq_head);
	assert_int_equal(q.credits, q0.credits);
	assert_int_equal(q.nbacklog, q0.nbacklog);
}

/* The honest reader: reads the next CQE, which must carry ud, and advances
 * cq_head past it. */
static void read_expect(uint64_t ud)
{
	assert_int_not_equal(page.cq_head, page.cq_tail);
	const struct capos_cqe *c = &page.cq[page.cq_head & (CQN - 1)];
	assert_int_equal(c->user_data, ud);
	assert_int_equal(c->result, (int32_t)(ud & 0x7f) - 20);
	assert_int_equal(c->cap, (uint32_t)ud ^ 0xC0DEu);
	page.cq_head++;
}

static bool complete(uint64_t ud)
{
	return ring_queue_complete(&q, ud, (int32_t)(ud & 0x7f) - 20, (uint32_t)ud ^ 0xC0DEu);
}

/* Invariant: the page tells the process the geometry; the private state
 * starts empty. Fails if init forgets a field or trusts the page's old
 * contents. */
static void test_init_writes_geometry(void **state)
{
	(void)state;
	memset(&page, 0xA5, sizeof page);
	memset(&q, 0x5A, sizeof q);
	ring_queue_init(&q, &page);
	assert_int_equal(page.magic, CAPOS_RING_MAGIC);
	assert_int_equal(page.version, CAPOS_RING_VERSION);
	assert_int_equal(page.version, 2);
	assert_int_equal(page.sq_entries, SQN);
	assert_int_equal(page.cq_entries, CQN);
	assert_ptr_equal(q.shared, &page);
	assert_int_equal(q.sq_head, 0);
	assert_int_equal(q.cq_tail, 0);
	assert_int_equal(q.credits, 0);
	assert_int_equal(q.nbacklog, 0);
}

/* Invariant: take copies exactly the SQE at sq_head (every byte), in
 * submission order, and advances the kernel's and the page's sq_head by one
 * and the credits by one. */
static void test_take_copies_one_sqe(void **state)
{
	(void)state;
	setup_at(0, 0);
	for (uint32_t i = 0; i < SQN; i++)
		page.sq[i] = make_sqe(1000 + i); /* stale entries past the tail */
	submit(1);
	submit(2);
	submit(3);
	for (uint32_t i = 1; i <= 3; i++) {
		uint32_t avail = 99;
		assert_int_equal(ring_queue_available(&q, &avail), CAPOS_OK);
		assert_int_equal(avail, 4 - i);
		take_expect(i);
		assert_int_equal(q.sq_head, i);
		assert_int_equal(page.sq_head, i);
		assert_int_equal(q.credits, i);
	}
	take_refused(); /* the stale entry at 3 is past sq_tail */
	/* the SQ is only read: the entries are as the process wrote them */
	struct capos_sqe s1 = make_sqe(1), stale = make_sqe(1003);
	assert_memory_equal(&page.sq[0], &s1, sizeof s1);
	assert_memory_equal(&page.sq[3], &stale, sizeof stale);
}

/* Invariant: an empty SQ takes nothing and reports zero available. */
static void test_sq_empty(void **state)
{
	(void)state;
	uint32_t avail = 99;

	setup_at(0, 0);
	assert_int_equal(ring_queue_available(&q, &avail), CAPOS_OK);
	assert_int_equal(avail, 0);
	take_refused();
	setup_at(12345, 0);
	take_refused();
}

/* Invariant: sq_tail more than a queue ahead of sq_head (or behind it) is
 * CAPOS_E_RING_CORRUPT and takes nothing; exactly a queue ahead is a full,
 * valid SQ. */
static void test_sq_corrupt(void **state)
{
	(void)state;
	uint32_t avail;

	setup_at(7, 0);
	page.sq_tail = 7 + SQN;
	assert_int_equal(ring_queue_available(&q, &avail), CAPOS_OK);
	assert_int_equal(avail, SQN);
	page.sq_tail = 7 + SQN + 1;
	assert_int_equal(ring_queue_available(&q, &avail), CAPOS_E_RING_CORRUPT);
	take_refused();
	page.sq_tail = 6; /* behind the head */
	assert_int_equal(ring_queue_available(&q, &avail), CAPOS_E_RING_CORRUPT);
	take_refused();
	page.sq_tail = 0x80000007u;
	assert_int_equal(ring_queue_available(&q, &avail), CAPOS_E_RING_CORRUPT);
	take_refused();
	/* an honest tail again: consumption resumes where it stopped */
	page.sq_tail = 7;
	submit(42);
	take_expect(42);
	assert_int_equal(q.sq_head, 8);
}

/* Invariant: unread + credits + backlog <= CQN before every take. With
 * CQN operations taken and not completed nothing more is taken; a
 * completion turns a credit into an unread entry, so the reader must read it
 * before the next submission is taken. Fails if take ignores credits (or
 * unread entries), or if complete keeps the credit. */
static void test_credits_bound_consumption(void **state)
{
	(void)state;
	setup_at(0, 0);
	for (uint32_t i = 0; i < SQN; i++)
		submit(i);
	for (uint32_t i = 0; i < CQN; i++)
		take_expect(i);
	assert_int_equal(q.credits, CQN);
	submit(100);
	take_refused();
	assert_true(complete(5));
	assert_int_equal(q.credits, CQN - 1);
	take_refused(); /* 1 unread + 63 credits */
	read_expect(5);
	take_expect(100);
	take_refused();
	/* every mix of unread entries and credits that adds up to CQN is full */
	for (uint32_t u = 0; u <= CQN; u++) {
		setup_at(0, 0);
		for (uint32_t i = 0; i < CQN; i++)
			submit(i);
		for (uint32_t i = 0; i < CQN; i++)
			take_expect(i);
		for (uint32_t i = 0; i < u; i++)
			assert_true(complete(i));
		assert_int_equal(ring_queue_unread(&q), u);
		submit(200);
		take_refused();
		if (u > 0) {
			read_expect(0);
			take_expect(200);
		}
	}
}

/* The kill-vs-wait scenario at every fill level k of the CQ: a wait W holds
 * a credit; a later synchronous operation S completes W while it runs, then
 * completes itself. Invariant: S is taken only when there is room for both
 * completions (k + 2 <= CQN), both are posted at once (never backlogged
 * for an honest reader), in the order W then S, after the k older entries,
 * none of which is overwritten; when S must wait, reading one entry lets it
 * run. */
static void test_wait_completed_by_sync_op_every_fill_level(void **state)
{
	(void)state;
	for (uint32_t k = 0; k <= CQN; k++) {
		setup_at(0xFFFFFFF0u, 0xFFFFFFE0u);
		/* k synchronous operations fill the CQ with k unread entries */
		for (uint32_t i = 0; i < k; i++) {
			submit(i);
			take_expect(i);
			assert_true(complete(i));
		}
		submit(1000); /* W */
		if (k == CQN) {
			take_refused();
			read_expect(0);
			take_expect(1000);
		} else {
			take_expect(1000);
		}
		submit(2000); /* S */
		uint32_t first = k == CQN ? 1 : 0;
		if (k + 1 - first >= CQN) {
			take_refused();
			read_expect(first++);
		}
		take_expect(2000);
		assert_int_equal(q.credits, 2);
		assert_true(complete(1000)); /* S kills what W waited for */
		assert_true(complete(2000));
		assert_int_equal(q.nbacklog, 0);
		assert_int_equal(q.credits, 0);
		assert_true(ring_queue_unread(&q) <= CQN);
		for (uint32_t i = first; i < k; i++)
			read_expect(i);
		read_expect(1000);
		read_expect(2000);
		assert_int_equal(page.cq_head, page.cq_tail);
	}
}

/* Takes n submissions numbered from ud and keeps them pending. */
static void take_pending(uint64_t ud, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		submit(ud + i);
		take_expect(ud + i);
	}
}

/* A dishonest cq_head (each value in turn: one before the window, a queue
 * back exactly, one ahead of the tail, far ahead, far behind). Invariant:
 * completions that arrive meanwhile are backlogged and nothing in the CQ
 * (entries or cq_tail) is written; new submissions are not taken; once the
 * head is honest, flush posts the backlog in arrival order, and a
 * completion arriving before the flush goes after it. */
static void test_dishonest_head_backlogs_then_flushes(void **state)
{
	(void)state;
	static const int64_t heads[] = { -(int64_t)CQN - 1, -(int64_t)CQN, 1, 1000, 0x7FFFFFFF, -0x7FFFFFFF };

	for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
		setup_at(0xFFFFFFC0u, 0xFFFFFFF8u);
		take_pending(10, 3);
		assert_true(complete(10));
		read_expect(10); /* the reader is at the tail: nothing unread */
		uint32_t honest = page.cq_head;
		page.cq_head = (uint32_t)(page.cq_tail + (uint32_t)heads[h]);
		assert_int_equal(ring_queue_unread(&q), CQN);

		struct capos_ring before = page;
		assert_false(complete(11));
		assert_false(complete(12));
		ring_queue_flush(&q);
		assert_int_equal(q.nbacklog, 2);
		assert_int_equal(q.credits, 0);
		assert_memory_equal(page.cq, before.cq, sizeof page.cq);
		assert_int_equal(page.cq_tail, before.cq_tail);
		submit(13);
		take_refused();

		page.cq_head = honest;
		if (h % 2) {
			ring_queue_flush(&q);
			assert_int_equal(q.nbacklog, 0);
		}
		take_expect(13);
		assert_true(complete(13)); /* flushes the backlog first */
		assert_int_equal(q.nbacklog, 0);
		read_expect(11);
		read_expect(12);
		read_expect(13);
		assert_int_equal(page.cq_head, page.cq_tail);
	}
}

/* The exact boundary of "full": cq_head a whole queue behind cq_tail claims
 * CQN unread entries, so the slot at cq_tail (the oldest of them) must not
 * be written. Invariant: an entry the process may still read is never
 * overwritten; the backlog waits for the head to move. */
static void test_full_cq_entry_not_overwritten(void **state)
{
	(void)state;
	setup_at(0, 0xFFFFFFD0u);
	take_pending(500, 1);
	assert_true(complete(500));
	read_expect(500);
	uint32_t at500 = page.cq_tail - 1;
	take_pending(0, CQN - 1);
	for (uint32_t i = 0; i < CQN - 1; i++)
		assert_true(complete(i));
	/* entry 500 is a whole queue behind cq_tail: its slot is next */
	assert_int_equal(page.cq_tail - at500, CQN);
	read_expect(0);
	read_expect(1);
	take_pending(CQN - 1, 1);
	/* 61 unread, one credit; the process moves its head back to claim a
	 * full CQ: entries 500, 0 and 1 are "unread" again. */
	page.cq_head -= 3;
	assert_int_equal(page.cq_head, at500);
	assert_int_equal(ring_queue_unread(&q), CQN);
	struct capos_ring before = page;
	assert_false(complete(CQN - 1));
	ring_queue_flush(&q);
	assert_int_equal(q.nbacklog, 1);
	assert_memory_equal(page.cq, before.cq, sizeof page.cq);
	assert_int_equal(page.cq[at500 & (CQN - 1)].user_data, 500);
	page.cq_head++; /* entry 500 read (again): its slot is free */
	ring_queue_flush(&q);
	assert_int_equal(q.nbacklog, 0);
	page.cq_head += 2;
	for (uint32_t i = 2; i < CQN; i++)
		read_expect(i);
	assert_int_equal(page.cq_head, page.cq_tail);
}

/* A head moved back only a little (inside the window) leaves room for part
 * of the backlog. Invariant: a flush posts what fits, keeps the rest in
 * order, and a later flush continues where it stopped: every backlogged
 * completion is posted exactly once, oldest first. */
static void test_partial_flush_keeps_order(void **state)
{
	(void)state;
	setup_at(0x40, 0xFFFFFFFEu);
	take_pending(0, CQN);
	for (uint32_t i = 0; i < CQN - 5; i++)
		assert_true(complete(i));
	uint32_t honest = page.cq_head;
	page.cq_head = page.cq_tail + 1; /* looks full */
	for (uint32_t i = CQN - 5; i < CQN; i++)
		assert_false(complete(i));
	assert_int_equal(q.nbacklog, 5);
	page.cq_head = honest - 3; /* 62 "unread": room for two */
	ring_queue_flush(&q);
	assert_int_equal(q.nbacklog, 3);
	assert_int_equal(ring_queue_unread(&q), CQN);
	page.cq_head = honest;
	ring_queue_flush(&q);
	assert_int_equal(q.nbacklog, 0);
	for (uint32_t i = 0; i < CQN; i++)
		read_expect(i);
	assert_int_equal(page.cq_head, page.cq_tail);
}

/* Invariant: backlogged completions count against the room a submission
 * needs, as unread entries do, before and after they are flushed; so a
 * process cannot have more than CQN completions owed by emptying its CQ
 * while the kernel still holds a backlog. */
static void test_backlog_counts_against_room(void **state)
{
	(void)state;
	setup_at(0, 0);
	take_pending(0, CQN);
	uint32_t honest = page.cq_head;
	page.cq_head = honest + 7; /* ahead of the tail: looks full */
	for (uint32_t i = 0; i < CQN; i++)
		assert_false(complete(i));
	assert_int_equal(q.nbacklog, CQN);
	assert_int_equal(q.credits, 0);
	page.cq_head = honest; /* the CQ is empty, the backlog is not */
	submit(100);
	take_refused();
	ring_queue_flush(&q);
	assert_int_equal(q.nbacklog, 0);
	take_refused();
	read_expect(0);
	take_expect(100);
	assert_true(complete(100));
	for (uint32_t i = 1; i < CQN; i++)
		read_expect(i);
	read_expect(100);
}

/* Invariant: the kernel keeps its own sq_head, cq_tail and geometry and
 * never reads the page's copies back; it rewrites the page's sq_head and
 * cq_tail when they move. */
static void test_kernel_fields_not_trusted(void **state)
{
	(void)state;
	setup_at(100, 200);
	submit(1);
	submit(2);
	page.sq_head = 0xDEAD;
	page.cq_tail = 0xBEEF;
	page.sq_entries = page.cq_entries = 1;
	page.magic = page.version = 0;
	memset(page.reserved, 0xFF, sizeof page.reserved);
	take_expect(1);
	assert_int_equal(page.sq_head, 101);
	assert_true(complete(1));
	assert_int_equal(page.cq_tail, 201);
	assert_int_equal(page.cq[200 & (CQN - 1)].user_data, 1);
	read_expect(1);
	page.cq_tail = 0; /* a lie the kernel must not believe (0 unread) */
	take_expect(2);
	assert_true(complete(2));
	assert_int_equal(page.cq_tail, 202);
	read_expect(2);
}

/* Free-running counters across 2^32: the SQ and CQ start a few entries
 * before the wrap and run several queues' worth through it, with the CQ
 * kept near full. Invariant: available, unread, the slot indices and the
 * corrupt-tail check all use modular differences (a "tail >= head"
 * comparison fails here). */
static void test_counters_wrap(void **state)
{
	(void)state;
	static const uint32_t starts[] = { 0xFFFFFFFFu, 0xFFFFFFFFu - CQN, 0xFFFFFFFFu - 5 };
	uint32_t avail;

	for (size_t s = 0; s < 3; s++) {
		setup_at(starts[s], starts[(s + 1) % 3]);
		uint64_t next_sub = 1, next_read = 1;
		for (uint32_t round = 0; round < 5 * SQN; round++) {
			while (page.sq_tail - page.sq_head < SQN)
				submit(next_sub++);
			assert_int_equal(ring_queue_available(&q, &avail), CAPOS_OK);
			assert_int_equal(avail, SQN);
			page.sq_tail++; /* one past a full queue */
			assert_int_equal(ring_queue_available(&q, &avail), CAPOS_E_RING_CORRUPT);
			take_refused();
			page.sq_tail--;
			struct capos_sqe got;
			while (ring_queue_take(&q, &got))
				assert_true(complete(got.user_data));
			assert_int_equal(ring_queue_unread(&q), CQN);
			assert_int_equal(page.cq_tail - page.cq_head, CQN);
			for (uint32_t i = 0; i <= round % 7; i++)
				read_expect(next_read++);
		}
		assert_true(page.cq_tail < starts[(s + 1) % 3]); /* it did wrap */
		assert_true(page.sq_head < starts[s]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_writes_geometry),
		cmocka_unit_test(test_take_copies_one_sqe),
		cmocka_unit_test(test_sq_empty),
		cmocka_unit_test(test_sq_corrupt),
		cmocka_unit_test(test_credits_bound_consumption),
		cmocka_unit_test(test_wait_completed_by_sync_op_every_fill_level),
		cmocka_unit_test(test_dishonest_head_backlogs_then_flushes),
		cmocka_unit_test(test_full_cq_entry_not_overwritten),
		cmocka_unit_test(test_partial_flush_keeps_order),
		cmocka_unit_test(test_backlog_counts_against_room),
		cmocka_unit_test(test_kernel_fields_not_trusted),
		cmocka_unit_test(test_counters_wrap),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
