/* bench/stats.h: the timing method and the statistics shared by capOS's
 * bench demo (demos/bench.c) and the Linux benchmark (bench/linux/bench.c),
 * so that both sides measure and summarize in exactly the same way.
 *
 * A sample is the difference of two serialized TSC reads (lfence; rdtsc;
 * lfence). The cost of an empty measurement (two reads back to back, median
 * of as many samples as an operation gets) is subtracted from every sample.
 * Each operation prints one machine-readable line:
 *   bench: name=NAME n=N median=M min=M mean=M p99=M
 * in ticks per operation (under QEMU -icount shift=0: guest instructions).
 * The includer provides printf and uint64_t. */
#ifndef CAPOS_BENCH_STATS_H
#define CAPOS_BENCH_STATS_H

static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The median cost of an empty measurement; 0 until bench_calibrate. */
static uint64_t bench_overhead;

static void bench_sort(uint64_t *a, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++)
			for (int j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
				uint64_t t = a[j];
				a[j] = a[j - gap];
				a[j - gap] = t;
			}
}

/* Subtracts the empty measurement's cost from n samples and sorts them. */
static void bench_finish(uint64_t *s, int n)
{
	for (int i = 0; i < n; i++)
		s[i] = s[i] > bench_overhead ? s[i] - bench_overhead : 0;
	bench_sort(s, n);
}

/* Non-zero: bench_print prints table rows (1: the header is still due)
 * instead of bench/run's key=value lines. */
static int bench_table;

/* Prints the statistics of n finished (sorted) samples, per operation when
 * a sample covers per operations. */
static void bench_print(const char *name, const uint64_t *s, int n, uint64_t per)
{
	if (n < 1)
		return;
	uint64_t sum = 0;
	for (int i = 0; i < n; i++)
		sum += s[i];
	int p99 = (int)(((uint64_t)n * 99 + 99) / 100) - 1;
	if (bench_table) { /* for a person (the shell's bench): one row each */
		if (bench_table++ == 1)
			printf("%-26s %10s %10s %10s\n", "OPERATION", "MEDIAN", "MIN", "P99");
		printf("%-26s %10llu %10llu %10llu\n", name, (unsigned long long)(s[n / 2] / per),
		       (unsigned long long)(s[0] / per), (unsigned long long)(s[p99] / per));
		return;
	}
	printf("bench: name=%s n=%d median=%llu min=%llu mean=%llu p99=%llu\n", name, n,
	       (unsigned long long)(s[n / 2] / per), (unsigned long long)(s[0] / per),
	       (unsigned long long)(sum / (uint64_t)n / per), (unsigned long long)(s[p99] / per));
}

static void bench_report(const char *name, uint64_t *s, int n, uint64_t per)
{
	bench_finish(s, n);
	bench_print(name, s, n, per);
}

/* Measures the empty measurement (n samples into s) and reports it raw. */
static void bench_calibrate(uint64_t *s, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t t0 = bench_tsc();
		s[i] = bench_tsc() - t0;
	}
	bench_overhead = 0;
	bench_sort(s, n);
	bench_print("empty-measurement", s, n, 1);
	bench_overhead = s[n / 2];
}

#endif
