#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/cmdline.h"

static void test_key_value(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(cmdline_get("a=1 ktest=frames hz=100", "ktest", v, sizeof v), CMDLINE_OK);
	assert_string_equal(v, "frames");
	assert_int_equal(cmdline_get("  ktest=x\t", "ktest", v, sizeof v), CMDLINE_OK);
	assert_string_equal(v, "x");
}

static void test_bare_key_and_absent(void **state)
{
	(void)state;
	char v[16] = "junk";
	assert_int_equal(cmdline_get("quiet ktest=a", "quiet", v, sizeof v), CMDLINE_OK);
	assert_string_equal(v, "");
	assert_int_equal(cmdline_get("quiet", "ktest", v, sizeof v), CMDLINE_ABSENT);
	assert_int_equal(cmdline_get("", "ktest", v, sizeof v), CMDLINE_ABSENT);
}

static void test_prefix_is_not_a_match(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(cmdline_get("ktestx=1 xktest=2", "ktest", v, sizeof v), CMDLINE_ABSENT);
	assert_int_equal(cmdline_get("kt=1", "ktest", v, sizeof v), CMDLINE_ABSENT);
}

static void test_last_wins(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(cmdline_get("hz=1 hz=2", "hz", v, sizeof v), CMDLINE_OK);
	assert_string_equal(v, "2");
}

static void test_value_too_long_is_invalid(void **state)
{
	(void)state;
	char v[4];
	assert_int_equal(cmdline_get("k=abcd", "k", v, sizeof v), CMDLINE_INVALID);
	assert_int_equal(cmdline_get("k=abc", "k", v, sizeof v), CMDLINE_OK);
	assert_string_equal(v, "abc");
}

static void test_u32(void **state)
{
	(void)state;
	uint32_t x = 7;
	assert_int_equal(cmdline_get_u32("hz=250", "hz", 20, 10000, &x), CMDLINE_OK);
	assert_int_equal(x, 250);
	assert_int_equal(cmdline_get_u32("hz=19", "hz", 20, 10000, &x), CMDLINE_INVALID);
	assert_int_equal(cmdline_get_u32("hz=10001", "hz", 20, 10000, &x), CMDLINE_INVALID);
	assert_int_equal(cmdline_get_u32("hz=99999999999999999999", "hz", 0, 0xFFFFFFFFu, &x), CMDLINE_INVALID);
	assert_int_equal(cmdline_get_u32("hz=1x", "hz", 0, 100, &x), CMDLINE_INVALID);
	assert_int_equal(cmdline_get_u32("hz", "hz", 0, 100, &x), CMDLINE_INVALID);
	assert_int_equal(cmdline_get_u32("", "hz", 0, 100, &x), CMDLINE_ABSENT);
	assert_int_equal(x, 250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_bare_key_and_absent),
		cmocka_unit_test(test_prefix_is_not_a_match),
		cmocka_unit_test(test_last_wins),
		cmocka_unit_test(test_value_too_long_is_invalid),
		cmocka_unit_test(test_u32),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
