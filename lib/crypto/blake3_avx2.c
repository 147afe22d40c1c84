/* BLAKE3's chunk hashing eight chunks at a time with AVX2 (host builds on
 * x86-64 only; see BLAKE3_SIMD in blake3_impl.h). Lane j of every vector
 * belongs to chunk j: the state is 16 vectors, word i of the 8 states, and
 * each block's 16 message vectors come from an 8x8 transpose of the 8
 * chunks' blocks. Results equal hash_chunks_portable in blake3.c (the unit
 * test and the fuzz target compare them). */
#include "lib/crypto/blake3_impl.h"

#ifdef BLAKE3_SIMD
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define LANES 8

bool blake3_avx2_usable(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}

AVX2 static inline __m256i add(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }
AVX2 static inline __m256i xor(__m256i a, __m256i b) { return _mm256_xor_si256(a, b); }

AVX2 static inline __m256i rot16(__m256i x)
{
	const __m256i r = _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,
					  13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2);
	return _mm256_shuffle_epi8(x, r);
}

AVX2 static inline __m256i rot8(__m256i x)
{
	const __m256i r = _mm256_set_epi8(12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2, 1,
					  12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2, 1);
	return _mm256_shuffle_epi8(x, r);
}

AVX2 static inline __m256i rot12(__m256i x)
{
	return _mm256_or_si256(_mm256_srli_epi32(x, 12), _mm256_slli_epi32(x, 20));
}

AVX2 static inline __m256i rot7(__m256i x)
{
	return _mm256_or_si256(_mm256_srli_epi32(x, 7), _mm256_slli_epi32(x, 25));
}

AVX2 static inline void g(__m256i v[16], int a, int b, int c, int d, __m256i x, __m256i y)
{
	v[a] = add(add(v[a], v[b]), x);
	v[d] = rot16(xor(v[d], v[a]));
	v[c] = add(v[c], v[d]);
	v[b] = rot12(xor(v[b], v[c]));
	v[a] = add(add(v[a], v[b]), y);
	v[d] = rot8(xor(v[d], v[a]));
	v[c] = add(v[c], v[d]);
	v[b] = rot7(xor(v[b], v[c]));
}

/* Transposes the 8x8 matrix of 32-bit words in r (row i = vector i). */
AVX2 static inline void transpose8(__m256i r[8])
{
	__m256i t[8], u[8];

	for (int i = 0; i < 4; i++) {
		t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	for (int i = 0; i < 2; i++) {
		u[4 * i + 0] = _mm256_unpacklo_epi64(t[4 * i + 0], t[4 * i + 2]);
		u[4 * i + 1] = _mm256_unpackhi_epi64(t[4 * i + 0], t[4 * i + 2]);
		u[4 * i + 2] = _mm256_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
		u[4 * i + 3] = _mm256_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
	}
	for (int i = 0; i < 4; i++) {
		r[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
		r[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
	}
}

/* Message vectors of block b of the 8 chunks starting at in[j]. */
AVX2 static inline void load_msg(const uint8_t *const in[LANES], size_t off, __m256i m[16])
{
	for (int j = 0; j < LANES; j++) {
		m[j] = _mm256_loadu_si256((const __m256i *)(const void *)(in[j] + off));
		m[8 + j] = _mm256_loadu_si256((const __m256i *)(const void *)(in[j] + off + 32));
	}
	transpose8(m);
	transpose8(m + 8);
}

/* Eight chunks: in[j] is chunk j (counter ctr[j]); cvs[j] gets its CV. */
AVX2 static void hash8(const uint8_t *const in[LANES], const uint32_t key[8], const uint64_t ctr[LANES],
		       uint8_t flags, uint8_t *const cvs[LANES])
{
	__m256i h[8], v[16], m[16];
	__m256i ctr_lo = _mm256_setr_epi32((int)ctr[0], (int)ctr[1], (int)ctr[2], (int)ctr[3],
					   (int)ctr[4], (int)ctr[5], (int)ctr[6], (int)ctr[7]);
	__m256i ctr_hi = _mm256_setr_epi32((int)(ctr[0] >> 32), (int)(ctr[1] >> 32),
					   (int)(ctr[2] >> 32), (int)(ctr[3] >> 32),
					   (int)(ctr[4] >> 32), (int)(ctr[5] >> 32),
					   (int)(ctr[6] >> 32), (int)(ctr[7] >> 32));

	for (int i = 0; i < 8; i++)
		h[i] = _mm256_set1_epi32((int)key[i]);
	for (int b = 0; b < BLAKE3_CHUNK_BLOCKS; b++) {
		uint8_t f = flags;

		if (b == 0)
			f |= BLAKE3_CHUNK_START;
		if (b == BLAKE3_CHUNK_BLOCKS - 1)
			f |= BLAKE3_CHUNK_END;
		load_msg(in, (size_t)b * 64, m);
		for (int i = 0; i < 8; i++)
			v[i] = h[i];
		for (int i = 0; i < 4; i++)
			v[8 + i] = _mm256_set1_epi32((int)blake3_iv[i]);
		v[12] = ctr_lo;
		v[13] = ctr_hi;
		v[14] = _mm256_set1_epi32(64);
		v[15] = _mm256_set1_epi32(f);
		for (int r = 0; r < 7; r++) {
			const uint8_t *s = blake3_schedule[r];

			g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
			g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
			g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
			g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
			g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
			g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
			g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
			g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
		}
		for (int i = 0; i < 8; i++)
			h[i] = xor(v[i], v[i + 8]);
	}
	transpose8(h);
	for (int j = 0; j < LANES; j++)
		_mm256_storeu_si256((__m256i *)(void *)cvs[j], h[j]);
}

/* Groups of 8; a last, smaller group repeats its final chunk in the unused
 * lanes and throws their results away. */
AVX2 void blake3_hash_chunks_avx2(const uint8_t *input, size_t n, const uint32_t key[8],
				  uint64_t counter, uint8_t flags, uint8_t *cvs)
{
	uint8_t spare[32];

	for (size_t base = 0; base < n; base += LANES) {
		const uint8_t *in[LANES];
		uint8_t *out[LANES];
		uint64_t ctr[LANES];

		for (size_t j = 0; j < LANES; j++) {
			size_t c = base + j < n ? base + j : n - 1;

			in[j] = input + c * BLAKE3_CHUNK_LEN;
			ctr[j] = counter + c;
			out[j] = base + j < n ? cvs + 32 * c : spare;
		}
		hash8(in, key, ctr, flags, out);
	}
}
#else
/* Kernel and user builds: no SIMD path (the file must still declare something). */
typedef int blake3_avx2_unused;
#endif
