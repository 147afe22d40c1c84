/* Freestanding memory and string primitives (see mem.h).
 *
 * Byte loops, with a word-at-a-time fast path when source and destination
 * share 8-byte alignment. The compiler must not recognise these loops as the
 * very functions they implement and turn them into self-calls: clang never does
 * under -ffreestanding (it implies -fno-builtin); gcc still does, so every body
 * is compiled with loop-pattern distribution off. */
#include "lib/mem.h"

#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL
#endif

/* A word type the compiler may assume aliases anything. */
typedef uint64_t __attribute__((may_alias)) mem_word;

#define WORD sizeof(mem_word)

static inline int both_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD - 1)) == 0;
}

NO_LIBCALL void *LIBMEM(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (both_aligned(d, s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(mem_word *)d = *(const mem_word *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Copies forward when dst is below src and backward otherwise, so an
 * overlapping source is always read before it is overwritten (a whole word is
 * read before it is written, so the word path is safe at any distance). */
NO_LIBCALL void *LIBMEM(memmove)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d == (uintptr_t)s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s) {
		if (both_aligned(d, s)) {
			for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
				*(mem_word *)d = *(const mem_word *)s;
		}
		while (n--)
			*d++ = *s++;
		return dst;
	}
	d += n;
	s += n;
	if (both_aligned(d, s)) {
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(mem_word *)d = *(const mem_word *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

NO_LIBCALL void *LIBMEM(memset)(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = b;
		n--;
	}
	if (n >= WORD) {
		mem_word w = (mem_word)b * 0x0101010101010101ull;
		for (; n >= WORD; n -= WORD, d += WORD)
			*(mem_word *)d = w;
	}
	while (n--)
		*d++ = b;
	return dst;
}

NO_LIBCALL int LIBMEM(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

NO_LIBCALL size_t LIBMEM(strlen)(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Reads at most max bytes of s. */
NO_LIBCALL size_t LIBMEM(strnlen)(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Compares as unsigned char, like the C library. */
NO_LIBCALL int LIBMEM(strcmp)(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

NO_LIBCALL int LIBMEM(strncmp)(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			return 0;
	}
	return 0;
}
