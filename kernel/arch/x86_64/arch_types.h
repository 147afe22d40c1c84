/* Per-thread CPU state the generic kernel embeds but does not look into. */
#ifndef CAPOS_ARCH_X86_64_ARCH_TYPES_H
#define CAPOS_ARCH_X86_64_ARCH_TYPES_H

#include <stdint.h>

/* The I/O port ranges a thread may use with in/out instructions directly
 * (IoPort.direct): loaded into the TSS I/O permission bitmap while it runs. */
#define ARCH_IO_RANGES_MAX 8
struct arch_io_ranges {
	uint32_t n;
	uint16_t base[ARCH_IO_RANGES_MAX];
	uint32_t count[ARCH_IO_RANGES_MAX];
};

struct arch_thread {
	uint64_t saved_rsp;  /* kernel stack pointer while switched out */
	uint64_t kstack_top; /* loaded into TSS.RSP0 and the syscall stack */
	uint64_t fs_base;    /* user TLS pointer */
	void *fpu;           /* x87/SSE/AVX save area at the top of the kernel stack
	                        (NULL: a kernel thread, which never uses them) */
	struct arch_io_ranges io; /* direct I/O ports */
};

#endif
