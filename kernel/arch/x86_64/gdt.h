#ifndef CAPOS_ARCH_X86_64_GDT_H
#define CAPOS_ARCH_X86_64_GDT_H

#include <stdint.h>

/* The layout Linux uses (some hypervisors, e.g. PVM, assume it). SYSRET
 * takes user CS and SS from one base, SEL_USER_CODE - 16: a 32-bit user
 * code slot (unused), then user data, then 64-bit user code. */
#define SEL_KERNEL_CODE 0x10
#define SEL_KERNEL_DATA 0x18
#define SEL_USER32_CODE (0x20 | 3)
#define SEL_USER_DATA (0x28 | 3)
#define SEL_USER_CODE (0x30 | 3)
#define SEL_TSS 0x40

/* IST slots (1-based, as the IDT encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

/* The TSS's I/O permission bitmap: IO_BITMAP_BYTES bytes, a bit per port,
 * set = user mode may not use the port. */
#define IO_BITMAP_BYTES 8192u
uint8_t *gdt_io_bitmap(void);

/* Sets the stack the CPU switches to on an interrupt from user mode. */
void gdt_set_kernel_stack(uint64_t rsp0);

#endif
