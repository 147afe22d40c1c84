/* lib/virtq over a buffer that plays the device: chains written as the
 * spec lays them out, completions in any order, a full queue refused
 * without change, used ids that name no chain in flight refused, and a
 * random test against a count of descriptors in flight. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/virtq.h"

static _Alignas(4096) uint8_t mem[4 * 4096];
static struct virtq q;

static void setup(uint16_t size)
{
	memset(mem, 0, sizeof mem);
	assert_int_equal(virtq_init(&q, size, mem), VIRTQ_OK);
}

/* The device completes head with len: one used element. */
static void device_use(uint16_t head, uint32_t len)
{
	uint16_t idx = q.used[1];
	volatile struct virtq_used_elem *e = (volatile struct virtq_used_elem *)(q.used + 2) + (idx & (q.size - 1));
	e->id = head;
	e->len = len;
	q.used[1] = (uint16_t)(idx + 1);
}

static void test_init_sizes(void **st)
{
	(void)st;
	assert_int_equal(virtq_init(&q, 0, mem), VIRTQ_E_SIZE);
	assert_int_equal(virtq_init(&q, 3, mem), VIRTQ_E_SIZE);
	assert_int_equal(virtq_init(&q, 512, mem), VIRTQ_E_SIZE);
	size_t a, u, t;
	virtq_layout(256, &a, &u, &t);
	assert_int_equal(a, 4096);
	assert_int_equal(u, 8192);
	assert_int_equal(t, 12288);
}

static void test_chain_layout(void **st)
{
	(void)st;
	setup(8);
	struct virtq_seg s[3] = { { 0x1000, 16, false }, { 0x2000, 4096, true }, { 0x3000, 1, true } };
	uint16_t head;
	assert_int_equal(virtq_add(&q, s, 3, &head), VIRTQ_OK);
	assert_int_equal(virtq_free(&q), 5);
	uint16_t d = head;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(q.desc[d].addr, s[i].addr);
		assert_int_equal(q.desc[d].len, s[i].len);
		assert_int_equal(q.desc[d].flags & VIRTQ_DESC_F_WRITE, s[i].device_writes ? VIRTQ_DESC_F_WRITE : 0);
		assert_int_equal(!!(q.desc[d].flags & VIRTQ_DESC_F_NEXT), i < 2);
		d = q.desc[d].next;
	}
	assert_int_equal(q.avail[1], 0); /* not visible before publish */
	assert_true(virtq_publish(&q));
	assert_int_equal(q.avail[1], 1);
	assert_int_equal(q.avail[2], head);
	q.used[0] = VIRTQ_USED_F_NO_NOTIFY;
	assert_false(virtq_publish(&q));
}

static void test_full_and_empty(void **st)
{
	(void)st;
	setup(4);
	struct virtq_seg s[5] = { { 1, 1, 0 }, { 2, 1, 0 }, { 3, 1, 0 }, { 4, 1, 0 }, { 5, 1, 0 } };
	uint16_t head, h2;
	assert_int_equal(virtq_add(&q, s, 5, &head), VIRTQ_E_FULL);
	assert_int_equal(virtq_add(&q, s, 0, &head), VIRTQ_E_EMPTY);
	struct virtq_seg z = { 1, 0, 0 };
	assert_int_equal(virtq_add(&q, &z, 1, &head), VIRTQ_E_EMPTY);
	assert_int_equal(virtq_add(&q, s, 3, &head), VIRTQ_OK);
	assert_int_equal(virtq_add(&q, s, 2, &h2), VIRTQ_E_FULL);
	assert_int_equal(virtq_free(&q), 1);
	assert_int_equal(q.avail_idx, 1); /* the refused chain left no trace */
}

static void test_out_of_order_and_bad_ids(void **st)
{
	(void)st;
	setup(8);
	struct virtq_seg s[2] = { { 1, 1, 0 }, { 2, 1, 1 } };
	uint16_t a, b, head;
	uint32_t len;
	assert_int_equal(virtq_add(&q, s, 2, &a), VIRTQ_OK);
	assert_int_equal(virtq_add(&q, s, 2, &b), VIRTQ_OK);
	virtq_publish(&q);
	assert_int_equal(virtq_take_used(&q, &head, &len), 0);
	device_use(b, 7);
	device_use(b, 7);   /* twice: the second names no chain in flight */
	device_use(200, 1); /* past the queue */
	device_use(a, 9);
	assert_int_equal(virtq_take_used(&q, &head, &len), 1);
	assert_int_equal(head, b);
	assert_int_equal(len, 7);
	assert_int_equal(virtq_take_used(&q, &head, &len), VIRTQ_E_BAD_ID);
	assert_int_equal(virtq_take_used(&q, &head, &len), VIRTQ_E_BAD_ID);
	assert_int_equal(virtq_take_used(&q, &head, &len), 1);
	assert_int_equal(head, a);
	assert_int_equal(virtq_free(&q), 8);
	assert_int_equal(virtq_take_used(&q, &head, &len), 0);
}

/* Random chains, completed in random order: the free count always equals
 * the size less the descriptors in flight, and every chain comes back once. */
static void test_random_model(void **st)
{
	(void)st;
	setup(64);
	srand(14);
	uint16_t inflight[64], nin = 0, lens[64] = { 0 };
	uint32_t used_descs = 0;
	for (int step = 0; step < 20000; step++) {
		if (rand() % 2 && nin < 64) {
			struct virtq_seg s[20];
			uint16_t n = (uint16_t)(1 + rand() % 19), head;
			for (uint16_t i = 0; i < n; i++)
				s[i] = (struct virtq_seg){ (uint64_t)rand(), 1 + (uint32_t)(rand() % 4096), rand() % 2 };
			int r = virtq_add(&q, s, n, &head);
			if (n > 64 - used_descs) {
				assert_int_equal(r, VIRTQ_E_FULL);
				continue;
			}
			assert_int_equal(r, VIRTQ_OK);
			inflight[nin++] = head;
			lens[head] = n;
			used_descs += n;
			virtq_publish(&q);
		} else if (nin) {
			uint16_t k = (uint16_t)(rand() % nin), head;
			uint32_t len;
			device_use(inflight[k], 3);
			assert_int_equal(virtq_take_used(&q, &head, &len), 1);
			assert_int_equal(head, inflight[k]);
			used_descs -= lens[head];
			inflight[k] = inflight[--nin];
		}
		assert_int_equal(virtq_free(&q), 64 - used_descs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_sizes),
		cmocka_unit_test(test_chain_layout),
		cmocka_unit_test(test_full_and_empty),
		cmocka_unit_test(test_out_of_order_and_bad_ids),
		cmocka_unit_test(test_random_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
