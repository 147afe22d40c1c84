/* Freestanding memory and string primitives.
 *
 * lib/ and the kernel call the standard names (memcpy, memset, ...). In
 * freestanding builds lib/mem.c provides them; on the host libc does, and
 * lib/mem.c is compiled under a lib_ prefix so the unit tests can compare the
 * two implementations. */
#ifndef CAPOS_LIB_MEM_H
#define CAPOS_LIB_MEM_H

#include <stddef.h>

#ifdef CAPOS_HOST
#define LIBMEM(name) lib_##name
#else
#define LIBMEM(name) name
#endif

void *LIBMEM(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *LIBMEM(memmove)(void *dst, const void *src, size_t n);
void *LIBMEM(memset)(void *dst, int c, size_t n);
int LIBMEM(memcmp)(const void *a, const void *b, size_t n);
size_t LIBMEM(strlen)(const char *s);
size_t LIBMEM(strnlen)(const char *s, size_t max);
int LIBMEM(strcmp)(const char *a, const char *b);
int LIBMEM(strncmp)(const char *a, const char *b, size_t n);

#ifdef CAPOS_HOST
#include <string.h>
#endif

#endif
