/* Ed25519 key generation, signing and verification after RFC 8032
 * section 5.1, on the group of ge25519.c, scalars of sc25519.c and
 * SHA-512. */
#include "lib/crypto/ed25519.h"
#include "lib/crypto/ge25519.h"
#include "lib/crypto/sc25519.h"
#include "lib/crypto/sha512.h"
#include "lib/crypto/wipe.h"
#include "lib/mem.h"

/* Section 5.1.5: h = SHA-512(seed); the secret scalar is h[0..32) with the
 * low 3 bits and bit 255 cleared and bit 254 set; h[32..64) is the prefix
 * that makes the nonce. */
static void expand_seed(uint8_t a[32], uint8_t prefix[32], const uint8_t seed[32])
{
	uint8_t h[64];

	sha512(seed, 32, h);
	LIBMEM(memcpy)(a, h, 32);
	LIBMEM(memcpy)(prefix, h + 32, 32);
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
	crypto_wipe(h, sizeof h);
}

void ed25519_keypair_from_seed(struct ed25519_keypair *kp, const uint8_t seed[ED25519_SEED_LEN])
{
	uint8_t a[32], prefix[32];
	ge_p3 A;

	expand_seed(a, prefix, seed);
	ge_scalarmult_base(&A, a);
	LIBMEM(memmove)(kp->seed, seed, ED25519_SEED_LEN);
	ge_p3_tobytes(kp->pk, &A);
	crypto_wipe(a, sizeof a);
	crypto_wipe(prefix, sizeof prefix);
	crypto_wipe(&A, sizeof A);
}

/* SHA-512(p1[0..n1) || p2[0..32) || msg) mod L; p1 may be NULL when n1 is 0. */
static void hash_to_scalar(uint8_t out[32], const uint8_t *p1, size_t n1, const uint8_t p2[32],
			   const void *msg, size_t len)
{
	struct sha512_ctx ctx;
	uint8_t h[64];

	sha512_init(&ctx);
	sha512_update(&ctx, p1, n1);
	sha512_update(&ctx, p2, 32);
	sha512_update(&ctx, msg, len);
	sha512_final(&ctx, h);
	sc_reduce64(out, h);
	crypto_wipe(h, sizeof h);
}

/* Section 5.1.6: r = SHA-512(prefix || M) mod L, R = [r]B,
 * k = SHA-512(R || A || M) mod L, S = (r + k a) mod L. The secret a and r
 * only meet constant-time code: ge_scalarmult_base, sc_muladd, SHA-512. */
void ed25519_sign(uint8_t sig[ED25519_SIGNATURE_LEN], const void *msg, size_t len,
		  const struct ed25519_keypair *kp)
{
	uint8_t a[32], prefix[32], r[32], k[32];
	ge_p3 R;

	expand_seed(a, prefix, kp->seed);
	hash_to_scalar(r, NULL, 0, prefix, msg, len);
	ge_scalarmult_base(&R, r);
	ge_p3_tobytes(sig, &R);
	hash_to_scalar(k, sig, 32, kp->pk, msg, len);
	sc_muladd(sig + 32, k, a, r);
	crypto_wipe(a, sizeof a);
	crypto_wipe(prefix, sizeof prefix);
	crypto_wipe(r, sizeof r);
	crypto_wipe(&R, sizeof R);
}

/* Section 5.1.7, in the order of the enum in ed25519.h. The equation is
 * checked as encode([S]B - [k]A) == R byte for byte: the encoding of a
 * point is unique and always decodes back to that point, so equal bytes
 * mean R decodes (strictly) and equals [S]B - [k]A, and an R that does not
 * decode can never match. */
int ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_LEN], const void *msg, size_t len,
		   const uint8_t pk[ED25519_PUBLIC_KEY_LEN])
{
	uint8_t k[32], check[32];
	ge_p3 A;
	ge_p2 Rc;
	int err;

	if (!sc_is_canonical(sig + 32))
		return ED25519_ERR_S_NONCANONICAL;
	err = ge_frombytes(&A, pk);
	if (err == GE_NONCANONICAL)
		return ED25519_ERR_A_NONCANONICAL;
	if (err != GE_OK)
		return ED25519_ERR_A_NOT_ON_CURVE;
	if (fe_bytes_noncanonical(sig))
		return ED25519_ERR_R_NONCANONICAL;
	hash_to_scalar(k, sig, 32, pk, msg, len);
	fe_neg(&A.X, &A.X);
	fe_neg(&A.T, &A.T);
	ge_double_scalarmult_vartime(&Rc, k, &A, sig + 32);
	ge_p2_tobytes(check, &Rc);
	return LIBMEM(memcmp)(check, sig, 32) == 0 ? ED25519_OK : ED25519_ERR_EQUATION;
}

const char *ed25519_strerror(int err)
{
	switch (err) {
	case ED25519_OK: return "ok";
	case ED25519_ERR_S_NONCANONICAL: return "S >= L";
	case ED25519_ERR_A_NONCANONICAL: return "public key not canonical (y >= p)";
	case ED25519_ERR_A_NOT_ON_CURVE: return "public key not a curve point";
	case ED25519_ERR_R_NONCANONICAL: return "R not canonical (y >= p)";
	case ED25519_ERR_EQUATION: return "equation [S]B = R + [k]A fails";
	}
	return "unknown ed25519 error";
}
