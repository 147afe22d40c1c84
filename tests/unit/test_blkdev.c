/* lib/blkdev: each refusal by name, the sums that would wrap, and the
 * feature negotiation (VERSION_1 required, unknown bits dropped). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/blkdev.h"

static const struct blk_geometry g = { 32768, 512, 128, false };
static const struct blk_geometry ro = { 32768, 512, 128, true };

static void test_ranges(void **st)
{
	(void)st;
	assert_int_equal(blk_check(&g, 0, 1, false), BLK_OK);
	assert_int_equal(blk_check(&g, 32767, 1, true), BLK_OK);
	assert_int_equal(blk_check(&g, 32768 - 128, 128, false), BLK_OK);
	assert_int_equal(blk_check(&g, 32768, 1, false), BLK_E_RANGE);
	assert_int_equal(blk_check(&g, 32767, 2, false), BLK_E_RANGE);
	assert_int_equal(blk_check(&g, UINT64_MAX - 1, 4, false), BLK_E_RANGE);
	assert_int_equal(blk_check(&g, UINT64_MAX, 1, false), BLK_E_RANGE);
	assert_int_equal(blk_check(&g, 0, 0, false), BLK_E_COUNT);
	assert_int_equal(blk_check(&g, 0, 129, false), BLK_E_COUNT);
	assert_int_equal(blk_check(&g, 0, UINT32_MAX, false), BLK_E_COUNT);
	assert_int_equal(blk_check(&ro, 0, 1, true), BLK_E_READ_ONLY);
	assert_int_equal(blk_check(&ro, 0, 1, false), BLK_OK);
}

static void test_inline(void **st)
{
	(void)st;
	assert_int_equal(blk_check_inline_write(&g, 0, 4096, 8), BLK_OK);
	assert_int_equal(blk_check_inline_write(&g, 0, 100, 8), BLK_E_LENGTH);
	assert_int_equal(blk_check_inline_write(&g, 0, 0, 8), BLK_E_COUNT);
	assert_int_equal(blk_check_inline_write(&g, 0, 4608, 8), BLK_E_COUNT);
	assert_int_equal(blk_check_inline_write(&g, 32767, 1024, 8), BLK_E_RANGE);
	assert_int_equal(blk_check_inline_write(&ro, 0, 512, 8), BLK_E_READ_ONLY);
}

static void test_shared(void **st)
{
	(void)st;
	assert_int_equal(blk_check_shared(&g, 0, 8, 0, 16384, false), BLK_OK);
	assert_int_equal(blk_check_shared(&g, 0, 8, 12288, 16384, false), BLK_OK);
	assert_int_equal(blk_check_shared(&g, 0, 8, 12289, 16384, false), BLK_E_BUFFER);
	assert_int_equal(blk_check_shared(&g, 0, 1, UINT64_MAX - 100, 16384, false), BLK_E_BUFFER);
	assert_int_equal(blk_check_shared(&g, 0, 1, 0, 0, false), BLK_E_BUFFER); /* nothing attached */
	assert_int_equal(blk_check_shared(&g, 0, 128, 0, 16384, false), BLK_E_BUFFER);
	assert_int_equal(blk_check_shared(&g, 32768, 1, 0, 16384, false), BLK_E_RANGE); /* range before buffer */
	assert_int_equal(blk_check_shared(&ro, 0, 1, 0, 16384, true), BLK_E_READ_ONLY);
}

static void test_negotiate(void **st)
{
	(void)st;
	uint64_t acc = 99;
	assert_int_equal(blk_negotiate(1ull << VIRTIO_BLK_F_RO, &acc), BLK_E_FEATURES);
	assert_int_equal(acc, 0);
	uint64_t offered = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SEG_MAX |
	                   1ull << 12 /* MQ */ | 1ull << 28 /* INDIRECT_DESC */ | 1ull << 29 /* EVENT_IDX */;
	assert_int_equal(blk_negotiate(offered, &acc), BLK_OK);
	assert_int_equal(acc, 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SEG_MAX);
	assert_string_equal(blk_strerror(BLK_E_RANGE), "past the end of the disk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_negotiate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
