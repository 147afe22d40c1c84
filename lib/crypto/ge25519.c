/* edwards25519 group operations, point encoding and scalar multiplication.
 *
 * Additions use the unified a = -1 formulas of Hisil et al. (2008, section
 * 3.1, "add-2008-hwcd-3"), doubling their dedicated formula
 * ("dbl-2008-hwcd"); both produce completed points, converted to projective
 * (before a doubling) or extended (before an addition) coordinates. */
#include "lib/crypto/ge25519.h"

/* B = (x, 4/5) with x even (RFC 8032 section 5.1). */
static const fe base_x = {{0x62d608f25d51a, 0x412a4b4f6592a, 0x75b7171a4b31d, 0x1ff60527118fe,
			   0x216936d3cd6e5}};
static const fe base_y = {{0x6666666666658, 0x4cccccccccccc, 0x1999999999999, 0x3333333333333,
			   0x6666666666666}};
static const fe base_t = {{0x68ab3a5b7dda3, 0x00eea2a5eadbb, 0x2af8df483c27e, 0x332b375274732,
			   0x67875f0fd78b7}};

#define WNAF_W 5                     /* digits odd, |digit| < 2^(W-1) */
#define WNAF_TABLE (1 << (WNAF_W - 2)) /* odd multiples 1P, 3P, ..., 15P */

void ge_base(ge_p3 *B)
{
	B->X = base_x;
	B->Y = base_y;
	fe_1(&B->Z);
	B->T = base_t;
}

void ge_p3_0(ge_p3 *P)
{
	fe_0(&P->X);
	fe_1(&P->Y);
	fe_1(&P->Z);
	fe_0(&P->T);
}

void ge_p3_to_cached(ge_cached *c, const ge_p3 *P)
{
	fe_add(&c->YplusX, &P->Y, &P->X);
	fe_sub(&c->YminusX, &P->Y, &P->X);
	c->Z = P->Z;
	fe_mul(&c->T2d, &P->T, &fe_d2);
}

void ge_p3_to_p2(ge_p2 *r, const ge_p3 *P)
{
	r->X = P->X;
	r->Y = P->Y;
	r->Z = P->Z;
}

void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p)
{
	fe_mul(&r->X, &p->X, &p->T);
	fe_mul(&r->Y, &p->Y, &p->Z);
	fe_mul(&r->Z, &p->Z, &p->T);
}

void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p)
{
	fe_mul(&r->X, &p->X, &p->T);
	fe_mul(&r->Y, &p->Y, &p->Z);
	fe_mul(&r->Z, &p->Z, &p->T);
	fe_mul(&r->T, &p->X, &p->Y);
}

/* A = X^2, B = Y^2, C = 2 Z^2; with a = -1 and the signs of E, F, G
 * flipped (which leaves every product unchanged): H = A + B,
 * E = H - (X + Y)^2, G = A - B, F = C + G; x = E/G, y = H/F. */
void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *P)
{
	fe a, b, c, xy;

	fe_sq(&a, &P->X);
	fe_sq(&b, &P->Y);
	fe_sq(&c, &P->Z);
	fe_add(&c, &c, &c);
	fe_add(&xy, &P->X, &P->Y);
	fe_sq(&xy, &xy);
	fe_add(&r->Y, &a, &b);          /* H */
	fe_sub(&r->X, &r->Y, &xy);      /* E */
	fe_sub(&r->Z, &a, &b);          /* G */
	fe_add(&r->T, &c, &r->Z);       /* F */
}

/* A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = 2d T1 T2, D = 2 Z1 Z2;
 * E = B - A, F = D - C, G = D + C, H = B + A; x = E/G, y = H/F. */
void ge_add(ge_p1p1 *r, const ge_p3 *P, const ge_cached *Q)
{
	fe a, b, c, d, t;

	fe_sub(&t, &P->Y, &P->X);
	fe_mul(&a, &t, &Q->YminusX);
	fe_add(&t, &P->Y, &P->X);
	fe_mul(&b, &t, &Q->YplusX);
	fe_mul(&c, &P->T, &Q->T2d);
	fe_mul(&d, &P->Z, &Q->Z);
	fe_add(&d, &d, &d);
	fe_sub(&r->X, &b, &a);   /* E */
	fe_add(&r->Y, &b, &a);   /* H */
	fe_add(&r->Z, &d, &c);   /* G */
	fe_sub(&r->T, &d, &c);   /* F */
}

/* ge_add with -Q = (Y-X, Y+X, Z, -2dT). */
void ge_sub(ge_p1p1 *r, const ge_p3 *P, const ge_cached *Q)
{
	fe a, b, c, d, t;

	fe_sub(&t, &P->Y, &P->X);
	fe_mul(&a, &t, &Q->YplusX);
	fe_add(&t, &P->Y, &P->X);
	fe_mul(&b, &t, &Q->YminusX);
	fe_mul(&c, &P->T, &Q->T2d);
	fe_mul(&d, &P->Z, &Q->Z);
	fe_add(&d, &d, &d);
	fe_sub(&r->X, &b, &a);   /* E */
	fe_add(&r->Y, &b, &a);   /* H */
	fe_sub(&r->Z, &d, &c);   /* G */
	fe_add(&r->T, &d, &c);   /* F */
}

static int fe_equal(const fe *f, const fe *g)
{
	fe t;

	fe_sub(&t, f, g);
	return fe_iszero(&t);
}

int ge_p3_equal(const ge_p3 *P, const ge_p3 *Q)
{
	fe a, b;

	fe_mul(&a, &P->X, &Q->Z);
	fe_mul(&b, &Q->X, &P->Z);
	if (!fe_equal(&a, &b))
		return 0;
	fe_mul(&a, &P->Y, &Q->Z);
	fe_mul(&b, &Q->Y, &P->Z);
	return fe_equal(&a, &b);
}

/* RFC 8032 section 5.1.3: x^2 = u/v with u = y^2 - 1, v = d y^2 + 1;
 * candidate x = u v^3 (u v^7)^((p-5)/8); if v x^2 = -u, x *= sqrt(-1);
 * if neither, no point. */
int ge_frombytes(ge_p3 *P, const uint8_t s[32])
{
	fe u, v, v3, x, vxx, t;
	int sign = s[31] >> 7;

	if (fe_bytes_noncanonical(s))
		return GE_NONCANONICAL;
	fe_frombytes(&P->Y, s);
	fe_1(&P->Z);
	fe_sq(&u, &P->Y);
	fe_mul(&v, &u, &fe_d);
	fe_sub(&u, &u, &P->Z);          /* y^2 - 1 */
	fe_add(&v, &v, &P->Z);          /* d y^2 + 1 */
	fe_sq(&v3, &v);
	fe_mul(&v3, &v3, &v);           /* v^3 */
	fe_sq(&x, &v3);
	fe_mul(&x, &x, &v);
	fe_mul(&x, &x, &u);             /* u v^7 */
	fe_pow22523(&x, &x);
	fe_mul(&x, &x, &v3);
	fe_mul(&x, &x, &u);             /* u v^3 (u v^7)^((p-5)/8) */
	fe_sq(&vxx, &x);
	fe_mul(&vxx, &vxx, &v);
	if (!fe_equal(&vxx, &u)) {
		fe_neg(&t, &u);
		if (!fe_equal(&vxx, &t))
			return GE_NOT_ON_CURVE;
		fe_mul(&x, &x, &fe_sqrtm1);
	}
	if (fe_iszero(&x) && sign)
		return GE_NOT_ON_CURVE;
	if (fe_isneg(&x) != sign)
		fe_neg(&x, &x);
	P->X = x;
	fe_mul(&P->T, &P->X, &P->Y);
	return GE_OK;
}

static void encode(uint8_t s[32], const fe *X, const fe *Y, const fe *Z)
{
	fe recip, x, y;

	fe_invert(&recip, Z);
	fe_mul(&x, X, &recip);
	fe_mul(&y, Y, &recip);
	fe_tobytes(s, &y);
	s[31] ^= (uint8_t)(fe_isneg(&x) << 7);
}

void ge_p3_tobytes(uint8_t s[32], const ge_p3 *P)
{
	encode(s, &P->X, &P->Y, &P->Z);
}

void ge_p2_tobytes(uint8_t s[32], const ge_p2 *P)
{
	encode(s, &P->X, &P->Y, &P->Z);
}

/* ---- constant-time fixed-base multiplication */

static void cached_0(ge_cached *c)
{
	fe_1(&c->YplusX);
	fe_1(&c->YminusX);
	fe_1(&c->Z);
	fe_0(&c->T2d);
}

static void cached_cmov(ge_cached *c, const ge_cached *d, unsigned b)
{
	fe_cmov(&c->YplusX, &d->YplusX, b);
	fe_cmov(&c->YminusX, &d->YminusX, b);
	fe_cmov(&c->Z, &d->Z, b);
	fe_cmov(&c->T2d, &d->T2d, b);
}

/* 1 if a == b, else 0, without a branch (a, b < 2^31). */
static unsigned ct_eq(uint32_t a, uint32_t b)
{
	return ((a ^ b) - 1) >> 31 & 1;
}

/* t = [digit]B from table[i] = [i+1]B for a digit in [-8, 8]: every entry is
 * read and combined with a mask, and the sign is applied by masked moves. */
static void select_digit(ge_cached *t, const ge_cached table[8], int8_t digit)
{
	uint32_t neg = (uint32_t)(uint8_t)digit >> 7;
	uint32_t abs = (uint32_t)(uint8_t)(digit ^ (int8_t)-(int8_t)neg) + neg;
	ge_cached minus;

	abs &= 0xff;
	cached_0(t);
	for (uint32_t i = 0; i < 8; i++)
		cached_cmov(t, &table[i], ct_eq(abs, i + 1));
	minus.YplusX = t->YminusX;
	minus.YminusX = t->YplusX;
	minus.Z = t->Z;
	fe_neg(&minus.T2d, &t->T2d);
	cached_cmov(t, &minus, neg);
}

/* Radix 16 digits of a in [-8, 8): e[i] = nibble + carry, minus 16 when it
 * reaches 8. a[31] <= 127 keeps the top digit in [-8, 8]. */
static void recode_radix16(int8_t e[64], const uint8_t a[32])
{
	int8_t carry = 0;

	for (int i = 0; i < 32; i++) {
		e[2 * i] = (int8_t)(a[i] & 15);
		e[2 * i + 1] = (int8_t)(a[i] >> 4);
	}
	for (int i = 0; i < 63; i++) {
		e[i] = (int8_t)(e[i] + carry);
		carry = (int8_t)((e[i] + 8) >> 4);
		e[i] = (int8_t)(e[i] - carry * 16);
	}
	e[63] = (int8_t)(e[63] + carry);
}

/* Left to right over the 64 digits: four doublings, then one addition of a
 * table entry chosen in constant time. The same operations run for every
 * scalar. */
void ge_scalarmult_base(ge_p3 *R, const uint8_t a[32])
{
	ge_cached table[8], t;
	ge_p3 B, P;
	ge_p2 q;
	ge_p1p1 r;
	int8_t e[64];

	ge_base(&B);
	ge_p3_to_cached(&table[0], &B);
	P = B;
	for (int i = 1; i < 8; i++) {
		ge_add(&r, &P, &table[0]);
		ge_p1p1_to_p3(&P, &r);
		ge_p3_to_cached(&table[i], &P);
	}
	recode_radix16(e, a);
	ge_p3_0(R);
	for (int i = 63; i >= 0; i--) {
		ge_p3_to_p2(&q, R);
		for (int k = 0; k < 4; k++) {
			ge_p2_dbl(&r, &q);
			if (k < 3)
				ge_p1p1_to_p2(&q, &r);
		}
		ge_p1p1_to_p3(R, &r);
		select_digit(&t, table, e[i]);
		ge_add(&r, R, &t);
		ge_p1p1_to_p3(R, &r);
	}
	for (int i = 0; i < 64; i++)
		((volatile int8_t *)e)[i] = 0;
}

/* ---- variable-time multiplication (public scalars only) */

/* Width-W non-adjacent form of the 256-bit a (Hankerson, Menezes, Vanstone,
 * "Guide to Elliptic Curve Cryptography", algorithm 3.35): naf[i] is 0 or
 * odd with |naf[i]| < 2^(W-1), at most one nonzero in any W consecutive
 * digits, a = sum naf[i] 2^i. */
static void wnaf(int8_t naf[257], const uint8_t a[32])
{
	uint64_t k[5] = {0, 0, 0, 0, 0};

	for (int i = 0; i < 32; i++)
		k[i / 8] |= (uint64_t)a[i] << (8 * (i % 8));
	for (int i = 0; i < 257; i++) {
		int d = 0;

		if (k[0] & 1) {
			d = (int)(k[0] & ((1u << WNAF_W) - 1));
			if (d >= 1 << (WNAF_W - 1))
				d -= 1 << WNAF_W;
			if (d > 0) {
				k[0] -= (uint64_t)d; /* clears the low bits: no borrow */
			} else {
				uint64_t add = (uint64_t)-d;

				for (int j = 0; j < 5 && add; j++) {
					k[j] += add;
					add = k[j] < add;
				}
			}
		}
		naf[i] = (int8_t)d;
		for (int j = 0; j < 4; j++)
			k[j] = k[j] >> 1 | k[j + 1] << 63;
		k[4] >>= 1;
	}
}

/* table[i] = [2i+1]P. */
static void odd_multiples(ge_cached table[WNAF_TABLE], const ge_p3 *P)
{
	ge_p1p1 r;
	ge_p2 p2;
	ge_p3 P2, Q;

	ge_p3_to_cached(&table[0], P);
	ge_p3_to_p2(&p2, P);
	ge_p2_dbl(&r, &p2);
	ge_p1p1_to_p3(&P2, &r);
	Q = *P;
	for (int i = 1; i < WNAF_TABLE; i++) {
		ge_cached c;

		ge_p3_to_cached(&c, &P2);
		ge_add(&r, &Q, &c);
		ge_p1p1_to_p3(&Q, &r);
		ge_p3_to_cached(&table[i], &Q);
	}
}

/* One step of the double-and-add: *acc (p1p1 after the doubling) gets
 * +/- table[|d|/2] when d is nonzero. */
static void add_digit(ge_p1p1 *acc, const ge_cached table[WNAF_TABLE], int8_t d)
{
	ge_p3 t;

	if (d == 0)
		return;
	ge_p1p1_to_p3(&t, acc);
	if (d > 0)
		ge_add(acc, &t, &table[d / 2]);
	else
		ge_sub(acc, &t, &table[-d / 2]);
}

void ge_double_scalarmult_vartime(ge_p2 *R, const uint8_t a[32], const ge_p3 *A,
				  const uint8_t b[32])
{
	ge_cached ta[WNAF_TABLE], tb[WNAF_TABLE];
	int8_t na[257], nb[257];
	ge_p3 B;
	ge_p1p1 acc;
	int i;

	wnaf(na, a);
	wnaf(nb, b);
	ge_base(&B);
	odd_multiples(ta, A);
	odd_multiples(tb, &B);
	fe_0(&R->X);
	fe_1(&R->Y);
	fe_1(&R->Z);
	for (i = 256; i >= 0 && na[i] == 0 && nb[i] == 0; i--)
		;
	for (; i >= 0; i--) {
		ge_p2_dbl(&acc, R);
		add_digit(&acc, ta, na[i]);
		add_digit(&acc, tb, nb[i]);
		ge_p1p1_to_p2(R, &acc);
	}
}

void ge_scalarmult_vartime(ge_p3 *R, const uint8_t a[32], const ge_p3 *P)
{
	ge_cached t[WNAF_TABLE];
	int8_t n[257];
	ge_p1p1 acc;
	ge_p2 q;

	wnaf(n, a);
	odd_multiples(t, P);
	ge_p3_0(R);
	for (int i = 256; i >= 0; i--) {
		ge_p3_to_p2(&q, R);
		ge_p2_dbl(&acc, &q);
		add_digit(&acc, t, n[i]);
		ge_p1p1_to_p3(R, &acc);
	}
}
