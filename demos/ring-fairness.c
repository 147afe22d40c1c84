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
	uint32_t spawner = rt_capset_find("spawner", capos_ProcessSpawner_ID);
	struct rt_handle spin, flood;
	CHECK(spawner_spawn(spawner, "spinner", "spinner", 0, 0, 0, 0, &spin, 0) == CAPOS_OK, "spawned a CPU spinner");
	CHECK(spawner_spawn(spawner, "ring-flood", "ring-flood", 0, 0, 0, 0, &flood, 0) == CAPOS_OK,
	      "spawned a ring flooder");
	uint32_t done = 0;
	for (int i = 0; i < 200; i++)
		done += demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_NOP }, 0) == 0;
	CHECK(done == 200, "200 round trips completed beside them");
	uint64_t t0 = cycles();
	int64_t e = sys_cap_enter(1, 30 * 1000 * 1000);
	uint64_t t1 = cycles();
	CHECK(e == 0, "a 30 ms timed wait returns (%lld) after %llu cycles", (long long)e, (unsigned long long)(t1 - t0));
	int64_t code = 0;
	CHECK(process_kill(spin.cap) == CAPOS_OK && process_wait(spin.cap, &code) == CAPOS_OK && code == -9,
	      "the spinner was killed (exit code %lld)", (long long)code);
	CHECK(process_kill(flood.cap) == CAPOS_OK && process_wait(flood.cap, &code) == CAPOS_OK && code == -9,
	      "the flooder was killed (exit code %lld)", (long long)code);
	rt_handle_close(&spin);
	rt_handle_close(&flood);
	return demo_finish();
}
