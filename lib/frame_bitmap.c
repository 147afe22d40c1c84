/* Physical frame bitmap (see frame_bitmap.h).
 *
 * Bit f of the bitmap (word f / 64, bit f % 64) is set when frame f is free.
 * Bits at or past nframes in the last word are never set, so whole-word scans
 * need no end mask. Searches go a word at a time with ctz. */
#include "lib/frame_bitmap.h"

#define BITS 64u

size_t frame_bitmap_words(uint64_t nframes)
{
	return (size_t)(nframes / BITS + (nframes % BITS != 0));
}

void frame_bitmap_init(struct frame_bitmap *fb, uint64_t *storage, uint64_t nframes)
{
	size_t n = frame_bitmap_words(nframes);

	for (size_t i = 0; i < n; i++)
		storage[i] = 0;
	fb->words = storage;
	fb->nframes = nframes;
	fb->nfree = 0;
	fb->cursor = 0;
}

/* Set bits in v. Not __builtin_popcountll: without -mpopcnt gcc makes that a
 * call into libgcc, which the kernel does not link. */
static unsigned popcount64(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ull);
	v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((v * 0x0101010101010101ull) >> 56);
}

/* Bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static uint64_t bit_range(unsigned lo, unsigned hi)
{
	uint64_t upto_hi = hi == BITS ? ~0ull : (1ull << hi) - 1;

	return upto_hi & ~((1ull << lo) - 1);
}

/* Sets (free) or clears (used) the bits of [first, first+count) clipped to
 * nframes, keeping nfree equal to the number of set bits. */
static void mark(struct frame_bitmap *fb, uint64_t first, uint64_t count, bool free)
{
	uint64_t end;

	if (first >= fb->nframes || count == 0)
		return;
	end = count > fb->nframes - first ? fb->nframes : first + count;
	while (first < end) {
		uint64_t w = first / BITS;
		unsigned lo = (unsigned)(first % BITS);
		unsigned hi = end - w * BITS >= BITS ? BITS : (unsigned)(end - w * BITS);
		uint64_t m = bit_range(lo, hi);
		uint64_t changed = free ? m & ~fb->words[w] : m & fb->words[w];

		if (free) {
			fb->words[w] |= m;
			fb->nfree += popcount64(changed);
		} else {
			fb->words[w] &= ~m;
			fb->nfree -= popcount64(changed);
		}
		first = w * BITS + hi;
	}
}

void frame_bitmap_mark_free(struct frame_bitmap *fb, uint64_t first, uint64_t count)
{
	mark(fb, first, count, true);
}

void frame_bitmap_mark_used(struct frame_bitmap *fb, uint64_t first, uint64_t count)
{
	mark(fb, first, count, false);
}

/* Returns the first frame in [from, limit) that is free (want_free) or used
 * (!want_free), or limit if there is none. limit <= nframes. */
static uint64_t find_next(const struct frame_bitmap *fb, uint64_t from, uint64_t limit,
                          bool want_free)
{
	while (from < limit) {
		uint64_t w = from / BITS;
		uint64_t bits = want_free ? fb->words[w] : ~fb->words[w];
		uint64_t f;

		bits &= ~0ull << (from % BITS);
		if (bits) {
			f = w * BITS + (uint64_t)__builtin_ctzll(bits);
			return f < limit ? f : limit;
		}
		from = (w + 1) * BITS;
	}
	return limit;
}

bool frame_bitmap_alloc(struct frame_bitmap *fb, uint64_t *frame)
{
	size_t nwords = frame_bitmap_words(fb->nframes);

	if (fb->nfree == 0 || nwords == 0)
		return false;
	if (fb->cursor >= nwords)
		fb->cursor = 0;
	for (size_t i = 0; i < nwords; i++) {
		size_t w = (size_t)((fb->cursor + i) % nwords);
		uint64_t bits = fb->words[w];

		if (bits) {
			unsigned b = (unsigned)__builtin_ctzll(bits);

			fb->words[w] = bits & (bits - 1);
			fb->nfree--;
			fb->cursor = w;
			*frame = (uint64_t)w * BITS + b;
			return true;
		}
	}
	return false; /* unreachable while nfree is accurate */
}

/* First-fit: take the first free frame at or after the candidate, align it up,
 * and look for a used frame inside the run; if there is one, the next
 * candidate starts right after it. */
bool frame_bitmap_alloc_contig(struct frame_bitmap *fb, uint64_t count, uint64_t align,
                               uint64_t *first)
{
	uint64_t start = 0, used;

	if (count == 0 || align == 0 || (align & (align - 1)) || count > fb->nfree)
		return false;
	for (;;) {
		start = find_next(fb, start, fb->nframes, true);
		if (start % align) {
			if (start > UINT64_MAX - align)
				return false;
			start = (start | (align - 1)) + 1;
		}
		if (start >= fb->nframes || count > fb->nframes - start)
			return false;
		used = find_next(fb, start, start + count, false);
		if (used == start + count)
			break;
		start = used + 1;
	}
	mark(fb, start, count, false);
	*first = start;
	return true;
}

bool frame_bitmap_free(struct frame_bitmap *fb, uint64_t frame)
{
	uint64_t bit;

	if (frame >= fb->nframes)
		return false;
	bit = 1ull << (frame % BITS);
	if (fb->words[frame / BITS] & bit)
		return false;
	fb->words[frame / BITS] |= bit;
	fb->nfree++;
	return true;
}

bool frame_bitmap_is_free(const struct frame_bitmap *fb, uint64_t frame)
{
	return frame < fb->nframes && (fb->words[frame / BITS] >> (frame % BITS) & 1);
}

uint64_t frame_bitmap_free_count(const struct frame_bitmap *fb)
{
	return fb->nfree;
}
