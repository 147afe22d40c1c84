/* Native harness of a wasm benchmark program: runs bench_run once, prints
 * "<checksum> <milliseconds>". */
#include <stdio.h>
#include <time.h>

#include "bench.h"

int main(void)
{
	struct timespec t0, t1;
	uint64_t r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = bench_run();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%llu %.3f\n", (unsigned long long)r,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
