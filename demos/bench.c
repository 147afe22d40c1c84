/* bench [SPAWNS]: cycles per operation, measured with serialized rdtsc,
 * median of SAMPLES runs each: a NOP through cap_enter (batch 1, and batch
 * 64 per op), a Null CALL, and spawn+wait of a trivial child (SPAWNS runs,
 * default SAMPLES: spawning is slow where page-table writes trap, as under
 * a shadow-paging hypervisor). Not a test: the figures are printed for
 * bench/ring to collect. */
#include "demos/demo.h"

const char demo_name[] = "bench";

#define SAMPLES 10000

static uint64_t *samples;

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static void sort(uint64_t *a, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++)
			for (int j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
				uint64_t t = a[j];
				a[j] = a[j - gap];
				a[j - gap] = t;
			}
}

static void report(const char *what, uint32_t per, int n)
{
	sort(samples, n);
	printf("bench: %-20s median %llu cycles (min %llu, n=%d)\n", what, (unsigned long long)(samples[n / 2] / per),
	       (unsigned long long)(samples[0] / per), n);
}

static void nop_batch(uint32_t batch)
{
	struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = tsc();
		for (uint32_t k = 0; k < batch; k++)
			rt_ring_submit(&nop);
		sys_cap_enter(batch, CAPOS_TIMEOUT_NEVER);
		rt_ring_drain();
		samples[i] = tsc() - t0;
	}
}

int main(void)
{
	samples = malloc(SAMPLES * sizeof(uint64_t));
	capos_Null null = RT_CAP(capos_Null, "null");
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	RT_CLIENT(cl, 64);
	RT_CLIENT(stats, 128);
	capos_FrameAllocator_stats_Results st;
	if (capos_FrameAllocator_stats_call(RT_CAP(capos_FrameAllocator, "frames"), &stats, &st) >= 0)
		printf("bench: kernel memory charged to a process at start: %llu bytes\n",
		       (unsigned long long)capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(st));
	nop_batch(1);
	report("nop-batch1", 1, SAMPLES);
	nop_batch(64);
	report("nop-batch64-per-op", 64, SAMPLES);
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = tsc();
		capos_Null_nop_call(null, &cl, 0);
		samples[i] = tsc() - t0;
	}
	report("null-call", 1, SAMPLES);
	int spawns = SAMPLES;
	if (rt_argc()) {
		spawns = 0;
		for (const char *c = rt_arg(0); *c >= '0' && *c <= '9'; c++)
			spawns = spawns * 10 + (*c - '0');
		spawns = spawns < 1 ? 1 : spawns > SAMPLES ? SAMPLES : spawns;
	}
	for (int i = 0; i < spawns; i++) {
		struct rt_spawn_args a = { "exit0", "exit0", 0, 0, 0, 0, 0 };
		capos_ProcessHandle h;
		int64_t code;
		uint64_t t0 = tsc();
		rt_spawn(spawner, &a, &h, 0);
		rt_wait(h, &code);
		rt_release(h.id);
		samples[i] = tsc() - t0;
	}
	report("spawn-wait", 1, spawns);
	return 0;
}
