/* BLAKE3 internals shared by blake3.c and the host-only SIMD path. Not for
 * callers of the hash: include lib/crypto/blake3.h. */
#ifndef CAPOS_LIB_CRYPTO_BLAKE3_IMPL_H
#define CAPOS_LIB_CRYPTO_BLAKE3_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/blake3.h"

#define BLAKE3_CHUNK_BLOCKS 16 /* blocks of 64 bytes in a chunk */

/* Domain flags (specification table 3). */
enum {
	BLAKE3_CHUNK_START = 1 << 0,
	BLAKE3_CHUNK_END = 1 << 1,
	BLAKE3_PARENT = 1 << 2,
	BLAKE3_ROOT = 1 << 3,
	BLAKE3_KEYED_HASH = 1 << 4,
	BLAKE3_DERIVE_KEY_CONTEXT = 1 << 5,
	BLAKE3_DERIVE_KEY_MATERIAL = 1 << 6,
};

extern const uint32_t blake3_iv[8];
/* Message word order of each of the 7 rounds (the permutation applied r
 * times). */
extern const uint8_t blake3_schedule[7][16];

/* The SIMD path exists in host builds on x86-64 only; the kernel (built
 * without SSE) and user space get the portable code. */
#if defined(CAPOS_HOST) && defined(__x86_64__)
#define BLAKE3_SIMD 1
/* Hashes n >= 1 whole chunks at input with 8-lane AVX2 compressions; chunk
 * i gets counter + i; writes n 32-byte chaining values to cvs. Needs AVX2
 * (blake3_avx2_usable). */
void blake3_hash_chunks_avx2(const uint8_t *input, size_t n, const uint32_t key[8],
			     uint64_t counter, uint8_t flags, uint8_t *cvs);
/* True when the CPU and OS support AVX2. */
bool blake3_avx2_usable(void);
/* Test hook: true makes blake3.c use only the portable code. */
void blake3_force_portable(bool on);
#endif

#endif
