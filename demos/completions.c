/* completions: every submission gets exactly one completion and none
 * blocks forever — the kill-vs-wait race with the CQ full, several pending
 * waits answered while the CQ is full, a wait answered by another process
 * while this one made its CQ look full (the completion waits in the kernel
 * and arrives once the CQ is honest again), and the runtime's cap on
 * operations in flight. Nothing is printed while the CQ is being filled:
 * printing is itself a call that needs the CQ. */
#include "demos/demo.h"

const char demo_name[] = "completions";

#define SPINNERS 8

static capos_ProcessSpawner spawner;
static uint64_t wait_results[SPINNERS][4];

static struct capos_sqe wait_sqe(capos_ProcessHandle h, uint64_t user_data, uint64_t *buf)
{
	return (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = h.id, .interface_id = capos_ProcessHandle_ID,
		                   .method = capos_ProcessHandle_wait_ORDINAL, .user_data = user_data,
		                   .buf = (uint64_t)(uintptr_t)buf, .buf_cap = 4 * sizeof(uint64_t) };
}

static struct capos_sqe kill_sqe(capos_ProcessHandle h, uint64_t user_data, uint64_t *buf)
{
	return (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = h.id, .interface_id = capos_ProcessHandle_ID,
		                   .method = capos_ProcessHandle_kill_ORDINAL, .user_data = user_data,
		                   .buf = (uint64_t)(uintptr_t)buf, .buf_cap = 2 * sizeof(uint64_t) };
}

/* The exit code a wait completion carries in its results buffer. */
static int64_t exit_code_of(uint64_t *buf, int len)
{
	struct capnp_msg m;
	if (len <= 0 || capnp_msg_init(&m, buf, (size_t)len, 0) != CAPNP_OK)
		return 12345;
	return capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&m));
}

/* Submits NOPs (user_data base, base+1, ...) until cap_enter takes no more;
 * returns how many it took. */
static uint32_t fill_with_nops(uint64_t base)
{
	uint32_t taken = 0;
	for (;;) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP, .user_data = base + taken };
		if (rt_ring_submit(&nop) != CAPOS_OK)
			break;
		int64_t n = sys_cap_enter(0, 0);
		if (n <= 0)
			break; /* the CQ is full: the NOP stays in the SQ */
		taken += (uint32_t)n;
	}
	return taken;
}

/* Waits for each user_data in [base, base+n) once; returns how many came. */
static uint32_t collect(uint64_t base, uint32_t n, int want_result)
{
	uint32_t got = 0;
	struct capos_cqe c;
	for (uint32_t i = 0; i < n; i++)
		got += rt_ring_wait(base + i, &c) && c.result == want_result;
	return got;
}

/* One wait pending, the CQ full of NOPs, then a kill of the waited-for
 * process: the kill is taken only once there is room for both its own
 * completion and the wait's, and both arrive. */
static void kill_vs_wait(void)
{
	capos_ProcessHandle spin;
	CHECK(demo_spawn(spawner, "spinner", &spin) == CAPOS_OK, "spawned a spinner");
	static uint64_t killbuf[2];
	struct capos_sqe w = wait_sqe(spin, 1, wait_results[0]), k = kill_sqe(spin, 2, killbuf);
	rt_ring_submit(&w);
	int64_t took_wait = sys_cap_enter(0, 0);
	uint32_t nops = fill_with_nops(100);
	rt_ring_submit(&k); /* the NOP left in the SQ goes first, then the kill */
	int64_t while_full = sys_cap_enter(0, 0);
	struct capos_cqe c;
	uint32_t nop_seen = 0, extra_taken = 0;
	for (int round = 0; round < 3 && nop_seen < nops; round++) {
		nop_seen += rt_ring_wait(100 + nop_seen, &c) && c.result == 0; /* frees one CQ entry */
		extra_taken += (uint32_t)sys_cap_enter(0, 0);
	}
	nop_seen += collect(100 + nop_seen, nops + 1 - nop_seen, 0);
	bool wait_ok = rt_ring_wait(1, &c) && c.result > 0 &&
	               exit_code_of(wait_results[0], c.result) == CAPOS_EXIT_KILLED;
	bool kill_ok = rt_ring_wait(2, &c) && c.result > 0;
	CHECK(took_wait == 1 && nops == CAPOS_RING_CQ_ENTRIES - 1,
	      "a pending wait holds one CQ entry: %u NOPs fit beside it", nops);
	CHECK(while_full == 0, "with the CQ full nothing more is taken (%lld)", (long long)while_full);
	CHECK(extra_taken == 2 && nop_seen == nops + 1,
	      "as entries are read the NOP and the kill are taken (%u, %u NOPs)",
	      extra_taken, nop_seen);
	CHECK(wait_ok && kill_ok, "the kill answers the wait: both completions arrive (wait %d, kill %d)", wait_ok,
	      kill_ok);
	rt_release(spin.id);
}

/* SPINNERS waits pending, the CQ full, then every spinner killed: each
 * kill is taken as room appears; all 2 x SPINNERS + NOP completions come. */
static void many_pending(void)
{
	capos_ProcessHandle spin[SPINNERS];
	uint32_t spawned = 0;
	for (int i = 0; i < SPINNERS; i++)
		spawned += demo_spawn(spawner, "spinner", &spin[i]) == CAPOS_OK;
	CHECK(spawned == SPINNERS, "spawned %u spinners", spawned);
	static uint64_t killbuf[SPINNERS][2];
	for (int i = 0; i < SPINNERS; i++) {
		struct capos_sqe w = wait_sqe(spin[i], 200 + i, wait_results[i]);
		rt_ring_submit(&w);
	}
	sys_cap_enter(0, 0);
	uint32_t nops = fill_with_nops(1000);
	for (int i = 0; i < SPINNERS; i++) {
		struct capos_sqe k = kill_sqe(spin[i], 300 + i, killbuf[i]);
		rt_ring_submit(&k);
	}
	uint32_t nop_seen = 0;
	struct capos_cqe c;
	while (nop_seen <= nops && rt_ring_wait(1000 + nop_seen, &c))
		nop_seen++, sys_cap_enter(0, 0);
	uint32_t waits = 0, kills = 0;
	for (int i = 0; i < SPINNERS; i++) {
		waits += rt_ring_wait(200 + i, &c) && exit_code_of(wait_results[i], c.result) == CAPOS_EXIT_KILLED;
		kills += rt_ring_wait(300 + i, &c) && c.result > 0;
	}
	CHECK(nops == CAPOS_RING_CQ_ENTRIES - SPINNERS, "%d pending waits leave room for %u NOPs", SPINNERS, nops);
	CHECK(nop_seen == nops + 1 && waits == SPINNERS && kills == SPINNERS,
	      "every NOP (%u), wait (%u) and kill (%u) completed exactly once", nop_seen, waits, kills);
	for (int i = 0; i < SPINNERS; i++)
		rt_release(spin[i].id);
}

static uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Another process kills what this one waits for while this one's cq_head
 * says the CQ is full: the wait's completion is kept by the kernel and
 * posted once cq_head is honest again. */
static void answered_while_dishonest(void)
{
	capos_ProcessHandle spin, killer;
	CHECK(demo_spawn(spawner, "spinner", &spin) == CAPOS_OK, "spawned a spinner");
	struct capos_sqe w = wait_sqe(spin, 400, wait_results[0]);
	rt_ring_submit(&w);
	sys_cap_enter(0, 0);
	struct rt_grant g = { "victim", spin.id, capos_ProcessHandle_ID, 0, capos_ProcessHandle_rightKill };
	struct rt_spawn_args a = { "delayed-killer", "delayed-killer", &g, 1, 0, 0, 0 };
	bool have_killer = rt_spawn(spawner, &a, &killer, 0) == CAPOS_OK;
	CHECK(have_killer, "spawned a process that kills the spinner in 20 ms");
	if (!have_killer) { /* (short of memory) nobody would end the wait: end it here */
		struct capos_cqe c;
		rt_release(spin.id); /* the last handle: the spinner dies, the wait completes */
		rt_ring_wait(400, &c);
		return;
	}
	struct capos_ring *r = rt.ring;
	uint32_t head = r->cq_head, tail = r->cq_tail;
	r->cq_head = head - CAPOS_RING_CQ_ENTRIES; /* claims 64 unread entries */
	uint64_t t0 = tsc();
	int64_t waited = sys_cap_enter(1, 100 * 1000 * 1000); /* returns at once: the CQ "has" entries */
	while (tsc() - t0 < 300ull * 1000 * 1000)
		; /* ~0.1 s: the killer wakes (20 ms) and runs meanwhile (preemption) */
	uint32_t tail_while_dishonest = r->cq_tail;
	r->cq_head = head;
	RT_CLIENT(cl, 128);
	capos_ProcessHandle_info_Results info;
	bool killed_meanwhile = capos_ProcessHandle_info_call(killer, &cl, &info) >= 0 &&
	                        capos_ProcessHandle_info_Results_get_exited(info);
	int64_t code = 0;
	bool killer_done = rt_wait(killer, &code) == CAPOS_OK && code == 0; /* posts the kept completion too */
	struct capos_cqe c;
	bool arrived = rt_ring_wait(400, &c) && exit_code_of(wait_results[0], c.result) == CAPOS_EXIT_KILLED;
	CHECK(waited == 0 && tail_while_dishonest == tail,
	      "while cq_head claims a full CQ nothing is posted over unread entries");
	CHECK(killed_meanwhile, "the killer did its work while the CQ looked full");
	CHECK(killer_done && arrived, "the wait's completion arrives once cq_head is honest (killer exit %lld)",
	      (long long)code);
	rt_release(killer.id);
	rt_release(spin.id);
}

/* The runtime admits at most RT_INFLIGHT_MAX operations in flight — here a
 * full CQ and a full SQ behind it — so its store of early completions
 * never overflows; the next submission is refused, and all complete. */
static void runtime_inflight_cap(void)
{
	uint32_t admitted = 0;
	for (uint32_t i = 0; i < CAPOS_RING_SQ_ENTRIES; i++) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP, .user_data = 5000 + admitted };
		admitted += rt_ring_submit(&nop) == CAPOS_OK;
	}
	int64_t consumed = sys_cap_enter(0, 0);
	for (uint32_t i = 0; i < CAPOS_RING_SQ_ENTRIES; i++) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP, .user_data = 5000 + admitted };
		admitted += rt_ring_submit(&nop) == CAPOS_OK;
	}
	struct capos_sqe nop = { .opcode = CAPOS_OP_NOP, .user_data = 9999 };
	int r = rt_ring_submit(&nop);
	uint32_t got = collect(5000, admitted, 0);
	CHECK(consumed == CAPOS_RING_CQ_ENTRIES && admitted == RT_INFLIGHT_MAX && r == CAPOS_E_BUSY &&
	              got == admitted,
	      "%u operations admitted (a full CQ, a full SQ), the next refused (%d), all %u completed", admitted, r,
	      got);
}

int main(void)
{
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	kill_vs_wait();
	many_pending();
	answered_while_dishonest();
	runtime_inflight_cap();
	return demo_finish();
}
