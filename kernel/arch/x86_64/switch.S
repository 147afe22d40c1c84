/* Kernel context switch and the first entry into a thread.
 *
 * arch_switch_stack(&from_rsp, to_rsp) saves the callee-saved registers on
 * the current kernel stack, stores the stack pointer, loads the other one and
 * pops its callee-saved registers. A new thread's stack is prepared (in
 * context.c) to "return" into thread_entry_user or thread_entry_kernel. */

	.text
	.globl arch_switch_stack
arch_switch_stack:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* First run of a user thread: the stack holds a struct trap_frame built by
 * arch_thread_init_user; leave through the common interrupt exit. */
	.globl thread_entry_user
thread_entry_user:
	jmp trap_return

/* First run of a kernel thread: r12 holds the function. */
	.globl thread_entry_kernel
thread_entry_kernel:
	xorl %ebp, %ebp
	callq *%r12
	ud2
