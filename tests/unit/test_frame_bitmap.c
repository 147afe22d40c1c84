/* The frame bitmap: ranges across word boundaries, exhausting every frame
 * exactly once, double free, contiguous runs with alignment, and random
 * operations against a one-bool-per-frame model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "lib/frame_bitmap.h"

#define MAXF 4096
#define CANARY 0x5a5a5a5a5a5a5a5aull

static uint64_t storage[MAXF / 64 + 2];
static struct frame_bitmap fb;

/* Initializes over nframes with a canary word right after the storage. */
static void setup(uint64_t nframes)
{
	memset(storage, 0xff, sizeof storage);
	storage[frame_bitmap_words(nframes)] = CANARY;
	frame_bitmap_init(&fb, storage, nframes);
}

static uint64_t count_free_slow(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < fb.nframes; i++)
		n += frame_bitmap_is_free(&fb, i);
	return n;
}

static void test_words(void **state)
{
	assert_int_equal(frame_bitmap_words(0), 0);
	assert_int_equal(frame_bitmap_words(1), 1);
	assert_int_equal(frame_bitmap_words(63), 1);
	assert_int_equal(frame_bitmap_words(64), 1);
	assert_int_equal(frame_bitmap_words(65), 2);
	assert_int_equal(frame_bitmap_words(1ull << 20), 1ull << 14);
}

static void test_init_everything_used(void **state)
{
	uint64_t f;

	setup(1000);
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
	for (size_t i = 0; i < frame_bitmap_words(1000); i++)
		assert_int_equal(storage[i], 0);
	assert_int_equal(storage[frame_bitmap_words(1000)], CANARY);
	assert_false(frame_bitmap_alloc(&fb, &f));
	assert_false(frame_bitmap_is_free(&fb, 0));
}

static void test_mark_free_within_word(void **state)
{
	setup(64);
	frame_bitmap_mark_free(&fb, 3, 5);
	assert_int_equal(frame_bitmap_free_count(&fb), 5);
	assert_int_equal(storage[0], 0xf8ull);
	assert_false(frame_bitmap_is_free(&fb, 2));
	assert_true(frame_bitmap_is_free(&fb, 3));
	assert_true(frame_bitmap_is_free(&fb, 7));
	assert_false(frame_bitmap_is_free(&fb, 8));
}

static void test_mark_crossing_word_boundary(void **state)
{
	setup(256);
	frame_bitmap_mark_free(&fb, 60, 10);
	assert_int_equal(storage[0], 0xfull << 60);
	assert_int_equal(storage[1], 0x3full);
	assert_int_equal(frame_bitmap_free_count(&fb), 10);
}

static void test_mark_spanning_many_words(void **state)
{
	setup(1000);
	frame_bitmap_mark_free(&fb, 5, 700);
	assert_int_equal(frame_bitmap_free_count(&fb), 700);
	assert_int_equal(count_free_slow(), 700);
	assert_false(frame_bitmap_is_free(&fb, 4));
	assert_true(frame_bitmap_is_free(&fb, 704));
	assert_false(frame_bitmap_is_free(&fb, 705));
	frame_bitmap_mark_used(&fb, 63, 130);
	assert_int_equal(frame_bitmap_free_count(&fb), 570);
	assert_int_equal(count_free_slow(), 570);
	assert_true(frame_bitmap_is_free(&fb, 62));
	assert_false(frame_bitmap_is_free(&fb, 63));
	assert_false(frame_bitmap_is_free(&fb, 192));
	assert_true(frame_bitmap_is_free(&fb, 193));
}

static void test_mark_exact_words(void **state)
{
	setup(256);
	frame_bitmap_mark_free(&fb, 64, 128);
	assert_int_equal(storage[0], 0);
	assert_int_equal(storage[1], UINT64_MAX);
	assert_int_equal(storage[2], UINT64_MAX);
	assert_int_equal(storage[3], 0);
}

static void test_mark_beyond_nframes_clipped(void **state)
{
	setup(100);
	frame_bitmap_mark_free(&fb, 97, 50);
	assert_int_equal(frame_bitmap_free_count(&fb), 3);
	assert_int_equal(storage[1], 0x7ull << 33); /* bits 97..99 only */
	frame_bitmap_mark_free(&fb, 100, 10);
	frame_bitmap_mark_free(&fb, 5000, 10);
	assert_int_equal(frame_bitmap_free_count(&fb), 3);
	assert_int_equal(storage[2], CANARY);
}

static void test_mark_huge_count_no_overflow(void **state)
{
	setup(130);
	frame_bitmap_mark_free(&fb, 10, UINT64_MAX);
	assert_int_equal(frame_bitmap_free_count(&fb), 120);
	frame_bitmap_mark_used(&fb, UINT64_MAX, UINT64_MAX);
	frame_bitmap_mark_used(&fb, 129, UINT64_MAX);
	assert_int_equal(frame_bitmap_free_count(&fb), 119);
	assert_int_equal(storage[3], CANARY);
}

static void test_mark_idempotent(void **state)
{
	setup(300);
	frame_bitmap_mark_free(&fb, 10, 100);
	frame_bitmap_mark_free(&fb, 50, 100);
	assert_int_equal(frame_bitmap_free_count(&fb), 140);
	frame_bitmap_mark_used(&fb, 0, 20);
	frame_bitmap_mark_used(&fb, 0, 20);
	assert_int_equal(frame_bitmap_free_count(&fb), 130);
	frame_bitmap_mark_used(&fb, 10, 0);
	frame_bitmap_mark_free(&fb, 0, 0);
	assert_int_equal(frame_bitmap_free_count(&fb), 130);
	assert_int_equal(count_free_slow(), 130);
}

/* Every free frame is handed out once, nothing else is, then it fails. */
static void test_exhaust_every_frame_exactly_once(void **state)
{
	static bool seen[1000];
	uint64_t f;

	setup(1000);
	memset(seen, 0, sizeof seen);
	frame_bitmap_mark_free(&fb, 0, 1000);
	for (int i = 0; i < 1000; i++) {
		assert_true(frame_bitmap_alloc(&fb, &f));
		assert_true(f < 1000);
		assert_false(seen[f]);
		seen[f] = true;
		assert_false(frame_bitmap_is_free(&fb, f));
	}
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
	assert_false(frame_bitmap_alloc(&fb, &f));
	assert_int_equal(storage[frame_bitmap_words(1000)], CANARY);
}

static void test_exhaust_sparse_free_set(void **state)
{
	uint64_t f, got = 0;

	setup(2000);
	for (uint64_t i = 0; i < 2000; i += 7)
		frame_bitmap_mark_free(&fb, i, 1);
	while (frame_bitmap_alloc(&fb, &f)) {
		assert_int_equal(f % 7, 0);
		got++;
	}
	assert_int_equal(got, (2000 + 6) / 7);
	assert_int_equal(count_free_slow(), 0);
}

/* After a wrap, frames freed behind the cursor are found again. */
static void test_alloc_wraps_around(void **state)
{
	uint64_t f;

	setup(200);
	frame_bitmap_mark_free(&fb, 0, 200);
	for (int i = 0; i < 200; i++)
		assert_true(frame_bitmap_alloc(&fb, &f));
	assert_true(frame_bitmap_free(&fb, 3));
	assert_true(frame_bitmap_alloc(&fb, &f));
	assert_int_equal(f, 3);
	assert_true(frame_bitmap_free(&fb, 199));
	assert_true(frame_bitmap_alloc(&fb, &f));
	assert_int_equal(f, 199);
}

static void test_alloc_next_fit_order(void **state)
{
	uint64_t f;

	setup(300);
	frame_bitmap_mark_free(&fb, 100, 100);
	for (uint64_t want = 100; want < 200; want++) {
		assert_true(frame_bitmap_alloc(&fb, &f));
		assert_int_equal(f, want);
	}
}

static void test_free_and_double_free(void **state)
{
	uint64_t f;

	setup(128);
	frame_bitmap_mark_free(&fb, 0, 128);
	assert_true(frame_bitmap_alloc(&fb, &f));
	assert_int_equal(frame_bitmap_free_count(&fb), 127);
	assert_true(frame_bitmap_free(&fb, f));
	assert_int_equal(frame_bitmap_free_count(&fb), 128);
	assert_false(frame_bitmap_free(&fb, f));
	assert_int_equal(frame_bitmap_free_count(&fb), 128);
	assert_true(frame_bitmap_is_free(&fb, f));
}

static void test_free_out_of_range(void **state)
{
	setup(100);
	assert_false(frame_bitmap_free(&fb, 100));
	assert_false(frame_bitmap_free(&fb, 127));
	assert_false(frame_bitmap_free(&fb, UINT64_MAX));
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
	assert_int_equal(storage[1], 0);
	assert_false(frame_bitmap_is_free(&fb, 100));
	assert_false(frame_bitmap_is_free(&fb, UINT64_MAX));
}

static void test_zero_frames(void **state)
{
	uint64_t f;

	setup(0);
	frame_bitmap_mark_free(&fb, 0, 10);
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
	assert_false(frame_bitmap_alloc(&fb, &f));
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 1, &f));
	assert_false(frame_bitmap_free(&fb, 0));
	assert_int_equal(storage[0], CANARY);
}

/* --- contiguous runs --- */

static void test_contig_basic(void **state)
{
	uint64_t first;

	setup(512);
	frame_bitmap_mark_free(&fb, 0, 512);
	assert_true(frame_bitmap_alloc_contig(&fb, 10, 1, &first));
	assert_int_equal(first, 0);
	assert_int_equal(frame_bitmap_free_count(&fb), 502);
	for (uint64_t i = 0; i < 10; i++)
		assert_false(frame_bitmap_is_free(&fb, i));
	assert_true(frame_bitmap_is_free(&fb, 10));
	assert_true(frame_bitmap_alloc_contig(&fb, 10, 1, &first));
	assert_int_equal(first, 10);
}

static void test_contig_alignment(void **state)
{
	uint64_t first;

	setup(512);
	frame_bitmap_mark_free(&fb, 1, 511);
	assert_true(frame_bitmap_alloc_contig(&fb, 4, 8, &first));
	assert_int_equal(first, 8);
	assert_true(frame_bitmap_alloc_contig(&fb, 1, 16, &first));
	assert_int_equal(first, 16);
	assert_true(frame_bitmap_alloc_contig(&fb, 100, 128, &first));
	assert_int_equal(first, 128);
	assert_true(frame_bitmap_is_free(&fb, 1));
	assert_true(frame_bitmap_is_free(&fb, 12));
}

static void test_contig_skips_short_runs(void **state)
{
	uint64_t first;

	setup(512);
	frame_bitmap_mark_free(&fb, 0, 5);
	frame_bitmap_mark_free(&fb, 6, 9);
	frame_bitmap_mark_free(&fb, 20, 30);
	assert_true(frame_bitmap_alloc_contig(&fb, 10, 1, &first));
	assert_int_equal(first, 20);
	assert_true(frame_bitmap_alloc_contig(&fb, 9, 1, &first));
	assert_int_equal(first, 6);
}

static void test_contig_across_words(void **state)
{
	uint64_t first;

	setup(512);
	frame_bitmap_mark_free(&fb, 60, 140);
	assert_true(frame_bitmap_alloc_contig(&fb, 100, 64, &first));
	assert_int_equal(first, 64);
	assert_int_equal(frame_bitmap_free_count(&fb), 40);
	assert_true(frame_bitmap_alloc_contig(&fb, 36, 1, &first));
	assert_int_equal(first, 164);
	assert_true(frame_bitmap_alloc_contig(&fb, 4, 4, &first));
	assert_int_equal(first, 60);
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
}

/* Aligned candidates land on runs broken by used frames until one fits. */
static void test_contig_alignment_skips_used(void **state)
{
	uint64_t first;

	setup(1024);
	frame_bitmap_mark_free(&fb, 0, 1024);
	frame_bitmap_mark_used(&fb, 200, 1);
	frame_bitmap_mark_used(&fb, 300, 1);
	frame_bitmap_mark_used(&fb, 600, 1);
	assert_true(frame_bitmap_alloc_contig(&fb, 256, 256, &first));
	assert_int_equal(first, 768);
	assert_false(frame_bitmap_alloc_contig(&fb, 256, 256, &first));
	assert_true(frame_bitmap_alloc_contig(&fb, 200, 256, &first));
	assert_int_equal(first, 0);
	assert_true(frame_bitmap_alloc_contig(&fb, 3, 2, &first));
	assert_int_equal(first, 202);
}

static void test_contig_exact_fit_at_end(void **state)
{
	uint64_t first;

	setup(100);
	frame_bitmap_mark_free(&fb, 90, 10);
	assert_false(frame_bitmap_alloc_contig(&fb, 11, 1, &first));
	assert_true(frame_bitmap_alloc_contig(&fb, 10, 2, &first));
	assert_int_equal(first, 90);
	assert_int_equal(frame_bitmap_free_count(&fb), 0);
}

static void test_contig_no_run_changes_nothing(void **state)
{
	uint64_t first = 12345, before[3];

	setup(192);
	for (uint64_t i = 0; i < 192; i += 2)
		frame_bitmap_mark_free(&fb, i, 1);
	memcpy(before, storage, sizeof before);
	assert_false(frame_bitmap_alloc_contig(&fb, 2, 1, &first));
	assert_int_equal(first, 12345);
	assert_memory_equal(storage, before, sizeof before);
	assert_int_equal(frame_bitmap_free_count(&fb), 96);
}

static void test_contig_invalid_arguments(void **state)
{
	uint64_t first;

	setup(256);
	frame_bitmap_mark_free(&fb, 0, 256);
	assert_false(frame_bitmap_alloc_contig(&fb, 0, 1, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 0, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 3, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 24, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, 257, 1, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, UINT64_MAX, 1, &first));
	assert_int_equal(frame_bitmap_free_count(&fb), 256);
}

static void test_contig_alignment_beyond_range(void **state)
{
	uint64_t first;

	setup(256);
	frame_bitmap_mark_free(&fb, 1, 255);
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 256, &first));
	assert_false(frame_bitmap_alloc_contig(&fb, 1, 1ull << 63, &first));
	assert_true(frame_bitmap_alloc_contig(&fb, 1, 128, &first));
	assert_int_equal(first, 128);
}

/* --- random operations against a model --- */

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The lowest aligned run of count free frames in the model, or UINT64_MAX. */
static uint64_t model_contig(const bool *free, uint64_t n, uint64_t count, uint64_t align)
{
	for (uint64_t s = 0; s + count <= n; s += align) {
		uint64_t i = 0;

		while (i < count && free[s + i])
			i++;
		if (i == count)
			return s;
	}
	return UINT64_MAX;
}

static void test_random_against_model(void **state)
{
	static bool model[MAXF];
	const uint64_t n = 3000;
	uint64_t nfree = 0, f;

	setup(n);
	memset(model, 0, sizeof model);
	for (int step = 0; step < 20000; step++) {
		uint64_t a = rng() % (n + 20), len = rng() % 200;

		switch (rng() % 6) {
		case 0:
			frame_bitmap_mark_free(&fb, a, len);
			for (uint64_t i = a; i < a + len && i < n; i++)
				nfree += !model[i], model[i] = true;
			break;
		case 1:
			frame_bitmap_mark_used(&fb, a, len / 4);
			for (uint64_t i = a; i < a + len / 4 && i < n; i++)
				nfree -= model[i], model[i] = false;
			break;
		case 2:
			if (frame_bitmap_alloc(&fb, &f)) {
				assert_true(f < n && model[f]);
				model[f] = false;
				nfree--;
			} else {
				assert_int_equal(nfree, 0);
			}
			break;
		case 3:
			assert_int_equal(frame_bitmap_free(&fb, a), a < n && !model[a]);
			if (a < n && !model[a])
				model[a] = true, nfree++;
			break;
		default: {
			uint64_t count = 1 + rng() % 20, align = 1ull << (rng() % 6);
			uint64_t want = model_contig(model, n, count, align);

			if (frame_bitmap_alloc_contig(&fb, count, align, &f)) {
				assert_int_equal(f, want);
				for (uint64_t i = f; i < f + count; i++)
					model[i] = false;
				nfree -= count;
			} else {
				assert_int_equal(want, UINT64_MAX);
			}
			break;
		}
		}
		assert_int_equal(frame_bitmap_free_count(&fb), nfree);
		if (step % 500 == 0)
			for (uint64_t i = 0; i < n + 64; i++)
				assert_int_equal(frame_bitmap_is_free(&fb, i), i < n && model[i]);
	}
	assert_int_equal(storage[frame_bitmap_words(n)], CANARY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_init_everything_used),
		cmocka_unit_test(test_mark_free_within_word),
		cmocka_unit_test(test_mark_crossing_word_boundary),
		cmocka_unit_test(test_mark_spanning_many_words),
		cmocka_unit_test(test_mark_exact_words),
		cmocka_unit_test(test_mark_beyond_nframes_clipped),
		cmocka_unit_test(test_mark_huge_count_no_overflow),
		cmocka_unit_test(test_mark_idempotent),
		cmocka_unit_test(test_exhaust_every_frame_exactly_once),
		cmocka_unit_test(test_exhaust_sparse_free_set),
		cmocka_unit_test(test_alloc_wraps_around),
		cmocka_unit_test(test_alloc_next_fit_order),
		cmocka_unit_test(test_free_and_double_free),
		cmocka_unit_test(test_free_out_of_range),
		cmocka_unit_test(test_zero_frames),
		cmocka_unit_test(test_contig_basic),
		cmocka_unit_test(test_contig_alignment),
		cmocka_unit_test(test_contig_skips_short_runs),
		cmocka_unit_test(test_contig_across_words),
		cmocka_unit_test(test_contig_alignment_skips_used),
		cmocka_unit_test(test_contig_exact_fit_at_end),
		cmocka_unit_test(test_contig_no_run_changes_nothing),
		cmocka_unit_test(test_contig_invalid_arguments),
		cmocka_unit_test(test_contig_alignment_beyond_range),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
