#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/ring_sqe.h"

#define UMIN 0x10000ull
#define UMAX 0x0000800000000000ull

static int check(struct capos_sqe s) { return ring_sqe_check(&s, UMIN, UMAX); }

static void test_opcodes(void **state)
{
	(void)state;
	for (unsigned op = 0; op < 256; op++)
		assert_int_equal(check((struct capos_sqe){ .opcode = (uint8_t)op }),
		                 op <= CAPOS_OP_RELEASE ? CAPOS_OK : CAPOS_E_BAD_OPCODE);
}

static void test_flags(void **state)
{
	(void)state;
	for (unsigned bit = 0; bit < 8; bit++)
		assert_int_equal(check((struct capos_sqe){ .opcode = CAPOS_OP_NOP, .flags = (uint8_t)(1u << bit) }),
		                 CAPOS_E_BAD_FLAGS);
	/* TRANSFER is defined for CALL and RETURN only; other bits never. */
	for (unsigned op = 0; op <= CAPOS_OP_RELEASE; op++) {
		bool carries = op == CAPOS_OP_CALL || op == CAPOS_OP_RETURN;
		struct capos_sqe s = { .opcode = (uint8_t)op, .flags = CAPOS_SQE_TRANSFER, .buf = UMIN,
			               .params_len = 80, .buf_cap = 80 };
		assert_int_equal(check(s), carries ? CAPOS_OK : CAPOS_E_BAD_FLAGS);
		s.flags = CAPOS_SQE_TRANSFER | 2;
		assert_int_equal(check(s), CAPOS_E_BAD_FLAGS);
	}
	/* A reserved opcode is reported before bad flags. */
	assert_int_equal(check((struct capos_sqe){ .opcode = 9, .flags = 1 }), CAPOS_E_BAD_OPCODE);
}

static void test_call_lengths(void **state)
{
	(void)state;
	struct capos_sqe s = { .opcode = CAPOS_OP_CALL, .buf = UMIN, .params_len = 16, .buf_cap = 64 };
	assert_int_equal(check(s), CAPOS_OK);
	s.params_len = 12;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
	s.params_len = CAPOS_CALL_MAX_PARAMS;
	assert_int_equal(check(s), CAPOS_OK);
	s.params_len = CAPOS_CALL_MAX_PARAMS + 8;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
	s.params_len = 0;
	s.buf_cap = CAPOS_CALL_MAX_RESULTS + 1;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
}

static void test_call_range(void **state)
{
	(void)state;
	struct capos_sqe s = { .opcode = CAPOS_OP_CALL, .params_len = 8, .buf_cap = 8 };
	s.buf = UMIN - 8;
	assert_int_equal(check(s), CAPOS_E_FAULT);
	s.buf = UMAX - 8;
	assert_int_equal(check(s), CAPOS_OK);
	s.buf = UMAX - 7;
	assert_int_equal(check(s), CAPOS_E_FAULT);
	s.buf = 0xFFFF800000000000ull;
	assert_int_equal(check(s), CAPOS_E_FAULT);
	s.buf = UINT64_MAX - 3; /* wraps */
	assert_int_equal(check(s), CAPOS_E_FAULT);
	s.params_len = s.buf_cap = 0; /* no buffer at all: any address */
	assert_int_equal(check(s), CAPOS_OK);
}

/* A transfer block must fit in params (and for CALL in the results buffer,
 * which receives the capabilities the RETURN sends); RECV takes no params. */
static void test_transfer_and_recv_lengths(void **state)
{
	(void)state;
	struct capos_sqe s = { .opcode = CAPOS_OP_CALL, .flags = CAPOS_SQE_TRANSFER, .buf = UMIN,
		               .params_len = sizeof(struct capos_transfer), .buf_cap = sizeof(struct capos_transfer) };
	assert_int_equal(check(s), CAPOS_OK);
	s.params_len -= 8;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
	s.params_len += 8;
	s.buf_cap -= 1;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
	s.opcode = CAPOS_OP_RETURN; /* a RETURN's buf_cap is unused */
	assert_int_equal(check(s), CAPOS_OK);
	s.params_len = 64;
	assert_int_equal(check(s), CAPOS_E_BAD_LENGTH);
	struct capos_sqe r = { .opcode = CAPOS_OP_RECV, .buf = UMIN, .buf_cap = 4096 };
	assert_int_equal(check(r), CAPOS_OK);
	r.params_len = 8;
	assert_int_equal(check(r), CAPOS_E_BAD_LENGTH);
	r.params_len = 0;
	r.buf = UMAX - 100;
	assert_int_equal(check(r), CAPOS_E_FAULT);
}

static void test_unused_fields_ignored(void **state)
{
	(void)state;
	struct capos_sqe s = { .opcode = CAPOS_OP_NOP, .cap = 0xFFFFFFFF, .method = 77, .buf = 1, .params_len = 3,
		               .buf_cap = UINT32_MAX };
	assert_int_equal(check(s), CAPOS_OK);
	s.opcode = CAPOS_OP_RELEASE;
	assert_int_equal(check(s), CAPOS_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opcodes),       cmocka_unit_test(test_flags),
		cmocka_unit_test(test_call_lengths),  cmocka_unit_test(test_call_range),
		cmocka_unit_test(test_transfer_and_recv_lengths), cmocka_unit_test(test_unused_fields_ignored),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
