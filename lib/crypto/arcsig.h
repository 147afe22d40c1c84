/* The ARCSIG trailer: the signature of a signed file of the boot package.
 *
 * A signed file is its body followed by 72 bytes:
 *
 *   offset 0   6  magic "ARCSIG"
 *   offset 6   2  version, little-endian (ARCSIG_VERSION)
 *   offset 8  64  Ed25519 signature of BLAKE3(body) (the 32-byte digest)
 *
 * The body is everything before the trailer; its BLAKE3 digest is what the
 * key signs, what a manifest's Binary.blake3 holds, and what a process's
 * principal carries. tools/sign writes trailers; the kernel (init and every
 * spawned binary) and init (manifest.bin) check them. docs/signing.md.
 *
 * Freestanding (kernel, user space, host). */
#ifndef CAPOS_LIB_CRYPTO_ARCSIG_H
#define CAPOS_LIB_CRYPTO_ARCSIG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/ed25519.h"

#define ARCSIG_LEN 72u
#define ARCSIG_MAGIC "ARCSIG"
#define ARCSIG_MAGIC_LEN 6u
#define ARCSIG_VERSION 1u
#define ARCSIG_DIGEST_LEN 32u
#define ARCSIG_FINGERPRINT_LEN 8u /* first 8 bytes of BLAKE3(public key) */

enum arcsig_err {
	ARCSIG_OK = 0,
	ARCSIG_NO_SIGNATURE = 1,  /* shorter than a trailer, or no magic at its place */
	ARCSIG_BAD_SIGNATURE = 2, /* a trailer whose version is unknown or whose signature does not verify */
	ARCSIG_DIGEST_MISMATCH = 3, /* (for callers comparing digests: the body's digest is not the one expected) */
};

/* "no signature", "bad signature", "digest mismatch". */
const char *arcsig_strerror(int err);

/* The body's length if data[0, len) ends in a trailer (magic present; the
 * signature is not checked): ARCSIG_OK and *body_len, or ARCSIG_NO_SIGNATURE. */
int arcsig_split(const void *data, size_t len, size_t *body_len);

/* Checks data[0, len): a trailer, the known version, and a signature by pk
 * over BLAKE3(body). On ARCSIG_OK *body_len is the body's length. digest
 * (may be NULL) receives BLAKE3(body) whenever a trailer was found. */
int arcsig_verify(const void *data, size_t len, const uint8_t pk[ED25519_PUBLIC_KEY_LEN], size_t *body_len,
                  uint8_t digest[ARCSIG_DIGEST_LEN]);

/* The trailer for body[0, len) signed with kp. */
void arcsig_sign(uint8_t trailer[ARCSIG_LEN], const void *body, size_t len, const struct ed25519_keypair *kp);

/* The key's fingerprint: the first 8 bytes of BLAKE3(pk). */
void arcsig_fingerprint(const uint8_t pk[ED25519_PUBLIC_KEY_LEN], uint8_t fp[ARCSIG_FINGERPRINT_LEN]);

#endif
