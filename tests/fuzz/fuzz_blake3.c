/* BLAKE3 streaming against one-shot. The input picks a mode, a repeat
 * count (so inputs reach many chunks: up to 64 copies of the message),
 * up to 8 split points and an output length; the message is hashed in one
 * call on the portable path and streamed in the chosen pieces on the SIMD
 * path (where the CPU has one), and the digests must match, as must
 * finalize_seek's view of the extended output. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/blake3_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define HDR 20

static const uint8_t KEY[32] = "fuzz key fuzz key fuzz key fuzz";
static const char CTX[] = "capOS fuzz_blake3 context";

static void init(struct blake3_hasher *h, int mode)
{
	if (mode == 0)
		blake3_init(h);
	else if (mode == 1)
		blake3_init_keyed(h, KEY);
	else
		blake3_init_derive_key(h, CTX, sizeof CTX - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blake3_hasher h;
	uint8_t one[300], streamed[300], tail[300];
	size_t reps, len, out_len, off = 0, seek;
	uint8_t *msg;
	int mode;

	if (size < HDR)
		return 0;
	mode = data[0] % 3;
	reps = 1 + data[1] % 64;
	out_len = 1 + data[2] % sizeof one;
	len = (size - HDR) * reps;
	msg = malloc(len + 1);
	for (size_t r = 0; r < reps; r++)
		memcpy(msg + r * (size - HDR), data + HDR, size - HDR);

	blake3_force_portable(true);
	init(&h, mode);
	blake3_update(&h, msg, len);
	blake3_finalize(&h, one, out_len);

	blake3_force_portable(false);
	init(&h, mode);
	for (int i = 0; i < 8 && off < len; i++) {
		size_t piece = ((size_t)data[3 + 2 * i] << 8 | data[4 + 2 * i]) * reps % (len - off + 1);

		blake3_update(&h, msg + off, piece);
		off += piece;
	}
	blake3_update(&h, msg + off, len - off);
	blake3_finalize(&h, streamed, out_len);
	CHECK(memcmp(one, streamed, out_len) == 0);

	seek = data[19] % out_len;
	blake3_finalize_seek(&h, seek, tail, out_len - seek);
	CHECK(memcmp(tail, one + seek, out_len - seek) == 0);
	free(msg);
	return 0;
}
