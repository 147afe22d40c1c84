/* The GDT and the TSS.
 *
 * Segment order is fixed by SYSCALL/SYSRET, which derive the selectors from
 * two bases (see gdt.h): kernel code 0x10, kernel data 0x18, (32-bit user
 * code 0x20), user data 0x28, user code 0x30, the 16-byte TSS at 0x40. The TSS gives double fault,
 * NMI and machine check their own stacks (IST 1-3), so they are diagnosed
 * even when the kernel stack is gone, and carries the I/O permission
 * bitmap (ioport.c). */
#include <stdint.h>

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/gdt.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "the TSS is 104 bytes");

/* The TSS with its I/O permission bitmap: a bit per port, set = refused to
 * user mode (IOPL is 0), and the terminating byte of ones the CPU may read
 * past the last port. ioport.c clears the bits of the running process's
 * direct ranges. */
struct tss_with_iopb {
	struct tss tss;
	uint8_t iopb[IO_BITMAP_BYTES + 1];
} __attribute__((packed));

#define IST_STACK_SIZE 8192

static struct tss_with_iopb tss_io;
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdt[10];

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) | (0x89ull << 40) /* present, 64-bit TSS */
	          | ((uint64_t)(limit >> 16) << 48) | (((base >> 24) & 0xFF) << 56);
	slot[1] = base >> 32;
}

void gdt_init(void)
{
	gdt[SEL_KERNEL_CODE / 8] = 0x00AF9A000000FFFFull; /* long mode, DPL 0 */
	gdt[SEL_KERNEL_DATA / 8] = 0x00CF92000000FFFFull;
	gdt[SEL_USER_DATA / 8] = 0x00CFF2000000FFFFull;    /* DPL 3 */
	gdt[SEL_USER_CODE / 8] = 0x00AFFA000000FFFFull;    /* long mode, DPL 3 */
	for (int i = 0; i < 3; i++)
		tss_io.tss.ist[i] = (uint64_t)(uintptr_t)&ist_stacks[i][IST_STACK_SIZE];
	tss_io.tss.iomap_base = sizeof(struct tss);
	for (uint32_t i = 0; i < sizeof tss_io.iopb; i++)
		tss_io.iopb[i] = 0xFF;
	tss_descriptor(&gdt[SEL_TSS / 8], (uint64_t)(uintptr_t)&tss_io, sizeof(tss_io) - 1);

	struct descriptor_ptr p = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
	                 "pushq %1\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "movw %w2, %%ax\n\t"
	                 "movw %%ax, %%ds\n\t"
	                 "movw %%ax, %%es\n\t"
	                 "movw %%ax, %%ss\n\t"
	                 "ltr %w3"
	                 :
	                 : "m"(p), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
	                 : "rax", "memory");
}

uint8_t *gdt_io_bitmap(void) { return tss_io.iopb; }

void gdt_set_kernel_stack(uint64_t rsp0)
{
	tss_io.tss.rsp[0] = rsp0;
}
