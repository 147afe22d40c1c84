/* Physical frame allocator (kernel side of lib/frame_bitmap). */
#ifndef CAPOS_KERNEL_MEM_FRAME_H
#define CAPOS_KERNEL_MEM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/bootinfo.h"

/* A physical range the allocator never hands out. */
struct frame_reservation {
	uint64_t base, end; /* [base, end), page-aligned */
	const char *what;
};

/* Builds the bitmap from the memory map. Usable RAM becomes free except the
 * low 1 MiB, the boot trampoline and kernel image, the boot module, the
 * loader's information structures and the bitmap itself. */
void frame_init(const struct boot_info *bi);

/* Returns the physical address of a free frame, or 0 when memory is
 * exhausted (frame 0 is never handed out). The frame's contents are
 * undefined. */
uint64_t frame_alloc(void);

/* Returns the physical address of the first of count consecutive free
 * frames, now allocated, or 0 when no such run exists. */
uint64_t frame_alloc_contig(uint64_t count);

/* Returns a frame. Freeing a frame that is not allocated is a kernel bug and
 * panics. */
void frame_free(uint64_t pa);

uint64_t frame_free_count(void);
uint64_t frame_total_usable(void);

/* The reservations frame_init made, for self-tests and the boot log. */
const struct frame_reservation *frame_reservations(int *count);

#endif
