/* SHA-512 (lib/crypto/sha512.c): FIPS 180-2 appendix C examples (one block,
 * two blocks, a million 'a'), lengths around the padding boundary (111/112
 * bytes: the length field no longer fits the last block), and every split
 * of a message into two or three update calls. Expected digests from
 * Python's hashlib. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/sha512.h"

static void unhex(uint8_t *out, const char *h)
{
	for (size_t i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static void check(const void *msg, size_t len, const char *hex)
{
	uint8_t want[64], got[64];

	unhex(want, hex);
	sha512(msg, len, got);
	assert_memory_equal(got, want, 64);
}

static void test_fips_examples(void **state)
{
	static const char two_block[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
					"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char *million = malloc(1000000);

	check("", 0, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
	check("abc", 3, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	check(two_block, strlen(two_block),
	      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
	memset(million, 'a', 1000000);
	check(million, 1000000, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
				"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
	free(million);
}

/* Messages i % 251 of lengths next to the 112-byte padding limit and the
 * 128-byte block. */
static void test_padding_boundaries(void **state)
{
	static const struct { size_t len; const char *hex; } v[] = {
		{111, "a1a111449b198d9b1f538bad7f3fc1022b3a5b1a5e90a0bc860de8512746cbc3"
		      "1599e6c834de3a3235327af0b51ff57bf7acf1974a73014d9c3953812edc7c8d"},
		{112, "c5fbd731d19d2ae1180f001be72c2c1aaba1d7b094b3748880e24593b8e117a7"
		      "50e11c1bd867cc2f96dace8c8b74abd2d5c4f236be444e77d30d1916174070b9"},
		{127, "eab89674feaa34e27aebeeff3c0a4d70070bb872d5e9f186cf1dbbdee517b6e3"
		      "5724d629ff025a5b07185e911ada7e3c8acf830aa0e4f71777bd2d44f504f7f0"},
		{128, "1dffd5e3adb71d45d2245939665521ae001a317a03720a45732ba1900ca3b835"
		      "1fc5c9b4ca513eba6f80bc7b1d1fdad4abd13491cb824d61b08d8c0e1561b3f7"},
		{129, "1d9da57fbbdab09afb3506ab2d223d06109d65c1c8ad197f50138f714bc4c3f2"
		      "fe5787922639c680acad1c651f955990425954ce2cba0c5cc83f2667d878eb0f"},
		{239, "cb4c7fd522756d5781ad3a4f590a1d862906b960e7720136cb3fb36b563caa1e"
		      "a5689134291fa79c80ccc2b4092b41df32ebdcb36dbe79db483440228c1622a8"},
		{240, "6c48466c9f6c07e4ab762c696b7eeb35cfe236fca73683e5fab873ac3489b4d2"
		      "eb3d7afcce7e8165dbbf37aded3b5b0c889c0b7e0f1790a8330d8677429d91a5"},
	};
	uint8_t msg[256];

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i % 251);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		check(msg, v[i].len, v[i].hex);
}

/* Every split point s (and s..s+t) of a 300-byte message gives the
 * one-shot digest. */
static void test_incremental_splits(void **state)
{
	uint8_t msg[300], want[64], got[64];
	struct sha512_ctx ctx;

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha512(msg, sizeof msg, want);
	for (size_t s = 0; s <= sizeof msg; s++) {
		for (size_t t = 0; s + t <= sizeof msg; t += 37) {
			sha512_init(&ctx);
			sha512_update(&ctx, msg, s);
			sha512_update(&ctx, msg + s, t);
			sha512_update(&ctx, NULL, 0);
			sha512_update(&ctx, msg + s + t, sizeof msg - s - t);
			sha512_final(&ctx, got);
			assert_memory_equal(got, want, 64);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_incremental_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
