/* BLAKE3 after its specification (section 2: the compression function,
 * chunks, the binary tree of parents, modes and the extendable output).
 *
 * The hasher keeps the chunk being filled and a stack of chaining values of
 * finished subtrees. A finished chunk is pushed only once more input has
 * arrived (the last chunk must stay unfinished: it may turn out to be the
 * root), and pushing the CV of chunk number t (1-based) merges one parent per
 * trailing zero bit of t, so the stack always holds complete subtrees of
 * decreasing size and finalize folds them right to left. Whole chunks that
 * are known not to be the last are hashed straight from the caller's buffer,
 * several at once on the host's SIMD path. */
#include "lib/crypto/blake3.h"
#include "lib/crypto/blake3_impl.h"
#include "lib/crypto/wipe.h"
#include "lib/le.h"
#include "lib/mem.h"

const uint32_t blake3_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Row r is the message permutation (2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8)
 * applied r times to the identity. */
const uint8_t blake3_schedule[7][16] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
	{3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
	{10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
	{12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
	{9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
	{11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};

/* What a node needs to produce its chaining value or, as the root, any
 * number of output bytes. */
struct output {
	uint32_t cv[8];
	uint8_t block[BLAKE3_BLOCK_LEN];
	uint64_t counter;
	uint8_t block_len;
	uint8_t flags;
};

/* Chunks hashed per call of hash_chunks from update (CVs kept on stack). */
#define BATCH 16

static inline uint32_t rotr32(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void g(uint32_t v[16], int a, int b, int c, int d, uint32_t x, uint32_t y)
{
	v[a] += v[b] + x;
	v[d] = rotr32(v[d] ^ v[a], 16);
	v[c] += v[d];
	v[b] = rotr32(v[b] ^ v[c], 12);
	v[a] += v[b] + y;
	v[d] = rotr32(v[d] ^ v[a], 8);
	v[c] += v[d];
	v[b] = rotr32(v[b] ^ v[c], 7);
}

/* The compression function; out gets all 16 words (the first 8 are the new
 * chaining value, all 16 are extendable output). */
static void compress(const uint32_t cv[8], const uint8_t block[BLAKE3_BLOCK_LEN],
		     uint8_t block_len, uint64_t counter, uint8_t flags, uint32_t out[16])
{
	uint32_t m[16], v[16];

	for (int i = 0; i < 16; i++)
		m[i] = le32(block + 4 * i);
	for (int i = 0; i < 8; i++)
		v[i] = cv[i];
	for (int i = 0; i < 4; i++)
		v[8 + i] = blake3_iv[i];
	v[12] = (uint32_t)counter;
	v[13] = (uint32_t)(counter >> 32);
	v[14] = block_len;
	v[15] = flags;
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
	for (int i = 0; i < 8; i++) {
		out[i] = v[i] ^ v[i + 8];
		out[i + 8] = v[i + 8] ^ cv[i];
	}
}

/* cv = first half of compress(cv, block, ...). */
static void compress_cv(uint32_t cv[8], const uint8_t *block, uint8_t block_len,
			uint64_t counter, uint8_t flags)
{
	uint32_t out[16];

	compress(cv, block, block_len, counter, flags, out);
	for (int i = 0; i < 8; i++)
		cv[i] = out[i];
}

static void words_to_bytes(const uint32_t *w, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++)
		store_le32(out + 4 * i, w[i]);
}

static void bytes_to_words(const uint8_t *p, size_t n, uint32_t *w)
{
	for (size_t i = 0; i < n; i++)
		w[i] = le32(p + 4 * i);
}

/* Chaining values of n whole chunks at in (counters counter, counter+1, ...),
 * one compression per block. */
static void hash_chunks_portable(const uint8_t *in, size_t n, const uint32_t key[8],
				 uint64_t counter, uint8_t flags, uint8_t *cvs)
{
	for (size_t c = 0; c < n; c++, in += BLAKE3_CHUNK_LEN) {
		uint32_t cv[8];

		for (int i = 0; i < 8; i++)
			cv[i] = key[i];
		for (int b = 0; b < BLAKE3_CHUNK_LEN / BLAKE3_BLOCK_LEN; b++) {
			uint8_t f = flags;

			if (b == 0)
				f |= BLAKE3_CHUNK_START;
			if (b == BLAKE3_CHUNK_LEN / BLAKE3_BLOCK_LEN - 1)
				f |= BLAKE3_CHUNK_END;
			compress_cv(cv, in + b * BLAKE3_BLOCK_LEN, BLAKE3_BLOCK_LEN, counter + c, f);
		}
		words_to_bytes(cv, 8, cvs + 32 * c);
	}
}

#ifdef BLAKE3_SIMD
static bool force_portable;
static int avx2_state = -1; /* -1: not probed yet */

void blake3_force_portable(bool on)
{
	force_portable = on;
}
#endif

/* hash_chunks_portable, or the same result computed several chunks at a
 * time where the CPU allows. */
static void hash_chunks(const uint8_t *in, size_t n, const uint32_t key[8], uint64_t counter,
			uint8_t flags, uint8_t *cvs)
{
#ifdef BLAKE3_SIMD
	if (avx2_state < 0)
		avx2_state = blake3_avx2_usable();
	if (avx2_state && !force_portable) {
		blake3_hash_chunks_avx2(in, n, key, counter, flags, cvs);
		return;
	}
#endif
	hash_chunks_portable(in, n, key, counter, flags, cvs);
}

static size_t chunk_len(const struct blake3_hasher *h)
{
	return (size_t)h->blocks_done * BLAKE3_BLOCK_LEN + h->block_len;
}

static void chunk_reset(struct blake3_hasher *h, uint64_t counter)
{
	for (int i = 0; i < 8; i++)
		h->cv[i] = h->key[i];
	h->chunk_counter = counter;
	LIBMEM(memset)(h->block, 0, sizeof h->block);
	h->block_len = 0;
	h->blocks_done = 0;
}

static uint8_t chunk_start_flag(const struct blake3_hasher *h)
{
	return h->blocks_done == 0 ? BLAKE3_CHUNK_START : 0;
}

/* Appends len bytes (at most what the current chunk has room for) to the
 * current chunk. A full block is compressed only when more bytes follow. */
static void chunk_update(struct blake3_hasher *h, const uint8_t *p, size_t len)
{
	while (len > 0) {
		size_t take;

		if (h->block_len == BLAKE3_BLOCK_LEN) {
			compress_cv(h->cv, h->block, BLAKE3_BLOCK_LEN, h->chunk_counter,
				    h->flags | chunk_start_flag(h));
			h->blocks_done++;
			h->block_len = 0;
			LIBMEM(memset)(h->block, 0, sizeof h->block);
		}
		take = BLAKE3_BLOCK_LEN - h->block_len;
		if (take > len)
			take = len;
		LIBMEM(memcpy)(h->block + h->block_len, p, take);
		h->block_len = (uint8_t)(h->block_len + take);
		p += take;
		len -= take;
	}
}

static void chunk_output(const struct blake3_hasher *h, struct output *o)
{
	for (int i = 0; i < 8; i++)
		o->cv[i] = h->cv[i];
	LIBMEM(memcpy)(o->block, h->block, BLAKE3_BLOCK_LEN);
	o->block_len = h->block_len;
	o->counter = h->chunk_counter;
	o->flags = h->flags | chunk_start_flag(h) | BLAKE3_CHUNK_END;
}

static void parent_output(const uint8_t left[32], const uint8_t right[32], const uint32_t key[8],
			  uint8_t flags, struct output *o)
{
	for (int i = 0; i < 8; i++)
		o->cv[i] = key[i];
	LIBMEM(memcpy)(o->block, left, 32);
	LIBMEM(memcpy)(o->block + 32, right, 32);
	o->block_len = BLAKE3_BLOCK_LEN;
	o->counter = 0;
	o->flags = flags | BLAKE3_PARENT;
}

/* The 32-byte chaining value of a non-root node. */
static void output_cv(const struct output *o, uint8_t cv[32])
{
	uint32_t w[8];

	for (int i = 0; i < 8; i++)
		w[i] = o->cv[i];
	compress_cv(w, o->block, o->block_len, o->counter, o->flags);
	words_to_bytes(w, 8, cv);
}

/* Bytes [seek, seek + len) of the root's output: block t of the output is
 * the root compression with counter t. */
static void output_root(const struct output *o, uint64_t seek, uint8_t *out, size_t len)
{
	uint64_t t = seek / BLAKE3_BLOCK_LEN;
	size_t skip = (size_t)(seek % BLAKE3_BLOCK_LEN);

	while (len > 0) {
		uint32_t w[16];
		uint8_t block[BLAKE3_BLOCK_LEN];
		size_t take = BLAKE3_BLOCK_LEN - skip;

		compress(o->cv, o->block, o->block_len, t++, o->flags | BLAKE3_ROOT, w);
		words_to_bytes(w, 16, block);
		if (take > len)
			take = len;
		LIBMEM(memcpy)(out, block + skip, take);
		out += take;
		len -= take;
		skip = 0;
	}
}

/* Pushes the CV of chunk number total (counting from 1), first merging it
 * with one stacked subtree per trailing zero bit of total. */
static void push_cv(struct blake3_hasher *h, const uint8_t cv_in[32], uint64_t total)
{
	uint8_t cv[32];
	struct output o;

	LIBMEM(memcpy)(cv, cv_in, 32);
	while ((total & 1) == 0) {
		h->cv_stack_len--;
		parent_output(h->cv_stack + 32 * h->cv_stack_len, cv, h->key, h->flags, &o);
		output_cv(&o, cv);
		total >>= 1;
	}
	LIBMEM(memcpy)(h->cv_stack + 32 * h->cv_stack_len, cv, 32);
	h->cv_stack_len++;
}

static void init_base(struct blake3_hasher *h, const uint32_t key[8], uint8_t flags)
{
	for (int i = 0; i < 8; i++)
		h->key[i] = key[i];
	h->flags = flags;
	h->cv_stack_len = 0;
	chunk_reset(h, 0);
}

void blake3_init(struct blake3_hasher *h)
{
	init_base(h, blake3_iv, 0);
}

void blake3_init_keyed(struct blake3_hasher *h, const uint8_t key[BLAKE3_KEY_LEN])
{
	uint32_t k[8];

	bytes_to_words(key, 8, k);
	init_base(h, k, BLAKE3_KEYED_HASH);
	crypto_wipe(k, sizeof k);
}

void blake3_init_derive_key(struct blake3_hasher *h, const void *ctx, size_t ctx_len)
{
	uint8_t ctx_key[32];
	uint32_t k[8];

	init_base(h, blake3_iv, BLAKE3_DERIVE_KEY_CONTEXT);
	blake3_update(h, ctx, ctx_len);
	blake3_finalize(h, ctx_key, sizeof ctx_key);
	bytes_to_words(ctx_key, 8, k);
	init_base(h, k, BLAKE3_DERIVE_KEY_MATERIAL);
	crypto_wipe(ctx_key, sizeof ctx_key);
	crypto_wipe(k, sizeof k);
}

/* Hashes the n whole chunks at p (none of them the input's last chunk)
 * straight from the caller's buffer; the current chunk is empty. */
static void update_whole_chunks(struct blake3_hasher *h, const uint8_t *p, size_t n)
{
	uint8_t cvs[BATCH * 32];

	while (n > 0) {
		size_t k = n < BATCH ? n : BATCH;

		hash_chunks(p, k, h->key, h->chunk_counter, h->flags, cvs);
		for (size_t i = 0; i < k; i++) {
			h->chunk_counter++;
			push_cv(h, cvs + 32 * i, h->chunk_counter);
		}
		p += k * BLAKE3_CHUNK_LEN;
		n -= k;
	}
	chunk_reset(h, h->chunk_counter);
}

void blake3_update(struct blake3_hasher *h, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t take;

		if (chunk_len(h) == BLAKE3_CHUNK_LEN) {
			struct output o;
			uint8_t cv[32];

			chunk_output(h, &o);
			output_cv(&o, cv);
			push_cv(h, cv, h->chunk_counter + 1);
			chunk_reset(h, h->chunk_counter + 1);
		}
		if (chunk_len(h) == 0 && len > BLAKE3_CHUNK_LEN) {
			size_t n = (len - 1) / BLAKE3_CHUNK_LEN; /* keep >= 1 byte back */

			update_whole_chunks(h, p, n);
			p += n * BLAKE3_CHUNK_LEN;
			len -= n * BLAKE3_CHUNK_LEN;
			continue;
		}
		take = BLAKE3_CHUNK_LEN - chunk_len(h);
		if (take > len)
			take = len;
		chunk_update(h, p, take);
		p += take;
		len -= take;
	}
}

/* The current chunk always holds at least one byte when the stack is not
 * empty (a chunk is pushed only when more input follows it), so the root is
 * the current chunk or the parent folding it into the stacked subtrees. */
void blake3_finalize_seek(const struct blake3_hasher *h, uint64_t seek, uint8_t *out,
			  size_t out_len)
{
	struct output o;
	size_t i = h->cv_stack_len;

	chunk_output(h, &o);
	while (i > 0) {
		uint8_t cv[32];

		i--;
		output_cv(&o, cv);
		parent_output(h->cv_stack + 32 * i, cv, h->key, h->flags, &o);
	}
	output_root(&o, seek, out, out_len);
}

void blake3_finalize(const struct blake3_hasher *h, uint8_t *out, size_t out_len)
{
	blake3_finalize_seek(h, 0, out, out_len);
}

void blake3_hash(const void *data, size_t len, uint8_t *out, size_t out_len)
{
	struct blake3_hasher h;

	blake3_init(&h);
	blake3_update(&h, data, len);
	blake3_finalize(&h, out, out_len);
}

void blake3_keyed_hash(const uint8_t key[BLAKE3_KEY_LEN], const void *data, size_t len,
		       uint8_t *out, size_t out_len)
{
	struct blake3_hasher h;

	blake3_init_keyed(&h, key);
	blake3_update(&h, data, len);
	blake3_finalize(&h, out, out_len);
	crypto_wipe(&h, sizeof h);
}

void blake3_derive_key(const void *ctx, size_t ctx_len, const void *material, size_t len,
		       uint8_t *out, size_t out_len)
{
	struct blake3_hasher h;

	blake3_init_derive_key(&h, ctx, ctx_len);
	blake3_update(&h, material, len);
	blake3_finalize(&h, out, out_len);
	crypto_wipe(&h, sizeof h);
}
