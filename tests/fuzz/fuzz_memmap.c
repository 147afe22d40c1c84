/* memmap_normalize on arbitrary raw maps. Traps when the output breaks an
 * invariant: sorted, non-overlapping, page-aligned, non-empty, never two
 * touching regions of one type, usable RAM never grows; and, for small maps,
 * when any page's type differs from a direct model of the rules.
 *
 * Input: 12-byte records {u32 base, u32 len, u8 type, u8 mode, u16 high}. The
 * mode bits move base/len to the top of the address space or scale them, so
 * the fuzzer reaches overlaps, unaligned edges and 2^64 clamping quickly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/bootinfo.h"

#define PG 4096ull
#define MASK (PG - 1)
#define RAW_MAX 100
#define MODEL_MAX 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void decode(const uint8_t *p, struct mem_region *r)
{
	uint64_t base = rd32(p), len = rd32(p + 4), high = (uint64_t)(p[10] | p[11] << 8);
	uint8_t mode = p[9];

	if (mode & 1)
		base <<= 12;
	if (mode & 2)
		len <<= 12;
	if (mode & 4)
		base += high << 32;
	if (mode & 8)
		base = UINT64_MAX - base;
	if (mode & 16)
		len = UINT64_MAX - len;
	r->base = base;
	r->len = len;
	r->type = p[8] % 8;
	r->reserved0 = 0;
}

static uint32_t known(uint32_t t)
{
	return t >= MEM_USABLE && t <= MEM_BAD ? t : MEM_RESERVED;
}

/* Inclusive last byte of a raw region (len > 0), clamped at 2^64 - 1. */
static uint64_t raw_last(const struct mem_region *r)
{
	return r->len - 1 > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len - 1;
}

/* Highest non-usable type whose page-grown extent contains x. */
static uint32_t hard_at(const struct mem_region *in, size_t n, uint64_t x)
{
	uint32_t hard = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t t = known(in[i].type);

		if (in[i].len && t != MEM_USABLE && (in[i].base & ~MASK) <= x &&
		    x <= (raw_last(&in[i]) | MASK) && t > hard)
			hard = t;
	}
	return hard;
}

/* Do raw usable regions cover every byte of [first, last]? */
static int usable_covers(const struct mem_region *in, size_t n, uint64_t first, uint64_t last)
{
	uint64_t cur = first;

	for (;;) {
		uint64_t reach = 0;
		int found = 0;

		for (size_t i = 0; i < n; i++) {
			if (!in[i].len || known(in[i].type) != MEM_USABLE)
				continue;
			if (in[i].base <= cur && cur <= raw_last(&in[i]) &&
			    (!found || raw_last(&in[i]) > reach)) {
				reach = raw_last(&in[i]);
				found = 1;
			}
		}
		if (!found)
			return 0;
		if (reach >= last)
			return 1;
		cur = reach + 1;
	}
}

/* The rules applied to the single page holding x. */
static uint32_t model_page(const struct mem_region *in, size_t n, uint64_t x)
{
	uint64_t page = x & ~MASK;
	uint32_t hard = hard_at(in, n, page);

	if (hard)
		return hard;
	return usable_covers(in, n, page, page | MASK) ? MEM_USABLE : 0;
}

static uint32_t output_type_at(const struct mem_region *out, int count, uint64_t x)
{
	for (int i = 0; i < count; i++)
		if (out[i].base <= x && x - out[i].base < out[i].len)
			return out[i].type;
	return 0;
}

static void check_page(const struct mem_region *in, size_t n, const struct mem_region *out,
                       int count, uint64_t x)
{
	uint64_t page = x & ~MASK;

	/* the whole-space special case gives up the last page */
	if (count == 1 && out[0].base == 0 && out[0].len == (UINT64_MAX & ~MASK) && page == (UINT64_MAX & ~MASK))
		return;
	CHECK(output_type_at(out, count, page) == model_page(in, n, page));
}

/* Checks the model at every page where the answer can change: the pages
 * around every raw and output edge. */
static void check_model(const struct mem_region *in, size_t n, const struct mem_region *out,
                        int count)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t edges[2] = { in[i].base, raw_last(&in[i]) };

		if (!in[i].len)
			continue;
		for (int e = 0; e < 2; e++) {
			uint64_t p = edges[e] & ~MASK;

			check_page(in, n, out, count, p);
			if (p >= PG)
				check_page(in, n, out, count, p - PG);
			if (p <= UINT64_MAX - 2 * PG + 1)
				check_page(in, n, out, count, p + PG);
		}
	}
	for (int i = 0; i < count; i++) {
		check_page(in, n, out, count, out[i].base);
		check_page(in, n, out, count, out[i].base + out[i].len - 1);
	}
}

static void check_structure(const struct mem_region *in, size_t n, const struct mem_region *out,
                            int count, int expensive)
{
	for (int i = 0; i < count; i++) {
		const struct mem_region *r = &out[i];
		uint64_t last;

		CHECK(r->len > 0 && (r->base & MASK) == 0 && (r->len & MASK) == 0);
		CHECK(r->type >= MEM_USABLE && r->type <= MEM_BAD && r->reserved0 == 0);
		CHECK(r->len - 1 <= UINT64_MAX - r->base);
		last = r->base + r->len - 1;
		if (i > 0) {
			const struct mem_region *p = &out[i - 1];
			uint64_t plast = p->base + p->len - 1;

			CHECK(plast < r->base);
			CHECK(!(plast + 1 == r->base && p->type == r->type));
		}
		if (r->type != MEM_USABLE)
			continue;
		/* usable never grows: no reservation's pages, only raw usable bytes */
		for (size_t j = 0; j < n; j++) {
			uint32_t t = known(in[j].type);

			if (in[j].len && t != MEM_USABLE)
				CHECK((raw_last(&in[j]) | MASK) < r->base || (in[j].base & ~MASK) > last);
		}
		if (expensive)
			CHECK(usable_covers(in, n, r->base, last));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mem_region in[RAW_MAX], out[BOOT_MMAP_MAX], big[2 * RAW_MAX + 2];
	size_t n = size / 12;
	int count, count_big;

	if (n > RAW_MAX)
		n = RAW_MAX;
	for (size_t i = 0; i < n; i++)
		decode(data + 12 * i, &in[i]);

	/* Capacity 2n+1 always suffices: every raw region adds at most two
	 * boundaries, and each output region starts at one. */
	count_big = memmap_normalize(big, 2 * n + 1, in, n);
	CHECK(count_big >= 0 && (size_t)count_big <= 2 * n + 1);
	count = memmap_normalize(out, BOOT_MMAP_MAX, in, n);
	if (count_big > (int)BOOT_MMAP_MAX) {
		CHECK(count == BOOT_ERR_TOO_MANY);
	} else {
		CHECK(count == count_big);
		CHECK(memcmp(out, big, (size_t)count * sizeof out[0]) == 0);
	}
	check_structure(in, n, big, count_big, n <= MODEL_MAX);
	if (n <= MODEL_MAX)
		check_model(in, n, big, count_big);
	return 0;
}
