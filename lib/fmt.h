/* printf-style formatting without libc, for kprintf and the user runtime.
 *
 * Supports: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z t j,
 * flags '-' '0' '+' ' ' '#', field width and precision (both may be '*').
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)". An
 * unknown conversion is printed verbatim. */
#ifndef CAPOS_LIB_FMT_H
#define CAPOS_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_emit_fn)(void *ctx, char c);

/* Formats to emit(); returns the number of characters emitted. */
int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap);

/* snprintf semantics: always NUL-terminates when cap > 0; returns the length
 * the full output would have had. */
int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);

#endif
