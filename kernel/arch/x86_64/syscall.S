/* SYSCALL entry.
 *
 * SYSCALL leaves the user RIP in RCX and RFLAGS in R11, masks IF/DF/TF/AC
 * (SFMASK) and does not switch stacks. The entry swaps to the kernel GS
 * (struct percpu), parks the user stack pointer there, switches to the
 * thread's kernel stack and builds the same struct trap_frame an interrupt
 * from user mode would. The way back is SYSRET when the return address is
 * safely canonical (SYSRET to a non-canonical RIP would fault in kernel mode
 * on some CPUs), otherwise the general iretq path, trap_return. Offsets into
 * struct percpu are asserted in context.c. */

#include "kernel/arch/x86_64/trap_frame.inc"

#define PERCPU_KERNEL_RSP 0
#define PERCPU_USER_RSP 8
#define SEL_USER_DATA (0x28 | 3)                /* gdt.h */
#define SEL_USER_CODE (0x30 | 3)
#define SYSCALL_VECTOR 0x100                  /* marks the frame as a system call */
#define FRAME_RIP (17 * 8)                    /* struct trap_frame: 15 registers, vector, error */
#define SYSRET_RIP_LIMIT 0x00007FFFFFFFF000   /* below the last page of the user half */

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_RSP, %rsp
	pushq $SEL_USER_DATA                  /* ss */
	pushq %gs:PERCPU_USER_RSP             /* rsp */
	pushq %r11                            /* rflags */
	pushq $SEL_USER_CODE                  /* cs */
	pushq %rcx                            /* rip */
	pushq $0                              /* error code */
	pushq $SYSCALL_VECTOR
	SAVE_GPRS
	cld
	xorl %ebp, %ebp
	movq %rsp, %rdi
	call syscall_dispatch
	movq FRAME_RIP(%rsp), %rcx
	movq $SYSRET_RIP_LIMIT, %r11
	cmpq %r11, %rcx
	jae trap_return
	RESTORE_GPRS
	addq $16, %rsp                        /* vector, error code */
	popq %rcx                             /* rip */
	addq $8, %rsp                         /* cs */
	popq %r11                             /* rflags */
	popq %rsp                             /* user rsp (interrupts are off) */
	swapgs
	sysretq
