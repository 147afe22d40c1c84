/* The register frame isr_common builds on every interrupt and exception. */
#ifndef CAPOS_ARCH_X86_64_TRAP_H
#define CAPOS_ARCH_X86_64_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame must match isr_common's pushes");

#define VECTOR_TIMER 0x20
#define VECTOR_PIC_BASE 0xE0 /* legacy PIC remapped here, all lines masked */
#define VECTOR_SPURIOUS 0xFF

typedef void (*interrupt_handler)(struct trap_frame *tf);

/* Installs the handler for an interrupt vector (32..255). */
void trap_set_handler(uint8_t vector, interrupt_handler fn);

/* Runs the system call described by a user trap frame (context.c). */
void syscall_dispatch(struct trap_frame *tf);

void gdt_init(void);
void idt_init(void);

#endif
