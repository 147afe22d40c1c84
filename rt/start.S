/* Process entry: the kernel starts every process at _start with
 * RDI = ring page, RSI = pid, RDX = CapSet page and a 16-byte aligned stack. */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call rt_start
	ud2
