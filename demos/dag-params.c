/* dag-params: a 368-byte params message shaped as a DAG — a chain of
 * structs, each of whose pointers all point at the next one, so a naive
 * walk visits 4^10 objects. The kernel's traversal budget is proportional
 * to the message's size, so it is refused with BAD_MESSAGE at once; 62 of
 * them in one cap_enter stay within the cap_enter bound, and a ticker
 * process is never starved beyond one quantum plus that bound. */
#include "demos/bombs.h"

const char demo_name[] = "dag-params";

#define SLOTS (int)(CAPOS_RING_SQ_ENTRIES - 2)
#define FANOUT 4
#define LEVELS 11
#define WORDS (2 + FANOUT * LEVELS) /* segment table, root pointer, the structs: 46 words = 368 bytes */

static uint64_t dag[SLOTS][WORDS];

/* Word 1 is the root pointer; struct i (0-based) starts at word 2 + 4i and
 * each of its FANOUT pointers points at struct i+1; the last one's are
 * null. A struct pointer's offset counts words from the pointer's end. */
static void build(uint64_t *m)
{
	m[0] = (uint64_t)(WORDS - 1) << 32;
	m[1] = ((uint64_t)FANOUT << 48) | 0; /* offset 0: the struct right after */
	for (uint32_t i = 0; i + 1 < LEVELS; i++) {
		for (uint32_t j = 0; j < FANOUT; j++) {
			uint32_t at = 2 + FANOUT * i + j, target = 2 + FANOUT * (i + 1);
			int32_t off = (int32_t)target - (int32_t)(at + 1);
			m[at] = ((uint64_t)FANOUT << 48) | ((uint64_t)(uint32_t)(off << 2));
		}
	}
}

int main(void)
{
	_Static_assert(WORDS * 8 == 368, "the message of the report");
	uint32_t null = rt_capset_find("null", capos_Null_ID);
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	for (int i = 0; i < SLOTS; i++)
		build(dag[i]);
	uint64_t t0 = bomb_tsc();
	int r = rt_call(null, capos_Null_ID, capos_Null_echo_ORDINAL, dag[0], WORDS * 8, WORDS * 8, 0);
	uint64_t one = bomb_tsc() - t0;
	CHECK(r == CAPOS_E_BAD_MESSAGE, "the DAG is refused: BAD_MESSAGE (%d) in %llu ticks", r, (unsigned long long)one);
	uint32_t refused, total;
	uint64_t longest = bomb_batches(&dag[0][0], WORDS, SLOTS, 10, null, &refused, &total);
	CHECK(refused == total && total == 10 * SLOTS, "%u of %u bombs refused with BAD_MESSAGE", refused, total);
	CHECK(longest <= ENTER_BOUND_TICKS, "the longest cap_enter with %d bombs took %llu ticks (bound %llu)", SLOTS,
	      (unsigned long long)longest, ENTER_BOUND_TICKS);
	capos_ProcessHandle ticker;
	CHECK(bomb_ticker(spawner, 60000000, &ticker) == CAPOS_OK, "a ticker runs beside the attack");
	bomb_batches(&dag[0][0], WORDS, SLOTS, 60, null, &refused, &total);
	int64_t gap = -1;
	CHECK(rt_wait(ticker, &gap) == CAPOS_OK && gap >= 0 && (uint64_t)gap <= TICKER_BOUND_TICKS,
	      "the ticker's longest gap: %lld ticks (bound %llu)", (long long)gap, TICKER_BOUND_TICKS);
	rt_release(ticker.id);
	return demo_finish();
}
