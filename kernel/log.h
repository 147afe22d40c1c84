/* Kernel logging, assertions and the ways the kernel stops. */
#ifndef CAPOS_KERNEL_LOG_H
#define CAPOS_KERNEL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* Codes written to the emulator's exit device; QEMU exits with
 * (code << 1) | 1. tools/qemu-run maps them back to 0 / 1 / 2. */
enum halt_code {
	HALT_PASS = 0x10,  /* everything ran and succeeded */
	HALT_FAIL = 0x11,  /* a check failed or the boot was refused cleanly */
	HALT_FAULT = 0x12, /* the kernel faulted or panicked */
};

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* While on, kernel output goes to the log buffer (16 KiB; full: the oldest
 * bytes are dropped and counted) instead of the UART: a user driver owns
 * the console device (kernel/cap/kernel_log.c). Turning it off writes what
 * is buffered to the UART at once. panic and boot_fail turn it off. */
void log_set_buffered(bool on);

/* Whether the buffer holds anything. */
bool log_pending(void);

/* Copies up to max of the oldest buffered bytes to out, leaving them;
 * returns how many. log_drop removes the n oldest (n from log_peek) and
 * returns the bytes lost to a full buffer since the last log_drop. */
uint32_t log_peek(uint8_t *out, uint32_t max);
uint64_t log_drop(uint32_t n);

/* panic: prints "PANIC: <message>" and a backtrace, halts with HALT_FAULT. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* boot_fail: a clean refusal to boot (bad boot media, not a kernel bug):
 * prints "BOOT FAILED: <message>" and halts with HALT_FAIL. */
_Noreturn void boot_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* KASSERT(cond, "invariant in words"): panics naming the invariant. */
#define KASSERT(cond, what)                                                                    \
	do {                                                                                   \
		if (!(cond))                                                                   \
			panic("assertion failed: %s (%s) at %s:%d", what, #cond, __FILE__, __LINE__); \
	} while (0)

#endif
