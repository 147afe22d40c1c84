/* Sieve of Eratosthenes over 1 Mi numbers, three times: byte loads and stores. */
#include "bench.h"

#define N (1u << 20)
static uint8_t composite[N];

BENCH_EXPORT uint64_t bench_run(void)
{
	uint64_t total = 0;

	for (int rep = 0; rep < 3; rep++) {
		uint32_t count = 0;

		for (uint32_t i = 0; i < N; i++)
			composite[i] = 0;
		for (uint32_t i = 2; i < N; i++) {
			if (composite[i])
				continue;
			count++;
			for (uint32_t k = i + i; k < N; k += i)
				composite[k] = 1;
		}
		total += count;
	}
	return total;
}
