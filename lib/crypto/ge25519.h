/* The group of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255-19)),
 * internal to lib/crypto. Formulas: extended twisted Edwards coordinates
 * (Hisil, Wong, Carter, Dawson, "Twisted Edwards curves revisited", 2008),
 * for a = -1. */
#ifndef CAPOS_LIB_CRYPTO_GE25519_H
#define CAPOS_LIB_CRYPTO_GE25519_H

#include "lib/crypto/fe25519.h"

/* Projective: x = X/Z, y = Y/Z (enough to double or encode). */
typedef struct {
	fe X, Y, Z;
} ge_p2;

/* Extended: also T = XY/Z (needed to add). */
typedef struct {
	fe X, Y, Z, T;
} ge_p3;

/* Completed, the result of one addition or doubling: x = X/Z, y = Y/T. */
typedef struct {
	fe X, Y, Z, T;
} ge_p1p1;

/* An addend ready for ge_add/ge_sub: Y+X, Y-X, Z, 2dT. */
typedef struct {
	fe YplusX, YminusX, Z, T2d;
} ge_cached;

enum {
	GE_OK = 0,
	GE_NONCANONICAL = -1, /* y >= p */
	GE_NOT_ON_CURVE = -2, /* no x for this y, or x = 0 with the sign bit set */
};

/* Decodes s strictly after RFC 8032 section 5.1.3: rejects y >= p
 * (GE_NONCANONICAL), a y with no x on the curve and x = 0 with the sign
 * bit set (GE_NOT_ON_CURVE). Variable time: for public points only. */
int ge_frombytes(ge_p3 *P, const uint8_t s[32]);
/* The encoding of P (section 5.1.2): y, with x's low bit in bit 255. */
void ge_p3_tobytes(uint8_t s[32], const ge_p3 *P);
void ge_p2_tobytes(uint8_t s[32], const ge_p2 *P);

void ge_p3_0(ge_p3 *P);
void ge_p3_to_cached(ge_cached *c, const ge_p3 *P);
void ge_p3_to_p2(ge_p2 *r, const ge_p3 *P);
void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p);
void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p);
/* r = 2P. */
void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *P);
/* r = P + Q and r = P - Q; complete formulas (any inputs, doubling and the
 * identity included). */
void ge_add(ge_p1p1 *r, const ge_p3 *P, const ge_cached *Q);
void ge_sub(ge_p1p1 *r, const ge_p3 *P, const ge_cached *Q);
/* 1 if P and Q are the same point (variable time). */
int ge_p3_equal(const ge_p3 *P, const ge_p3 *Q);

/* The base point B (RFC 8032 section 5.1). */
void ge_base(ge_p3 *B);

/* R = [a]B for a 256-bit little-endian a with a[31] <= 127, in constant
 * time: no branch and no memory index depends on a. */
void ge_scalarmult_base(ge_p3 *R, const uint8_t a[32]);

/* R = [a]A + [b]B for public a, b < 2^253 (variable time: verification). */
void ge_double_scalarmult_vartime(ge_p2 *R, const uint8_t a[32], const ge_p3 *A,
				  const uint8_t b[32]);

/* R = [a]P, variable time, any 256-bit a (tests and small-order checks). */
void ge_scalarmult_vartime(ge_p3 *R, const uint8_t a[32], const ge_p3 *P);

#endif
