/* Kernel stacks: KSTACK_SIZE bytes each in a dedicated region, with an
 * unmapped guard page below every stack, so an overflow faults (and is
 * diagnosed as a double fault on its IST stack) instead of overwriting
 * whatever lies below. */
#ifndef CAPOS_KERNEL_MEM_KSTACK_H
#define CAPOS_KERNEL_MEM_KSTACK_H

#include <stdint.h>

#define KSTACK_SIZE (16 * 1024)

/* Returns the lowest address of a fresh stack (its top is + KSTACK_SIZE),
 * or NULL when out of memory or stack slots. */
void *kstack_alloc(void);

/* Unmaps a stack from kstack_alloc and returns its frames. */
void kstack_free(void *stack);

#endif
