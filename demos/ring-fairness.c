/* ring-fairness: a process spinning on the CPU and one flooding its ring
 * cannot starve a third: this one still gets its calls and its timeouts
 * served, then kills both. */
#include "demos/demo.h"

const char demo_name[] = "ring-fairness";

static uint64_t cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	capos_ProcessHandle spin, flood;
	CHECK(demo_spawn(spawner, "spinner", &spin) == CAPOS_OK, "spawned a CPU spinner");
	CHECK(demo_spawn(spawner, "ring-flood", &flood) == CAPOS_OK, "spawned a ring flooder");
	uint32_t done = 0;
	for (int i = 0; i < 200; i++)
		done += demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_NOP }, 0) == 0;
	CHECK(done == 200, "200 round trips completed beside them");
	uint64_t t0 = cycles();
	int64_t e = sys_cap_enter(1, 30 * 1000 * 1000);
	uint64_t t1 = cycles();
	CHECK(e == 0, "a 30 ms timed wait returns (%lld) after %llu cycles", (long long)e, (unsigned long long)(t1 - t0));
	int64_t code = 0;
	CHECK(demo_kill(spin) == CAPOS_OK && rt_wait(spin, &code) == CAPOS_OK && code == CAPOS_EXIT_KILLED,
	      "the spinner was killed (exit code %lld)", (long long)code);
	CHECK(demo_kill(flood) == CAPOS_OK && rt_wait(flood, &code) == CAPOS_OK && code == CAPOS_EXIT_KILLED,
	      "the flooder was killed (exit code %lld)", (long long)code);
	rt_release(spin.id);
	rt_release(flood.id);
	return demo_finish();
}
