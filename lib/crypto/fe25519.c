/* GF(2^255 - 19) with radix 2^51 limbs and 128-bit products. Reduction
 * uses 2^255 = 19 (mod p): a carry out of limb 4 re-enters limb 0 times 19.
 * See fe25519.h for the limb bounds each function accepts and returns. */
#include "lib/crypto/fe25519.h"

typedef unsigned __int128 u128;

#define MASK51 ((UINT64_C(1) << 51) - 1)

const fe fe_d = {{0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb,
		  0x52036cee2b6ff}};
const fe fe_d2 = {{0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977,
		   0x2406d9dc56dff}};
const fe fe_sqrtm1 = {{0x61b274a0ea0b0, 0x0d5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e,
		       0x2b8324804fc1d}};

void fe_0(fe *h)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = 0;
}

void fe_1(fe *h)
{
	fe_0(h);
	h->v[0] = 1;
}

void fe_add(fe *h, const fe *f, const fe *g)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
}

/* One carry pass: limbs 1..4 end below 2^51 + 2^13, limb 0 below
 * 2^51 + 19 * 2^13 for inputs below 2^64 / 19. */
static void carry(fe *h)
{
	uint64_t c;

	c = h->v[0] >> 51; h->v[0] &= MASK51; h->v[1] += c;
	c = h->v[1] >> 51; h->v[1] &= MASK51; h->v[2] += c;
	c = h->v[2] >> 51; h->v[2] &= MASK51; h->v[3] += c;
	c = h->v[3] >> 51; h->v[3] &= MASK51; h->v[4] += c;
	c = h->v[4] >> 51; h->v[4] &= MASK51; h->v[0] += 19 * c;
}

void fe_carry(fe *h)
{
	carry(h);
}

/* f + 4p - g: 4p's limbs (2^53 - 76, 2^53 - 4, ...) exceed any subtrahend
 * below 2^53 - 76, so no limb goes negative. */
void fe_sub(fe *h, const fe *f, const fe *g)
{
	h->v[0] = f->v[0] + UINT64_C(0x1fffffffffffb4) - g->v[0];
	for (int i = 1; i < 5; i++)
		h->v[i] = f->v[i] + UINT64_C(0x1ffffffffffffc) - g->v[i];
	carry(h);
}

void fe_neg(fe *h, const fe *f)
{
	fe z;

	fe_0(&z);
	fe_sub(h, &z, f);
}

/* r[0..4] are 128-bit column sums below 2^115; out limbs end carried. */
static void carry_wide(fe *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4)
{
	uint64_t c;

	r1 += (uint64_t)(r0 >> 51);
	r2 += (uint64_t)(r1 >> 51);
	r3 += (uint64_t)(r2 >> 51);
	r4 += (uint64_t)(r3 >> 51);
	c = (uint64_t)(r4 >> 51); /* below 2^60: 19 c fits */
	h->v[0] = ((uint64_t)r0 & MASK51) + 19 * c;
	h->v[1] = (uint64_t)r1 & MASK51;
	h->v[2] = (uint64_t)r2 & MASK51;
	h->v[3] = (uint64_t)r3 & MASK51;
	h->v[4] = (uint64_t)r4 & MASK51;
	c = h->v[0] >> 51;
	h->v[0] &= MASK51;
	h->v[1] += c;
}

void fe_mul(fe *h, const fe *f, const fe *g)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
	uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 +
	     (u128)f4 * g1_19;
	r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 +
	     (u128)f4 * g2_19;
	r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 +
	     (u128)f4 * g3_19;
	r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
	r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
	carry_wide(h, r0, r1, r2, r3, r4);
}

void fe_sq(fe *h, const fe *f)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1;
	uint64_t f1_38 = 38 * f1, f2_38 = 38 * f2, f3_38 = 38 * f3;
	uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)f0 * f0 + (u128)f1_38 * f4 + (u128)f2_38 * f3;
	r1 = (u128)f0_2 * f1 + (u128)f2_38 * f4 + (u128)f3_19 * f3;
	r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_38 * f4;
	r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4_19 * f4;
	r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
	carry_wide(h, r0, r1, r2, r3, r4);
}

/* h = f^(2^n). */
static void sq_n(fe *h, const fe *f, int n)
{
	fe_sq(h, f);
	while (--n > 0)
		fe_sq(h, h);
}

/* z_250 = f^(2^250 - 1) and z11 = f^11, the common part of both chains. */
static void pow_2_250_1(fe *z_250, fe *z11, const fe *f)
{
	fe z2, z9, t, z5, z10, z20, z50, z100;

	fe_sq(&z2, f);               /* 2 */
	sq_n(&t, &z2, 2);            /* 8 */
	fe_mul(&z9, &t, f);          /* 9 */
	fe_mul(z11, &z9, &z2);       /* 11 */
	fe_sq(&t, z11);              /* 22 */
	fe_mul(&z5, &t, &z9);        /* 31 = 2^5 - 1 */
	sq_n(&t, &z5, 5);
	fe_mul(&z10, &t, &z5);       /* 2^10 - 1 */
	sq_n(&t, &z10, 10);
	fe_mul(&z20, &t, &z10);      /* 2^20 - 1 */
	sq_n(&t, &z20, 20);
	fe_mul(&t, &t, &z20);        /* 2^40 - 1 */
	sq_n(&t, &t, 10);
	fe_mul(&z50, &t, &z10);      /* 2^50 - 1 */
	sq_n(&t, &z50, 50);
	fe_mul(&z100, &t, &z50);     /* 2^100 - 1 */
	sq_n(&t, &z100, 100);
	fe_mul(&t, &t, &z100);       /* 2^200 - 1 */
	sq_n(&t, &t, 50);
	fe_mul(z_250, &t, &z50);     /* 2^250 - 1 */
}

/* p - 2 = 2^255 - 21 = (2^250 - 1) 2^5 + 11. */
void fe_invert(fe *h, const fe *f)
{
	fe z_250, z11;

	pow_2_250_1(&z_250, &z11, f);
	sq_n(&z_250, &z_250, 5);
	fe_mul(h, &z_250, &z11);
}

/* (p - 5) / 8 = 2^252 - 3 = (2^250 - 1) 2^2 + 1. */
void fe_pow22523(fe *h, const fe *f)
{
	fe z_250, z11;

	pow_2_250_1(&z_250, &z11, f);
	sq_n(&z_250, &z_250, 2);
	fe_mul(h, &z_250, f);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void fe_frombytes(fe *h, const uint8_t s[32])
{
	uint64_t w0 = load64(s), w1 = load64(s + 8), w2 = load64(s + 16), w3 = load64(s + 24);

	h->v[0] = w0 & MASK51;
	h->v[1] = (w0 >> 51 | w1 << 13) & MASK51;
	h->v[2] = (w1 >> 38 | w2 << 26) & MASK51;
	h->v[3] = (w2 >> 25 | w3 << 39) & MASK51;
	h->v[4] = (w3 >> 12) & MASK51;
}

/* Two carry passes leave every limb below 2^51 (value below 2^255 < 2p);
 * q = 1 exactly when the value is >= p (value + 19 carries out of bit
 * 255); adding 19 q and dropping bit 255 subtracts q p. */
void fe_tobytes(uint8_t s[32], const fe *f)
{
	fe h = *f;
	uint64_t q;

	carry(&h);
	carry(&h);
	q = (h.v[0] + 19) >> 51;
	q = (h.v[1] + q) >> 51;
	q = (h.v[2] + q) >> 51;
	q = (h.v[3] + q) >> 51;
	q = (h.v[4] + q) >> 51;
	h.v[0] += 19 * q;
	for (int i = 0; i < 4; i++) {
		h.v[i + 1] += h.v[i] >> 51;
		h.v[i] &= MASK51;
	}
	h.v[4] &= MASK51; /* drops 2^255 */
	store64(s, h.v[0] | h.v[1] << 51);
	store64(s + 8, h.v[1] >> 13 | h.v[2] << 38);
	store64(s + 16, h.v[2] >> 26 | h.v[3] << 25);
	store64(s + 24, h.v[3] >> 39 | h.v[4] << 12);
}

int fe_iszero(const fe *f)
{
	uint8_t s[32];
	unsigned acc = 0;

	fe_tobytes(s, f);
	for (int i = 0; i < 32; i++)
		acc |= s[i];
	return (int)((acc - 1) >> 31 & 1);
}

int fe_isneg(const fe *f)
{
	uint8_t s[32];

	fe_tobytes(s, f);
	return s[0] & 1;
}

void fe_cmov(fe *f, const fe *g, unsigned b)
{
	uint64_t mask = (uint64_t)0 - (uint64_t)b;

	for (int i = 0; i < 5; i++)
		f->v[i] ^= mask & (f->v[i] ^ g->v[i]);
}

/* s >= p = 2^255 - 19 with bit 255 ignored: bytes 1..30 all 0xff, byte 31
 * 0x7f (after masking) and byte 0 >= 0xed. */
int fe_bytes_noncanonical(const uint8_t s[32])
{
	unsigned all_ff = 0xff;

	for (int i = 1; i < 31; i++)
		all_ff &= s[i];
	all_ff = ((all_ff ^ 0xff) - 1) >> 31 & 1;                 /* 1 iff all 0xff */
	all_ff &= (((unsigned)(s[31] & 0x7f) ^ 0x7f) - 1) >> 31 & 1; /* and top byte 0x7f */
	return (int)(all_ff & (((unsigned)s[0] - 0xed) >> 31 ^ 1));
}
