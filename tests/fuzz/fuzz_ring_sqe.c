/* Fuzz target: ring_sqe_check on arbitrary submissions. Traps if a
 * submission it accepts breaks an invariant the kernel relies on. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/ring_sqe.h"

#define UMIN 0x10000ull
#define UMAX 0x0000800000000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capos_sqe s;
	if (size < sizeof s)
		return 0;
	memcpy(&s, data, sizeof s);
	if (ring_sqe_check(&s, UMIN, UMAX) != CAPOS_OK)
		return 0;
	if (s.opcode > CAPOS_OP_RELEASE || s.flags)
		__builtin_trap();
	if (s.opcode == CAPOS_OP_CALL) {
		uint64_t span = s.params_len > s.buf_cap ? s.params_len : s.buf_cap;
		if (s.params_len > CAPOS_CALL_MAX_PARAMS || (s.params_len & 7) || s.buf_cap > CAPOS_CALL_MAX_RESULTS)
			__builtin_trap();
		if (span && (s.buf < UMIN || s.buf + span > UMAX || s.buf + span < s.buf))
			__builtin_trap();
	}
	return 0;
}
