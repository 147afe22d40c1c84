/* The physical frame allocator's core: one bit per 4 KiB frame.
 *
 * The kernel owns the storage (sized with frame_bitmap_words) and feeds the
 * bitmap from the boot memory map: everything starts used, usable regions are
 * marked free, then reserved ranges (kernel image, boot module, low 1 MiB,
 * the bitmap itself) are marked used again. Pure logic, host-tested. Not
 * thread-safe: the caller serializes. */
#ifndef CAPOS_LIB_FRAME_BITMAP_H
#define CAPOS_LIB_FRAME_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame_bitmap {
	uint64_t *words;   /* bit set = frame free */
	uint64_t nframes;  /* frames 0 .. nframes-1 are tracked */
	uint64_t nfree;    /* number of set bits */
	uint64_t cursor;   /* next-fit search start (word index) */
};

/* Words of storage needed to track nframes frames. */
size_t frame_bitmap_words(uint64_t nframes);

/* Initializes fb over storage (frame_bitmap_words(nframes) words) with every
 * frame used. */
void frame_bitmap_init(struct frame_bitmap *fb, uint64_t *storage, uint64_t nframes);

/* Marks [first, first+count) free / used; frames beyond nframes are ignored.
 * Idempotent: marking a free frame free changes nothing. */
void frame_bitmap_mark_free(struct frame_bitmap *fb, uint64_t first, uint64_t count);
void frame_bitmap_mark_used(struct frame_bitmap *fb, uint64_t first, uint64_t count);

/* Allocates one frame: stores its number in *frame and returns true, or
 * returns false when none is free. Next-fit, amortized O(1). */
bool frame_bitmap_alloc(struct frame_bitmap *fb, uint64_t *frame);

/* Allocates count contiguous frames whose first frame number is a multiple of
 * align (a power of two, >= 1); false if no such run exists. */
bool frame_bitmap_alloc_contig(struct frame_bitmap *fb, uint64_t count, uint64_t align,
                               uint64_t *first);

/* Frees one frame. Returns false (and changes nothing) if the frame is out of
 * range or already free: a double free is reported, never absorbed. */
bool frame_bitmap_free(struct frame_bitmap *fb, uint64_t frame);

bool frame_bitmap_is_free(const struct frame_bitmap *fb, uint64_t frame);
uint64_t frame_bitmap_free_count(const struct frame_bitmap *fb);

#endif
