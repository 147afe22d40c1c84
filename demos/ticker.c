/* ticker (for deep-params, dag-params): reads the TSC in a loop for as
 * many ticks as its argument says and exits with the longest gap between
 * two reads — how long something else held the CPU. */
#include "rt/capos.h"

static uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
	uint64_t span = 0;
	for (const char *c = rt_argc() ? rt_arg(0) : "0"; *c >= '0' && *c <= '9'; c++)
		span = span * 10 + (uint64_t)(*c - '0');
	uint64_t start = tsc(), last = start, longest = 0;
	while (last - start < span) {
		uint64_t now = tsc();
		if (now - last > longest)
			longest = now - last;
		last = now;
	}
	return (int64_t)longest;
}
