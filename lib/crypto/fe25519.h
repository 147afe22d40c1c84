/* Arithmetic in GF(p), p = 2^255 - 19, for Ed25519 (internal to lib/crypto).
 *
 * An element is five unsigned 51-bit limbs, value = sum f[i] 2^(51 i), not
 * necessarily reduced. Bounds (checked by the unit test's worst cases):
 *   - fe_mul, fe_sq, fe_sub, fe_carry and fe_frombytes return limbs below
 *     2^52 ("carried");
 *   - fe_add of two carried elements gives limbs below 2^53;
 *   - fe_mul and fe_sq accept limbs below 2^54, fe_sub a subtrahend below
 *     2^53 and a minuend below 2^54.
 * Nothing here branches on or indexes memory by an element's value. */
#ifndef CAPOS_LIB_CRYPTO_FE25519_H
#define CAPOS_LIB_CRYPTO_FE25519_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint64_t v[5];
} fe;

extern const fe fe_d;      /* -121665/121666, the curve constant */
extern const fe fe_d2;     /* 2d */
extern const fe fe_sqrtm1; /* a square root of -1: 2^((p-1)/4) */

void fe_0(fe *h);
void fe_1(fe *h);
/* h = f + g (no carry: see the bounds above). */
void fe_add(fe *h, const fe *f, const fe *g);
/* h = f - g, carried. */
void fe_sub(fe *h, const fe *f, const fe *g);
/* h = -f, carried. */
void fe_neg(fe *h, const fe *f);
/* h = f g, carried. h may alias f or g. */
void fe_mul(fe *h, const fe *f, const fe *g);
/* h = f^2, carried. */
void fe_sq(fe *h, const fe *f);
/* Limbs back below 2^52 after additions. */
void fe_carry(fe *h);
/* h = f^-1 (0 for f = 0): f^(p-2). */
void fe_invert(fe *h, const fe *f);
/* h = f^((p-5)/8), the core of the square root in point decoding. */
void fe_pow22523(fe *h, const fe *f);
/* Little-endian 255-bit value of s; bit 255 is ignored. Values in [p, 2^255)
 * are accepted (callers that must reject them check first). */
void fe_frombytes(fe *h, const uint8_t s[32]);
/* The unique encoding of f mod p in [0, p), little-endian, bit 255 clear. */
void fe_tobytes(uint8_t s[32], const fe *f);
/* 1 if f = 0 mod p, else 0. */
int fe_iszero(const fe *f);
/* The least significant bit of f mod p ("negative" in RFC 8032). */
int fe_isneg(const fe *f);
/* f = g if b = 1, unchanged if b = 0 (b must be 0 or 1); constant time. */
void fe_cmov(fe *f, const fe *g, unsigned b);
/* 1 if s encodes a value >= p (bit 255 ignored), else 0; constant time. */
int fe_bytes_noncanonical(const uint8_t s[32]);

#endif
