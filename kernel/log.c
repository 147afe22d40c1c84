/* kprintf and the kernel's stop paths. Output goes to the arch console, or,
 * while a user driver owns the console device (log_set_buffered, driven by
 * kernel/cap/kernel_log.c), to a bounded buffer the driver reads out through
 * KernelLog; a full buffer drops its oldest bytes and counts them. The
 * formatter is lib/fmt. Single CPU, so no lock yet: interrupt handlers that
 * print may interleave lines, never corrupt state. */
#include "kernel/log.h"

#include "kernel/arch.h"
#include "lib/byte_ring.h"
#include "lib/fmt.h"

#define LOG_BUFFER_BYTES 16384u

static uint8_t buffer_bytes[LOG_BUFFER_BYTES];
static struct byte_ring buffer = { .buf = buffer_bytes, .cap = LOG_BUFFER_BYTES };
static bool buffered;

static void uart_emit(char c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

static void console_emit(void *ctx, char c)
{
	(void)ctx;
	if (buffered)
		byte_ring_put_overwrite(&buffer, (uint8_t)c);
	else
		uart_emit(c);
}

/* Writes what is buffered to the UART, saying first how much was lost. */
static void flush(void)
{
	uint64_t lost = byte_ring_take_lost(&buffer);
	if (lost)
		kprintf("[kernel log: %llu bytes lost]\n", (unsigned long long)lost);
	uint8_t chunk[64];
	uint32_t n;
	while ((n = byte_ring_take(&buffer, chunk, sizeof chunk)) > 0)
		for (uint32_t i = 0; i < n; i++)
			uart_emit((char)chunk[i]);
}

void log_set_buffered(bool on)
{
	buffered = on;
	if (!on)
		flush();
}

bool log_pending(void) { return buffer.len > 0; }

uint32_t log_peek(uint8_t *out, uint32_t max) { return byte_ring_peek(&buffer, out, max); }

uint64_t log_drop(uint32_t n)
{
	byte_ring_drop(&buffer, n);
	return byte_ring_take_lost(&buffer);
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
	log_set_buffered(false); /* a dying kernel writes its last words itself */
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
	log_set_buffered(false);
	kprintf("BOOT FAILED: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_halt(HALT_FAIL);
}
