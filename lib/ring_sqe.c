#include "lib/ring_sqe.h"

int ring_sqe_check(const struct capos_sqe *sqe, uint64_t user_min, uint64_t user_max)
{
	if (sqe->opcode > CAPOS_OP_RELEASE)
		return CAPOS_E_BAD_OPCODE;
	bool carries = sqe->opcode == CAPOS_OP_CALL || sqe->opcode == CAPOS_OP_RETURN;
	if ((sqe->flags & ~CAPOS_SQE_FLAGS_VALID) || (sqe->flags && !carries))
		return CAPOS_E_BAD_FLAGS;
	if (sqe->opcode == CAPOS_OP_NOP || sqe->opcode == CAPOS_OP_RELEASE)
		return CAPOS_OK;
	if (sqe->params_len > CAPOS_CALL_MAX_PARAMS || (sqe->params_len & 7) || sqe->buf_cap > CAPOS_CALL_MAX_RESULTS ||
	    (sqe->opcode == CAPOS_OP_RECV && sqe->params_len))
		return CAPOS_E_BAD_LENGTH;
	if ((sqe->flags & CAPOS_SQE_TRANSFER) &&
	    (sqe->params_len < sizeof(struct capos_transfer) ||
	     (sqe->opcode == CAPOS_OP_CALL && sqe->buf_cap < sizeof(struct capos_transfer))))
		return CAPOS_E_BAD_LENGTH;
	uint64_t span = sqe->params_len > sqe->buf_cap ? sqe->params_len : sqe->buf_cap;
	if (span && (sqe->buf < user_min || sqe->buf > user_max || span > user_max - sqe->buf))
		return CAPOS_E_FAULT;
	return CAPOS_OK;
}
