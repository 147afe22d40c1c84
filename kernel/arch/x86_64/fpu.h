/* Per-thread x87/SSE/AVX state (fpu.c). Only code under kernel/arch/x86_64
 * includes this header. */
#ifndef CAPOS_ARCH_X86_64_FPU_H
#define CAPOS_ARCH_X86_64_FPU_H

#include <stdint.h>

#include "kernel/arch.h"

/* Bytes a user thread's save area takes at the top of its kernel stack: a
 * multiple of 64, so the area stays 64-byte aligned below a page-aligned
 * stack top. Valid after arch_fpu_init. */
uint32_t fpu_area_bytes(void);

/* Fills a fresh save area with the default state: x87 as after FNINIT
 * (FCW 0x37F, empty stack), MXCSR 0x1F80, every register zero. */
void fpu_area_init(void *area);

/* Makes the FPU registers hold to's state (to->fpu NULL: a kernel thread,
 * which gets no state of its own and leaves the registers as they are).
 * Interrupts off. */
void fpu_switch_to(struct arch_thread *to);

/* t will never run again: its state is never to be saved. */
void fpu_forget(const struct arch_thread *t);

#endif
