/* Hostile params messages and the measurement shared by deep-params and
 * dag-params: a batch of bombs is sent in one cap_enter, each must fail
 * with BAD_MESSAGE, and neither that cap_enter nor the gap a ticker process
 * sees may exceed the stated bounds. The bounds are in TSC ticks, which
 * under `-icount shift=0` (how the system tests run these) count guest
 * instructions: 1,000,000 is the equivalent of 1 ms at 1 GHz.
 *
 * A cap_enter is timed from user mode, so it is timed while no other
 * process is runnable (nothing can preempt this one between the two TSC
 * reads); the ticker's gaps are measured in a second round of the same
 * attack. */
#ifndef CAPOS_DEMOS_BOMBS_H
#define CAPOS_DEMOS_BOMBS_H

#include "demos/demo.h"
#include "lib/fmt.h"

/* The most one cap_enter may hold the CPU, whatever it is given. */
#define ENTER_BOUND_TICKS 1000000ull
/* The most a ticker may go without running: one scheduler quantum (10 ms
 * at 100 Hz) plus one cap_enter. */
#define TICKER_BOUND_TICKS (10000000ull + ENTER_BOUND_TICKS)

static inline uint64_t bomb_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline struct capos_sqe bomb_sqe(const uint64_t *msg, uint32_t bytes, uint64_t user_data, uint32_t null)
{
	return (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = null, .interface_id = capos_Null_ID,
		                   .method = capos_Null_echo_ORDINAL, .user_data = user_data,
		                   .buf = (uint64_t)(uintptr_t)msg, .params_len = bytes,
		                   .buf_cap = bytes < 32 ? 32 : bytes }; /* room for echo's results */
}

/* Sends `rounds` batches of `slots` copies of a message (each its own
 * buffer: results would overwrite it; slots < the SQ) and returns the
 * longest cap_enter in ticks; *refused counts BAD_MESSAGE completions,
 * *total all of them. */
static inline uint64_t bomb_batches(uint64_t *copies, uint32_t words, uint32_t slots, uint32_t rounds,
                                    uint32_t null, uint32_t *refused, uint32_t *total)
{
	uint64_t longest = 0;
	*refused = *total = 0;
	for (uint32_t round = 0; round < rounds; round++) {
		uint32_t n = 0;
		for (; n < slots; n++) {
			struct capos_sqe s = bomb_sqe(copies + (uint64_t)n * words, words * 8, 70000 + n, null);
			if (rt_ring_submit(&s) != CAPOS_OK)
				break;
		}
		uint32_t taken = 0;
		while (taken < n) {
			uint64_t t0 = bomb_tsc();
			int64_t k = sys_cap_enter(0, 0);
			uint64_t t = bomb_tsc() - t0;
			longest = t > longest ? t : longest;
			if (k <= 0)
				break;
			taken += (uint32_t)k;
		}
		struct capos_cqe c;
		for (uint32_t i = 0; i < n; i++) {
			if (rt_ring_wait(70000 + i, &c)) {
				(*total)++;
				*refused += c.result == CAPOS_E_BAD_MESSAGE;
			}
		}
	}
	return longest;
}

/* Spawns the ticker for about `ticks`; it exits with the longest gap it saw. */
static inline int bomb_ticker(capos_ProcessSpawner spawner, uint64_t ticks, capos_ProcessHandle *h)
{
	static char arg[24];
	fmt_snprintf(arg, sizeof arg, "%llu", (unsigned long long)ticks);
	struct rt_spawn_args a = { "ticker", "ticker", 0, 0, (const char *const[]){ arg }, 1, 0 };
	return rt_spawn(spawner, &a, h, 0);
}

#endif
