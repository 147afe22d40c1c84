/* ring-reserved-opcodes: every reserved opcode, flag bit and unsupported
 * operation completes with its own error. */
#include "demos/demo.h"

const char demo_name[] = "ring-reserved-opcodes";

int main(void)
{
	uint32_t null = rt_capset_find("null", capos_Null_ID);
	const uint64_t iface = capos_Null_ID;
	uint32_t bad = 0;
	for (unsigned op = CAPOS_OP_RELEASE + 1; op < 256; op++)
		bad += demo_submit_wait((struct capos_sqe){ .opcode = (uint8_t)op, .cap = null }, 0) != CAPOS_E_BAD_OPCODE;
	CHECK(bad == 0, "opcodes 5..255 complete with CAPOS_E_BAD_OPCODE (%u wrong)", bad);
	bad = 0;
	for (unsigned bit = 0; bit < 8; bit++)
		bad += demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_NOP, .flags = (uint8_t)(1u << bit) }, 0) !=
		       CAPOS_E_BAD_FLAGS;
	CHECK(bad == 0, "every flag bit is reserved: CAPOS_E_BAD_FLAGS (%u wrong)", bad);
	int r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RECV, .cap = null }, 0);
	CHECK(r == CAPOS_E_NOT_SUPPORTED, "RECV on a Null capability: CAPOS_E_NOT_SUPPORTED (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RETURN, .cap = null }, 0);
	CHECK(r == CAPOS_E_NOT_SUPPORTED, "RETURN on a Null capability: CAPOS_E_NOT_SUPPORTED (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = null, .interface_id = iface,
	                                         .method = 2 }, 0);
	CHECK(r == CAPOS_E_NO_SUCH_METHOD, "Null has no method 2: CAPOS_E_NO_SUCH_METHOD (%d)", r);
	uint64_t buf[4];
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = null, .interface_id = iface,
	                                         .buf = (uint64_t)(uintptr_t)buf, .params_len = 12,
	                                         .buf_cap = sizeof buf }, 0);
	CHECK(r == CAPOS_E_BAD_LENGTH, "params_len not a multiple of 8: CAPOS_E_BAD_LENGTH (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = null, .interface_id = iface,
	                                         .buf = (uint64_t)(uintptr_t)buf, .buf_cap = 2u << 20 }, 0);
	CHECK(r == CAPOS_E_BAD_LENGTH, "a 2 MiB results buffer: CAPOS_E_BAD_LENGTH (%d)", r);
	r = rt_release(null);
	CHECK(r == CAPOS_OK, "RELEASE drops the Null capability (%d)", r);
	r = rt_release(null);
	CHECK(r == CAPOS_E_STALE_CAP, "a second RELEASE: CAPOS_E_STALE_CAP (%d)", r);
	RT_CLIENT(cl, 64);
	r = capos_Null_nop_call((capos_Null){ null }, &cl, 0);
	CHECK(r == CAPOS_E_STALE_CAP, "a CALL on the released id: CAPOS_E_STALE_CAP (%d)", r);
	return demo_finish();
}
