/* Recursive Fibonacci: calls and integer adds. */
#include "bench.h"

static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

BENCH_EXPORT uint64_t bench_run(void)
{
	volatile uint32_t n = 32;

	return fib(n);
}
