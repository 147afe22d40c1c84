/* The boundary-tag heap: alignment, coalescing, growth (contiguous and not),
 * realloc, misuse reported through the fault callback, and random stress with
 * heap_check and content patterns after every step.
 *
 * With a pager (the second half): grow() hands out address space from an
 * mmap'd arena and the test's pager tracks every page. With 4 KiB pages a
 * released page is PROT_NONE, so any touch by the heap crashes the test; with
 * smaller pages (many more page boundaries) a released page is filled with a
 * pattern that must be intact when it is committed again. A freshly committed
 * page is filled with junk, as a recycled frame would be. A model rebuilt from
 * the live blocks alone says which pages must be committed; it must match the
 * pager's map exactly after every step. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* Every region grow() handed out, in order (for the page model). */
#define MAX_REGIONS 4096
static struct {
	uint8_t *start;
	size_t len;
} regions[MAX_REGIONS];
static size_t nregions;

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
	if (nregions < MAX_REGIONS)
		regions[nregions++].start = a->base + start, regions[nregions - 1].len = n;
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
	nregions = 0;
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
	assert_int_equal(h.stats.committed_bytes, 4096); /* no pager: all of it */
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

static struct live live[256];
static size_t nlive;

/* Random allocations, frees and reallocs on the heap as set up; every block
 * carries a fill byte that must survive until it is freed, so overlapping
 * blocks are caught. after_step (optional) runs after every step. */
static void stress_run(int steps, void (*after_step)(void))
{
	static const size_t aligns[] = { 0, 0, 0, 16, 32, 64, 256, 4096 };

	nlive = 0;
	for (int step = 0; step < steps; step++) {
		uint64_t r = rng();

		if (nlive < 256 && (r % 8 < 4 || nlive == 0)) {
			size_t size = 1 + rng() % (rng() % 8 == 0 ? 20000 : 300);
			size_t align = aligns[rng() % 8];
			uint8_t *p = heap_alloc(&h, size, align);

			assert_non_null(p);
			assert_true(aligned(p, align ? align : 16));
			live[nlive] = (struct live){ p, size, (uint8_t)rng() };
			memset(p, live[nlive].fill, size);
			nlive++;
		} else if (r % 8 < 7) {
			size_t i = rng() % nlive;

			check_fill(&live[i]);
			heap_free(&h, live[i].p);
			live[i] = live[--nlive];
		} else {
			size_t i = rng() % nlive, size = 1 + rng() % 3000;
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
		assert_int_equal(h.stats.live_allocs, nlive);
		if (after_step)
			after_step();
	}
	while (nlive) {
		check_fill(&live[nlive - 1]);
		heap_free(&h, live[--nlive].p);
		if (after_step)
			after_step();
	}
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.used_bytes, 0);
	assert_int_equal(faults.count, 0);
}

static void stress(size_t gap, int steps)
{
	setup_arena(gap, 4096, 0);
	stress_run(steps, NULL);
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

/* --- giving memory back: the pager --- */

#define PAGED_SIZE (8u << 20)
#define POISON 0x5c /* what a released page holds (small pages) */
#define JUNK 0xa5   /* what a freshly committed page holds */

static uint8_t *paged_mem; /* PAGED_SIZE bytes of address space, mmap'd once */
static uint8_t pagemap[PAGED_SIZE / 64];
static uint8_t needed[PAGED_SIZE / 64];

struct pager_harness {
	size_t page;
	bool protect;     /* released pages are PROT_NONE (4 KiB pages) */
	size_t committed; /* pages */
	long fail_in;     /* commits that succeed before every later one fails; <0: none fail */
	size_t commits, releases, failed;
};

static struct pager_harness pg;

static size_t page_index(const void *addr)
{
	const uint8_t *a = addr;

	if (a < paged_mem || a >= paged_mem + PAGED_SIZE)
		fail_msg("pager: %p is outside the arena", addr);
	return (size_t)(a - paged_mem) / pg.page;
}

/* Checks that [addr, addr+len) is a run of whole pages in the arena. */
static void check_range(const void *addr, size_t len)
{
	if (len == 0 || (uintptr_t)addr % pg.page || len % pg.page)
		fail_msg("pager: [%p, +%zu) is not whole pages", addr, len);
	page_index((const uint8_t *)addr + len - 1);
}

static bool pg_commit(void *ctx, void *addr, size_t len)
{
	uint8_t *a = addr;

	(void)ctx;
	check_range(addr, len);
	pg.commits++;
	if (pg.fail_in == 0) {
		pg.failed++;
		return false;
	}
	if (pg.fail_in > 0)
		pg.fail_in--;
	for (size_t off = 0; off < len; off += pg.page) {
		size_t i = page_index(a + off);

		if (pagemap[i])
			fail_msg("pager: commit of committed page %p", (void *)(a + off));
		if (!pg.protect)
			for (size_t b = 0; b < pg.page; b++)
				if (a[off + b] != POISON)
					fail_msg("pager: page %p was written while released", (void *)(a + off));
		pagemap[i] = 1;
	}
	if (pg.protect)
		assert_int_equal(mprotect(addr, len, PROT_READ | PROT_WRITE), 0);
	memset(addr, JUNK, len);
	pg.committed += len / pg.page;
	return true;
}

static void pg_release(void *ctx, void *addr, size_t len)
{
	uint8_t *a = addr;

	(void)ctx;
	check_range(addr, len);
	pg.releases++;
	for (size_t off = 0; off < len; off += pg.page) {
		size_t i = page_index(a + off);

		if (!pagemap[i])
			fail_msg("pager: release of released page %p", (void *)(a + off));
		pagemap[i] = 0;
	}
	if (pg.protect) {
		assert_int_equal(mprotect(addr, len, PROT_NONE), 0);
		assert_int_equal(madvise(addr, len, MADV_DONTNEED), 0);
	} else {
		memset(addr, POISON, len);
	}
	pg.committed -= len / pg.page;
}

static bool pg_committed(void *ctx, const void *addr)
{
	(void)ctx;
	return pagemap[page_index(addr)];
}

/* A heap over the arena with pages of page bytes (4096: PROT_NONE when
 * released). grow() hands out regions of granule bytes (a multiple of
 * page), gap bytes apart, at most limit in all (0: no limit). */
static void setup_paged(size_t page, size_t gap, size_t granule, size_t limit)
{
	struct heap_pager pager = { page, pg_commit, pg_release, pg_committed };

	if (!paged_mem) {
		paged_mem = mmap(NULL, PAGED_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		assert_true(paged_mem != MAP_FAILED);
	}
	memset(&pg, 0, sizeof pg);
	pg.page = page;
	pg.protect = page == 4096;
	pg.fail_in = -1;
	memset(pagemap, 0, sizeof pagemap);
	if (pg.protect) {
		assert_int_equal(mprotect(paged_mem, PAGED_SIZE, PROT_NONE), 0);
		assert_int_equal(madvise(paged_mem, PAGED_SIZE, MADV_DONTNEED), 0);
	} else {
		assert_int_equal(mprotect(paged_mem, PAGED_SIZE, PROT_READ | PROT_WRITE), 0);
		memset(paged_mem, POISON, PAGED_SIZE);
	}
	setup_arena(gap, granule, limit);
	ar.base = paged_mem;
	ar.size = PAGED_SIZE;
	assert_true(heap_set_pager(&h, &pager));
}

/* The pager's count agrees with the heap's. */
static void check_count(void)
{
	assert_int_equal(pg.committed * pg.page, h.stats.committed_bytes);
}

static void need_range(const uint8_t *from, const uint8_t *to)
{
	for (size_t i = page_index(from); i <= page_index(to - 1); i++)
		needed[i] = 1;
}

static int by_address(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Rebuilds from the live blocks alone which pages must be committed — the
 * fences of every group, every live chunk whole (its size read from its
 * header word, whose low four bits are flags), and the head (header + links,
 * 32 bytes) and footer (16) of the one free chunk in each gap between them —
 * and compares that with the pager's map page by page. Assumes every region
 * grow() handed out was added to the heap, contiguous ones merged. */
static void check_model(void)
{
	static struct live sorted[256];
	size_t k = 0, arena_pages = (size_t)(ar.used + pg.page - 1) / pg.page;

	check_count();
	memcpy(sorted, live, nlive * sizeof live[0]);
	qsort(sorted, nlive, sizeof sorted[0], by_address);
	memset(needed, 0, arena_pages);
	for (size_t r = 0; r < nregions; r++) {
		uint8_t *start = regions[r].start, *end = start + regions[r].len, *cur;

		while (r + 1 < nregions && regions[r + 1].start == end)
			end += regions[++r].len;
		need_range(start, start + 16);
		need_range(end - 32, end);
		cur = start + 16;
		for (; k < nlive && sorted[k].p < end; k++) {
			uint8_t *c = sorted[k].p - 16;
			size_t size = *(const uintptr_t *)(const void *)c & ~(uintptr_t)15;

			if (c != cur) {
				assert_true(c - cur >= 48);
				need_range(cur, cur + 32);
				need_range(c - 16, c);
			}
			need_range(c, c + size);
			cur = c + size;
		}
		if (cur != end - 32) {
			assert_true(end - 32 - cur >= 48);
			need_range(cur, cur + 32);
			need_range(end - 48, end - 32);
		}
	}
	assert_int_equal(k, nlive);
	for (size_t i = 0; i < arena_pages; i++)
		if (needed[i] != pagemap[i])
			fail_msg("page %p: committed %d, the layout needs %d", (void *)(paged_mem + i * pg.page),
			         pagemap[i], needed[i]);
}

static void test_pager_refused(void **state)
{
	struct heap_pager pager = { 4096, pg_commit, pg_release, pg_committed };

	setup_arena(0, 4096, 0);
	pager.page_size = 32;
	assert_false(heap_set_pager(&h, &pager));
	pager.page_size = 4000;
	assert_false(heap_set_pager(&h, &pager));
	pager.page_size = 4096;
	pager.committed = NULL;
	assert_false(heap_set_pager(&h, &pager));
	pager.committed = pg_committed;
	heap_alloc(&h, 16, 0);
	assert_false(heap_set_pager(&h, &pager)); /* the heap has grown */
	assert_int_equal(h.pager.page_size, 0);
}

/* Only the fences' and chunk tags' pages are committed; the hole between is
 * not, and a block allocated there commits exactly its pages. */
static void test_paged_commits_only_metadata(void **state)
{
	uint8_t *a, *b;

	setup_paged(4096, 0, 16 * 4096, 0);
	a = heap_alloc(&h, 100, 0);
	assert_non_null(a);
	memset(a, 1, 100);
	assert_int_equal(h.stats.arena_bytes, 16 * 4096);
	/* page 0: prologue, a, the free chunk's head; page 15: its footer, the epilogue */
	assert_int_equal(h.stats.committed_bytes, 2 * 4096);
	assert_true(heap_check(&h));
	nlive = 0;
	live[nlive++] = (struct live){ a, 100, 1 };
	check_model();
	b = heap_alloc(&h, 3 * 4096, 4096);
	assert_non_null(b);
	memset(b, 2, 3 * 4096);
	live[nlive++] = (struct live){ b, 3 * 4096, 2 };
	check_model();
	heap_free(&h, b);
	nlive--;
	check_model();
	assert_int_equal(h.stats.committed_bytes, 2 * 4096);
	heap_free(&h, a);
	nlive--;
	check_model();
	assert_true(heap_check(&h));
	assert_int_equal(faults.count, 0);
}

/* A block spanning many pages commits them all; freed, its interior goes
 * back and a touch of it would fault. */
static void test_paged_big_block_released(void **state)
{
	uint8_t *p;
	size_t before;

	setup_paged(4096, 0, 1 << 20, 0);
	heap_alloc(&h, 16, 0);
	before = h.stats.committed_bytes;
	p = heap_alloc(&h, 100 * 4096, 0);
	assert_non_null(p);
	memset(p, 7, 100 * 4096);
	assert_true(h.stats.committed_bytes >= before + 100 * 4096);
	check_count();
	heap_free(&h, p);
	assert_int_equal(h.stats.committed_bytes, before);
	check_count();
	for (size_t off = 4096; off < 99 * 4096; off += 4096)
		assert_false(pg_committed(NULL, p + off));
	assert_true(heap_check(&h));
}

/* N blocks of assorted sizes and alignments on top of a few long-lived ones,
 * freed in a random order: committed pages return to the starting count
 * (the arena was handed over in one piece, so the layout returns too). */
static void test_paged_free_all_returns_committed(void **state)
{
	static uint8_t *p[3000];
	static const size_t aligns[] = { 0, 0, 0, 64, 4096 };
	void *keep[4];
	size_t before;

	setup_paged(4096, 0, PAGED_SIZE, 0);
	for (int i = 0; i < 4; i++)
		keep[i] = heap_alloc(&h, 40 + 1000 * (size_t)i, 0);
	before = h.stats.committed_bytes;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 3000; i++) {
			size_t size = i % 97 == 0 ? 1 + rng() % 40000 : 1 + rng() % 400;

			p[i] = heap_alloc(&h, size, aligns[rng() % 5]);
			assert_non_null(p[i]);
			memset(p[i], (int)i, size);
		}
		assert_true(h.stats.committed_bytes > before);
		check_count();
		for (size_t i = 2999; i > 0; i--) { /* shuffle */
			size_t j = rng() % (i + 1);
			uint8_t *t = p[i];

			p[i] = p[j];
			p[j] = t;
		}
		for (size_t i = 0; i < 3000; i++)
			heap_free(&h, p[i]);
		assert_int_equal(h.stats.committed_bytes, before);
		check_count();
		assert_true(heap_check(&h));
	}
	for (int i = 0; i < 4; i++)
		heap_free(&h, keep[i]);
	assert_int_equal(h.stats.live_allocs, 0);
	assert_int_equal(h.stats.free_chunks, 1);
	assert_int_equal(h.stats.committed_bytes, 2 * 4096);
	assert_int_equal(faults.count, 0);
}

/* Every commit an allocation makes is made to fail in turn: the allocation
 * returns NULL and the heap is exactly as before (stats, pages, check). */
static void test_paged_commit_failure_leaves_heap_consistent(void **state)
{
	static const struct {
		size_t size, align;
	} reqs[] = { { 100, 0 }, { 5000, 0 }, { 3 * 4096, 4096 }, { 40000, 0 }, { 200000, 64 } };

	for (size_t r = 0; r < sizeof reqs / sizeof reqs[0]; r++) {
		for (long fail = 0;; fail++) {
			struct heap_stats st;
			void *a, *b, *c;
			size_t commits;

			setup_paged(4096, 0, 64 * 4096, 0);
			a = heap_alloc(&h, 5000, 0);
			b = heap_alloc(&h, 300, 0);
			c = heap_alloc(&h, 9000, 0);
			heap_free(&h, a);
			heap_free(&h, c);
			st = h.stats;
			commits = pg.commits;
			pg.fail_in = fail;
			a = heap_alloc(&h, reqs[r].size, reqs[r].align);
			if (pg.failed == 0) { /* every commit it needed succeeded */
				assert_non_null(a);
				break;
			}
			assert_null(a);
			assert_true(heap_check(&h));
			check_count();
			assert_int_equal(h.stats.live_allocs, st.live_allocs);
			assert_int_equal(h.stats.used_bytes, st.used_bytes);
			if (pg.commits - commits == 1 && h.stats.arena_bytes == st.arena_bytes)
				assert_memory_equal(&h.stats, &st, sizeof st); /* failed at once: nothing moved */
			pg.fail_in = -1;
			a = heap_alloc(&h, reqs[r].size, reqs[r].align); /* works once commits do */
			assert_non_null(a);
			memset(a, 3, reqs[r].size);
			assert_true(heap_check(&h));
			check_count();
			heap_free(&h, a);
			heap_free(&h, b);
			assert_true(heap_check(&h));
			assert_int_equal(faults.count, 0);
		}
	}
}

/* The first region's fences cannot be committed: the allocation fails, and
 * the next one uses the same region without asking grow() again. */
static void test_paged_commit_failure_on_growth(void **state)
{
	void *p;

	setup_paged(4096, 0, 16 * 4096, 0);
	pg.fail_in = 0;
	assert_null(heap_alloc(&h, 64, 0));
	assert_int_equal(ar.calls, 1);
	assert_int_equal(h.stats.arena_bytes, 0);
	assert_int_equal(h.stats.committed_bytes, 0);
	assert_true(heap_check(&h));
	pg.fail_in = 1; /* the second of the fences' two commits fails */
	assert_null(heap_alloc(&h, 64, 0));
	assert_int_equal(pg.committed, 0);
	pg.fail_in = -1;
	p = heap_alloc(&h, 64, 0);
	assert_non_null(p);
	assert_int_equal(ar.calls, 1);
	assert_int_equal(h.stats.arena_bytes, 16 * 4096);
	assert_true(heap_check(&h));
	check_count();
}

static void test_paged_realloc_commit_failure(void **state)
{
	uint8_t *p, *q;
	struct heap_stats st;

	setup_paged(4096, 0, 16 * 4096, 16 * 4096);
	p = heap_alloc(&h, 100, 0);
	memset(p, 4, 100);
	st = h.stats;
	pg.fail_in = 0;
	assert_null(heap_realloc(&h, p, 10 * 4096)); /* in place and moving both need commits */
	assert_memory_equal(&h.stats, &st, sizeof st);
	assert_true(heap_check(&h));
	pg.fail_in = -1;
	q = heap_realloc(&h, p, 10 * 4096);
	assert_ptr_equal(q, p); /* grown in place */
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], 4);
	memset(q, 5, 10 * 4096);
	check_count();
	q = heap_realloc(&h, q, 50);
	assert_ptr_equal(q, p);
	assert_int_equal(h.stats.committed_bytes, st.committed_bytes);
	assert_true(heap_check(&h));
}

/* A freed block merged into a neighbour whose hole then took its header's
 * page: freeing it again is still reported, and nothing touches the released
 * page (it is PROT_NONE). */
static void test_paged_double_free_detected(void **state)
{
	uint8_t *a, *b, *c, *d;

	setup_paged(4096, 0, 64 * 4096, 0);
	a = heap_alloc(&h, 5 * 4096, 0);
	b = heap_alloc(&h, 5 * 4096, 0);
	c = heap_alloc(&h, 64, 0);
	d = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	heap_free(&h, b); /* merges into a's chunk; b's header page is now in the hole */
	assert_false(pg_committed(NULL, b - 16));
	heap_free(&h, b);
	assert_int_equal(faults.count, 1);
	assert_true(reason_has("double free"));
	assert_ptr_equal(faults.ptr, b);
	assert_null(heap_realloc(&h, b, 10));
	assert_int_equal(faults.count, 2);
	heap_free(&h, c);
	heap_free(&h, c); /* poison tag, page still committed */
	assert_int_equal(faults.count, 3);
	assert_true(reason_has("double free"));
	heap_free(&h, a + 3 * 4096); /* inside the hole */
	assert_int_equal(faults.count, 4);
	assert_true(heap_check(&h));
	check_count();
	(void)d;
}

/* A free-list link pointing into a hole makes heap_check fail without
 * touching the released page. */
static void test_paged_check_stays_out_of_holes(void **state)
{
	uint8_t *a, *b;

	setup_paged(4096, 0, 64 * 4096, 0);
	a = heap_alloc(&h, 64, 0);
	b = heap_alloc(&h, 64, 0);
	heap_free(&h, a);
	assert_true(heap_check(&h));
	memcpy(a, &(uint8_t *){ b + 8 * 4096 }, sizeof(uint8_t *)); /* a's next link */
	assert_false(heap_check(&h));
}

/* heap_check asks the pager: a page the layout needs that is not committed,
 * or a committed page at either end of a hole, fails it. (A committed page
 * inside a hole shows as a count mismatch: check_count.) */
static void test_paged_check_notices_wrong_pages(void **state)
{
	uint8_t *a;
	size_t first_hole, last_page;

	setup_paged(256, 0, 16 * 256, 0);
	a = heap_alloc(&h, 100, 0);
	assert_non_null(a);
	assert_true(heap_check(&h));
	first_hole = 1; /* page 0: prologue, a, the free chunk's head */
	last_page = 15; /* the free chunk's footer, the epilogue */
	assert_int_equal(pagemap[first_hole], 0);
	pagemap[first_hole] = 1;
	assert_false(heap_check(&h));
	pagemap[first_hole] = 0;
	pagemap[last_page - 1] = 1;
	assert_false(heap_check(&h));
	pagemap[last_page - 1] = 0;
	assert_true(heap_check(&h));
	pagemap[last_page] = 0;
	assert_false(heap_check(&h));
	pagemap[last_page] = 1;
	pagemap[0] = 0;
	assert_false(heap_check(&h));
	pagemap[0] = 1;
	assert_true(heap_check(&h));
}

/* grow() regions that are not page-aligned are trimmed to whole pages. */
static void test_paged_misaligned_region_trimmed(void **state)
{
	void *p;

	setup_paged(4096, 0, 8 * 4096, 0);
	ar.misalign = 16;
	p = heap_alloc(&h, 100, 0);
	assert_non_null(p);
	assert_int_equal(h.stats.arena_bytes, 7 * 4096);
	assert_true(heap_check(&h));
	check_count();
}

/* With separate (non-contiguous) groups, small regions and tiny pages. */
static void test_paged_noncontiguous_groups(void **state)
{
	void *p[8];

	setup_paged(256, 4096, 4096, 0);
	for (int i = 0; i < 8; i++) {
		p[i] = heap_alloc(&h, 3000, 0);
		assert_non_null(p[i]);
		memset(p[i], i, 3000);
		assert_true(heap_check(&h));
	}
	assert_int_equal(ar.calls, 8);
	for (int i = 0; i < 8; i++) {
		heap_free(&h, p[i]);
		assert_true(heap_check(&h));
		check_count();
	}
	/* each group: prologue + free head on its first page, footer + epilogue on its last */
	assert_int_equal(h.stats.committed_bytes, 8 * 2 * 256);
}

static void paged_stress(size_t page, size_t gap, size_t granule, int steps)
{
	setup_paged(page, gap, granule, 0);
	stress_run(steps, check_model);
	check_model();
}

/* The random model test: after every step the committed pages are exactly
 * those the live blocks' layout needs. */
static void test_paged_stress_4k(void **state)
{
	paged_stress(4096, 0, 64 * 1024, 4000);
	assert_int_equal(h.stats.free_chunks, 1);
}

static void test_paged_stress_small_pages(void **state)
{
	paged_stress(256, 0, 4096, 3000);
	paged_stress(64, 0, 4096, 1500);
}

static void test_paged_stress_noncontiguous(void **state)
{
	paged_stress(4096, 4096, 4096, 3000);
	paged_stress(128, 1024, 1024, 2000);
}

/* Random operations with commits failing now and then: every failure is a
 * clean NULL, and the heap and the pages stay consistent. */
static void test_paged_stress_commit_failures(void **state)
{
	static uint8_t *p[128];
	size_t failures = 0;

	setup_paged(256, 0, 8192, 0);
	memset(p, 0, sizeof p);
	for (int step = 0; step < 6000; step++) {
		size_t i = rng() % 128;

		pg.fail_in = rng() % 4 == 0 ? (long)(rng() % 3) : -1;
		if (p[i]) {
			heap_free(&h, p[i]);
			p[i] = NULL;
		} else if (rng() % 2) {
			p[i] = heap_alloc(&h, 1 + rng() % (rng() % 5 == 0 ? 6000 : 200), 0);
			failures += !p[i];
		} else {
			uint8_t *q = heap_alloc(&h, 16, 0);

			if (q) {
				uint8_t *r = heap_realloc(&h, q, 1 + rng() % 3000);

				failures += !r;
				p[i] = r ? r : q;
			}
		}
		assert_true(heap_check(&h));
		check_count();
	}
	pg.fail_in = -1;
	for (size_t i = 0; i < 128; i++)
		heap_free(&h, p[i]);
	assert_true(heap_check(&h));
	assert_int_equal(h.stats.live_allocs, 0);
	assert_true(failures > 50);
	assert_int_equal(faults.count, 0);
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
		cmocka_unit_test(test_pager_refused),
		cmocka_unit_test(test_paged_commits_only_metadata),
		cmocka_unit_test(test_paged_big_block_released),
		cmocka_unit_test(test_paged_free_all_returns_committed),
		cmocka_unit_test(test_paged_commit_failure_leaves_heap_consistent),
		cmocka_unit_test(test_paged_commit_failure_on_growth),
		cmocka_unit_test(test_paged_realloc_commit_failure),
		cmocka_unit_test(test_paged_double_free_detected),
		cmocka_unit_test(test_paged_check_stays_out_of_holes),
		cmocka_unit_test(test_paged_check_notices_wrong_pages),
		cmocka_unit_test(test_paged_misaligned_region_trimmed),
		cmocka_unit_test(test_paged_noncontiguous_groups),
		cmocka_unit_test(test_paged_stress_4k),
		cmocka_unit_test(test_paged_stress_small_pages),
		cmocka_unit_test(test_paged_stress_noncontiguous),
		cmocka_unit_test(test_paged_stress_commit_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
