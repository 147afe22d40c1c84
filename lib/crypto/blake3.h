/* BLAKE3: hash, keyed hash, key derivation and extendable output, one-shot
 * and incremental (the BLAKE3 specification, O'Connor, Aumasson, Neves,
 * Wilcox-O'Hearn, 2020). The portable code is all the kernel gets; host
 * builds add an AVX2 path for many chunks at once (blake3_avx2.c) chosen at
 * run time, with identical results. */
#ifndef CAPOS_LIB_CRYPTO_BLAKE3_H
#define CAPOS_LIB_CRYPTO_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE3_OUT_LEN 32    /* default digest length */
#define BLAKE3_KEY_LEN 32
#define BLAKE3_BLOCK_LEN 64
#define BLAKE3_CHUNK_LEN 1024
#define BLAKE3_MAX_DEPTH 54  /* 2^54 chunks = 2^64 bytes */

/* Incremental state (about 1.9 KiB). Opaque: use only the functions below.
 * The chunk being filled is kept here; finished chunks' chaining values wait
 * on cv_stack until they can be merged into a parent. */
struct blake3_hasher {
	uint32_t key[8];
	uint32_t cv[8];           /* chaining value of the current chunk */
	uint64_t chunk_counter;   /* index of the current chunk */
	uint8_t block[BLAKE3_BLOCK_LEN];
	uint8_t block_len;        /* bytes of block in use */
	uint8_t blocks_done;      /* blocks of the current chunk compressed */
	uint8_t flags;            /* mode flags: keyed hash, derive-key material */
	uint8_t cv_stack_len;
	uint8_t cv_stack[(BLAKE3_MAX_DEPTH + 1) * 32];
};

/* Starts an unkeyed hash. */
void blake3_init(struct blake3_hasher *h);

/* Starts a keyed hash (a MAC / PRF) with a 32-byte key. */
void blake3_init_keyed(struct blake3_hasher *h, const uint8_t key[BLAKE3_KEY_LEN]);

/* Starts key derivation: the context (ctx_len bytes, a hard-coded, globally
 * unique, application-specific string) is hashed first; the key material is
 * then absorbed with blake3_update. */
void blake3_init_derive_key(struct blake3_hasher *h, const void *ctx, size_t ctx_len);

/* Absorbs len bytes at data (data may be NULL when len is 0). Any split of
 * the input into update calls gives the same output. */
void blake3_update(struct blake3_hasher *h, const void *data, size_t len);

/* Writes out_len bytes of output (any length: BLAKE3 is an XOF; the first
 * 32 bytes are the default digest). Does not change *h: more input may be
 * absorbed and finalize called again. */
void blake3_finalize(const struct blake3_hasher *h, uint8_t *out, size_t out_len);

/* Like blake3_finalize, but writes output bytes [seek, seek + out_len) of
 * the extendable output. */
void blake3_finalize_seek(const struct blake3_hasher *h, uint64_t seek, uint8_t *out,
			  size_t out_len);

/* One-shot forms of the three modes; out_len bytes of output each. */
void blake3_hash(const void *data, size_t len, uint8_t *out, size_t out_len);
void blake3_keyed_hash(const uint8_t key[BLAKE3_KEY_LEN], const void *data, size_t len,
		       uint8_t *out, size_t out_len);
void blake3_derive_key(const void *ctx, size_t ctx_len, const void *material, size_t len,
		       uint8_t *out, size_t out_len);

#endif
