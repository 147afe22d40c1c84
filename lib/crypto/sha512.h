/* SHA-512 (FIPS 180-4), one-shot and incremental. Ed25519 hashes with it
 * (RFC 8032); nothing else in capOS should need it. */
#ifndef CAPOS_LIB_CRYPTO_SHA512_H
#define CAPOS_LIB_CRYPTO_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_LEN 64
#define SHA512_BLOCK_LEN 128

/* Incremental state. Opaque: use only through the functions below. */
struct sha512_ctx {
	uint64_t h[8];
	uint64_t total;  /* bytes absorbed so far (messages < 2^64 bytes) */
	uint8_t buf[SHA512_BLOCK_LEN];
	size_t buf_len; /* bytes of buf in use, always < SHA512_BLOCK_LEN */
};

/* Starts a new hash in *ctx (any previous content is overwritten). */
void sha512_init(struct sha512_ctx *ctx);

/* Absorbs len bytes at data (data may be NULL when len is 0). Any split of a
 * message into update calls gives the same digest. */
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);

/* Writes the 64-byte digest of everything absorbed to out and wipes *ctx;
 * call sha512_init before reusing it. */
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_LEN]);

/* One-shot: out = SHA-512(data[0..len)). */
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_LEN]);

#endif
