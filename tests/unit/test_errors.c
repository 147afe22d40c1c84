#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errors.h"

/* Every code from CAPOS_OK down to the last one has its own name, spelled
 * as the enumerator. */
static void test_every_code_named(void **state)
{
	(void)state;
	assert_string_equal(capos_strerror(CAPOS_OK), "CAPOS_OK");
	assert_string_equal(capos_strerror(CAPOS_E_TOO_BIG), "CAPOS_E_TOO_BIG");
	assert_string_equal(capos_strerror(CAPOS_E_BAD_SIGNATURE), "CAPOS_E_BAD_SIGNATURE");
	assert_string_equal(capos_strerror(CAPOS_E_IO), "CAPOS_E_IO");
	for (int e = CAPOS_OK; e >= CAPOS_E_IO; e--) {
		const char *name = capos_strerror(e);
		assert_int_equal(strncmp(name, "CAPOS_", 6), 0);
		for (int f = e - 1; f >= CAPOS_E_IO; f--)
			assert_string_not_equal(name, capos_strerror(f));
	}
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(capos_strerror(1), "unknown error");
	assert_string_equal(capos_strerror(CAPOS_E_IO - 1), "unknown error");
	assert_string_equal(capos_strerror(-100000), "unknown error");
	assert_string_equal(capos_strerror(INT32_MIN), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_named),
		cmocka_unit_test(test_unknown_codes),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
