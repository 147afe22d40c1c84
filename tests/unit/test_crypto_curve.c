/* The arithmetic under Ed25519: GF(2^255-19) at the limb bounds fe25519.h
 * promises (lib/crypto/fe25519.c), scalars mod L against values computed
 * with Python integers (sc25519.c), and the constant-time fixed-base
 * multiplication against the variable-time one (ge25519.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/fe25519.h"
#include "lib/crypto/ge25519.h"
#include "lib/crypto/sc25519.h"

#define M51 ((UINT64_C(1) << 51) - 1)

static void unhex(uint8_t *out, const char *h)
{
	for (size_t i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static uint64_t rng = 0x1234567;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Limbs just under the bound b, plus their value carried to small limbs. */
static void big(fe *f, uint64_t bound)
{
	for (int i = 0; i < 5; i++)
		f->v[i] = bound - 1 - (rnd() & 0xff);
}

static void carried(fe *out, const fe *f)
{
	fe one;

	fe_1(&one);
	fe_mul(out, f, &one); /* fe_mul accepts limbs below 2^54 */
}

static void assert_fe_equal(const fe *a, const fe *b)
{
	uint8_t x[32], y[32];

	fe_tobytes(x, a);
	fe_tobytes(y, b);
	assert_memory_equal(x, y, 32);
}

/* fe_mul/fe_sq with every limb near 2^54 give what they give on the same
 * values carried first; fe_sub with a subtrahend near 2^53 likewise. An
 * overflow of a 128-bit column or a 64-bit limb would break the equality. */
static void test_fe_limb_bounds(void **state)
{
	for (int i = 0; i < 1000; i++) {
		fe a, b, ac, bc, r1, r2, s;

		big(&a, UINT64_C(1) << 54);
		big(&b, UINT64_C(1) << 54);
		carried(&ac, &a);
		carried(&bc, &b);
		fe_mul(&r1, &a, &b);
		fe_mul(&r2, &ac, &bc);
		assert_fe_equal(&r1, &r2);
		for (int l = 0; l < 5; l++)
			assert_true(r1.v[l] < (UINT64_C(1) << 52));
		fe_sq(&r1, &a);
		fe_sq(&r2, &ac);
		assert_fe_equal(&r1, &r2);
		big(&b, (UINT64_C(1) << 53) - 76);
		carried(&bc, &b);
		fe_sub(&s, &a, &b);
		fe_sub(&r2, &ac, &bc);
		assert_fe_equal(&s, &r2);
		for (int l = 0; l < 5; l++)
			assert_true(s.v[l] < (UINT64_C(1) << 52));
	}
}

/* Encodings of p + k (k < 19) decode to k; tobytes is canonical;
 * fe_bytes_noncanonical flags exactly p .. 2^255 - 1. */
static void test_fe_canonical(void **state)
{
	uint8_t s[32], out[32];
	fe f, inv, prod, one;

	for (int k = 0; k < 19; k++) {
		memset(s, 0xff, 32);
		s[31] = 0x7f;
		s[0] = (uint8_t)(0xed + k);
		assert_int_equal(fe_bytes_noncanonical(s), 1);
		fe_frombytes(&f, s);
		fe_tobytes(out, &f);
		assert_int_equal(out[0], k);
		for (int i = 1; i < 32; i++)
			assert_int_equal(out[i], 0);
	}
	memset(s, 0xff, 32);
	s[31] = 0x7f;
	s[0] = 0xec; /* p - 1 */
	assert_int_equal(fe_bytes_noncanonical(s), 0);
	fe_frombytes(&f, s);
	fe_tobytes(out, &f);
	assert_memory_equal(out, s, 32);
	fe_invert(&inv, &f);
	fe_mul(&prod, &inv, &f);
	fe_1(&one);
	assert_fe_equal(&prod, &one);
	fe_sq(&prod, &fe_sqrtm1);
	fe_neg(&one, &one);
	assert_fe_equal(&prod, &one);
}

static void test_sc_reduce64(void **state)
{
	static const char *const v[][2] = {
		{"38b4e652e44da7f2370d9e260e27136550a4a3a6d07f5c0c332f8b1224083fd2"
		 "2b902f8911e81818f8c99d5d5d9831957504d90e945de2e8f54ee781cc75f636",
		 "69e635e2b59edaf289828e009b47ac5dd30f507e94a31614a8be389e1655b504"},
		{"d85099095aa300165a67036f9b540d6b8f0be21124179c3dd9f73817ce6e118d"
		 "264aad6cb6dd210faf94acd3cf92c190237cb11f5d108cf25930263938b370a1",
		 "841ac4e571c9aab54df078817d95682262aed88f044783d0d94ebef20ceea708"},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
		 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903"},
		{"edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"
		 "0000000000000000000000000000000000000000000000000000000000000000",
		 "0000000000000000000000000000000000000000000000000000000000000000"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t in[64], want[32], got[32];

		unhex(in, v[i][0]);
		unhex(want, v[i][1]);
		sc_reduce64(got, in);
		assert_memory_equal(got, want, 32);
	}
}

static void test_sc_muladd(void **state)
{
	static const char *const v[][4] = {
		{"a4e6ed24ec636a8ac0a1271e5866279238aaf84e58056d8f2fa8edd094ba97ae",
		 "8b15442ee2db611a91bfe39469733a9247d58fa3c55018300372555fd235f118",
		 "29fb388c22e44cb637f01210c3707a90b405420fb169779edfb5b9342405157f",
		 "6bab8ac1cf616c6173f7365f362053737edff9abec46a254b83d960397a36700"},
		{"54b12eae62d11e887eb0766d1877f8c6eff26b5010af3177d161e79587a766ec",
		 "30e4037458a9905cad87bd4c77e2983f27745ccb9a31052e944cf1b220eaa2c7",
		 "fb1b7d3e3f73f414af6e0d935520dd4c2147738606f2bf7ec70209e0cd05ee57",
		 "79ce010d2c30d7668d4936e25e7af0355aa370ce8eebb05b0a41c94de0261e0d"},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 "d14df91389432c25ad60ff9791b9fd1d67bef517d273ecce3d9a307c1b419903"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t a[32], b[32], c[32], want[32], got[32];

		unhex(a, v[i][0]);
		unhex(b, v[i][1]);
		unhex(c, v[i][2]);
		unhex(want, v[i][3]);
		sc_muladd(got, a, b, c);
		assert_memory_equal(got, want, 32);
	}
}

/* The constant-time comb equals the wNAF multiplication for 0, 1, digit
 * patterns at the recoding's edges (all nibbles 8, all 15, 2^255 - 1) and
 * random scalars; [L]B is the identity. */
static void test_scalarmult_base(void **state)
{
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
		0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};
	ge_p3 B, P, Q, O;
	uint8_t a[32];

	ge_base(&B);
	for (int i = 0; i < 100; i++) {
		if (i < 5)
			memset(a, (int[]){0, 0x88, 0xff, 0x77, 0x01}[i], 32);
		else
			for (int j = 0; j < 32; j++)
				a[j] = (uint8_t)rnd();
		a[31] &= 0x7f;
		ge_scalarmult_base(&P, a);
		ge_scalarmult_vartime(&Q, a, &B);
		assert_true(ge_p3_equal(&P, &Q));
	}
	ge_scalarmult_base(&P, order);
	ge_p3_0(&O);
	assert_true(ge_p3_equal(&P, &O));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fe_limb_bounds),
		cmocka_unit_test(test_fe_canonical),
		cmocka_unit_test(test_sc_reduce64),
		cmocka_unit_test(test_sc_muladd),
		cmocka_unit_test(test_scalarmult_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
