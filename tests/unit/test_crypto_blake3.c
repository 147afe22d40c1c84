/* BLAKE3 (lib/crypto/blake3.c, blake3_avx2.c): known answers from the
 * official vector file (first 32 bytes; the whole file, at full output
 * length, is checked by tests/crypto/run), every split of inputs across
 * chunk boundaries, the SIMD path against the portable one, extendable
 * output read at any offset, and finalize leaving the hasher usable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/blake3_impl.h"

static const char KEY[] = "whats the Elvish word for friend";
static const char CTX[] = "BLAKE3 2019-12-27 16:29:52 test vectors context";

static void unhex(uint8_t *out, const char *h)
{
	for (size_t i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

/* The vector file's input: 0, 1, ..., 250, 0, 1, ... */
static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len + 1);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i % 251);
	return p;
}

static void test_official_vectors(void **state)
{
	static const struct { size_t len; const char *hash, *keyed, *derive; } v[] = {
		{0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
		    "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26",
		    "2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d"},
		{1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
		    "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b",
		    "b3e2e340a117a499c6cf2398a19ee0d29cca2bb7404c73063382693bf66cb06c"},
		{1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
		       "c951ecdf03288d0fcc96ee3413563d8a6d3589547f2c2fb36d9786470f1b9d6e",
		       "74a16c1c3d44368a86e1ca6df64be6a2f64cce8f09220787450722d85725dea5"},
		{1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
		       "75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4",
		       "7356cd7720d5b66b6d0697eb3177d9f8d73a4a5c5e968896eb6a689684302706"},
		{1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
		       "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69",
		       "effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb"},
		{2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
		       "9f29700902f7c86e514ddc4df1e3049f258b2472b6dd5267f61bf13983b78dd5",
		       "2ea477c5515cc3dd606512ee72bb3e0e758cfae7232826f35fb98ca1bcbdf273"},
		{8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
		       "954a2a75420c8d6547e3ba5b98d963e6fa6491addc8c023189cc519821b4a1f5",
		       "af1e0346e389b17c23200270a64aa4e1ead98c61695d917de7d5b00491c9b0f1"},
		{102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
			 "1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7",
			 "4652cff7a3f385a6103b5c260fc1593e13c778dbe608efb092fe7ee69df6e9c6"},
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t *in = pattern(v[i].len), want[32], got[32];

		for (int portable = 0; portable < 2; portable++) {
			blake3_force_portable(portable);
			unhex(want, v[i].hash);
			blake3_hash(in, v[i].len, got, 32);
			assert_memory_equal(got, want, 32);
			unhex(want, v[i].keyed);
			blake3_keyed_hash((const uint8_t *)KEY, in, v[i].len, got, 32);
			assert_memory_equal(got, want, 32);
			unhex(want, v[i].derive);
			blake3_derive_key(CTX, strlen(CTX), in, v[i].len, got, 32);
			assert_memory_equal(got, want, 32);
		}
		blake3_force_portable(false);
		free(in);
	}
}

/* Every two-way split of inputs up to three chunks long, keyed. */
static void test_every_split(void **state)
{
	static const size_t lens[] = {64, 1024, 1025, 2048, 3073};
	uint8_t want[40], got[40];

	for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
		size_t len = lens[l];
		uint8_t *in = pattern(len);

		blake3_keyed_hash((const uint8_t *)KEY, in, len, want, sizeof want);
		for (size_t s = 0; s <= len; s++) {
			struct blake3_hasher h;

			blake3_init_keyed(&h, (const uint8_t *)KEY);
			blake3_update(&h, in, s);
			blake3_update(&h, in + s, len - s);
			blake3_finalize(&h, got, sizeof got);
			assert_memory_equal(got, want, sizeof want);
		}
		free(in);
	}
}

/* Byte-at-a-time and block-sized feeding across many chunks. */
static void test_small_updates(void **state)
{
	const size_t len = 17 * 1024 + 5;
	uint8_t *in = pattern(len), want[32], got[32];
	struct blake3_hasher h;

	blake3_hash(in, len, want, 32);
	blake3_init(&h);
	for (size_t i = 0; i < len; i++)
		blake3_update(&h, in + i, 1);
	blake3_finalize(&h, got, 32);
	assert_memory_equal(got, want, 32);
	blake3_init(&h);
	for (size_t i = 0; i < len; i += 64)
		blake3_update(&h, in + i, len - i < 64 ? len - i : 64);
	blake3_finalize(&h, got, 32);
	assert_memory_equal(got, want, 32);
	free(in);
}

/* The AVX2 path (where the CPU has it) equals the portable one for every
 * chunk count 1..40 and a partial last chunk, in all three modes. */
static void test_simd_matches_portable(void **state)
{
	for (size_t chunks = 1; chunks <= 40; chunks++) {
		size_t len = chunks * 1024 + (chunks % 3) * 100;
		uint8_t *in = pattern(len), a[64], b[64];

		for (int m = 0; m < 3; m++) {
			for (int portable = 0; portable < 2; portable++) {
				uint8_t *out = portable ? b : a;

				blake3_force_portable(portable);
				if (m == 0)
					blake3_hash(in, len, out, 64);
				else if (m == 1)
					blake3_keyed_hash((const uint8_t *)KEY, in, len, out, 64);
				else
					blake3_derive_key(CTX, strlen(CTX), in, len, out, 64);
			}
			assert_memory_equal(a, b, 64);
		}
		free(in);
	}
	blake3_force_portable(false);
}

/* Output bytes [seek, seek + n) equal that slice of one long output. */
static void test_xof_seek(void **state)
{
	uint8_t *in = pattern(3000), full[1000], part[200];
	struct blake3_hasher h;

	blake3_init(&h);
	blake3_update(&h, in, 3000);
	blake3_finalize(&h, full, sizeof full);
	for (size_t seek = 0; seek < 800; seek += 13) {
		size_t n = (seek * 7) % 200;

		blake3_finalize_seek(&h, seek, part, n);
		assert_memory_equal(part, full + seek, n);
	}
	free(in);
}

/* finalize leaves the hasher as it was: a second call gives the same bytes
 * and more input continues the same hash. */
static void test_finalize_keeps_state(void **state)
{
	uint8_t *in = pattern(5000), a[32], b[32], want[32];
	struct blake3_hasher h;

	blake3_init(&h);
	blake3_update(&h, in, 2500);
	blake3_finalize(&h, a, 32);
	blake3_finalize(&h, b, 32);
	assert_memory_equal(a, b, 32);
	blake3_update(&h, in + 2500, 2500);
	blake3_finalize(&h, a, 32);
	blake3_hash(in, 5000, want, 32);
	assert_memory_equal(a, want, 32);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_official_vectors),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_small_updates),
		cmocka_unit_test(test_simd_matches_portable),
		cmocka_unit_test(test_xof_seek),
		cmocka_unit_test(test_finalize_keeps_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
