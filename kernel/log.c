/* kprintf and the kernel's stop paths. Output goes to the arch console; the
 * formatter is lib/fmt. Single CPU, so no lock yet: interrupt handlers that
 * print may interleave lines, never corrupt state. */
#include "kernel/log.h"

#include "kernel/arch.h"
#include "lib/fmt.h"

static void console_emit(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(console_emit, 0, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	arch_irq_disable();
	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_backtrace(0, 16);
	arch_halt(HALT_FAULT);
}

_Noreturn void boot_fail(const char *fmt, ...)
{
	va_list ap;
	arch_irq_disable();
	kprintf("BOOT FAILED: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_halt(HALT_FAIL);
}
