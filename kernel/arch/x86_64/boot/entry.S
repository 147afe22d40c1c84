/* The 32-bit boot trampoline.
 *
 * Two loaders can start capOS, both in 32-bit protected mode with paging off:
 *   - GRUB via Multiboot2: EAX = 0x36D76289, EBX = the information structure;
 *     it jumps to the ELF entry point, boot_entry_multiboot2.
 *   - PVH (QEMU -kernel, Firecracker, cloud-hypervisor): EBX = hvm_start_info;
 *     the entry point comes from the XEN_ELFNOTE_PHYS32_ENTRY note below.
 * Both meet in boot_common32, which checks for long mode, builds early page
 * tables, enters long mode and calls boot_start(protocol, info_phys) in the
 * higher half. The early tables map the first 4 GiB three times: identity
 * (for this code), at the direct map base 0xFFFF800000000000 (so the boot
 * adapter can read the loader's structures), and 1 GiB at -2 GiB (the kernel
 * image). The kernel replaces them with its own tables in vm_init. */

#define MB2_HEADER_MAGIC   0xE85250D6
#define MB2_LOADER_MAGIC   0x36D76289
#define BOOT_PROTO_MB2     1
#define BOOT_PROTO_PVH     2
#define EXIT_PORT          0xF4
#define EXIT_CODE_FAULT    0x12

/* ---------------------------------------------------------------- headers */
	.section .boot.header, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0                              /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - MB2_HEADER_MAGIC - (mb2_header_end - mb2_header)
	.balign 8                            /* module alignment tag: page-align modules */
	.short 6, 0
	.long 8
	.balign 8                            /* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .note.pvh, "a"
	.balign 4
	.long 4                              /* namesz: "Xen\0" */
	.long 8                              /* descsz: a 64-bit address */
	.long 18                             /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad boot_entry_pvh

/* ---------------------------------------------------------- 32-bit code */
	.section .boot.text, "ax"
	.code32
	.globl boot_entry_multiboot2
boot_entry_multiboot2:
	cli
	cld
	cmpl $MB2_LOADER_MAGIC, %eax
	jne 1f
	movl $BOOT_PROTO_MB2, %ebp
	jmp boot_common32
1:	movl $msg_bad_magic, %esi
	jmp boot_fail32

	.globl boot_entry_pvh
boot_entry_pvh:
	cli
	cld
	movl $BOOT_PROTO_PVH, %ebp

/* EBP = protocol, EBX = loader information (physical). */
boot_common32:
	movl $boot_stack32_top, %esp
	movl %ebx, %edi
	/* Long mode must exist: CPUID 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb 2f
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jnz 3f
2:	movl $msg_no_long_mode, %esi
	jmp boot_fail32
3:	movl %edi, %ebx

	/* Zero the seven table pages: PML4, two PDPTs, four PDs. */
	movl $boot_pml4, %edi
	movl $(7 * 1024), %ecx
	xorl %eax, %eax
	rep stosl

	/* Four PDs of 2 MiB pages: physical 0 .. 4 GiB. */
	movl $boot_pd, %edi
	movl $0x83, %eax                     /* present | writable | 2 MiB */
	movl $2048, %ecx
4:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 4b

	movl $(boot_pd + 0x0003), boot_pdpt_low + 0
	movl $(boot_pd + 0x1003), boot_pdpt_low + 8
	movl $(boot_pd + 0x2003), boot_pdpt_low + 16
	movl $(boot_pd + 0x3003), boot_pdpt_low + 24
	movl $(boot_pd + 0x0003), boot_pdpt_high + 510 * 8   /* -2 GiB -> 0 */
	movl $(boot_pdpt_low + 3), boot_pml4 + 0              /* identity */
	movl $(boot_pdpt_low + 3), boot_pml4 + 256 * 8        /* direct map */
	movl $(boot_pdpt_high + 3), boot_pml4 + 511 * 8       /* kernel */

	movl %cr4, %eax
	orl $(1 << 5), %eax                  /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx               /* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax                /* PG | WP | PE */
	movl %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $0x08, $boot_long_entry

/* boot_fail32: print the NUL-terminated message at ESI on COM1, ask QEMU to
 * exit with the fault code, halt. Used before any other code can report. */
boot_fail32:
	movw $0x3F8, %dx
5:	lodsb
	testb %al, %al
	jz 6f
	outb %al, %dx
	jmp 5b
6:	movw $EXIT_PORT, %dx
	movl $EXIT_CODE_FAULT, %eax
	outl %eax, %dx
7:	hlt
	jmp 7b

/* ---------------------------------------------------------- 64-bit code */
	.code64
boot_long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	movl %ebp, %edi                      /* protocol */
	movl %ebx, %esi                      /* info, zero-extended */
	xorl %ebp, %ebp                      /* ends the backtrace */
	movabsq $boot_start, %rax
	callq *%rax
8:	hlt
	jmp 8b

/* ----------------------------------------------------------------- data */
	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF             /* 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF             /* data, DPL 0 */
boot_gdt_ptr:
	.short boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

msg_bad_magic:
	.asciz "capOS: boot failed: not started by a Multiboot2 loader (bad EAX magic)\r\n"
msg_no_long_mode:
	.asciz "capOS: boot failed: this CPU has no 64-bit long mode\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
boot_stack32:   .skip 1024
boot_stack32_top:

/* The kernel's boot stack, in the higher half. */
	.section .bss
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:     .skip 16384
boot_stack_top:
