/* Ed25519 signatures (RFC 8032 section 5.1). The kernel and init verify;
 * host tools also derive keys and sign.
 *
 * Verification is strict: S must be below L, A and R must be canonical
 * encodings (y < p) of points on the curve, and the cofactorless equation
 * [S]B = R + [k]A must hold exactly (docs/crypto.md says why). Signing runs
 * in constant time with respect to the seed and the secret scalar. */
#ifndef CAPOS_LIB_CRYPTO_ED25519_H
#define CAPOS_LIB_CRYPTO_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_SEED_LEN 32
#define ED25519_PUBLIC_KEY_LEN 32
#define ED25519_SIGNATURE_LEN 64

/* A key pair: the secret 32-byte seed (RFC 8032's "private key") and the
 * public key derived from it. Same layout as libsodium's 64-byte secret key. */
struct ed25519_keypair {
	uint8_t seed[ED25519_SEED_LEN];
	uint8_t pk[ED25519_PUBLIC_KEY_LEN];
};

/* Verdicts of ed25519_verify, one per rejection, checked in this order. */
enum {
	ED25519_OK = 0,
	ED25519_ERR_S_NONCANONICAL = -1, /* S >= L */
	ED25519_ERR_A_NONCANONICAL = -2, /* public key y >= p */
	ED25519_ERR_A_NOT_ON_CURVE = -3, /* public key is not a point */
	ED25519_ERR_R_NONCANONICAL = -4, /* R's y >= p */
	ED25519_ERR_EQUATION = -5,       /* [S]B != R + [k]A, or R is not a point */
};

/* Derives the key pair of a 32-byte seed (section 5.1.5). */
void ed25519_keypair_from_seed(struct ed25519_keypair *kp, const uint8_t seed[ED25519_SEED_LEN]);

/* Writes the 64-byte signature of msg[0..len) under kp (section 5.1.6).
 * kp must come from ed25519_keypair_from_seed (a key pair whose pk does not
 * match its seed gives signatures that leak the key). msg may be NULL when
 * len is 0. */
void ed25519_sign(uint8_t sig[ED25519_SIGNATURE_LEN], const void *msg, size_t len,
		  const struct ed25519_keypair *kp);

/* Checks sig over msg[0..len) against the public key pk (section 5.1.7).
 * Returns ED25519_OK or the first reason to reject (the enum above).
 * Variable time (all inputs are public); about 5 KiB of stack at most
 * (kernel build, measured with -fstack-usage: docs/crypto.md). */
int ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_LEN], const void *msg, size_t len,
		   const uint8_t pk[ED25519_PUBLIC_KEY_LEN]);

/* A name for a verdict of ed25519_verify ("ok", "S >= L", ...). */
const char *ed25519_strerror(int err);

#endif
