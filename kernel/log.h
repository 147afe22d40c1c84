/* Kernel logging, assertions and the ways the kernel stops. */
#ifndef CAPOS_KERNEL_LOG_H
#define CAPOS_KERNEL_LOG_H

#include <stdarg.h>

/* Codes written to the emulator's exit device; QEMU exits with
 * (code << 1) | 1. tools/qemu-run maps them back to 0 / 1 / 2. */
enum halt_code {
	HALT_PASS = 0x10,  /* everything ran and succeeded */
	HALT_FAIL = 0x11,  /* a check failed or the boot was refused cleanly */
	HALT_FAULT = 0x12, /* the kernel faulted or panicked */
};

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

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
