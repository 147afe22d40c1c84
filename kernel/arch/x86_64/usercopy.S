/* arch_user_copy(dst, src, n): memcpy where one side is user memory of the
 * current address space, touched directly (inside a STAC/CLAC window when
 * SMAP is on) instead of through a software page walk. A page fault on the
 * two copying instructions is not fatal: trap.c sends it to
 * arch_user_copy_fixup, and the call returns non-zero. The caller checks
 * that the user range lies in the user half (user_range_ok), so a fault is
 * the only way it can go wrong. Returns 1 when all n bytes were copied,
 * 0 after a fault. */
	.text
	.globl arch_user_copy, arch_user_copy_fault_start, arch_user_copy_fault_end, arch_user_copy_fixup
arch_user_copy:
	testb $1, user_copy_stac(%rip)
	jz 1f
	stac
1:	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
arch_user_copy_fault_start:
	rep movsq
	movl %edx, %ecx
	rep movsb
arch_user_copy_fault_end:
	movl $1, %eax
	jmp 2f
arch_user_copy_fixup:
	xorl %eax, %eax
2:	testb $1, user_copy_stac(%rip)
	jz 3f
	clac
3:	ret

	.data
	.globl user_copy_stac
user_copy_stac:
	.byte 0
