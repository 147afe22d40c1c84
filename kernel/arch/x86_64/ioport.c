/* I/O ports for user drivers.
 *
 * The IoPort capability (kernel/cap/io_port.c) does in/out for its holder
 * through the ring with arch_io_in/arch_io_out, or lets the holder run the
 * instructions itself: arch_io_direct adds a range to the thread's
 * struct arch_io_ranges, and the context switch (arch_io_switch) loads the
 * running thread's ranges into the TSS I/O permission bitmap, clearing the
 * previous thread's. IOPL stays 0, so any other port is #GP in user mode,
 * a fault that kills only that process. Ports the kernel drives itself are
 * refused to every IoPort (arch_io_reserved). */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/log.h"
#include "lib/mem.h"

/* What the kernel drives: the PICs, the PIT and its gate (0x61), the exit
 * device and PCI configuration. COM1 (the kernel console) is not among
 * them: it is handed to a user driver (arch_io_console). */
static const struct {
	uint16_t first, last;
} reserved[] = {
	{ 0x20, 0x21 }, { 0x40, 0x43 }, { 0x61, 0x61 }, { 0xA0, 0xA1 }, { 0xF4, 0xF4 }, { 0xCF8, 0xCFF },
};

#define CONSOLE_FIRST 0x3F8u /* COM1: arch_console_putc's UART */
#define CONSOLE_LAST 0x3FFu

bool arch_io_console(uint32_t base, uint32_t count)
{
	return base <= CONSOLE_LAST && CONSOLE_FIRST < base + count;
}

/* The ranges in the bitmap now (a copy: the thread may be gone). */
static struct arch_io_ranges loaded;

bool arch_io_reserved(uint32_t base, uint32_t count)
{
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (base <= reserved[i].last && reserved[i].first < base + count)
			return true;
	return false;
}

uint32_t arch_io_in(uint16_t port, unsigned width)
{
	uint32_t v;
	if (width == 1)
		v = inb(port);
	else if (width == 2)
		__asm__ volatile("inw %1, %w0" : "=a"(v) : "Nd"(port));
	else
		__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return width == 1 ? (v & 0xFF) : width == 2 ? (v & 0xFFFF) : v;
}

void arch_io_out(uint16_t port, unsigned width, uint32_t v)
{
	if (width == 1)
		outb(port, (uint8_t)v);
	else if (width == 2)
		__asm__ volatile("outw %w0, %1" : : "a"(v), "Nd"(port));
	else
		outl(port, v);
}

/* Sets (refuse) or clears (allow) the bitmap bits of ports [base, base+count). */
static void bitmap_set(uint32_t base, uint32_t count, bool refuse)
{
	uint8_t *bm = gdt_io_bitmap();
	for (uint32_t p = base; p < base + count; p++) {
		if (refuse)
			bm[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			bm[p / 8] &= (uint8_t)~(1u << (p % 8));
	}
}

static void load(const struct arch_io_ranges *io)
{
	for (uint32_t i = 0; i < loaded.n; i++)
		bitmap_set(loaded.base[i], loaded.count[i], true);
	for (uint32_t i = 0; i < io->n; i++)
		bitmap_set(io->base[i], io->count[i], false);
	loaded = *io;
}

void arch_io_switch(const struct arch_thread *to)
{
	if (!to->fpu || (loaded.n == 0 && to->io.n == 0))
		return; /* a kernel thread runs no user code; or no driver involved */
	if (memcmp(&loaded, &to->io, sizeof loaded) != 0)
		load(&to->io);
}

int arch_io_direct(struct arch_thread *t, uint16_t base, uint32_t count)
{
	KASSERT(count && base + count <= 0x10000u && !arch_io_reserved(base, count), "the IoPort checked its range");
	for (uint32_t i = 0; i < t->io.n; i++)
		if (t->io.base[i] == base && t->io.count[i] == count)
			return 0; /* already there */
	if (t->io.n == ARCH_IO_RANGES_MAX)
		return -1;
	t->io.base[t->io.n] = base;
	t->io.count[t->io.n] = count;
	t->io.n++;
	load(&t->io); /* t is the running thread: it may use them at once */
	return 0;
}
