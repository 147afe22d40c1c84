/* Arithmetic modulo L with 64-bit limbs: schoolbook products and Barrett
 * reduction (Menezes, van Oorschot, Vanstone, "Handbook of Applied
 * Cryptography", algorithm 14.42, base b = 2^64, k = 4). No branch or index
 * depends on a value: the final corrections are masked subtractions. */
#include "lib/crypto/sc25519.h"
#include "lib/crypto/wipe.h"

typedef unsigned __int128 u128;

static const uint64_t L[4] = {
	0x5812631a5cf5d3edull, 0x14def9dea2f79cd6ull, 0x0000000000000000ull, 0x1000000000000000ull,
};

/* mu = floor(2^512 / L), 261 bits. */
static const uint64_t MU[5] = {
	0xed9ce5a30a2c131bull, 0x2106215d086329a7ull, 0xffffffffffffffebull, 0xffffffffffffffffull,
	0x000000000000000full,
};

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

/* r[0..na+nb) = a b. */
static void mul(uint64_t *r, const uint64_t *a, int na, const uint64_t *b, int nb)
{
	for (int i = 0; i < na + nb; i++)
		r[i] = 0;
	for (int i = 0; i < na; i++) {
		uint64_t carry = 0;

		for (int j = 0; j < nb; j++) {
			u128 t = (u128)a[i] * b[j] + r[i + j] + carry;

			r[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		r[i + nb] = carry;
	}
}

/* r -= L when r >= L (r has 5 limbs, r < 3L), by a masked subtraction. */
static void sub_l_if_ge(uint64_t r[5])
{
	uint64_t t[5], borrow = 0, mask;

	for (int i = 0; i < 5; i++) {
		uint64_t li = i < 4 ? L[i] : 0;
		u128 d = (u128)r[i] - li - borrow;

		t[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	mask = borrow - 1; /* all ones when no borrow: r >= L */
	for (int i = 0; i < 5; i++)
		r[i] = (r[i] & ~mask) | (t[i] & mask);
}

/* out = x mod L for x < 2^512 (8 limbs). q3 = floor(floor(x / b^3) mu / b^5)
 * is at most 2 below floor(x / L), so r = x - q3 L (mod b^5) is below 3L. */
static void barrett(uint8_t out[32], const uint64_t x[8])
{
	uint64_t q2[10], q3l[10], r[5], borrow = 0;

	mul(q2, x + 3, 5, MU, 5);
	mul(q3l, q2 + 5, 5, L, 4);
	for (int i = 0; i < 5; i++) {
		u128 d = (u128)x[i] - q3l[i] - borrow;

		r[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	sub_l_if_ge(r);
	sub_l_if_ge(r);
	for (int i = 0; i < 4; i++)
		store64(out + 8 * i, r[i]);
	crypto_wipe(q2, sizeof q2);
	crypto_wipe(q3l, sizeof q3l);
	crypto_wipe(r, sizeof r);
}

void sc_reduce64(uint8_t out[32], const uint8_t in[64])
{
	uint64_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = load64(in + 8 * i);
	barrett(out, x);
	crypto_wipe(x, sizeof x);
}

void sc_muladd(uint8_t s[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32])
{
	uint64_t av[4], bv[4], x[8], carry = 0;

	for (int i = 0; i < 4; i++) {
		av[i] = load64(a + 8 * i);
		bv[i] = load64(b + 8 * i);
	}
	mul(x, av, 4, bv, 4);
	for (int i = 0; i < 8; i++) {
		u128 t = (u128)x[i] + (i < 4 ? load64(c + 8 * i) : 0) + carry;

		x[i] = (uint64_t)t;
		carry = (uint64_t)(t >> 64);
	}
	barrett(s, x);
	crypto_wipe(av, sizeof av);
	crypto_wipe(bv, sizeof bv);
	crypto_wipe(x, sizeof x);
}

/* s < L: the borrow out of s - L, computed over all four limbs. */
int sc_is_canonical(const uint8_t s[32])
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		u128 d = (u128)load64(s + 8 * i) - L[i] - borrow;

		borrow = (uint64_t)(d >> 64) & 1;
	}
	return (int)borrow;
}
