/* deep-params: a 16-byte params message whose root struct's one pointer
 * points at the struct itself — infinitely deep. The kernel refuses it
 * with BAD_MESSAGE without recursing (its walk uses bounded stack), 62 of
 * them in one cap_enter stay within the cap_enter bound, and a ticker
 * process is never starved beyond one quantum plus that bound. Also the
 * worst honest case: a full SQ of maximum-size messages. */
#include "demos/bombs.h"

const char demo_name[] = "deep-params";

#define SLOTS (int)(CAPOS_RING_SQ_ENTRIES - 2)
#define BIG_WORDS (CAPOS_CALL_MAX_PARAMS / 8)
#define BIG_SLOTS 16 /* more than one cap_enter's work budget takes */

static uint64_t deep[SLOTS][4]; /* the batched form: the same pointer in a 4-word message */
static uint64_t big[BIG_SLOTS][BIG_WORDS];

/* A maximum-size honest message: a root struct whose one pointer is a
 * list of one-pointer structs, all of those pointers null (each element
 * costs the walk a visit). */
static void big_message(uint64_t *m)
{
	uint32_t seg = BIG_WORDS - 1, elems = seg - 3;
	memset(m, 0, BIG_WORDS * 8);
	m[0] = (uint64_t)seg << 32;                            /* one segment of seg words */
	m[1] = (uint64_t)1 << 48;                              /* root: struct of 1 pointer, right after */
	m[2] = ((uint64_t)elems << 35) | (7ull << 32) | 1;     /* composite list, tag right after */
	m[3] = ((uint64_t)1 << 48) | ((uint64_t)elems << 2);   /* tag: elems structs of 0 data, 1 pointer */
}

int main(void)
{
	uint32_t null = rt_capset_find("null", capos_Null_ID);
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	static uint64_t one_msg[4] = {
		0x0000000100000000ull, /* one segment of one word */
		0x00010000FFFFFFFCull, /* struct, 0 data, 1 pointer, offset -1: itself */
	};
	for (int i = 0; i < SLOTS; i++) {
		deep[i][0] = 0x0000000300000000ull;
		deep[i][1] = one_msg[1];
	}
	uint32_t refused, total;
	uint64_t t0 = bomb_tsc();
	int r = rt_call(null, capos_Null_ID, capos_Null_echo_ORDINAL, one_msg, 16, 32, 0);
	uint64_t one = bomb_tsc() - t0;
	CHECK(r == CAPOS_E_BAD_MESSAGE, "the self-referencing struct is refused: BAD_MESSAGE (%d) in %llu ticks", r,
	      (unsigned long long)one);
	uint64_t longest = bomb_batches(&deep[0][0], 4, SLOTS, 10, null, &refused, &total);
	CHECK(refused == total && total == 10 * SLOTS, "%u of %u bombs refused with BAD_MESSAGE", refused, total);
	CHECK(longest <= ENTER_BOUND_TICKS, "the longest cap_enter with %d bombs took %llu ticks (bound %llu)", SLOTS,
	      (unsigned long long)longest, ENTER_BOUND_TICKS);

	uint64_t honest = 0;
	uint32_t accepted = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < BIG_SLOTS; i++)
			big_message(big[i]); /* the results overwrote the last round's */
		uint64_t t = bomb_batches(&big[0][0], BIG_WORDS, BIG_SLOTS, 1, null, &refused, &total);
		honest = t > honest ? t : honest;
		accepted += total - refused;
	}
	CHECK(accepted == 3 * BIG_SLOTS, "%u maximum-size (64 KiB) honest messages accepted", accepted);
	CHECK(honest <= ENTER_BOUND_TICKS, "the longest cap_enter with %d of them took %llu ticks (bound %llu)",
	      BIG_SLOTS, (unsigned long long)honest, ENTER_BOUND_TICKS);
	capos_ProcessHandle ticker;
	CHECK(bomb_ticker(spawner, 60000000, &ticker) == CAPOS_OK, "a ticker runs beside the attack");
	bomb_batches(&deep[0][0], 4, SLOTS, 40, null, &refused, &total);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < BIG_SLOTS; i++)
			big_message(big[i]);
		bomb_batches(&big[0][0], BIG_WORDS, BIG_SLOTS, 1, null, &refused, &total);
	}
	int64_t gap = -1;
	CHECK(rt_wait(ticker, &gap) == CAPOS_OK && gap >= 0 && (uint64_t)gap <= TICKER_BOUND_TICKS,
	      "the ticker's longest gap: %lld ticks (bound %llu)", (long long)gap, TICKER_BOUND_TICKS);
	rt_release(ticker.id);
	return demo_finish();
}
