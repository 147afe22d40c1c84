/* fmt_snprintf against the C library's snprintf: every conversion with every
 * flag combination, widths and precisions, length modifiers, '*' arguments;
 * then the deliberate differences (%p, NULL %s, unknown conversions) and the
 * truncation contract. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/fmt.h"

/* Formats with both implementations and compares output and return value. */
#define SAME(...)                                                                  \
	do {                                                                       \
		char got_[512], want_[512];                                        \
		int gn_ = fmt_snprintf(got_, sizeof got_, __VA_ARGS__);            \
		int wn_ = snprintf(want_, sizeof want_, __VA_ARGS__);              \
		assert_int_equal(gn_, wn_);                                        \
		assert_string_equal(got_, want_);                                  \
	} while (0)

/* Calls fmt_vsnprintf without the compiler's format checking, for formats
 * the C library does not define. */
static int fmt_raw(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

#define RAW(expect, ...)                                                            \
	do {                                                                       \
		char got_[256];                                                    \
		int gn_ = fmt_raw(got_, sizeof got_, __VA_ARGS__);                 \
		assert_string_equal(got_, expect);                                 \
		assert_int_equal(gn_, (int)strlen(expect));                        \
	} while (0)

/* Builds "%<flags><width>.<prec><conv>" from the flag subset bits. */
static void build_spec(char *out, unsigned flagbits, int width, int prec, const char *conv)
{
	static const char flag_chars[] = "-0+ #";
	char *p = out;

	*p++ = '%';
	for (int i = 0; i < 5; i++)
		if (flagbits & (1u << i))
			*p++ = flag_chars[i];
	if (width >= 0)
		p += sprintf(p, "%d", width);
	if (prec >= 0)
		p += sprintf(p, ".%d", prec);
	strcpy(p, conv);
}

static const int widths[] = { -1, 0, 1, 5, 14 };
static const int precs[] = { -1, 0, 1, 3, 12 };

static void compare(const char *spec, ...)
{
	char got[512], want[512];
	va_list a1, a2;
	int gn, wn;

	va_start(a1, spec);
	va_copy(a2, a1);
	gn = fmt_vsnprintf(got, sizeof got, spec, a1);
	wn = vsnprintf(want, sizeof want, spec, a2);
	va_end(a2);
	va_end(a1);
	if (gn != wn || strcmp(got, want) != 0)
		fail_msg("spec \"%s\": got \"%s\" (%d), libc \"%s\" (%d)", spec, got, gn, want, wn);
}

/* Every flag subset x width x precision for one conversion over values. */
static void matrix_signed(const char *conv)
{
	static const int values[] = { 0, 1, -1, 7, -42, 12345, INT_MAX, INT_MIN };
	char spec[32];

	for (unsigned fl = 0; fl < 32; fl++)
		for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
			for (size_t p = 0; p < sizeof precs / sizeof precs[0]; p++) {
				build_spec(spec, fl, widths[w], precs[p], conv);
				for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
					compare(spec, values[v]);
			}
}

static void matrix_unsigned(const char *conv)
{
	static const unsigned values[] = { 0, 1, 7, 8, 255, 4096, 0xdeadbeef, UINT_MAX };
	char spec[32];

	for (unsigned fl = 0; fl < 32; fl++)
		for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
			for (size_t p = 0; p < sizeof precs / sizeof precs[0]; p++) {
				build_spec(spec, fl, widths[w], precs[p], conv);
				for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
					compare(spec, values[v]);
			}
}

static void test_d_matrix(void **state) { matrix_signed("d"); }
static void test_i_matrix(void **state) { matrix_signed("i"); }
static void test_u_matrix(void **state) { matrix_unsigned("u"); }
static void test_x_matrix(void **state) { matrix_unsigned("x"); }
static void test_X_matrix(void **state) { matrix_unsigned("X"); }
static void test_o_matrix(void **state) { matrix_unsigned("o"); }

static void test_plain_text_and_percent(void **state)
{
	SAME("hello, world");
	compare("");
	SAME("100%%");
	SAME("%%%%%%");
	SAME("a%%b%%c");
}

/* hh and h take an int and convert it, so the values below are narrowed. */
static void test_length_hh(void **state)
{
	compare("%hhd %hhd %hhd", 300, -129, 127);
	compare("%hhu %hhx %hho", 300, 511, 256 + 9);
	compare("%hhi", -1);
}

static void test_length_h(void **state)
{
	compare("%hd %hd", 70000, -32769);
	compare("%hu %hx %ho", 70000, 0x12345, 65535);
}

static void test_length_l(void **state)
{
	SAME("%ld %ld %li", LONG_MIN, LONG_MAX, 0L);
	SAME("%lu %lx %lX %lo", ULONG_MAX, 0xfedcba9876543210UL, 0xabcUL, 01234567UL);
	SAME("%+20ld|%-20lx|%#lo", -5L, 0xffUL, 8UL);
}

static void test_length_ll(void **state)
{
	SAME("%lld %lld %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX);
	SAME("%#llx %#llo %.30lld", 0x1ULL << 63, ULLONG_MAX, -1LL);
}

static void test_length_z_t_j(void **state)
{
	SAME("%zu %zx %zd", SIZE_MAX, (size_t)0x1234, (ptrdiff_t)-5);
	SAME("%td %tu %tx", PTRDIFF_MIN, (size_t)PTRDIFF_MAX, (size_t)77);
	SAME("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xabcdef);
}

static void test_char(void **state)
{
	SAME("%c", 'A');
	SAME("[%5c][%-5c][%1c]", 'x', 'y', 'z');
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("%c", 256 + 'q');
}

/* %c of 0 emits a NUL character that still counts. */
static void test_char_nul(void **state)
{
	char buf[8];

	memset(buf, 'z', sizeof buf);
	assert_int_equal(fmt_snprintf(buf, sizeof buf, "a%cb", 0), 3);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void test_string(void **state)
{
	SAME("%s", "text");
	SAME("[%10s][%-10s][%2s]", "abc", "def", "longer");
	SAME("[%.2s][%.0s][%.10s]", "abcdef", "abc", "abc");
	SAME("[%8.3s][%-8.3s]", "abcdef", "abcdef");
	SAME("%s%s%s", "", "x", "");
}

/* The precision bounds the read: the array has no NUL. */
static void test_string_precision_limits_read(void **state)
{
	const char unterminated[3] = { 'x', 'y', 'z' };
	char buf[16];

	assert_int_equal(fmt_snprintf(buf, sizeof buf, "%.3s|", unterminated), 4);
	assert_string_equal(buf, "xyz|");
	assert_int_equal(fmt_snprintf(buf, sizeof buf, "%.2s|", unterminated), 3);
	assert_string_equal(buf, "xy|");
}

static void test_null_string(void **state)
{
	RAW("(null)", "%s", (char *)NULL);
	RAW("[  (null)]", "[%8s]", (char *)NULL);
	RAW("[(nu]", "[%.3s]", (char *)NULL);
}

static void test_pointer(void **state)
{
	char buf[64];

	fmt_snprintf(buf, sizeof buf, "%p", (void *)0);
	assert_string_equal(buf, "0x0000000000000000");
	fmt_snprintf(buf, sizeof buf, "%p", (void *)0xffff800000001234ull);
	assert_string_equal(buf, "0xffff800000001234");
	fmt_snprintf(buf, sizeof buf, "[%20p]", (void *)0xabcull);
	assert_string_equal(buf, "[  0x0000000000000abc]");
	fmt_snprintf(buf, sizeof buf, "[%-20p]", (void *)0xabcull);
	assert_string_equal(buf, "[0x0000000000000abc  ]");
	fmt_snprintf(buf, sizeof buf, "[%5p]", (void *)1);
	assert_string_equal(buf, "[0x0000000000000001]");
}

static void test_star_width_and_precision(void **state)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);
	SAME("[%-*d]", 6, 42);
	SAME("[%.*d]", 5, 42);
	SAME("[%.*d]", -3, 42);
	SAME("[%*.*x]", 10, 4, 0xab);
	SAME("[%*s|%.*s]", 7, "ab", 2, "abcdef");
	SAME("[%0*d]", 6, -42);
	SAME("[%*c]", 3, 'q');
}

static void test_flag_interactions(void **state)
{
	compare("[%-05d]", 42);
	compare("[%05.3d]", 42);
	compare("[% +d]", 42);
	compare("[%+ d]", 42);
	SAME("[%+.0d][% .0d][%.0d][%5.0d]", 0, 0, 0, 0);
	SAME("[%#.0o][%#o][%#x][%#X][%#5x][%#05x][%#-8x]", 0, 0, 0, 0xa, 0xa, 0xa, 0xa);
	SAME("[%#.5o][%#.5x][%#10.5o]", 8, 8, 8);
	SAME("[%-+8d][%-+8d][%08d]", 5, -5, -5);
	compare("[%0-8d]", 5);
	compare("[%00005d]", 5);
}

static void test_mixed_conversions(void **state)
{
	SAME("pid %d: %s at %#lx (%u/%u) %c%%", 7, "init", 0x400000UL, 3u, 9u, '!');
	SAME("%d %s %d %s", 1, "a", 2, "b");
	SAME("%5s|%-5d|%05x|%.2s", "ab", -3, 0xbeefu, "xyz");
}

/* --- formats the C library leaves undefined --- */

static void test_unknown_conversion_verbatim(void **state)
{
	RAW("%q", "%q");
	RAW("[%5.2q]", "[%5.2q]");
	RAW("%y 5", "%y %d", 5);
	RAW("%-+#0 12.4k", "%-+#0 12.4k");
	RAW("%Lf", "%Lf");
}

/* %n would write through a pointer: it is not supported and writes nothing. */
static void test_percent_n_not_supported(void **state)
{
	RAW("ab%n", "ab%n");
}

static void test_length_on_c_s_p_is_unknown(void **state)
{
	RAW("%lc|%ls|%hp", "%lc|%ls|%hp");
}

static void test_trailing_percent(void **state)
{
	RAW("abc%", "abc%");
	RAW("%", "%");
	RAW("x%-5", "x%-5");
	RAW("%ll", "%ll");
}

/* --- truncation --- */

static void test_truncation_every_capacity(void **state)
{
	const char *fmt = "%s=%08x:%-6d|";
	char want[64], got[64];
	int full = snprintf(want, sizeof want, fmt, "key", 0xbeef, -12);

	for (size_t cap = 0; cap <= (size_t)full + 2; cap++) {
		char libc[64];

		memset(got, '#', sizeof got);
		memset(libc, '#', sizeof libc);
		assert_int_equal(fmt_snprintf(got, cap, fmt, "key", 0xbeef, -12), full);
		snprintf(libc, cap, fmt, "key", 0xbeef, -12);
		assert_memory_equal(got, libc, sizeof got); /* same bytes, untouched tail */
	}
}

static void test_zero_capacity_null_buffer(void **state)
{
	assert_int_equal(fmt_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
}

static void test_capacity_one(void **state)
{
	char buf[4] = "zzz";

	assert_int_equal(fmt_snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'z');
}

static void test_wide_field_truncated(void **state)
{
	char buf[10];

	assert_int_equal(fmt_snprintf(buf, sizeof buf, "%300d", 7), 300);
	assert_string_equal(buf, "         ");
}

/* --- fmt_vformat --- */

struct collect {
	char buf[128];
	int n;
};

static void collect_emit(void *ctx, char c)
{
	struct collect *col = ctx;

	if (col->n < (int)sizeof col->buf)
		col->buf[col->n] = c;
	col->n++;
}

static int vformat(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(collect_emit, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vformat_emits_each_char_once(void **state)
{
	struct collect col = { .n = 0 };

	assert_int_equal(vformat(&col, "%s:%5d", "ab", 42), 8);
	assert_int_equal(col.n, 8);
	assert_memory_equal(col.buf, "ab:   42", 8);
}

static void test_vformat_empty(void **state)
{
	struct collect col = { .n = 0 };

	assert_int_equal(vformat(&col, ""), 0);
	assert_int_equal(col.n, 0);
}

/* A va_list can be formatted twice when the caller copies it. */
static int twice(char *a, char *b, size_t cap, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = fmt_vsnprintf(a, cap, fmt, ap);
	n += fmt_vsnprintf(b, cap, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	return n;
}

static void test_vsnprintf_with_copied_list(void **state)
{
	char a[32], b[32];

	assert_int_equal(twice(a, b, sizeof a, "%d/%s", 9, "x"), 6);
	assert_string_equal(a, "9/x");
	assert_string_equal(b, "9/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_d_matrix),
		cmocka_unit_test(test_i_matrix),
		cmocka_unit_test(test_u_matrix),
		cmocka_unit_test(test_x_matrix),
		cmocka_unit_test(test_X_matrix),
		cmocka_unit_test(test_o_matrix),
		cmocka_unit_test(test_plain_text_and_percent),
		cmocka_unit_test(test_length_hh),
		cmocka_unit_test(test_length_h),
		cmocka_unit_test(test_length_l),
		cmocka_unit_test(test_length_ll),
		cmocka_unit_test(test_length_z_t_j),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_char_nul),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_precision_limits_read),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_star_width_and_precision),
		cmocka_unit_test(test_flag_interactions),
		cmocka_unit_test(test_mixed_conversions),
		cmocka_unit_test(test_unknown_conversion_verbatim),
		cmocka_unit_test(test_percent_n_not_supported),
		cmocka_unit_test(test_length_on_c_s_p_is_unknown),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_truncation_every_capacity),
		cmocka_unit_test(test_zero_capacity_null_buffer),
		cmocka_unit_test(test_capacity_one),
		cmocka_unit_test(test_wide_field_truncated),
		cmocka_unit_test(test_vformat_emits_each_char_once),
		cmocka_unit_test(test_vformat_empty),
		cmocka_unit_test(test_vsnprintf_with_copied_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
