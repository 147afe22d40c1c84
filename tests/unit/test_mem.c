/* lib/mem.c against the host C library: every size and alignment up to a few
 * words, overlap in both directions, guard bytes around every write. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/mem.h"

#define BUF 256
#define MAXN 80

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rng();
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_memcpy_all_sizes_and_alignments(void **state)
{
	unsigned char src[BUF], dst[BUF], want[BUF];

	for (size_t so = 0; so < 8; so++)
		for (size_t dof = 0; dof < 8; dof++)
			for (size_t n = 0; n <= MAXN; n++) {
				fill_random(src, sizeof src);
				fill_random(dst, sizeof dst);
				memcpy(want, dst, sizeof dst);
				memcpy(want + dof, src + so, n);
				assert_ptr_equal(lib_memcpy(dst + dof, src + so, n), dst + dof);
				assert_memory_equal(dst, want, sizeof dst);
			}
}

static void test_memcpy_large(void **state)
{
	static unsigned char src[70000], dst[70000];

	fill_random(src, sizeof src);
	memset(dst, 0, sizeof dst);
	lib_memcpy(dst + 1, src + 3, sizeof src - 8);
	assert_memory_equal(dst + 1, src + 3, sizeof src - 8);
	assert_int_equal(dst[0], 0);
	assert_int_equal(dst[sizeof src - 7], 0);
}

static void test_memcpy_zero_length_touches_nothing(void **state)
{
	unsigned char a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };

	assert_ptr_equal(lib_memcpy(a, b, 0), a);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[3], 4);
}

/* memmove with dst above src inside one buffer (must copy backward). */
static void test_memmove_overlap_dst_above(void **state)
{
	unsigned char buf[BUF], want[BUF];

	for (size_t so = 0; so < 16; so++)
		for (size_t dist = 1; dist < 24; dist++)
			for (size_t n = 0; n <= MAXN; n++) {
				fill_random(buf, sizeof buf);
				memcpy(want, buf, sizeof buf);
				memmove(want + so + dist, want + so, n);
				assert_ptr_equal(lib_memmove(buf + so + dist, buf + so, n), buf + so + dist);
				assert_memory_equal(buf, want, sizeof buf);
			}
}

/* memmove with dst below src (must copy forward). */
static void test_memmove_overlap_dst_below(void **state)
{
	unsigned char buf[BUF], want[BUF];

	for (size_t dof = 0; dof < 16; dof++)
		for (size_t dist = 1; dist < 24; dist++)
			for (size_t n = 0; n <= MAXN; n++) {
				fill_random(buf, sizeof buf);
				memcpy(want, buf, sizeof buf);
				memmove(want + dof, want + dof + dist, n);
				assert_ptr_equal(lib_memmove(buf + dof, buf + dof + dist, n), buf + dof);
				assert_memory_equal(buf, want, sizeof buf);
			}
}

static void test_memmove_same_pointer(void **state)
{
	unsigned char buf[32], want[32];

	fill_random(buf, sizeof buf);
	memcpy(want, buf, sizeof buf);
	assert_ptr_equal(lib_memmove(buf + 3, buf + 3, 20), buf + 3);
	assert_memory_equal(buf, want, sizeof buf);
}

static void test_memmove_disjoint(void **state)
{
	unsigned char a[100], b[100], want[100];

	fill_random(a, sizeof a);
	fill_random(b, sizeof b);
	memcpy(want, b, sizeof b);
	memcpy(want + 5, a + 9, 77);
	lib_memmove(b + 5, a + 9, 77);
	assert_memory_equal(b, want, sizeof b);
}

static void test_memmove_word_distance_large(void **state)
{
	static unsigned char buf[10000], want[10000];

	fill_random(buf, sizeof buf);
	memcpy(want, buf, sizeof buf);
	memmove(want + 8, want, 9000);
	lib_memmove(buf + 8, buf, 9000);
	assert_memory_equal(buf, want, sizeof buf);
	memmove(want, want + 16, 9000);
	lib_memmove(buf, buf + 16, 9000);
	assert_memory_equal(buf, want, sizeof buf);
}

static void test_memset_all_sizes_and_alignments(void **state)
{
	unsigned char buf[BUF], want[BUF];

	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= MAXN; n++) {
			fill_random(buf, sizeof buf);
			memcpy(want, buf, sizeof buf);
			memset(want + off, 0xa5, n);
			assert_ptr_equal(lib_memset(buf + off, 0xa5, n), buf + off);
			assert_memory_equal(buf, want, sizeof buf);
		}
}

/* The value is converted to unsigned char, as in C. */
static void test_memset_value_truncated(void **state)
{
	unsigned char buf[40];

	lib_memset(buf, 0x1ff, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0xff);
	lib_memset(buf, -2, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0xfe);
	lib_memset(buf, 0, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0);
}

static void test_memcmp_matches_libc(void **state)
{
	unsigned char a[64], b[64];

	for (int iter = 0; iter < 5000; iter++) {
		size_t n = rng() % sizeof a;

		fill_random(a, sizeof a);
		memcpy(b, a, sizeof a);
		if (n && rng() % 4)
			b[rng() % n] = (unsigned char)rng();
		assert_int_equal(sign(lib_memcmp(a, b, n)), sign(memcmp(a, b, n)));
	}
}

static void test_memcmp_unsigned_bytes(void **state)
{
	unsigned char hi[] = { 0x80 }, lo[] = { 0x01 };

	assert_true(lib_memcmp(hi, lo, 1) > 0);
	assert_true(lib_memcmp(lo, hi, 1) < 0);
}

static void test_memcmp_zero_length_equal(void **state)
{
	assert_int_equal(lib_memcmp("a", "b", 0), 0);
}

static void test_memcmp_stops_at_n(void **state)
{
	assert_int_equal(lib_memcmp("abcX", "abcY", 3), 0);
	assert_true(lib_memcmp("abcX", "abcY", 4) < 0);
}

static void test_strlen(void **state)
{
	char buf[100];

	assert_int_equal(lib_strlen(""), 0);
	assert_int_equal(lib_strlen("a"), 1);
	for (size_t n = 0; n < sizeof buf; n++) {
		memset(buf, 'x', n);
		buf[n] = '\0';
		assert_int_equal(lib_strlen(buf), n);
	}
}

/* strnlen must not read past max: the array below has no NUL at all. */
static void test_strnlen_bounded(void **state)
{
	char nonul[5] = { 'a', 'b', 'c', 'd', 'e' };

	assert_int_equal(lib_strnlen(nonul, 5), 5);
	assert_int_equal(lib_strnlen(nonul, 3), 3);
	assert_int_equal(lib_strnlen(nonul, 0), 0);
	assert_int_equal(lib_strnlen("ab", 10), 2);
	assert_int_equal(lib_strnlen("", 10), 0);
}

static void test_strcmp_matches_libc(void **state)
{
	static const char *const s[] = { "", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "\x80",
	                                 "\x7f", "a\xff", "a\x01" };
	size_t n = sizeof s / sizeof s[0];

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			assert_int_equal(sign(lib_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
}

static void test_strcmp_unsigned(void **state)
{
	assert_true(lib_strcmp("\x80", "\x01") > 0);
	assert_true(lib_strcmp("a", "a\x80") < 0);
	assert_int_equal(lib_strcmp("same", "same"), 0);
}

static void test_strncmp_matches_libc(void **state)
{
	static const char *const s[] = { "", "a", "ab", "abc", "abd", "abcdef", "abX", "\xfe" };
	size_t n = sizeof s / sizeof s[0];

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < 8; k++)
				assert_int_equal(sign(lib_strncmp(s[i], s[j], k)),
				                 sign(strncmp(s[i], s[j], k)));
}

/* strncmp stops at the first NUL even when n is larger than both strings. */
static void test_strncmp_stops_at_nul(void **state)
{
	char a[8] = { 'a', 'b', 0, 'x', 0 }, b[8] = { 'a', 'b', 0, 'y', 0 };

	assert_int_equal(lib_strncmp(a, b, 8), 0);
	assert_int_equal(lib_strncmp("abc", "abd", 0), 0);
	assert_true(lib_strncmp("abc", "abd", 3) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_all_sizes_and_alignments),
		cmocka_unit_test(test_memcpy_large),
		cmocka_unit_test(test_memcpy_zero_length_touches_nothing),
		cmocka_unit_test(test_memmove_overlap_dst_above),
		cmocka_unit_test(test_memmove_overlap_dst_below),
		cmocka_unit_test(test_memmove_same_pointer),
		cmocka_unit_test(test_memmove_disjoint),
		cmocka_unit_test(test_memmove_word_distance_large),
		cmocka_unit_test(test_memset_all_sizes_and_alignments),
		cmocka_unit_test(test_memset_value_truncated),
		cmocka_unit_test(test_memcmp_matches_libc),
		cmocka_unit_test(test_memcmp_unsigned_bytes),
		cmocka_unit_test(test_memcmp_zero_length_equal),
		cmocka_unit_test(test_memcmp_stops_at_n),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strnlen_bounded),
		cmocka_unit_test(test_strcmp_matches_libc),
		cmocka_unit_test(test_strcmp_unsigned),
		cmocka_unit_test(test_strncmp_matches_libc),
		cmocka_unit_test(test_strncmp_stops_at_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
