/* memmap_normalize and memmap_usable_bytes: each normalization rule on a
 * hand-made map, then random maps against a byte-level reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/bootinfo.h"

#define PG 4096ull
#define TOP UINT64_MAX

#define R(b, l, t) { .base = (b), .len = (l), .type = (t) }

static struct mem_region out[BOOT_MMAP_MAX];

static int norm(const struct mem_region *in, size_t n)
{
	memset(out, 0xcc, sizeof out);
	return memmap_normalize(out, BOOT_MMAP_MAX, in, n);
}

static void expect(int idx, uint64_t base, uint64_t len, uint32_t type)
{
	assert_int_equal(out[idx].base, base);
	assert_int_equal(out[idx].len, len);
	assert_int_equal(out[idx].type, type);
	assert_int_equal(out[idx].reserved0, 0);
}

static void test_empty_input(void **state)
{
	assert_int_equal(memmap_normalize(out, BOOT_MMAP_MAX, NULL, 0), 0);
}

static void test_single_aligned_region_unchanged(void **state)
{
	struct mem_region in[] = { R(0x100000, 0x7ff00000, MEM_USABLE) };

	assert_int_equal(norm(in, 1), 1);
	expect(0, 0x100000, 0x7ff00000, MEM_USABLE);
}

static void test_unsorted_input_is_sorted(void **state)
{
	struct mem_region in[] = {
		R(0x300000, PG, MEM_RESERVED),
		R(0x100000, PG, MEM_USABLE),
		R(0x200000, PG, MEM_ACPI_NVS),
	};

	assert_int_equal(norm(in, 3), 3);
	expect(0, 0x100000, PG, MEM_USABLE);
	expect(1, 0x200000, PG, MEM_ACPI_NVS);
	expect(2, 0x300000, PG, MEM_RESERVED);
}

static void test_overlap_same_type_merges(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0x5000, MEM_USABLE),
		R(0x4000, 0x6000, MEM_USABLE),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0x1000, 0x9000, MEM_USABLE);
}

static void test_reservation_inside_usable_splits_it(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x10000, MEM_USABLE),
		R(0x4000, 0x2000, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 2), 3);
	expect(0, 0x0, 0x4000, MEM_USABLE);
	expect(1, 0x4000, 0x2000, MEM_RESERVED);
	expect(2, 0x6000, 0xa000, MEM_USABLE);
}

static void test_usable_nested_in_reservation_vanishes(void **state)
{
	struct mem_region in[] = {
		R(0x2000, 0x1000, MEM_USABLE),
		R(0x0, 0x10000, MEM_ACPI_RECLAIMABLE),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0x0, 0x10000, MEM_ACPI_RECLAIMABLE);
}

static void test_identical_regions_higher_type_wins(void **state)
{
	struct mem_region in[] = {
		R(0x5000, 0x3000, MEM_ACPI_NVS),
		R(0x5000, 0x3000, MEM_USABLE),
		R(0x5000, 0x3000, MEM_ACPI_RECLAIMABLE),
	};

	assert_int_equal(norm(in, 3), 1);
	expect(0, 0x5000, 0x3000, MEM_ACPI_NVS);
}

static void test_identical_regions_same_type_collapse(void **state)
{
	struct mem_region in[] = {
		R(0x5000, 0x3000, MEM_USABLE),
		R(0x5000, 0x3000, MEM_USABLE),
		R(0x5000, 0x3000, MEM_USABLE),
	};

	assert_int_equal(norm(in, 3), 1);
	expect(0, 0x5000, 0x3000, MEM_USABLE);
}

static void test_type_precedence_order(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x5000, MEM_USABLE),
		R(0x1000, 0x4000, MEM_ACPI_RECLAIMABLE),
		R(0x2000, 0x3000, MEM_ACPI_NVS),
		R(0x3000, 0x2000, MEM_RESERVED),
		R(0x4000, 0x1000, MEM_BAD),
	};

	assert_int_equal(norm(in, 5), 5);
	expect(0, 0x0, PG, MEM_USABLE);
	expect(1, 0x1000, PG, MEM_ACPI_RECLAIMABLE);
	expect(2, 0x2000, PG, MEM_ACPI_NVS);
	expect(3, 0x3000, PG, MEM_RESERVED);
	expect(4, 0x4000, PG, MEM_BAD);
}

/* A lower type overlapping a higher one from both sides keeps only its
 * uncovered ends. */
static void test_lower_type_around_higher(void **state)
{
	struct mem_region in[] = {
		R(0x3000, 0x1000, MEM_BAD),
		R(0x1000, 0x5000, MEM_ACPI_RECLAIMABLE),
	};

	assert_int_equal(norm(in, 2), 3);
	expect(0, 0x1000, 0x2000, MEM_ACPI_RECLAIMABLE);
	expect(1, 0x3000, 0x1000, MEM_BAD);
	expect(2, 0x4000, 0x2000, MEM_ACPI_RECLAIMABLE);
}

static void test_unaligned_usable_shrinks_inward(void **state)
{
	struct mem_region in[] = { R(0x1001, 0x4000, MEM_USABLE) }; /* [0x1001, 0x5001) */

	assert_int_equal(norm(in, 1), 1);
	expect(0, 0x2000, 0x3000, MEM_USABLE);
}

static void test_unaligned_reservation_grows_outward(void **state)
{
	struct mem_region in[] = { R(0x1fff, 0x2, MEM_RESERVED) }; /* [0x1fff, 0x2001) */

	assert_int_equal(norm(in, 1), 1);
	expect(0, 0x1000, 0x2000, MEM_RESERVED);
}

/* A reservation ending mid-page takes that whole page from usable RAM. */
static void test_reservation_beats_usable_in_touched_page(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x1800, MEM_RESERVED),
		R(0x1800, 0x8800, MEM_USABLE),
	};

	assert_int_equal(norm(in, 2), 2);
	expect(0, 0x0, 0x2000, MEM_RESERVED);
	expect(1, 0x2000, 0x8000, MEM_USABLE);
}

static void test_usable_smaller_than_page_dropped(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0xfff, MEM_USABLE),
		R(0x2800, 0x1000, MEM_USABLE), /* spans two pages, fills neither */
	};

	assert_int_equal(norm(in, 2), 0);
}

/* Two raw usable regions that meet mid-page cover that page together. */
static void test_usable_union_covers_split_page(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x1800, MEM_USABLE),
		R(0x1800, 0x2800, MEM_USABLE),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0x0, 0x4000, MEM_USABLE);
}

static void test_usable_gap_inside_page_loses_page(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x1800, MEM_USABLE),
		R(0x1801, 0x27ff, MEM_USABLE),
	};

	assert_int_equal(norm(in, 2), 2);
	expect(0, 0x0, 0x1000, MEM_USABLE);
	expect(1, 0x2000, 0x2000, MEM_USABLE);
}

static void test_zero_length_dropped(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0, MEM_USABLE),
		R(0x5000, 0, MEM_RESERVED),
		R(0x9000, PG, MEM_USABLE),
	};

	assert_int_equal(norm(in, 3), 1);
	expect(0, 0x9000, PG, MEM_USABLE);
}

static void test_zero_length_does_not_split(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x4000, MEM_USABLE),
		R(0x2000, 0, MEM_BAD),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0x0, 0x4000, MEM_USABLE);
}

static void test_touching_same_type_merge(void **state)
{
	struct mem_region in[] = {
		R(0x3000, 0x1000, MEM_RESERVED),
		R(0x1000, 0x2000, MEM_RESERVED),
		R(0x4000, 0x4000, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 3), 1);
	expect(0, 0x1000, 0x7000, MEM_RESERVED);
}

static void test_adjacent_different_types_stay_apart(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0x1000, MEM_USABLE),
		R(0x2000, 0x1000, MEM_ACPI_RECLAIMABLE),
		R(0x3000, 0x1000, MEM_USABLE),
	};

	assert_int_equal(norm(in, 3), 3);
	expect(0, 0x1000, PG, MEM_USABLE);
	expect(1, 0x2000, PG, MEM_ACPI_RECLAIMABLE);
	expect(2, 0x3000, PG, MEM_USABLE);
}

/* Reservations that grow into the same page join. */
static void test_grown_reservations_join(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0x10, MEM_RESERVED),
		R(0x1ff0, 0x20, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0x1000, 0x2000, MEM_RESERVED);
}

static void test_unknown_types_are_reserved(void **state)
{
	struct mem_region in[] = {
		R(0x1000, PG, 0),
		R(0x2000, PG, 6),
		R(0x3000, PG, 0xffffffffu),
		R(0x3000, PG, MEM_USABLE),
	};

	assert_int_equal(norm(in, 4), 1);
	expect(0, 0x1000, 0x3000, MEM_RESERVED);
}

static void test_unknown_type_loses_to_bad(void **state)
{
	struct mem_region in[] = {
		R(0x1000, 0x2000, 77),
		R(0x2000, PG, MEM_BAD),
	};

	assert_int_equal(norm(in, 2), 2);
	expect(0, 0x1000, PG, MEM_RESERVED);
	expect(1, 0x2000, PG, MEM_BAD);
}

static void test_region_at_top_of_address_space(void **state)
{
	struct mem_region in[] = {
		R(TOP - 0x2fff, 0x2000, MEM_USABLE),
		R(TOP - 0xfff, 0x1000, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 2), 2);
	expect(0, TOP - 0x2fff, 0x2000, MEM_USABLE);
	expect(1, TOP - 0xfff, 0x1000, MEM_RESERVED);
}

static void test_region_past_top_is_clamped(void **state)
{
	struct mem_region in[] = { R(TOP - 0x1fff, UINT64_MAX, MEM_RESERVED) };

	assert_int_equal(norm(in, 1), 1);
	expect(0, TOP - 0x1fff, 0x2000, MEM_RESERVED);
}

static void test_usable_past_top_is_clamped(void **state)
{
	struct mem_region in[] = { R(TOP - 0x2fff + 0x10, 0xffffffff00000000ull, MEM_USABLE) };

	assert_int_equal(norm(in, 1), 1);
	expect(0, TOP - 0x1fff, 0x2000, MEM_USABLE);
}

/* Usable RAM in the very last, partial, page is dropped without wrapping. */
static void test_usable_partial_last_page(void **state)
{
	struct mem_region in[] = { R(TOP - 0x7ff, 0x800, MEM_USABLE) };

	assert_int_equal(norm(in, 1), 0);
}

/* All 2^64 bytes have no representable length: the last page is given up. */
static void test_whole_address_space(void **state)
{
	struct mem_region in[] = {
		R(0, UINT64_MAX, MEM_RESERVED),
		R(1, UINT64_MAX, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 2), 1);
	expect(0, 0, UINT64_MAX - 0xfff, MEM_RESERVED);
}

static void test_too_many_regions(void **state)
{
	static struct mem_region in[BOOT_MMAP_MAX + 1];

	for (size_t i = 0; i < BOOT_MMAP_MAX + 1; i++)
		in[i] = (struct mem_region)R(i * 2 * PG, PG, MEM_USABLE);
	assert_int_equal(norm(in, BOOT_MMAP_MAX), BOOT_MMAP_MAX);
	expect(BOOT_MMAP_MAX - 1, (BOOT_MMAP_MAX - 1) * 2 * PG, PG, MEM_USABLE);
	assert_int_equal(norm(in, BOOT_MMAP_MAX + 1), BOOT_ERR_TOO_MANY);
}

/* Splitting can create more regions than went in. */
static void test_too_many_after_splitting(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x10000, MEM_USABLE),
		R(0x2000, PG, MEM_BAD),
		R(0x6000, PG, MEM_BAD),
	};
	struct mem_region small[5];

	assert_int_equal(memmap_normalize(small, 5, in, 3), 5);
	assert_int_equal(small[4].base, 0x7000);
	assert_int_equal(small[4].len, 0x9000);
	assert_int_equal(memmap_normalize(small, 4, in, 3), BOOT_ERR_TOO_MANY);
}

static void test_zero_capacity(void **state)
{
	struct mem_region in[] = { R(0x1000, PG, MEM_USABLE), R(0x8000, 0, MEM_USABLE) };

	assert_int_equal(memmap_normalize(NULL, 0, in, 1), BOOT_ERR_TOO_MANY);
	assert_int_equal(memmap_normalize(NULL, 0, in + 1, 1), 0);
}

/* Many small regions that merge into one need no capacity for the parts. */
static void test_many_inputs_merge_into_one(void **state)
{
	static struct mem_region in[600];

	for (size_t i = 0; i < 600; i++)
		in[599 - i] = (struct mem_region)R(i * 0x800, 0x800, MEM_USABLE);
	assert_int_equal(memmap_normalize(out, 1, in, 600), 1);
	expect(0, 0, 600 * 0x800, MEM_USABLE);
}

/* The map QEMU's SeaBIOS hands out for 512 MiB. */
static void test_typical_pc_map(void **state)
{
	struct mem_region in[] = {
		R(0x0, 0x9fc00, MEM_USABLE),
		R(0x9fc00, 0x400, MEM_RESERVED),
		R(0xf0000, 0x10000, MEM_RESERVED),
		R(0x100000, 0x1fee0000, MEM_USABLE),
		R(0x1ffe0000, 0x20000, MEM_RESERVED),
		R(0xfeffc000, 0x4000, MEM_RESERVED),
		R(0xfffc0000, 0x40000, MEM_RESERVED),
	};

	assert_int_equal(norm(in, 7), 7);
	expect(0, 0x0, 0x9f000, MEM_USABLE);
	expect(1, 0x9f000, 0x1000, MEM_RESERVED);
	expect(2, 0xf0000, 0x10000, MEM_RESERVED);
	expect(3, 0x100000, 0x1fee0000, MEM_USABLE);
	expect(4, 0x1ffe0000, 0x20000, MEM_RESERVED);
	expect(5, 0xfeffc000, 0x4000, MEM_RESERVED);
	expect(6, 0xfffc0000, 0x40000, MEM_RESERVED);
}

/* A map in a foreign layout (other field order, stored backwards), fetched
 * through the callback. */
struct foreign_entry {
	uint32_t type;
	uint64_t len, base;
};

static void foreign_get(const void *ctx, size_t i, struct mem_region *r)
{
	const struct foreign_entry *e = (const struct foreign_entry *)ctx + (2 - i);

	r->base = e->base;
	r->len = e->len;
	r->type = e->type;
	r->reserved0 = 0;
}

static void test_normalize_with_callback(void **state)
{
	const struct foreign_entry map[3] = {
		{ MEM_USABLE, 0x8000, 0x0 },
		{ MEM_BAD, 0x800, 0x5200 },
		{ MEM_USABLE, PG, 0x10000 },
	};

	memset(out, 0xcc, sizeof out);
	assert_int_equal(memmap_normalize_with(out, BOOT_MMAP_MAX, foreign_get, map, 3), 4);
	expect(0, 0x0, 0x5000, MEM_USABLE);
	expect(1, 0x5000, 0x1000, MEM_BAD);
	expect(2, 0x6000, 0x2000, MEM_USABLE);
	expect(3, 0x10000, PG, MEM_USABLE);
	assert_int_equal(memmap_normalize_with(out, 3, foreign_get, map, 3), BOOT_ERR_TOO_MANY);
}

static void test_usable_bytes(void **state)
{
	static struct boot_info bi;

	bi.mmap_count = 3;
	bi.mmap[0] = (struct mem_region)R(0x0, 0x9f000, MEM_USABLE);
	bi.mmap[1] = (struct mem_region)R(0x9f000, 0x1000, MEM_RESERVED);
	bi.mmap[2] = (struct mem_region)R(0x100000, 0x100000, MEM_USABLE);
	assert_int_equal(memmap_usable_bytes(&bi), 0x9f000 + 0x100000);
	bi.mmap_count = 0;
	assert_int_equal(memmap_usable_bytes(&bi), 0);
}

/* A corrupt count never makes it read past the array. */
static void test_usable_bytes_count_clamped(void **state)
{
	static struct boot_info bi;

	for (size_t i = 0; i < BOOT_MMAP_MAX; i++)
		bi.mmap[i] = (struct mem_region)R(i * 2 * PG, PG, MEM_USABLE);
	bi.mmap_count = 100000;
	assert_int_equal(memmap_usable_bytes(&bi), BOOT_MMAP_MAX * PG);
}

/* --- random maps against a byte-level model of the rules --- */

#define MODEL_PAGES 48
#define MODEL_BYTES (MODEL_PAGES * PG)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t model_type(uint32_t t)
{
	return t >= MEM_USABLE && t <= MEM_BAD ? t : MEM_RESERVED;
}

/* Page p's type: the highest non-usable type touching it, else usable when
 * usable regions cover every byte, else 0 (absent). */
static void model(const struct mem_region *in, size_t n, uint32_t *page_type)
{
	static unsigned char usable[MODEL_BYTES];

	memset(usable, 0, sizeof usable);
	memset(page_type, 0, MODEL_PAGES * sizeof *page_type);
	for (size_t i = 0; i < n; i++) {
		uint32_t t = model_type(in[i].type);

		if (!in[i].len)
			continue;
		if (t == MEM_USABLE) {
			memset(usable + in[i].base, 1, in[i].len);
			continue;
		}
		for (uint64_t p = in[i].base / PG; p <= (in[i].base + in[i].len - 1) / PG; p++)
			if (t > page_type[p])
				page_type[p] = t;
	}
	for (size_t p = 0; p < MODEL_PAGES; p++)
		if (!page_type[p] && !memchr(usable + p * PG, 0, PG))
			page_type[p] = MEM_USABLE;
}

static void test_random_maps_match_model(void **state)
{
	struct mem_region in[24];
	uint32_t want[MODEL_PAGES], got[MODEL_PAGES];

	for (int iter = 0; iter < 3000; iter++) {
		size_t n = rng() % 24;
		int count;

		for (size_t i = 0; i < n; i++) {
			uint64_t base = rng() % MODEL_BYTES;
			uint64_t len = rng() % 4 == 0 ? (rng() % 4) * PG : rng() % (MODEL_BYTES / 4);

			if (rng() % 3 == 0)
				base &= ~(PG - 1);
			if (len > MODEL_BYTES - base)
				len = MODEL_BYTES - base;
			in[i] = (struct mem_region)R(base, len, (uint32_t)(rng() % 8));
		}
		model(in, n, want);
		count = norm(in, n);
		assert_true(count >= 0);
		memset(got, 0, sizeof got);
		for (int r = 0; r < count; r++) {
			assert_int_equal(out[r].base % PG, 0);
			assert_int_equal(out[r].len % PG, 0);
			assert_true(out[r].len > 0);
			if (r > 0) {
				uint64_t prev_end = out[r - 1].base + out[r - 1].len;

				assert_true(prev_end <= out[r].base);
				assert_false(prev_end == out[r].base && out[r - 1].type == out[r].type);
			}
			for (uint64_t p = out[r].base / PG; p < (out[r].base + out[r].len) / PG; p++)
				got[p] = out[r].type;
		}
		assert_memory_equal(got, want, sizeof want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_single_aligned_region_unchanged),
		cmocka_unit_test(test_unsorted_input_is_sorted),
		cmocka_unit_test(test_overlap_same_type_merges),
		cmocka_unit_test(test_reservation_inside_usable_splits_it),
		cmocka_unit_test(test_usable_nested_in_reservation_vanishes),
		cmocka_unit_test(test_identical_regions_higher_type_wins),
		cmocka_unit_test(test_identical_regions_same_type_collapse),
		cmocka_unit_test(test_type_precedence_order),
		cmocka_unit_test(test_lower_type_around_higher),
		cmocka_unit_test(test_unaligned_usable_shrinks_inward),
		cmocka_unit_test(test_unaligned_reservation_grows_outward),
		cmocka_unit_test(test_reservation_beats_usable_in_touched_page),
		cmocka_unit_test(test_usable_smaller_than_page_dropped),
		cmocka_unit_test(test_usable_union_covers_split_page),
		cmocka_unit_test(test_usable_gap_inside_page_loses_page),
		cmocka_unit_test(test_zero_length_dropped),
		cmocka_unit_test(test_zero_length_does_not_split),
		cmocka_unit_test(test_touching_same_type_merge),
		cmocka_unit_test(test_adjacent_different_types_stay_apart),
		cmocka_unit_test(test_grown_reservations_join),
		cmocka_unit_test(test_unknown_types_are_reserved),
		cmocka_unit_test(test_unknown_type_loses_to_bad),
		cmocka_unit_test(test_region_at_top_of_address_space),
		cmocka_unit_test(test_region_past_top_is_clamped),
		cmocka_unit_test(test_usable_past_top_is_clamped),
		cmocka_unit_test(test_usable_partial_last_page),
		cmocka_unit_test(test_whole_address_space),
		cmocka_unit_test(test_too_many_regions),
		cmocka_unit_test(test_too_many_after_splitting),
		cmocka_unit_test(test_zero_capacity),
		cmocka_unit_test(test_many_inputs_merge_into_one),
		cmocka_unit_test(test_typical_pc_map),
		cmocka_unit_test(test_normalize_with_callback),
		cmocka_unit_test(test_usable_bytes),
		cmocka_unit_test(test_usable_bytes_count_clamped),
		cmocka_unit_test(test_random_maps_match_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
