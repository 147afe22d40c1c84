/* Fuzz target: lib/ring_queue driven through one ring by a process and a
 * kernel whose moves the input chooses. The process submits SQEs (distinct
 * user_data), reads CQEs honestly, and scribbles on the shared page (cq_head,
 * sq_tail, the kernel-written and geometry fields), undoing its scribbles
 * before its next honest step. The kernel runs cap_enter (flush, then take
 * while it can, completing each SQE at once, later, or — the kill-vs-wait
 * case — after first completing an older pending one) and completes
 * pending operations asynchronously.
 *
 * The oracle is the expected completion queue: every ring_queue_complete
 * appends its CQE; the honest reader must find exactly these CQEs, in this
 * order, each once. Traps when
 *   - take takes something when it must not (empty or corrupt SQ, no room
 *     for the completion) or refuses when it must take, or copies anything
 *     but the SQE at sq_head;
 *   - credits differ from the operations taken and not completed;
 *   - an unread CQE is overwritten (cq_tail more than a queue past the
 *     reader), or completions owed exceed the CQ:
 *     unread + credits + backlog > CAPOS_RING_CQ_ENTRIES (so the backlog
 *     never exceeds it either);
 *   - a flush leaves a backlog while the CQ has room;
 *   - the page's sq_head / cq_tail stop matching the kernel's;
 *   - after the reader drains honestly and every pending operation
 *     completes, any taken submission was not observed.
 *
 * The process never lies forward (claims to have read CQEs it has not):
 * the kernel may overwrite those, so such a cq_head is turned into an
 * honest read of the entries it skips. Every other value is fair game.
 * The counters start anywhere, usually just before they wrap. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/ring_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define SQN CAPOS_RING_SQ_ENTRIES
#define CQN CAPOS_RING_CQ_ENTRIES
#define FIFO 256 /* power of two, > CQN */

static struct capos_ring page;
static struct ring_queue q;

/* The input, consumed a byte at a time; zeros once it runs out. */
static const uint8_t *in;
static size_t in_left;

static uint8_t byte(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static uint32_t word(void)
{
	uint32_t w = 0;

	for (int i = 0; i < 4; i++)
		w = w << 8 | byte();
	return w;
}

/* The process's own state: its SQ tail, its read position, whether the
 * page holds its scribbles on the kernel-written sq_head / cq_tail. */
static uint32_t user_tail, reader;
static bool scribbled_kernel_fields;
static uint64_t next_ud;

/* The kernel's operations taken and not completed. */
static uint64_t pending[CQN];
static uint32_t npending;

/* The completions issued (posted or backlogged) and not read yet, oldest
 * first. */
static struct capos_cqe expect[FIFO];
static uint32_t expect_head, expect_tail;
static uint64_t ntaken, nobserved;

/* What the kernel must see as unread: cq_tail - cq_head, a full CQ when the
 * head is outside the last queue's worth. */
static uint32_t apparent_unread(void)
{
	uint32_t u = q.cq_tail - page.cq_head;
	return u > CQN ? CQN : u;
}

static void check_invariants(void)
{
	uint32_t real_unread = q.cq_tail - reader;

	CHECK(q.credits == npending);
	CHECK(q.nbacklog <= CQN);
	CHECK(real_unread <= CQN); /* nothing unread was overwritten */
	CHECK((uint64_t)real_unread + q.credits + q.nbacklog <= CQN);
	CHECK(expect_tail - expect_head == real_unread + q.nbacklog);
	if (!scribbled_kernel_fields) {
		CHECK(page.sq_head == q.sq_head);
		CHECK(page.cq_tail == q.cq_tail);
	}
}

/* What the page held before a kernel step: the kernel may write only the
 * CQ slots it posts to (and sq_head / cq_tail), never the SQ, and never a
 * slot the process's cq_head (honest or not) claims unread. */
static struct capos_sqe sq_before[SQN];
static struct capos_cqe cq_before[CQN];
static uint32_t tail_before;

static void kernel_step_begin(void)
{
	memcpy(sq_before, page.sq, sizeof sq_before);
	memcpy(cq_before, page.cq, sizeof cq_before);
	tail_before = q.cq_tail;
}

static void kernel_step_end(void)
{
	uint32_t posted = q.cq_tail - tail_before;

	CHECK(memcmp(sq_before, page.sq, sizeof sq_before) == 0);
	CHECK(posted <= CQN);
	for (uint32_t i = 0; i < posted; i++)
		CHECK((uint32_t)(tail_before + i - page.cq_head) < CQN);
	for (uint32_t i = posted; i < CQN; i++) {
		uint32_t slot = (tail_before + i) & (CQN - 1);
		CHECK(memcmp(&cq_before[slot], &page.cq[slot], sizeof cq_before[0]) == 0);
	}
}

/* The process undoes its scribbles: its cq_head and sq_tail again, and the
 * kernel-written fields as the kernel last wrote them. If a scribbled
 * sq_tail let the kernel consume past the process's tail, the process
 * carries on from the kernel's sq_head. */
static void unscribble(void)
{
	page.sq_head = q.sq_head;
	page.cq_tail = q.cq_tail;
	if ((int32_t)(q.sq_head - user_tail) > 0)
		user_tail = q.sq_head;
	page.sq_tail = user_tail;
	page.cq_head = reader;
	scribbled_kernel_fields = false;
}

static void user_submit(uint32_t k)
{
	unscribble();
	uint32_t room = SQN - (user_tail - page.sq_head);
	for (uint32_t i = 0; i < k && i < room; i++) {
		page.sq[user_tail & (SQN - 1)] = (struct capos_sqe){
			.opcode = (uint8_t)next_ud, .user_data = next_ud, .cap = (uint32_t)next_ud * 3,
			.interface_id = next_ud * 0x9E3779B97F4A7C15ull,
		};
		next_ud++;
		user_tail++;
	}
	page.sq_tail = user_tail;
}

/* Reads the CQE at the reader's position; it must be the oldest expected. */
static void read_one(void)
{
	const struct capos_cqe *c = &page.cq[reader & (CQN - 1)];
	const struct capos_cqe *e = &expect[expect_head & (FIFO - 1)];

	CHECK(expect_head != expect_tail);
	CHECK(c->user_data == e->user_data && c->result == e->result && c->cap == e->cap);
	expect_head++;
	reader++;
	nobserved++;
}

static void user_read(uint32_t n)
{
	unscribble();
	for (uint32_t i = 0; i < n && reader != page.cq_tail; i++)
		read_one();
	page.cq_head = reader;
}

static void complete(uint64_t ud)
{
	struct capos_cqe c = { .user_data = ud, .result = (int32_t)(ud % 1000) - 500,
		               .cap = (uint32_t)(ud >> 2) };
	uint32_t tail0 = q.cq_tail, backlog0 = q.nbacklog;

	CHECK(expect_tail - expect_head < FIFO);
	expect[expect_tail++ & (FIFO - 1)] = c;
	bool posted = ring_queue_complete(&q, c.user_data, c.result, c.cap);
	/* posted: everything backlogged went first, then this one */
	CHECK(posted == (q.nbacklog == 0));
	CHECK(q.cq_tail - tail0 == backlog0 + 1 - q.nbacklog);
	if (!posted)
		CHECK(apparent_unread() == CQN);
}

static void complete_pending(uint32_t i)
{
	uint64_t ud = pending[i];

	pending[i] = pending[--npending];
	complete(ud);
}

static void flush(void)
{
	ring_queue_flush(&q);
	CHECK(q.nbacklog == 0 || apparent_unread() == CQN);
}

/* One take, checked against the rule: something waiting in a sane SQ, and
 * room for its completion. */
static bool take(struct capos_sqe *out)
{
	uint32_t avail = page.sq_tail - q.sq_head, head0 = q.sq_head;
	bool sane = avail <= SQN;
	bool want = sane && avail > 0 && apparent_unread() + q.credits + q.nbacklog < CQN;
	struct capos_sqe slot = page.sq[head0 & (SQN - 1)];
	uint32_t got_avail;

	CHECK((ring_queue_available(&q, &got_avail) == CAPOS_OK) == sane);
	CHECK(!sane || got_avail == avail);
	bool took = ring_queue_take(&q, out);
	CHECK(took == want);
	CHECK(q.sq_head == head0 + took);
	if (took) {
		CHECK(memcmp(out, &slot, sizeof slot) == 0);
		CHECK(page.sq_head == q.sq_head);
		ntaken++;
	}
	return took;
}

/* cap_enter: flush (or not: take must count the backlog either way), then
 * take up to budget submissions, each completed at once, left pending, or
 * completing an older pending one first. */
static void kernel_enter(uint32_t budget)
{
	struct capos_sqe s;

	if (budget & 1)
		flush();
	budget >>= 1;
	for (uint32_t i = 0; i < budget && take(&s); i++) {
		uint8_t how = byte();
		if (how % 4 == 2) {
			CHECK(npending < CQN);
			pending[npending++] = s.user_data;
			continue;
		}
		if (how % 4 == 3 && npending)
			complete_pending(byte() % npending);
		complete(s.user_data);
	}
}

/* The process lies about cq_head. A value that claims entries read that
 * were not is taken as an honest read of them instead. */
static void scribble_cq_head(void)
{
	uint8_t how = byte();
	uint32_t v = word();

	if (how % 3 == 1)
		v = reader - v % (2 * CQN);
	else if (how % 3 == 2)
		v = q.cq_tail + 1 + v % 1000;
	uint32_t skip = v - reader;
	if (skip != 0 && skip <= q.cq_tail - reader) {
		user_read(skip);
		return;
	}
	page.cq_head = v;
}

static void scribble_sq_tail(void)
{
	uint8_t how = byte();
	uint32_t v = word();

	if (how % 3 == 1)
		v = q.sq_head + v % (2 * SQN + 2);
	else if (how % 3 == 2)
		v = q.sq_head - 1 - v % 100;
	page.sq_tail = v;
}

/* Scribbles on a field the kernel writes or only the process reads. */
static void scribble_other(void)
{
	uint8_t which = byte();
	uint32_t v = word();

	switch (which % 7) {
	case 0: page.sq_head = v; scribbled_kernel_fields = true; break;
	case 1: page.cq_tail = v; scribbled_kernel_fields = true; break;
	case 2: page.magic = v; break;
	case 3: page.version = v; break;
	case 4: page.sq_entries = v; break;
	case 5: page.cq_entries = v; break;
	default: page.reserved[which % 8] = v; break;
	}
}

static void start(void)
{
	uint8_t how = byte();
	uint32_t sq0 = how & 1 ? word() : UINT32_MAX - byte();
	uint32_t cq0 = how & 2 ? word() : UINT32_MAX - byte();

	memset(&page, 0, sizeof page);
	ring_queue_init(&q, &page);
	CHECK(page.magic == CAPOS_RING_MAGIC && page.version == CAPOS_RING_VERSION);
	CHECK(page.sq_entries == SQN && page.cq_entries == CQN);
	CHECK(q.credits == 0 && q.nbacklog == 0);
	q.sq_head = page.sq_head = page.sq_tail = user_tail = sq0;
	q.cq_tail = page.cq_tail = page.cq_head = reader = cq0;
	scribbled_kernel_fields = false;
	next_ud = 1;
	npending = 0;
	expect_head = expect_tail = 0;
	ntaken = nobserved = 0;
}

/* The end: the process reads everything honestly, every pending operation
 * completes; then every taken submission must have been observed. */
static void drain(void)
{
	user_read(UINT32_MAX);
	flush();
	while (npending)
		complete_pending(npending - 1);
	check_invariants();
	user_read(UINT32_MAX);
	flush();
	user_read(UINT32_MAX);
	check_invariants();
	CHECK(q.nbacklog == 0 && q.credits == 0);
	CHECK(expect_head == expect_tail);
	CHECK(nobserved == ntaken);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_left = size;
	start();
	while (in_left) {
		uint8_t op = byte();
		switch (op % 9) {
		case 0: user_submit(byte() % (SQN + 2)); break;
		case 1:
			kernel_step_begin();
			kernel_enter(byte());
			kernel_step_end();
			break;
		case 2:
			kernel_step_begin();
			if (npending)
				complete_pending(byte() % npending);
			kernel_step_end();
			break;
		case 3: user_read(byte() % (CQN + 2)); break;
		case 4: scribble_cq_head(); break;
		case 5: scribble_sq_tail(); break;
		case 6: scribble_other(); break;
		case 7: unscribble(); break;
		default:
			kernel_step_begin();
			flush();
			kernel_step_end();
			break;
		}
		check_invariants();
	}
	drain();
	return 0;
}
