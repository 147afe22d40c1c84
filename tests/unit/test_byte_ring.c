/* The bounded byte FIFO (lib/byte_ring): order, both full policies with
 * their loss counts, peek without removing, wrap-around, and random
 * operations against a plain reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/byte_ring.h"

/* Invariant: bytes come out in the order they went in; an empty ring
 * gives nothing. */
static void test_fifo_order(void **state)
{
	(void)state;
	uint8_t buf[8], out[8];
	struct byte_ring r;
	byte_ring_init(&r, buf, sizeof buf);
	assert_int_equal(byte_ring_take(&r, out, sizeof out), 0);
	for (uint8_t i = 0; i < 5; i++)
		assert_true(byte_ring_put(&r, i));
	assert_int_equal(byte_ring_take(&r, out, 3), 3);
	assert_memory_equal(out, "\0\1\2", 3);
	assert_int_equal(byte_ring_take(&r, out, 8), 2);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 4);
	assert_int_equal(r.len, 0);
	assert_int_equal(byte_ring_take_lost(&r), 0);
}

/* Invariant: put_overwrite on a full ring drops the oldest byte and counts
 * it; the newest cap bytes remain. */
static void test_overwrite_drops_oldest(void **state)
{
	(void)state;
	uint8_t buf[4], out[4];
	struct byte_ring r;
	byte_ring_init(&r, buf, sizeof buf);
	for (uint8_t i = 0; i < 10; i++)
		byte_ring_put_overwrite(&r, i);
	assert_int_equal(r.len, 4);
	assert_int_equal(byte_ring_take_lost(&r), 6);
	assert_int_equal(byte_ring_take_lost(&r), 0); /* reported once */
	assert_int_equal(byte_ring_take(&r, out, 4), 4);
	assert_memory_equal(out, "\6\7\10\11", 4);
}

/* Invariant: put on a full ring refuses the new byte, counts it, and keeps
 * what arrived first. */
static void test_put_refuses_when_full(void **state)
{
	(void)state;
	uint8_t buf[3], out[3];
	struct byte_ring r;
	byte_ring_init(&r, buf, sizeof buf);
	assert_true(byte_ring_put(&r, 'a'));
	assert_true(byte_ring_put(&r, 'b'));
	assert_true(byte_ring_put(&r, 'c'));
	assert_false(byte_ring_put(&r, 'd'));
	assert_int_equal(r.lost, 1);
	assert_int_equal(byte_ring_take(&r, out, 3), 3);
	assert_memory_equal(out, "abc", 3);
}

/* Invariant: peek leaves the bytes in place; drop removes exactly n, and a
 * drop past len empties the ring without corrupting it. */
static void test_peek_and_drop(void **state)
{
	(void)state;
	uint8_t buf[4], out[4];
	struct byte_ring r;
	byte_ring_init(&r, buf, sizeof buf);
	byte_ring_put(&r, 'x');
	byte_ring_put(&r, 'y');
	assert_int_equal(byte_ring_peek(&r, out, 4), 2);
	assert_int_equal(r.len, 2);
	byte_ring_drop(&r, 1);
	assert_int_equal(byte_ring_peek(&r, out, 4), 1);
	assert_int_equal(out[0], 'y');
	byte_ring_drop(&r, 9);
	assert_int_equal(r.len, 0);
	byte_ring_put(&r, 'z');
	assert_int_equal(byte_ring_take(&r, out, 4), 1);
	assert_int_equal(out[0], 'z');
}

/* Invariant: under random puts (both policies), takes and drops, the ring
 * holds exactly what a plain array model holds, and the loss counts match. */
static void test_random_against_model(void **state)
{
	(void)state;
	enum { CAP = 13 };
	uint8_t buf[CAP], model[CAP], out[CAP + 3];
	uint32_t mlen = 0;
	uint64_t mlost = 0;
	struct byte_ring r;
	byte_ring_init(&r, buf, CAP);
	srand(14);
	for (int step = 0; step < 100000; step++) {
		uint8_t c = (uint8_t)rand();
		switch (rand() % 5) {
		case 0:
			if (mlen == CAP) {
				memmove(model, model + 1, CAP - 1);
				mlen--, mlost++;
			}
			model[mlen++] = c;
			byte_ring_put_overwrite(&r, c);
			break;
		case 1:
			assert_int_equal(byte_ring_put(&r, c), mlen < CAP);
			if (mlen < CAP)
				model[mlen++] = c;
			else
				mlost++;
			break;
		case 2: {
			uint32_t want = (uint32_t)rand() % (CAP + 3), n = want < mlen ? want : mlen;
			assert_int_equal(byte_ring_take(&r, out, want), n);
			assert_memory_equal(out, model, n);
			memmove(model, model + n, mlen - n);
			mlen -= n;
			break;
		}
		case 3: {
			uint32_t n = mlen ? (uint32_t)rand() % (mlen + 1) : 0;
			byte_ring_drop(&r, n);
			memmove(model, model + n, mlen - n);
			mlen -= n;
			break;
		}
		default:
			assert_int_equal(byte_ring_take_lost(&r), mlost);
			mlost = 0;
		}
		assert_int_equal(r.len, mlen);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_order),
		cmocka_unit_test(test_overwrite_drops_oldest),
		cmocka_unit_test(test_put_refuses_when_full),
		cmocka_unit_test(test_peek_and_drop),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
