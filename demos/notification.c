/* notification: Notification signal and wait (a ring RECV) in one process
 * and across processes. Bits accumulate across signals; a wait with bits
 * pending completes at once, clearing them; a wait without completes at
 * the next signal, waiters in FIFO order; a child signalling through a
 * badged capability minted for it wakes this process with the badge in
 * the word; a waiter whose process is killed leaves nothing behind; the
 * last capability's release cancels the waits; a RECV without rightWait,
 * a short or unmapped buffer and a re-badge are refused by name
 * (docs/memory.md). */
#include "demos/demo.h"
#include "lib/errors.h"

const char demo_name[] = "notification";

static uint64_t words[4];

static int make(capos_Notification *n)
{
	RT_CLIENT(cl, 64);
	int r = capos_ObjectFactory_notification_call(RT_CAP(capos_ObjectFactory, "factory"), &cl, 0);
	*n = (capos_Notification){ cl.new_cap };
	return r < 0 ? r : CAPOS_OK;
}

static int signal_bits(capos_Notification n, uint64_t bits)
{
	RT_CLIENT(cl, 64);
	capos_Notification_signal_Params_set_bits(capos_Notification_signal_begin(&cl), bits);
	int r = capos_Notification_signal_call(n, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static int mint(capos_Notification n, uint64_t badge, uint32_t rights, capos_Notification *out)
{
	RT_CLIENT(cl, 64);
	capos_Notification_mint_Params_builder p = capos_Notification_mint_begin(&cl);
	capos_Notification_mint_Params_set_badge(p, badge);
	capos_Notification_mint_Params_set_rights(p, rights);
	int r = capos_Notification_mint_call(n, &cl, 0);
	if (out)
		*out = (capos_Notification){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

/* Posts a RECV on n into words[slot] without waiting; returns its user_data. */
static uint64_t post(capos_Notification n, int slot, uint32_t buf_cap, uint64_t buf)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = n.id, .user_data = rt_ring_next_user_data(),
		                 .buf = buf ? buf : (uint64_t)(uintptr_t)&words[slot], .buf_cap = buf_cap };
	words[slot] = 0;
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	sys_cap_enter(0, 0);
	return sqe.user_data;
}

static int wait_result(uint64_t user_data)
{
	struct capos_cqe c;
	return rt_ring_wait(user_data, &c) ? c.result : CAPOS_E_BUSY;
}

static bool arrived(uint64_t user_data, int *result)
{
	struct capos_cqe c;
	sys_cap_enter(0, 0);
	if (!rt_ring_poll(user_data, &c))
		return false;
	*result = c.result;
	return true;
}

static const char *err(int r) { return r >= 0 ? "ok" : capos_strerror(r); }

static void in_process(capos_Notification n)
{
	CHECK(signal_bits(n, 1) == CAPOS_OK && signal_bits(n, 4) == CAPOS_OK && signal_bits(n, 0x10) == CAPOS_OK,
	      "three signals (bits 0x1, 0x4, 0x10) with nobody waiting");
	int r = wait_result(post(n, 0, 8, 0));
	CHECK(r == 8 && words[0] == 0x15, "a wait with bits pending completes at once with them accumulated: %#llx",
	      (unsigned long long)words[0]);
	uint64_t a = post(n, 0, 8, 0), b = post(n, 1, 8, 0);
	CHECK(!arrived(a, &r) && !arrived(b, &r), "with the bits taken two waits stay pending");
	CHECK(signal_bits(n, 0x40) == CAPOS_OK && wait_result(a) == 8 && words[0] == 0x40 && !arrived(b, &r),
	      "a signal completes the first waiter (FIFO) with 0x40; the second still waits");
	CHECK(signal_bits(n, 0x80) == CAPOS_OK && wait_result(b) == 8 && words[1] == 0x80,
	      "the next signal completes the second with 0x80");
}

static void hostile(capos_Notification n)
{
	capos_Notification sig_only, badged, m;
	CHECK(mint(n, 0, capos_Notification_rightSignal, &sig_only) == CAPOS_OK, "mint of a signal-only capability");
	CHECK(wait_result(post(sig_only, 0, 8, 0)) == CAPOS_E_PERMISSION_DENIED,
	      "a RECV on it (no rightWait): CAPOS_E_PERMISSION_DENIED");
	RT_CLIENT(cl, 64);
	CHECK(capos_Notification_mint_call(sig_only, &cl, 0) == CAPOS_E_PERMISSION_DENIED,
	      "mint through it (no rightMint): CAPOS_E_PERMISSION_DENIED");
	CHECK(wait_result(post(n, 0, 4, 0)) == CAPOS_E_TOO_BIG, "a RECV with a 4-byte buffer: CAPOS_E_TOO_BIG");
	CHECK(wait_result(post(n, 0, 8, 0x20000)) == CAPOS_E_FAULT, "a RECV into unmapped memory: CAPOS_E_FAULT");
	CHECK(mint(n, 0x100, capos_rightsAll, &badged) == CAPOS_OK, "mint with badge 0x100");
	CHECK(mint(badged, 0x200, capos_rightsAll, &m) == CAPOS_E_PERMISSION_DENIED,
	      "re-badging it as 0x200: CAPOS_E_PERMISSION_DENIED (badges are write-once)");
	CHECK(mint(badged, 0, capos_rightsAll, &m) == CAPOS_OK && signal_bits(m, 0) == CAPOS_OK &&
	      wait_result(post(n, 0, 8, 0)) == 8 && words[0] == 0x100,
	      "a mint with badge 0 keeps 0x100: its signal of no bits delivers the badge");
	rt_release(m.id);
	rt_release(badged.id);
	rt_release(sig_only.id);
}

static capos_ProcessHandle spawn_child(capos_ProcessSpawner spawner, capos_Notification note, uint64_t badge,
                                       uint32_t rights, capos_Notification ready, const char *kind)
{
	struct rt_grant g[3] = {
		{ "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0, capos_rightsAll },
		{ "note", note.id, capos_Notification_ID, badge, rights },
		{ "ready", ready.id, capos_Notification_ID, 0, capos_Notification_rightSignal },
	};
	struct rt_spawn_args a = { "notify-child", "notify-child", g, ready.id ? 3 : 2, &kind, 1, 0 };
	capos_ProcessHandle h = { 0 };
	rt_spawn(spawner, &a, &h, 0);
	return h;
}

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
	struct demo_ledger start = demo_ledger(frames);
	capos_Notification n = { 0 }, ready = { 0 };
	CHECK(make(&n) == CAPOS_OK && make(&ready) == CAPOS_OK, "ObjectFactory.notification made two notifications");
	in_process(n);
	hostile(n);

	/* Across processes: this process waits, a child signals bits 2 through
	 * a capability badged 0x1000 for it. */
	uint64_t w = post(n, 0, 8, 0);
	capos_ProcessHandle h = spawn_child(spawner, n, 0x1000, capos_Notification_rightSignal, (capos_Notification){ 0 },
	                                    "signal");
	if (!h.id)
		signal_bits(n, 0x1); /* no child (short of memory): end the wait here, the check fails */
	int r = wait_result(w);
	int64_t code = -1;
	CHECK(r == 8 && words[0] == 0x1002, "a child's signal through its badged capability woke this process's wait "
	      "with %#llx (badge 0x1000 | bits 0x2)", (unsigned long long)words[0]);
	CHECK(h.id && rt_wait(h, &code) == CAPOS_OK && code == 0, "the signalling child exited with 0");
	rt_release(h.id);

	/* A waiter that dies. */
	struct demo_ledger before = demo_ledger(frames);
	h = spawn_child(spawner, n, 0, capos_Notification_rightWait, ready, "wait");
	r = h.id ? wait_result(post(ready, 2, 8, 0)) : CAPOS_E_LIMIT_EXCEEDED; /* no child: nobody would signal */
	CHECK(r == 8, "a child posted its wait (and said so): %s", err(r));
	CHECK(demo_kill(h) == CAPOS_OK && rt_wait(h, &code) == CAPOS_OK && code == CAPOS_EXIT_KILLED,
	      "the waiting child was killed (exit code %lld)", (long long)code);
	rt_release(h.id);
	CHECK(signal_bits(n, 0x8) == CAPOS_OK && wait_result(post(n, 0, 8, 0)) == 8 && words[0] == 0x8,
	      "the next signal's bits were not taken by the dead waiter: this process's wait got %#llx",
	      (unsigned long long)words[0]);
	struct demo_ledger after = demo_ledger(frames);
	CHECK(demo_ledger_same(before, after), "the dead waiter left nothing behind: free frames %llu (before %llu), "
	      "kernel memory %llu (before %llu)", (unsigned long long)after.free_frames,
	      (unsigned long long)before.free_frames, (unsigned long long)after.kmem, (unsigned long long)before.kmem);

	w = post(n, 0, 8, 0);
	CHECK(rt_release(n.id) == CAPOS_OK && wait_result(w) == CAPOS_E_CANCELLED,
	      "releasing the last capability cancels the pending wait: CAPOS_E_CANCELLED");
	rt_release(ready.id);
	after = demo_ledger(frames);
	CHECK(demo_ledger_same(start, after), "with both notifications gone kernel memory is back: %llu bytes "
	      "(before %llu)", (unsigned long long)after.kmem, (unsigned long long)start.kmem);
	return demo_finish();
}
