/* The boundary-tag heap: alignment, coalescing, growth (contiguous and not),
 * realloc, misuse reported through the fault callback, and random stress with
 * heap_check and content patterns after every step. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/heap.h"

#define ARENA_SIZE (8u << 20)

/* The memory grow() hands out: a bump allocator over a static arena. */
struct arena {
	uint8_t *base;
	size_t size, used;
	size_t gap;       /* bytes skipped before every region but the first */
	size_t granule;   /* regions are rounded up to this (>= 16) */
	size_t misalign;  /* each region starts this many bytes late */
	size_t limit;     /* total bytes it will hand out (0: the arena) */
	size_t calls, handed;
};

static _Alignas(4096) uint8_t arena_mem[ARENA_SIZE];
static struct arena ar;
static struct heap h;

struct faults {
	int count;
	const char *reason;
	const void *ptr;
};

static struct faults faults;

static void *grow(void *ctx, size_t min_bytes, size_t *got)
{
	struct arena *a = ctx;
	size_t start = a->used + (a->calls ? a->gap : 0) + a->misalign;
	size_t n = (min_bytes + a->granule - 1) / a->granule * a->granule;
	size_t limit = a->limit ? a->limit : a->size;

	a->calls++;
	if (min_bytes > a->size || start > a->size || n > a->size - start || a->handed + n > limit)
		return NULL;
	a->used = start + n;
	a->handed += n;
	*got = n;
	return a->base + start;
}

static void on_fault(void *ctx, const char *reason, const void *ptr)
{
	struct faults *f = &faults;

	(void)ctx;
	f->count++;
	f->reason = reason;
	f->ptr = ptr;
}

static void setup_arena(size_t gap, size_t granule, size_t limit)
{
	memset(&ar, 0, sizeof ar);
	ar.base = arena_mem;
	ar.size = sizeof arena_mem;
	ar.gap = gap;
	ar.granule = granule;
	ar.limit = limit;
	memset(&faults, 0, sizeof faults);
	heap_init(&h, grow, on_fault, &ar);
}

static bool aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static bool reason_has(const char *word)
{
	return faults.reason && strstr(faults.reason, word);
}

static void test_init_empty_heap_is_consistent(void **state)
{
	setup_arena(0, 4096, 0);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.arena_bytes, 0);
	assert_int_equal(h.stats.live_allocs, 0);
	assert_int_equal(ar.calls, 0);
}

static void test_alloc_basic(void **state)
{
	char *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 100, 0);
	assert_non_null(p);
	assert_true(aligned(p, 16));
	memset(p, 'x', 100);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.live_allocs, 1);
	assert_int_equal(h.stats.used_bytes, 112);
	assert_int_equal(h.stats.arena_bytes, 4096);
	assert_int_equal(h.stats.free_chunks, 1);
	assert_int_equal(ar.calls, 1);
}

static void test_alloc_zero_is_null(void **state)
{
	setup_arena(0, 4096, 0);
	assert_null(heap_alloc(&h, 0, 0));
	assert_int_equal(ar.calls, 0);
	assert_int_equal(faults.count, 0);
}

static void test_alloc_invalid_alignment(void **state)
{
	setup_arena(0, 4096, 0);
	assert_null(heap_alloc(&h, 16, 3));
	assert_null(heap_alloc(&h, 16, 24));
	assert_null(heap_alloc(&h, 16, 4097));
	assert_null(heap_alloc(&h, 16, SIZE_MAX));
	assert_int_equal(ar.calls, 0);
}

static void test_alloc_overflowing_size(void **state)
{
	setup_arena(0, 4096, 0);
	assert_null(heap_alloc(&h, SIZE_MAX, 0));
	assert_null(heap_alloc(&h, SIZE_MAX - 15, 0));
	assert_null(heap_alloc(&h, SIZE_MAX / 2, 4096));
	assert_null(heap_alloc(&h, ARENA_SIZE, 0)); /* grow() refuses */
	assert_true(heap_check(&h));
	assert_int_equal(faults.count, 0);
}

static void test_alignments(void **state)
{
	static const size_t aligns[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 4096, 8192, 65536 };
	void *p[sizeof aligns / sizeof aligns[0]];

	setup_arena(0, 4096, 0);
	for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
		p[i] = heap_alloc(&h, 24 + i * 40, aligns[i]);
		assert_non_null(p[i]);
		assert_true(aligned(p[i], aligns[i] < 16 ? 16 : aligns[i]));
		memset(p[i], (int)i, 24 + i * 40);
		assert_true(heap_check(&h));
	}
	for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
		for (size_t j = 0; j < 24 + i * 40; j++)
			assert_int_equal(((uint8_t *)p[i])[j], i);
		heap_free(&h, p[i]);
		assert_true(heap_check(&h));
	}
	assert_int_equal(h.stats.live_allocs, 0);
	assert_int_equal(faults.count, 0);
}

/* grow() returning exactly min_bytes is enough for any alignment. */
static void test_alignment_with_exact_growth(void **state)
{
	setup_arena(0, 16, 0);
	for (size_t a = 16; a <= 65536; a *= 2) {
		void *p = heap_alloc(&h, 8, a);

		assert_non_null(p);
		assert_true(aligned(p, a));
		assert_true(heap_check(&h));
	}
}

static void test_free_null_ignored(void **state)
{
	setup_arena(0, 4096, 0);
	heap_free(&h, NULL);
	assert_int_equal(faults.count, 0);
	assert_true(heap_check(&h));
}

static void test_free_then_reuse(void **state)
{
	void *a, *b;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 200, 0);
	heap_free(&h, a);
	b = heap_alloc(&h, 200, 0);
	assert_ptr_equal(a, b);
	assert_true(heap_check(&h));
}

/* Freeing the middle chunk last merges all three with the rest. */
static void test_coalesce_both_directions(void **state)
{
	void *a, *b, *c;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 100, 0);
	b = heap_alloc(&h, 100, 0);
	c = heap_alloc(&h, 100, 0);
	heap_free(&h, a);
	heap_free(&h, c);
	assert_int_equal(h.stats.free_chunks, 2);
	heap_free(&h, b);
	assert_int_equal(h.stats.free_chunks, 1);
	assert_int_equal(h.stats.free_bytes, 4096 - 48);
	assert_true(heap_check(&h));
}

static void test_coalesce_forward(void **state)
{
	void *a, *b, *c;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	c = heap_alloc(&h, 64, 0);
	heap_free(&h, b);
	heap_free(&h, a);
	assert_int_equal(h.stats.free_chunks, 2);
	assert_true(heap_check(&h));
	/* the merged a+b chunk fits a block as large as both */
	assert_ptr_equal(heap_alloc(&h, 64 + 64 + 32, 0), a);
	(void)c;
}

static void test_first_fit_lowest_address(void **state)
{
	void *p[6];

	setup_arena(0, 4096, 0);
	for (int i = 0; i < 6; i++)
		p[i] = heap_alloc(&h, 48, 0);
	heap_free(&h, p[4]);
	heap_free(&h, p[1]);
	assert_ptr_equal(heap_alloc(&h, 40, 0), p[1]);
	assert_ptr_equal(heap_alloc(&h, 40, 0), p[4]);
	assert_true(heap_check(&h));
}

/* --- misuse --- */

static void test_double_free_detected(void **state)
{
	void *a, *b;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	assert_int_equal(faults.count, 0);
	heap_free(&h, a);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("double free"));
	assert_ptr_equal(faults.ptr, a);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.live_allocs, 1);
	(void)b;
}

/* The freed chunk was merged into its free neighbour: still a double free. */
static void test_double_free_after_coalescing(void **state)
{
	void *a, *b, *c;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	c = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	heap_free(&h, b);
	heap_free(&h, b);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("double free"));
	assert_true(heap_check(&h));
	(void)c;
}

static void test_foreign_pointer_detected(void **state)
{
	_Alignas(16) static uint8_t elsewhere[256];

	setup_arena(0, 4096, 0);
	heap_alloc(&h, 64, 0);
	heap_free(&h, elsewhere + 64);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("not from this heap"));
	assert_ptr_equal(faults.ptr, elsewhere + 64);
	assert_true(heap_check(&h));
}

static void test_free_before_any_growth(void **state)
{
	_Alignas(16) static uint8_t elsewhere[64];

	setup_arena(0, 4096, 0);
	heap_free(&h, elsewhere + 32);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("not from this heap"));
}

static void test_interior_pointer_detected(void **state)
{
	uint8_t *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 256, 0);
	memset(p, 0, 256);
	heap_free(&h, p + 64);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("invalid pointer"));
	assert_int_equal(h.stats.live_allocs, 1);
	assert_true(heap_check(&h));
}

static void test_misaligned_pointer_detected(void **state)
{
	uint8_t *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 64, 0);
	heap_free(&h, p + 1);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("misaligned"));
	heap_free(&h, p);
	assert_int_equal(faults.count, 1);
}

static void test_corrupted_header_detected(void **state)
{
	uint8_t *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 64, 0);
	p[-16] ^= 0x40; /* size field of the header */
	assert_false(heap_check(&h));
	heap_free(&h, p);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("corrupted chunk header"));
}

static void test_overflow_into_footer_detected(void **state)
{
	uint8_t *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 64, 0);
	heap_alloc(&h, 64, 0);
	memset(p, 'A', 64 + 8); /* runs into the footer */
	assert_false(heap_check(&h));
	heap_free(&h, p);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("footer"));
}

static void test_corrupted_free_list_detected(void **state)
{
	uint8_t *a, *b;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	memset(a, 0x41, 8); /* the free chunk's next link */
	assert_false(heap_check(&h));
	(void)b;
}

static void test_corrupted_free_chunk_faults_on_alloc(void **state)
{
	uint8_t *a, *b;

	setup_arena(0, 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	a[-16] ^= 1; /* header of the free chunk */
	assert_null(heap_alloc(&h, 32, 0));
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("free list"));
	(void)b;
}

static void test_tampered_stats_detected(void **state)
{
	setup_arena(0, 4096, 0);
	heap_alloc(&h, 64, 0);
	assert_true(heap_check(&h));
	h.stats.used_bytes++;
	assert_false(heap_check(&h));
	h.stats.used_bytes--;
	h.stats.free_chunks++;
	assert_false(heap_check(&h));
}

static void test_no_fault_callback_is_safe(void **state)
{
	void *p;

	setup_arena(0, 4096, 0);
	heap_init(&h, grow, NULL, &ar);
	p = heap_alloc(&h, 64, 0);
	heap_free(&h, p);
	heap_free(&h, p);
	assert_true(heap_check(&h));
}

/* --- growth --- */

static void test_grow_failure_returns_null(void **state)
{
	void *p;

	setup_arena(0, 4096, 8192);
	p = heap_alloc(&h, 5000, 0);
	assert_non_null(p);
	assert_null(heap_alloc(&h, 5000, 0));
	assert_true(heap_check(&h));
	assert_non_null(heap_alloc(&h, 1000, 0)); /* what is left still works */
	assert_true(heap_check(&h));
}

static void test_no_grow_callback(void **state)
{
	heap_init(&h, NULL, on_fault, NULL);
	assert_null(heap_alloc(&h, 16, 0));
	assert_true(heap_check(&h));
}

static void test_contiguous_growth_merges(void **state)
{
	void *p[8];

	setup_arena(0, 4096, 0);
	for (int i = 0; i < 8; i++) {
		p[i] = heap_alloc(&h, 3000, 0);
		assert_non_null(p[i]);
		assert_true(heap_check(&h));
	}
	assert_true(ar.calls > 1);
	assert_int_equal(h.stats.arena_bytes, ar.handed);
	for (int i = 0; i < 8; i++)
		heap_free(&h, p[i]);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.free_chunks, 1);
	/* one group: only one prologue and one epilogue are overhead */
	assert_int_equal(h.stats.free_bytes, h.stats.arena_bytes - 48);
	assert_non_null(heap_alloc(&h, h.stats.arena_bytes - 48 - 32, 0));
}

/* An allocation larger than any one region spans the merged regions. */
static void test_contiguous_growth_spans_regions(void **state)
{
	uint8_t *p, *q;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 3500, 0);
	q = heap_alloc(&h, 3500, 0);
	assert_non_null(q);
	assert_int_equal(ar.calls, 2);
	assert_int_equal(h.stats.arena_bytes, 8192);
	/* q starts in the first region's tail and runs into the second */
	assert_true(q < arena_mem + 4096);
	assert_true(q + 3500 > arena_mem + 4096);
	memset(q, 0x77, 3500);
	assert_true(heap_check(&h));
	(void)p;
}

static void test_noncontiguous_growth(void **state)
{
	void *p[6];

	setup_arena(4096, 4096, 0);
	for (int i = 0; i < 6; i++) {
		p[i] = heap_alloc(&h, 3000, 0);
		assert_non_null(p[i]);
		memset(p[i], i, 3000);
	}
	assert_int_equal(ar.calls, 6);
	assert_int_equal(h.stats.arena_bytes, 6 * 4096);
	assert_true(heap_check(&h));
	for (int i = 5; i >= 0; i--) {
		heap_free(&h, p[i]);
		assert_true(heap_check(&h));
	}
	assert_int_equal(faults.count, 0);
	assert_int_equal(h.stats.free_chunks, 6);
	assert_int_equal(h.stats.free_bytes, 6 * (4096 - 48));
}

static void test_misaligned_region_from_grow(void **state)
{
	void *p;

	setup_arena(0, 4096, 0);
	ar.misalign = 8;
	p = heap_alloc(&h, 100, 0);
	assert_non_null(p);
	assert_true(aligned(p, 16));
	assert_int_equal(h.stats.arena_bytes, 4096 - 16);
	assert_true(heap_check(&h));
}

/* --- realloc --- */

static void test_realloc_null_allocates(void **state)
{
	void *p;

	setup_arena(0, 4096, 0);
	p = heap_realloc(&h, NULL, 40);
	assert_non_null(p);
	assert_int_equal(h.stats.live_allocs, 1);
}

static void test_realloc_zero_frees(void **state)
{
	void *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 40, 0);
	assert_null(heap_realloc(&h, p, 0));
	assert_int_equal(h.stats.live_allocs, 0);
	assert_true(heap_check(&h));
}

static void test_realloc_shrink_in_place(void **state)
{
	uint8_t *p, *q;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 1000, 4096);
	for (int i = 0; i < 1000; i++)
		p[i] = (uint8_t)i;
	q = heap_realloc(&h, p, 100);
	assert_ptr_equal(q, p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], (uint8_t)i);
	assert_int_equal(h.stats.used_bytes, 112);
	assert_true(heap_check(&h));
}

static void test_realloc_grow_in_place(void **state)
{
	uint8_t *p, *q;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 100, 0);
	memset(p, 0x5a, 100);
	q = heap_realloc(&h, p, 1500);
	assert_ptr_equal(q, p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], 0x5a);
	memset(q, 1, 1500);
	assert_int_equal(h.stats.used_bytes, 1504);
	assert_true(heap_check(&h));
}

static void test_realloc_moves_and_keeps_data(void **state)
{
	uint8_t *p, *q, *blocker;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 100, 0);
	blocker = heap_alloc(&h, 16, 0);
	for (int i = 0; i < 100; i++)
		p[i] = (uint8_t)(i * 3);
	q = heap_realloc(&h, p, 600);
	assert_non_null(q);
	assert_ptr_not_equal(q, p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], (uint8_t)(i * 3));
	assert_int_equal(h.stats.live_allocs, 2);
	assert_true(heap_check(&h));
	(void)blocker;
}

static void test_realloc_failure_keeps_block(void **state)
{
	uint8_t *p, *blocker;

	setup_arena(0, 4096, 4096);
	p = heap_alloc(&h, 100, 0);
	blocker = heap_alloc(&h, 16, 0);
	memset(p, 9, 100);
	assert_null(heap_realloc(&h, p, 10000));
	assert_int_equal(p[99], 9);
	assert_int_equal(h.stats.live_allocs, 2);
	assert_true(heap_check(&h));
	(void)blocker;
}

static void test_realloc_invalid_pointer(void **state)
{
	void *p;

	setup_arena(0, 4096, 0);
	p = heap_alloc(&h, 100, 0);
	heap_free(&h, p);
	assert_null(heap_realloc(&h, p, 200));
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("double free"));
}

/* --- stress --- */

static uint64_t rng_state = 0xfeedfacecafebeefull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct live {
	uint8_t *p;
	size_t size;
	uint8_t fill;
};

static void check_fill(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != l->fill)
			fail_msg("block %p byte %zu overwritten", (void *)l->p, i);
}

/* Random allocations, frees and reallocs; every block carries a fill byte
 * that must survive until it is freed, so overlapping blocks are caught. */
static void stress(size_t gap, int steps)
{
	static struct live live[256];
	static const size_t aligns[] = { 0, 0, 0, 16, 32, 64, 256, 4096 };
	size_t n = 0;

	setup_arena(gap, 4096, 0);
	for (int step = 0; step < steps; step++) {
		uint64_t r = rng();

		if (n < 256 && (r % 8 < 4 || n == 0)) {
			size_t size = 1 + rng() % (rng() % 8 == 0 ? 20000 : 300);
			size_t align = aligns[rng() % 8];
			uint8_t *p = heap_alloc(&h, size, align);

			assert_non_null(p);
			assert_true(aligned(p, align ? align : 16));
			live[n] = (struct live){ p, size, (uint8_t)rng() };
			memset(p, live[n].fill, size);
			n++;
		} else if (r % 8 < 7) {
			size_t i = rng() % n;

			check_fill(&live[i]);
			heap_free(&h, live[i].p);
			live[i] = live[--n];
		} else {
			size_t i = rng() % n, size = 1 + rng() % 3000;
			uint8_t *q;

			check_fill(&live[i]);
			q = heap_realloc(&h, live[i].p, size);
			assert_non_null(q);
			for (size_t k = 0; k < (size < live[i].size ? size : live[i].size); k++)
				assert_int_equal(q[k], live[i].fill);
			live[i].p = q;
			live[i].size = size;
			memset(q, live[i].fill, size);
		}
		assert_true(heap_check(&h));
		assert_int_equal(h.stats.live_allocs, n);
	}
	while (n) {
		check_fill(&live[n - 1]);
		heap_free(&h, live[--n].p);
	}
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.used_bytes, 0);
	assert_int_equal(faults.count, 0);
}

static void test_stress_contiguous(void **state)
{
	stress(0, 6000);
	assert_int_equal(h.stats.free_chunks, 1);
}

static void test_stress_noncontiguous(void **state)
{
	stress(4096, 4000);
}

static void test_exhaust_then_free_all(void **state)
{
	static void *p[4096];
	size_t n = 0;

	setup_arena(0, 4096, 256 * 1024);
	while (n < 4096 && (p[n] = heap_alloc(&h, 16 + n % 200, 0)))
		n++;
	assert_true(n > 100 && n < 4096);
	assert_true(heap_check(&h));
	for (size_t i = 0; i < n; i += 2)
		heap_free(&h, p[i]);
	for (size_t i = 1; i < n; i += 2)
		heap_free(&h, p[i]);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.free_chunks, 1);
	assert_int_equal(h.stats.live_allocs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty_heap_is_consistent),
		cmocka_unit_test(test_alloc_basic),
		cmocka_unit_test(test_alloc_zero_is_null),
		cmocka_unit_test(test_alloc_invalid_alignment),
		cmocka_unit_test(test_alloc_overflowing_size),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_alignment_with_exact_growth),
		cmocka_unit_test(test_free_null_ignored),
		cmocka_unit_test(test_free_then_reuse),
		cmocka_unit_test(test_coalesce_both_directions),
		cmocka_unit_test(test_coalesce_forward),
		cmocka_unit_test(test_first_fit_lowest_address),
		cmocka_unit_test(test_double_free_detected),
		cmocka_unit_test(test_double_free_after_coalescing),
		cmocka_unit_test(test_foreign_pointer_detected),
		cmocka_unit_test(test_free_before_any_growth),
		cmocka_unit_test(test_interior_pointer_detected),
		cmocka_unit_test(test_misaligned_pointer_detected),
		cmocka_unit_test(test_corrupted_header_detected),
		cmocka_unit_test(test_overflow_into_footer_detected),
		cmocka_unit_test(test_corrupted_free_list_detected),
		cmocka_unit_test(test_corrupted_free_chunk_faults_on_alloc),
		cmocka_unit_test(test_tampered_stats_detected),
		cmocka_unit_test(test_no_fault_callback_is_safe),
		cmocka_unit_test(test_grow_failure_returns_null),
		cmocka_unit_test(test_no_grow_callback),
		cmocka_unit_test(test_contiguous_growth_merges),
		cmocka_unit_test(test_contiguous_growth_spans_regions),
		cmocka_unit_test(test_noncontiguous_growth),
		cmocka_unit_test(test_misaligned_region_from_grow),
		cmocka_unit_test(test_realloc_null_allocates),
		cmocka_unit_test(test_realloc_zero_frees),
		cmocka_unit_test(test_realloc_shrink_in_place),
		cmocka_unit_test(test_realloc_grow_in_place),
		cmocka_unit_test(test_realloc_moves_and_keeps_data),
		cmocka_unit_test(test_realloc_failure_keeps_block),
		cmocka_unit_test(test_realloc_invalid_pointer),
		cmocka_unit_test(test_stress_contiguous),
		cmocka_unit_test(test_stress_noncontiguous),
		cmocka_unit_test(test_exhaust_then_free_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
