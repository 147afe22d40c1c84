/* Interrupt and exception entry.
 *
 * One 16-byte stub per vector (256). Each pushes a zero where the CPU pushes
 * no error code, then the vector number, and joins isr_common, which saves
 * the general registers into a struct trap_frame (kernel/arch/x86_64/trap.h)
 * and calls trap_dispatch(frame). The IDT points vector v at
 * isr_stubs + 16 * v. */

/* Vectors for which the CPU pushes an error code. */
#include "kernel/arch/x86_64/trap_frame.inc"

#define ERRCODE_MASK 0x60227D00 /* 8, 10-14, 17, 21, 29, 30 */

	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if vec < 32
	.if ((ERRCODE_MASK >> vec) & 1) == 0
	pushq $0
	.endif
	.else
	pushq $0
	.endif
	.byte 0x6a, vec & 0xff                /* pushq $vec (imm8; trap_dispatch masks it) */
	jmp isr_common
	.set vec, vec + 1
	.endr

	.balign 16
isr_common:
	testb $3, 24(%rsp)                    /* from user mode? (CS after vector, error, RIP) */
	jz 1f
	swapgs
1:	SAVE_GPRS
	cld
	movq %rsp, %rdi                       /* 16-byte aligned here */
	call trap_dispatch

/* Leaves the kernel through the struct trap_frame on the stack. Also the
 * first entry into user mode of every new thread, and the exit of every
 * system call. */
	.globl trap_return
trap_return:
	RESTORE_GPRS
	addq $16, %rsp                        /* vector and error code */
	testb $3, 8(%rsp)                     /* back to user mode? */
	jz 2f
	swapgs
2:	iretq
