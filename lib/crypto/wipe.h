/* Erasing secrets: a store the compiler may not drop as dead. */
#ifndef CAPOS_LIB_CRYPTO_WIPE_H
#define CAPOS_LIB_CRYPTO_WIPE_H

#include <stddef.h>

/* Sets n bytes at p to zero, even when p is never read again (the volatile
 * stores cannot be elided). */
static inline void crypto_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

#endif
