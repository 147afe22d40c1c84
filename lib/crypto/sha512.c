/* SHA-512 after FIPS 180-4 sections 4.1.3, 4.2.3, 5.1.2, 5.3.5 and 6.4.
 * Big-endian words; one 80-word message schedule per 128-byte block. */
#include "lib/crypto/sha512.h"
#include "lib/crypto/wipe.h"
#include "lib/mem.h"

/* First 64 bits of the fractional parts of the cube roots of the first 80
 * primes (FIPS 180-4 section 4.2.3). */
static const uint64_t K[80] = {
	0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
	0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
	0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
	0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
	0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
	0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
	0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
	0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
	0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
	0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
	0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
	0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
	0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
	0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
	0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
	0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
	0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
	0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
	0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
	0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
	0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
	0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
	0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
	0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
	0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
	0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
	0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/* Initial hash value: square roots of the first 8 primes (section 5.3.5). */
static const uint64_t H0[8] = {
	0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
	0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return x >> n | x << (64 - n); }

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* One application of the compression function (section 6.4.2) per block. */
static void compress_blocks(uint64_t h[8], const uint8_t *p, size_t nblocks)
{
	uint64_t w[80];

	for (; nblocks > 0; nblocks--, p += SHA512_BLOCK_LEN) {
		uint64_t a = h[0], b = h[1], c = h[2], d = h[3];
		uint64_t e = h[4], f = h[5], g = h[6], hh = h[7];

		for (int t = 0; t < 16; t++)
			w[t] = load_be64(p + 8 * t);
		for (int t = 16; t < 80; t++) {
			uint64_t s0 = rotr64(w[t - 15], 1) ^ rotr64(w[t - 15], 8) ^ (w[t - 15] >> 7);
			uint64_t s1 = rotr64(w[t - 2], 19) ^ rotr64(w[t - 2], 61) ^ (w[t - 2] >> 6);

			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		for (int t = 0; t < 80; t++) {
			uint64_t S1 = rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41);
			uint64_t ch = (e & f) ^ (~e & g);
			uint64_t t1 = hh + S1 + ch + K[t] + w[t];
			uint64_t S0 = rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39);
			uint64_t maj = (a & b) ^ (a & c) ^ (b & c);
			uint64_t t2 = S0 + maj;

			hh = g; g = f; f = e; e = d + t1;
			d = c; c = b; b = a; a = t1 + t2;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d;
		h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	}
	crypto_wipe(w, sizeof w);
}

void sha512_init(struct sha512_ctx *ctx)
{
	for (int i = 0; i < 8; i++)
		ctx->h[i] = H0[i];
	ctx->total = 0;
	ctx->buf_len = 0;
}

void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;
	ctx->total += len;
	if (ctx->buf_len > 0) {
		size_t take = SHA512_BLOCK_LEN - ctx->buf_len;

		if (take > len)
			take = len;
		LIBMEM(memcpy)(ctx->buf + ctx->buf_len, p, take);
		ctx->buf_len += take;
		p += take;
		len -= take;
		if (ctx->buf_len < SHA512_BLOCK_LEN)
			return;
		compress_blocks(ctx->h, ctx->buf, 1);
		ctx->buf_len = 0;
	}
	compress_blocks(ctx->h, p, len / SHA512_BLOCK_LEN);
	p += len / SHA512_BLOCK_LEN * SHA512_BLOCK_LEN;
	len %= SHA512_BLOCK_LEN;
	LIBMEM(memcpy)(ctx->buf, p, len);
	ctx->buf_len = len;
}

/* Padding (section 5.1.2): 0x80, zeros, then the 128-bit big-endian bit
 * length, whose upper 61 bits are zero for messages under 2^64 bytes. */
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_LEN])
{
	uint64_t bits = ctx->total << 3;
	size_t n = ctx->buf_len;

	ctx->buf[n++] = 0x80;
	if (n > SHA512_BLOCK_LEN - 16) {
		LIBMEM(memset)(ctx->buf + n, 0, SHA512_BLOCK_LEN - n);
		compress_blocks(ctx->h, ctx->buf, 1);
		n = 0;
	}
	LIBMEM(memset)(ctx->buf + n, 0, SHA512_BLOCK_LEN - 8 - n);
	ctx->buf[SHA512_BLOCK_LEN - 9] = (uint8_t)(ctx->total >> 61);
	store_be64(ctx->buf + SHA512_BLOCK_LEN - 8, bits);
	compress_blocks(ctx->h, ctx->buf, 1);
	for (int i = 0; i < 8; i++)
		store_be64(out + 8 * i, ctx->h[i]);
	crypto_wipe(ctx, sizeof *ctx);
}

void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_LEN])
{
	struct sha512_ctx ctx;

	sha512_init(&ctx);
	sha512_update(&ctx, data, len);
	sha512_final(&ctx, out);
}
