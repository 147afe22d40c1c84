/* Ed25519 (lib/crypto/ed25519.c): the RFC 8032 section 7.1 vectors (key,
 * signature, verification), and one case per verdict of ed25519_verify,
 * including the cases that show which equation is used: a signature whose
 * R carries a small-order component (valid only under the cofactored
 * equation) is rejected, and a small-order public key with an identity R
 * and S = 0 is accepted, as the cofactorless equation of RFC 8032 5.1.7
 * says. (Wycheproof's 151 cases and libsodium interop: tests/crypto/run.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/ed25519.h"
#include "lib/crypto/ge25519.h"
#include "lib/crypto/sc25519.h"
#include "lib/crypto/sha512.h"

/* RFC 8032 section 7.1: seed, public key, message, signature (hex). */
static const struct {
	const char *name, *seed, *pk, *msg, *sig;
} rfc[] = {
	{"TEST 1",
		  "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		  "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"TEST 2",
		  "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		  "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"TEST 3",
		  "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
		  "af82",
		  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
		  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	{"TEST 1024",
		  "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
		  "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
		  "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
		  "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
		  "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
		  "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
		  "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
		  "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
		  "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
		  "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
		  "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
		  "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
		  "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
		  "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
		  "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
		  "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
		  "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
		  "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
		  "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
		  "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
		  "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
		  "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
		  "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
		  "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
		  "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
		  "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
		  "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
		  "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
		  "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
		  "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
		  "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
		  "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
		  "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
		  "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
		  "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
		  "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
	{"TEST SHA(abc)",
		  "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
		  "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		  "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
		  "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

/* L, little-endian. */
static const uint8_t ORDER[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

static uint8_t *unhex(const char *h, size_t *len)
{
	size_t n = strlen(h) / 2;
	uint8_t *out = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
	*len = n;
	return out;
}

static void test_rfc8032_vectors(void **state)
{
	for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
		size_t n, mlen;
		uint8_t *seed = unhex(rfc[i].seed, &n), *pk = unhex(rfc[i].pk, &n);
		uint8_t *msg = unhex(rfc[i].msg, &mlen), *sig = unhex(rfc[i].sig, &n);
		struct ed25519_keypair kp;
		uint8_t got[64];

		ed25519_keypair_from_seed(&kp, seed);
		assert_memory_equal(kp.pk, pk, 32);
		ed25519_sign(got, msg, mlen, &kp);
		assert_memory_equal(got, sig, 64);
		assert_int_equal(ed25519_verify(sig, msg, mlen, pk), ED25519_OK);
		got[0] ^= 1;
		assert_int_equal(ed25519_verify(got, msg, mlen, pk), ED25519_ERR_EQUATION);
		free(seed);
		free(pk);
		free(msg);
		free(sig);
	}
}

/* A fresh valid signature of "capOS" under the RFC's TEST 1 key. */
static void valid_signature(struct ed25519_keypair *kp, uint8_t sig[64])
{
	size_t n;
	uint8_t *seed = unhex(rfc[0].seed, &n);

	ed25519_keypair_from_seed(kp, seed);
	ed25519_sign(sig, "capOS", 5, kp);
	assert_int_equal(ed25519_verify(sig, "capOS", 5, kp->pk), ED25519_OK);
	free(seed);
}

/* S + L (same value mod L), S = L, and S = 2^256 - 1 are refused before
 * any curve arithmetic. */
static void test_s_not_canonical(void **state)
{
	struct ed25519_keypair kp;
	uint8_t sig[64], bad[64];
	unsigned carry = 0;

	valid_signature(&kp, sig);
	memcpy(bad, sig, 64);
	for (int i = 0; i < 32; i++) {
		unsigned t = bad[32 + i] + ORDER[i] + carry;

		bad[32 + i] = (uint8_t)t;
		carry = t >> 8;
	}
	assert_int_equal(ed25519_verify(bad, "capOS", 5, kp.pk), ED25519_ERR_S_NONCANONICAL);
	memcpy(bad + 32, ORDER, 32);
	assert_int_equal(ed25519_verify(bad, "capOS", 5, kp.pk), ED25519_ERR_S_NONCANONICAL);
	memset(bad + 32, 0xff, 32);
	assert_int_equal(ed25519_verify(bad, "capOS", 5, kp.pk), ED25519_ERR_S_NONCANONICAL);
}

/* Public keys: y = p and y = p + 1 (non-canonical encodings of 0 and 1), a
 * y with no x on the curve, and y = 1 (x = 0) with the sign bit set. */
static void test_public_key_rejections(void **state)
{
	struct ed25519_keypair kp;
	uint8_t sig[64], pk[32];
	ge_p3 P;

	valid_signature(&kp, sig);
	memset(pk, 0xff, 32);
	pk[0] = 0xed;
	pk[31] = 0x7f;
	assert_int_equal(ed25519_verify(sig, "capOS", 5, pk), ED25519_ERR_A_NONCANONICAL);
	pk[0] = 0xee;
	assert_int_equal(ed25519_verify(sig, "capOS", 5, pk), ED25519_ERR_A_NONCANONICAL);
	pk[31] = 0xff; /* the sign bit does not make it canonical */
	assert_int_equal(ed25519_verify(sig, "capOS", 5, pk), ED25519_ERR_A_NONCANONICAL);
	memset(pk, 0, 32);
	for (pk[0] = 2; ge_frombytes(&P, pk) == GE_OK; pk[0]++)
		;
	assert_int_equal(ed25519_verify(sig, "capOS", 5, pk), ED25519_ERR_A_NOT_ON_CURVE);
	memset(pk, 0, 32);
	pk[0] = 1;
	pk[31] = 0x80;
	assert_int_equal(ed25519_verify(sig, "capOS", 5, pk), ED25519_ERR_A_NOT_ON_CURVE);
}

/* R: a non-canonical y is refused by name; an R that is not a point can
 * never equal an encoded [S]B - [k]A. */
static void test_r_rejections(void **state)
{
	struct ed25519_keypair kp;
	uint8_t sig[64], bad[64];
	ge_p3 P;

	valid_signature(&kp, sig);
	memcpy(bad, sig, 64);
	memset(bad, 0xff, 32);
	bad[0] = 0xf0;
	bad[31] = 0x7f;
	assert_int_equal(ed25519_verify(bad, "capOS", 5, kp.pk), ED25519_ERR_R_NONCANONICAL);
	memset(bad, 0, 32);
	for (bad[0] = 2; ge_frombytes(&P, bad) == GE_OK; bad[0]++)
		;
	assert_int_equal(ed25519_verify(bad, "capOS", 5, kp.pk), ED25519_ERR_EQUATION);
}

/* Signs msg like ed25519_sign but with R' = [r]B + T for the point T of
 * order 2, (0, -1): [S]B = R' - T + [k]A, so [8][S]B = [8]R' + [8][k]A
 * holds (cofactored) while [S]B = R' + [k]A does not (cofactorless). */
static void sign_with_torsion(uint8_t sig[64], const struct ed25519_keypair *kp)
{
	static const uint8_t r[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	uint8_t h[64], a[32], k[32], tbytes[32];
	struct sha512_ctx ctx;
	ge_p3 R, T;
	ge_cached c;
	ge_p1p1 t;

	sha512(kp->seed, 32, h);
	memcpy(a, h, 32);
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
	ge_scalarmult_base(&R, r);
	memset(tbytes, 0xff, 32);
	tbytes[0] = 0xec; /* y = p - 1 = -1 */
	tbytes[31] = 0x7f;
	assert_int_equal(ge_frombytes(&T, tbytes), GE_OK);
	ge_p3_to_cached(&c, &T);
	ge_add(&t, &R, &c);
	ge_p1p1_to_p3(&R, &t);
	ge_p3_tobytes(sig, &R);
	sha512_init(&ctx);
	sha512_update(&ctx, sig, 32);
	sha512_update(&ctx, kp->pk, 32);
	sha512_update(&ctx, "capOS", 5);
	sha512_final(&ctx, h);
	sc_reduce64(k, h);
	sc_muladd(sig + 32, k, a, r);
}

static void test_cofactorless_equation(void **state)
{
	struct ed25519_keypair kp;
	uint8_t sig[64];

	valid_signature(&kp, sig);
	sign_with_torsion(sig, &kp);
	assert_int_equal(ed25519_verify(sig, "capOS", 5, kp.pk), ED25519_ERR_EQUATION);
}

/* A = identity (a small-order key), R = identity, S = 0: [0]B = 0 + [k]0
 * for every message, so strict RFC 8032 verification accepts. Keys are
 * trusted input in signed boot; docs/crypto.md says so. */
static void test_small_order_key_accepted(void **state)
{
	uint8_t pk[32] = {1}, sig[64] = {1};

	assert_int_equal(ed25519_verify(sig, "anything", 8, pk), ED25519_OK);
	assert_int_equal(ed25519_verify(sig, "", 0, pk), ED25519_OK);
}

/* Any flipped bit of message, key or signature is refused. */
static void test_every_bit_flip(void **state)
{
	struct ed25519_keypair kp;
	uint8_t sig[64], msg[5];

	valid_signature(&kp, sig);
	memcpy(msg, "capOS", 5);
	for (int bit = 0; bit < 512; bit++) {
		sig[bit / 8] ^= (uint8_t)(1 << bit % 8);
		assert_int_not_equal(ed25519_verify(sig, msg, 5, kp.pk), ED25519_OK);
		sig[bit / 8] ^= (uint8_t)(1 << bit % 8);
	}
	for (int bit = 0; bit < 256; bit++) {
		kp.pk[bit / 8] ^= (uint8_t)(1 << bit % 8);
		assert_int_not_equal(ed25519_verify(sig, msg, 5, kp.pk), ED25519_OK);
		kp.pk[bit / 8] ^= (uint8_t)(1 << bit % 8);
	}
	for (int bit = 0; bit < 40; bit++) {
		msg[bit / 8] ^= (uint8_t)(1 << bit % 8);
		assert_int_equal(ed25519_verify(sig, msg, 5, kp.pk), ED25519_ERR_EQUATION);
		msg[bit / 8] ^= (uint8_t)(1 << bit % 8);
	}
}

static void test_strerror(void **state)
{
	for (int e = ED25519_OK; e >= ED25519_ERR_EQUATION; e--)
		assert_string_not_equal(ed25519_strerror(e), "unknown ed25519 error");
	assert_string_equal(ed25519_strerror(1), "unknown ed25519 error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_s_not_canonical),
		cmocka_unit_test(test_public_key_rejections),
		cmocka_unit_test(test_r_rejections),
		cmocka_unit_test(test_cofactorless_equation),
		cmocka_unit_test(test_small_order_key_accepted),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
