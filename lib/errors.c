#include "lib/errors.h"

#define NAME(e) [-(e)] = #e

static const char *const names[] = {
	NAME(CAPOS_OK),
	NAME(CAPOS_E_BAD_OPCODE),
	NAME(CAPOS_E_BAD_FLAGS),
	NAME(CAPOS_E_BAD_CAP),
	NAME(CAPOS_E_STALE_CAP),
	NAME(CAPOS_E_NO_SUCH_METHOD),
	NAME(CAPOS_E_BAD_LENGTH),
	NAME(CAPOS_E_FAULT),
	NAME(CAPOS_E_BAD_MESSAGE),
	NAME(CAPOS_E_NO_MEMORY),
	NAME(CAPOS_E_PERMISSION_DENIED),
	NAME(CAPOS_E_NOT_SUPPORTED),
	NAME(CAPOS_E_NOT_FOUND),
	NAME(CAPOS_E_BAD_ELF),
	NAME(CAPOS_E_TOO_BIG),
	NAME(CAPOS_E_TABLE_FULL),
	NAME(CAPOS_E_BAD_ARGUMENT),
	NAME(CAPOS_E_BUSY),
	NAME(CAPOS_E_CANCELLED),
	NAME(CAPOS_E_RING_CORRUPT),
	NAME(CAPOS_E_WRONG_INTERFACE),
	NAME(CAPOS_E_LIMIT_EXCEEDED),
	NAME(CAPOS_E_RESERVED_CAP),
};

const char *capos_strerror(int err)
{
	if (err > 0 || -(long)err >= (long)(sizeof names / sizeof names[0]) || !names[-err])
		return "unknown error";
	return names[-err];
}
