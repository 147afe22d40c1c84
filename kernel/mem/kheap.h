/* The kernel heap (lib/heap over pages mapped at KHEAP_BASE). */
#ifndef CAPOS_KERNEL_MEM_KHEAP_H
#define CAPOS_KERNEL_MEM_KHEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/heap.h"

void kheap_init(void);

/* kmalloc returns 16-byte aligned memory or NULL when out of memory;
 * kfree(NULL) does nothing; misuse (double free, foreign pointer) panics. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Resizes p (NULL: allocates), keeping its contents; NULL (p untouched) when
 * out of memory. */
void *krealloc(void *p, size_t size);

struct heap_stats kheap_stats(void);
/* Frames the heap holds now (the frame ledger's kernel-heap share). */
uint64_t kheap_frames(void);
bool kheap_check(void);

#endif
