/* The stateless part of decoding a ring submission: everything that can be
 * checked from the 32 bytes of an SQE alone, before any capability is looked
 * up. The kernel runs it on its private copy of each SQE; it is pure so it
 * can be unit-tested and fuzzed on the host. */
#ifndef CAPOS_LIB_RING_SQE_H
#define CAPOS_LIB_RING_SQE_H

#include <stdbool.h>
#include <stdint.h>

#include "include/capos/ring.h"

/* Returns CAPOS_OK, or the error the submission completes with:
 * CAPOS_E_BAD_OPCODE (reserved opcode), CAPOS_E_BAD_FLAGS (undefined flag
 * bits, or CAPOS_SQE_TRANSFER on an opcode other than CALL and RETURN),
 * and for CALL, RECV and RETURN: CAPOS_E_BAD_LENGTH (params_len over
 * CAPOS_CALL_MAX_PARAMS or not a multiple of 8, buf_cap over
 * CAPOS_CALL_MAX_RESULTS, params on a RECV, or with CAPOS_SQE_TRANSFER a
 * params_len — and for CALL a buf_cap — too short for the transfer
 * block), CAPOS_E_FAULT (the buffer is not wholly inside [user_min,
 * user_max)). Fields an opcode does not use are ignored. */
int ring_sqe_check(const struct capos_sqe *sqe, uint64_t user_min, uint64_t user_max);

#endif
