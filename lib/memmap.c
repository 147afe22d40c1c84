/* Memory map normalization (see bootinfo.h).
 *
 * The result is defined page by page: a page that any non-usable raw region
 * touches takes the highest such type; otherwise it is usable if usable raw
 * regions cover every byte of it; otherwise it is absent. That is the same as
 * growing every reservation outward to page boundaries, taking the union of
 * usable RAM and shrinking it inward, and letting the higher type win.
 *
 * The algorithm sweeps the address space once, from one region boundary to
 * the next, without any storage beyond out[]: at each boundary it rescans the
 * raw regions for the types covering the segment that starts there and for the
 * nearest boundary after it. O(n^2) for n raw regions, which is a few hundred
 * at most. Intervals are kept inclusive ([first, last]) so a region ending at
 * 2^64 needs no 65-bit arithmetic. */
#include "lib/bootinfo.h"

#include <limits.h>

#define PAGE_MASK ((uint64_t)BOOT_PAGE_SIZE - 1)

/* A raw region after type and page adjustment. */
struct span {
	uint64_t first, last;
	uint32_t type;
};

/* The output being built, with the usable run not yet written: usable
 * segments accumulate there until something else interrupts them, and only
 * then is the whole run shrunk to page boundaries. */
struct sweep {
	struct mem_region *out;
	size_t cap, count;
	bool too_many;
	bool pending;
	uint64_t pend_first, pend_last;
};

static uint32_t known_type(uint32_t type)
{
	return type >= MEM_USABLE && type <= MEM_BAD ? type : MEM_RESERVED;
}

/* Fetches raw region i as a span: usable regions keep their exact bytes (they
 * are shrunk after the union is taken), all others grow outward to page
 * boundaries. Returns false for an empty region. */
static bool get_span(memmap_get_fn get, const void *ctx, size_t i, struct span *s)
{
	struct mem_region r;

	get(ctx, i, &r);
	if (r.len == 0)
		return false;
	s->first = r.base;
	s->last = r.len - 1 > UINT64_MAX - r.base ? UINT64_MAX : r.base + (r.len - 1);
	s->type = known_type(r.type);
	if (s->type != MEM_USABLE) {
		s->first &= ~PAGE_MASK;
		s->last |= PAGE_MASK;
	}
	return true;
}

/* Appends [first, last] of type to the output, extending the previous region
 * when it has the same type and ends right before first. A region covering
 * all 2^64 bytes has no representable length; it loses its last page. */
static void emit(struct sweep *sw, uint64_t first, uint64_t last, uint32_t type)
{
	struct mem_region *prev = sw->count ? &sw->out[sw->count - 1] : NULL;
	struct mem_region *r;

	if (prev && prev->type == type && prev->base + (prev->len - 1) + 1 == first &&
	    prev->base + (prev->len - 1) != UINT64_MAX) {
		r = prev;
	} else {
		if (sw->count >= sw->cap || sw->count >= INT_MAX) {
			sw->too_many = true;
			return;
		}
		r = &sw->out[sw->count++];
		r->base = first;
		r->type = type;
		r->reserved0 = 0;
	}
	r->len = last - r->base + 1;
	if (r->len == 0)
		r->len = UINT64_MAX & ~PAGE_MASK;
}

/* Writes the pending usable run, shrunk inward to whole pages. */
static void flush_usable(struct sweep *sw)
{
	uint64_t first = sw->pend_first, last = sw->pend_last;

	if (!sw->pending)
		return;
	sw->pending = false;
	if (first & PAGE_MASK) {
		if ((first | PAGE_MASK) == UINT64_MAX)
			return;
		first = (first | PAGE_MASK) + 1;
	}
	if ((last & PAGE_MASK) != PAGE_MASK) {
		if (last < BOOT_PAGE_SIZE)
			return;
		last = (last & ~PAGE_MASK) - 1;
	}
	if (first <= last)
		emit(sw, first, last, MEM_USABLE);
}

/* Classifies the segment starting at pos: *hard gets the highest non-usable
 * type covering pos (0: none), *usable whether usable RAM covers it. Returns
 * the segment's last byte: the byte before the next boundary. */
static uint64_t segment_at(memmap_get_fn get, const void *ctx, size_t n, uint64_t pos,
                           uint32_t *hard, bool *usable)
{
	uint64_t seg_last = UINT64_MAX;
	struct span s;

	*hard = 0;
	*usable = false;
	for (size_t i = 0; i < n; i++) {
		if (!get_span(get, ctx, i, &s))
			continue;
		if (s.first > pos) {
			if (s.first - 1 < seg_last)
				seg_last = s.first - 1;
		} else if (s.last >= pos) {
			if (s.last < seg_last)
				seg_last = s.last;
			if (s.type == MEM_USABLE)
				*usable = true;
			else if (s.type > *hard)
				*hard = s.type;
		}
	}
	return seg_last;
}

int memmap_normalize_with(struct mem_region *out, size_t cap, memmap_get_fn get, const void *ctx,
                          size_t n)
{
	struct sweep sw = { .out = out, .cap = cap };
	uint64_t pos = 0, seg_last;
	uint32_t hard;
	bool usable;

	for (;;) {
		seg_last = segment_at(get, ctx, n, pos, &hard, &usable);
		if (hard) {
			flush_usable(&sw);
			emit(&sw, pos, seg_last, hard);
		} else if (usable) {
			if (!sw.pending) {
				sw.pending = true;
				sw.pend_first = pos;
			}
			sw.pend_last = seg_last;
		} else {
			flush_usable(&sw);
		}
		if (sw.too_many)
			return BOOT_ERR_TOO_MANY;
		if (seg_last == UINT64_MAX)
			break;
		pos = seg_last + 1;
	}
	flush_usable(&sw);
	return sw.too_many ? BOOT_ERR_TOO_MANY : (int)sw.count;
}

static void get_array(const void *ctx, size_t i, struct mem_region *region)
{
	*region = ((const struct mem_region *)ctx)[i];
}

int memmap_normalize(struct mem_region *out, size_t cap, const struct mem_region *in, size_t n)
{
	return memmap_normalize_with(out, cap, get_array, in, n);
}

uint64_t memmap_usable_bytes(const struct boot_info *bi)
{
	uint32_t count = bi->mmap_count < BOOT_MMAP_MAX ? bi->mmap_count : BOOT_MMAP_MAX;
	uint64_t total = 0;

	for (uint32_t i = 0; i < count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		if (r->type != MEM_USABLE)
			continue;
		total = r->len > UINT64_MAX - total ? UINT64_MAX : total + r->len;
	}
	return total;
}

uint32_t memmap_type_from_e820(uint32_t type)
{
	switch (type) {
	case 1: return MEM_USABLE;
	case 3: return MEM_ACPI_RECLAIMABLE;
	case 4: return MEM_ACPI_NVS;
	case 5: return MEM_BAD;
	default: return MEM_RESERVED;
	}
}
