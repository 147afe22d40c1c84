/* bench [SAMPLES[/SPAWNS]]: capOS's side of make bench (bench/run): ticks
 * per operation, with the method and statistics of bench/stats.h (serialized
 * rdtsc, a warm-up, the empty measurement's cost subtracted; median, min,
 * mean, p99 on one line per operation). SAMPLES per operation (default
 * 10,000), SPAWNS for spawn+wait (default 1,000: spawning is slow where
 * page-table writes trap, as under a shadow-paging hypervisor; the Linux
 * side uses as many for fork and vfork+exec). Operations: an empty
 * cap_enter; a NOP through cap_enter at batch 1, 16 and 64 (per op); a Null
 * CALL; IPC between two address spaces (round trip, one-way CALL and
 * one-way RETURN at 24 and 64 bytes, a round trip of 0 bytes; a round trip
 * moving one capability each way); spawn+wait of a trivial child;
 * VirtualMemory map + touch + unmap of one page; a Notification signal
 * waking a waiter in another process (a ping-pong with notify-child, per
 * hop). Not a test: the figures are printed for bench/run to collect. */
#include "demos/demo.h"
#include "demos/hw.h"
#include "lib/fmt.h"

#include "bench/stats.h"

const char demo_name[] = "bench";

static int nsamples = 10000, nspawns = 1000, warmup = 100;
static uint64_t *samples;

static inline uint64_t tsc(void) { return bench_tsc(); }

static void report(const char *what, uint32_t per, int n) { bench_report(what, samples, n, per); }

static void nop_batch(uint32_t batch)
{
	struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
	for (int i = -warmup; i < nsamples; i++) {
		uint64_t t0 = tsc();
		for (uint32_t k = 0; k < batch; k++)
			rt_ring_submit(&nop);
		sys_cap_enter(batch, CAPOS_TIMEOUT_NEVER);
		rt_ring_drain();
		if (i >= 0)
			samples[i] = tsc() - t0;
	}
}

/* ---- IPC: a server child (this binary, argument "server") answers each
 * call at once with the bytes it got, and stamps the results with the TSC
 * at its RECV's completion (one-way CALL) and just before its RETURN
 * (one-way RETURN). With a transfer block it moves every capability it
 * received straight back. */

#define XFER ((uint32_t)sizeof(struct capos_transfer))
#define HDR ((uint32_t)sizeof(struct capos_recv_header))

/* Submits without the runtime's bookkeeping: the IPC loops read their
 * completions straight from the CQ. */
static void raw_submit(const struct capos_sqe *sqe)
{
	struct capos_ring *r = rt.ring;
	r->sq[r->sq_tail & (CAPOS_RING_SQ_ENTRIES - 1)] = *sqe;
	__atomic_store_n(&r->sq_tail, r->sq_tail + 1, __ATOMIC_RELEASE);
}

struct stamps {
	uint64_t sent, received, answered;
};

static int serve(void)
{
	uint32_t ep = rt_capset_find("serve", capos_Endpoint_ID);
	static uint64_t buf[(HDR + XFER + 256) / 8];
	struct capos_sqe recv = { .opcode = CAPOS_OP_RECV, .cap = ep, .user_data = 1, .buf = (uint64_t)(uintptr_t)buf,
		                  .buf_cap = sizeof buf };
	struct capos_recv_header *h = (struct capos_recv_header *)buf;
	raw_submit(&recv);
	sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
	for (;;) {
		struct capos_ring *r = rt.ring;
		struct capos_cqe c = r->cq[r->cq_head & (CAPOS_RING_CQ_ENTRIES - 1)];
		r->cq_head++;
		if (c.user_data != 1)
			continue; /* a RETURN's completion */
		if (c.result < 0)
			return 0; /* the endpoint closed */
		uint64_t got = tsc();
		uint8_t *msg = (uint8_t *)(h + 1);
		struct capos_sqe ret = { .opcode = CAPOS_OP_RETURN, .cap = h->reply, .user_data = 2,
			                 .buf = (uint64_t)(uintptr_t)msg, .params_len = h->params_len };
		if (h->caps.count) { /* move them back: the block goes before the message */
			struct capos_transfer *t = (struct capos_transfer *)(msg - XFER);
			*t = h->caps;
			for (uint32_t i = 0; i < t->count; i++)
				t->caps[i].mode = CAPOS_TRANSFER_MOVE;
			ret.flags = CAPOS_SQE_TRANSFER;
			ret.buf -= XFER;
			ret.params_len += XFER;
		}
		if (h->params_len >= sizeof(struct stamps)) {
			struct stamps *st = (struct stamps *)msg;
			st->received = got;
			st->answered = tsc();
		}
		raw_submit(&ret);
		raw_submit(&recv);
		sys_cap_enter(2, CAPOS_TIMEOUT_NEVER);
	}
}

/* One raw CALL of bytes (the stamps need 24) through cap, optionally
 * moving *moved there and back; returns the round trip. */
static int64_t last_result; /* of the last CALL */

static uint64_t ipc_once(uint32_t cap, uint32_t bytes, uint32_t *moved, struct stamps *st)
{
	static uint64_t buf[(XFER + 256) / 8];
	uint32_t off = moved ? XFER : 0;
	struct capos_transfer *t = (struct capos_transfer *)buf;
	if (moved)
		*t = (struct capos_transfer){ .count = 1, .caps = { { *moved, CAPOS_TRANSFER_MOVE, capos_Null_ID } } };
	struct capos_sqe call = { .opcode = CAPOS_OP_CALL, .flags = moved ? CAPOS_SQE_TRANSFER : 0, .cap = cap,
		                  .interface_id = capos_Null_ID, .method = capos_Null_echo_ORDINAL, .user_data = 3,
		                  .buf = (uint64_t)(uintptr_t)buf, .params_len = off + bytes, .buf_cap = off + (bytes ? bytes : 64) };
	/* 0 bytes: the server gets an empty message, echoed back: room for it */
	struct stamps *s = (struct stamps *)((uint8_t *)buf + off);
	uint64_t t0 = tsc();
	s->sent = t0;
	raw_submit(&call);
	sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
	uint64_t t1 = tsc();
	struct capos_ring *r = rt.ring;
	last_result = r->cq[r->cq_head & (CAPOS_RING_CQ_ENTRIES - 1)].result;
	r->cq_head++;
	*st = *s;
	if (moved)
		*moved = t->caps[0].cap;
	return t1 - t0;
}

static uint32_t ipc_rounds; /* profile mode: only this many plain round trips */

static void ipc_bench(capos_ProcessSpawner spawner, uint32_t null_cap)
{
	uint32_t ep = 0, client = 0;
	if (rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Null_ID, 0, &ep) ||
	    rt_endpoint_mint(ep, 0, capos_rightsAll, &client)) {
		printf("bench: no endpoint: IPC not measured\n");
		return;
	}
	struct rt_grant g = { "serve", ep, capos_Endpoint_ID, 0, capos_rightsAll };
	struct rt_spawn_args a = { "bench-server", "bench", &g, 1, (const char *const[]){ "server" }, 1, 0 };
	capos_ProcessHandle h;
	if (rt_spawn(spawner, &a, &h, 0)) {
		printf("bench: no server: IPC not measured\n");
		return;
	}
	if (ipc_rounds) {
		struct stamps st;
		for (uint32_t i = 0; i < ipc_rounds; i++)
			ipc_once(client, 24, 0, &st);
		demo_kill(h);
		int64_t code;
		rt_wait(h, &code);
		return;
	}
	static const uint32_t sizes[] = { 0, 24, 64 }; /* 0: no room for the stamps, round trip only */
	uint64_t *one_way_call = malloc((size_t)nsamples * sizeof(uint64_t)), *one_way_ret = malloc((size_t)nsamples * sizeof(uint64_t));
	for (uint32_t k = 0; k < 3; k++) {
		struct stamps st;
		for (int i = 0; i < warmup; i++)
			ipc_once(client, sizes[k], 0, &st);
		for (int i = 0; i < nsamples; i++) {
			samples[i] = ipc_once(client, sizes[k], 0, &st);
			one_way_call[i] = st.received - st.sent;
			one_way_ret[i] = samples[i] + st.sent - st.answered;
		}
		char what[40];
		if (last_result < 0)
			printf("bench: FAILED: a %u-byte CALL completed with %lld\n", sizes[k], (long long)last_result);
		fmt_snprintf(what, sizeof what, "ipc-roundtrip-%ub", sizes[k]);
		report(what, 1, nsamples);
		if (!sizes[k])
			continue;
		uint64_t *keep = samples;
		samples = one_way_call;
		fmt_snprintf(what, sizeof what, "ipc-call-oneway-%ub", sizes[k]);
		report(what, 1, nsamples);
		samples = one_way_ret;
		fmt_snprintf(what, sizeof what, "ipc-return-oneway-%ub", sizes[k]);
		report(what, 1, nsamples);
		samples = keep;
	}
	uint32_t moved = null_cap;
	struct stamps st;
	for (int i = -warmup; i < nsamples; i++) {
		uint64_t t = ipc_once(client, 24, &moved, &st);
		if (i >= 0)
			samples[i] = t;
	}
	report("ipc-roundtrip-move1", 1, nsamples);
	demo_kill(h); /* it holds a serve capability of its own: it would wait forever */
	int64_t code;
	rt_wait(h, &code);
	rt_release(h.id);
	rt_release(ep);
	rt_release(client);
}

/* The number at the end of s (0 if none). */
static uint32_t trailing_number(const char *s)
{
	const char *d = s + strlen(s);
	while (d > s && d[-1] >= '0' && d[-1] <= '9')
		d--;
	uint32_t n = 0;
	for (; *d; d++)
		n = n * 10 + (uint32_t)(*d - '0');
	return n;
}

/* Profile mode (tools/profile): "p-OP-N" runs only N operations of OP
 * (nop, null, ipc), with no timing, so that an instruction trace of two
 * runs with different N differs by exactly N operations. */
static int profile(const char *arg)
{
	uint32_t n = trailing_number(arg);
	capos_Null null = RT_CAP(capos_Null, "null");
	if (!strncmp(arg, "p-nop-", 6)) {
		struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
		for (uint32_t i = 0; i < n; i++) {
			rt_ring_submit(&nop);
			sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
			rt_ring_drain();
		}
	} else if (!strncmp(arg, "p-null-", 7)) {
		RT_CLIENT(cl, 64);
		for (uint32_t i = 0; i < n; i++)
			capos_Null_nop_call(null, &cl, 0);
	} else if (!strncmp(arg, "p-ipc-", 6)) {
		ipc_rounds = n;
		ipc_bench(RT_CAP(capos_ProcessSpawner, "spawner"), null.id);
	}
	return 0;
}

static void vm_page(void)
{
	capos_VirtualMemory vm = RT_CAP(capos_VirtualMemory, "vm");
	RT_CLIENT(cl, 64);
	for (int i = -warmup; i < nsamples; i++) {
		uint64_t t0 = tsc();
		capos_VirtualMemory_map_Params_builder p = capos_VirtualMemory_map_begin(&cl);
		capos_VirtualMemory_map_Params_set_pages(p, 1);
		capos_VirtualMemory_map_Params_set_prot(p, capos_VirtualMemory_protRead | capos_VirtualMemory_protWrite);
		capos_VirtualMemory_map_Results res;
		if (capos_VirtualMemory_map_call(vm, &cl, &res) < 0)
			return;
		uint64_t a = capos_VirtualMemory_map_Results_get_addr(res);
		*(volatile uint64_t *)(uintptr_t)a = 1;
		capos_VirtualMemory_unmap_Params_builder u = capos_VirtualMemory_unmap_begin(&cl);
		capos_VirtualMemory_unmap_Params_set_addr(u, a);
		capos_VirtualMemory_unmap_Params_set_pages(u, 1);
		capos_VirtualMemory_unmap_call(vm, &cl, 0);
		if (i >= 0)
			samples[i] = tsc() - t0;
	}
	report("vm-map-touch-unmap", 1, nsamples);
}

static capos_Notification make_notification(void)
{
	RT_CLIENT(cl, 64);
	capos_ObjectFactory_notification_call(RT_CAP(capos_ObjectFactory, "factory"), &cl, 0);
	return (capos_Notification){ cl.new_cap };
}

/* Signal -> wake across processes: this process signals "note", the child
 * (waiting on it) wakes and signals "ready", on which this process waits. */
static void notify_pingpong(capos_ProcessSpawner spawner, int n)
{
	capos_Notification note = make_notification(), ready = make_notification();
	char count[12];
	fmt_snprintf(count, sizeof count, "%d", warmup + n);
	const char *args[2] = { "pong", count };
	struct rt_grant g[2] = {
		{ "note", note.id, capos_Notification_ID, 0, capos_Notification_rightWait },
		{ "ready", ready.id, capos_Notification_ID, 0, capos_Notification_rightSignal },
	};
	struct rt_spawn_args a = { "notify-child", "notify-child", g, 2, args, 2, 0 };
	capos_ProcessHandle h;
	if (!note.id || !ready.id || rt_spawn(spawner, &a, &h, 0) != CAPOS_OK)
		return;
	RT_CLIENT(cl, 64);
	uint64_t word;
	for (int i = -warmup; i < n; i++) {
		uint64_t t0 = tsc();
		capos_Notification_signal_Params_set_bits(capos_Notification_signal_begin(&cl), 1);
		capos_Notification_signal_call(note, &cl, 0);
		struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = ready.id, .buf = (uint64_t)(uintptr_t)&word,
			                 .buf_cap = sizeof word };
		rt_submit_wait(&sqe, 0);
		if (i >= 0)
			samples[i] = tsc() - t0;
	}
	report("notify-signal-wake", 2, n);
	int64_t code;
	rt_wait(h, &code);
	rt_release(h.id);
	rt_release(note.id);
	rt_release(ready.id);
}

/* True if the argument ends in "/ipc". */
static bool strstr_ipc(const char *s)
{
	size_t n = strlen(s);
	return n >= 4 && !strcmp(s + n - 4, "/ipc");
}

/* Parses "SAMPLES[/SPAWNS][/table]" (table: rows for a person, the shell's bench). */
static void parse_counts(const char *s)
{
	int v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	nsamples = v < 1 ? 1 : v;
	if (*s == '/') {
		v = 0;
		for (s++; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (*s - '0');
		nspawns = v;
	}
	nspawns = nspawns < 1 ? 1 : nspawns > nsamples ? nsamples : nspawns;
	if (!strcmp(s, "/table"))
		bench_table = 1;
	warmup = nsamples < 100 ? nsamples : 100;
}

/* outb to port 0x80 (POST codes, harmless under QEMU): through the ring,
 * then with the instruction itself once IoPort.direct allowed it. */
static void outb_bench(void)
{
	capos_IoPort root = RT_CAP(capos_IoPort, "ioports");
	RT_CLIENT(cl, 64);
	capos_IoPort_restrict_Params_builder rp = capos_IoPort_restrict_begin(&cl);
	capos_IoPort_restrict_Params_set_offset(rp, 0x80);
	capos_IoPort_restrict_Params_set_count(rp, 1);
	if (capos_IoPort_restrict_call(root, &cl, 0) < 0)
		return;
	capos_IoPort port = { cl.new_cap };
	for (int i = 0; i < nsamples; i++) {
		RT_CLIENT(oc, 64);
		capos_IoPort_out_Params_builder p = capos_IoPort_out_begin(&oc);
		capos_IoPort_out_Params_set_width(p, 1);
		capos_IoPort_out_Params_set_value(p, (uint32_t)i & 0xFF);
		uint64_t t0 = tsc();
		capos_IoPort_out_call(port, &oc, 0);
		samples[i] = tsc() - t0;
	}
	report("outb-ring", 1, nsamples);
	RT_CLIENT(dc, 64);
	if (capos_IoPort_direct_call(port, &dc, 0) < 0)
		return;
	for (int i = 0; i < nsamples; i++) {
		uint64_t t0 = tsc();
		__asm__ volatile("outb %0, $0x80" : : "a"((uint8_t)i));
		samples[i] = tsc() - t0;
	}
	report("outb-direct", 1, nsamples);
	rt_release(port.id);
}

/* The RTC's periodic interrupt (IRQ 8, 1024 Hz) to this process: cycles
 * from the kernel's handler (firedAt) to the wait's return. */
static void irq_bench(int n)
{
	capos_IoPort root = RT_CAP(capos_IoPort, "ioports"), rtc;
	capos_IrqLine line;
	capos_Notification note;
	if (!root.id || hw_restrict(root, 0x70, 2, &rtc) != CAPOS_OK || hw_notification(&note) != CAPOS_OK ||
	    hw_irq_line(8, &line) != CAPOS_OK || hw_bind(line, note.id, 1) != CAPOS_OK) {
		printf("bench: irq-to-driver skipped (no IRQ 8 here)\n");
		return;
	}
	rtc_periodic(rtc, 6);
	int got = 0;
	for (int i = 0; i < n; i++) {
		if (hw_wait(note, 1000000000ull) != 1)
			break;
		uint64_t woke = tsc();
		RT_CLIENT(cl, 64);
		capos_IrqLine_info_Results r;
		if (capos_IrqLine_info_call(line, &cl, &r) < 0)
			break;
		samples[got++] = woke - capos_IrqLine_info_Results_get_firedAt(r);
		rtc_read(rtc, 0x0C);
		hw_ack(line);
	}
	rtc_stop(rtc);
	if (got)
		report("irq-to-driver", 1, got);
	rt_release(line.id);
	rt_release(note.id);
	rt_release(rtc.id);
}

int main(void)
{
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "server"))
		return serve();
	if (rt_argc() == 1 && !strncmp(rt_arg(0), "p-", 2))
		return profile(rt_arg(0));
	if (rt_argc())
		parse_counts(rt_arg(0));
	samples = malloc((size_t)nsamples * sizeof(uint64_t));
	if (!samples) {
		printf("bench: FAILED: no memory for %d samples\n", nsamples);
		return 1;
	}
	printf("bench: capOS %d samples per operation, %d for spawn+wait\n", nsamples, nspawns);
	capos_Null null = RT_CAP(capos_Null, "null");
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	RT_CLIENT(cl, 64);
	RT_CLIENT(stats, 128);
	capos_FrameAllocator_stats_Results st;
	if (capos_FrameAllocator_stats_call(RT_CAP(capos_FrameAllocator, "frames"), &stats, &st) >= 0)
		printf("bench: kernel memory charged to a process at start: %llu bytes\n",
		       (unsigned long long)capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(st));
	bench_calibrate(samples, nsamples);
	if (rt_argc() && strstr_ipc(rt_arg(0))) { /* "SAMPLES/SPAWNS/ipc": the IPC figures only (bench/run
	                                            * boots with ipcfast=0 for the general path's) */
		ipc_bench(spawner, null.id);
		printf("bench: done\n");
		return 0;
	}
	for (int i = -warmup; i < nsamples; i++) {
		uint64_t t0 = tsc();
		sys_cap_enter(0, 0);
		if (i >= 0)
			samples[i] = tsc() - t0;
	}
	report("cap-enter-empty", 1, nsamples);
	static const uint32_t batches[] = { 1, 16, 64 };
	for (uint32_t b = 0; b < 3; b++) {
		char what[24];
		fmt_snprintf(what, sizeof what, "nop-batch%u", batches[b]);
		nop_batch(batches[b]);
		report(what, batches[b], nsamples);
	}
	for (int i = -warmup; i < nsamples; i++) {
		uint64_t t0 = tsc();
		capos_Null_nop_call(null, &cl, 0);
		if (i >= 0)
			samples[i] = tsc() - t0;
	}
	report("null-call", 1, nsamples);
	irq_bench(nsamples < 200 ? nsamples : 200); /* samples[] holds nsamples */
	ipc_bench(spawner, null.id);
	for (int i = 0; i < nspawns; i++) {
		struct rt_spawn_args a = { "exit0", "exit0", 0, 0, 0, 0, 0 };
		capos_ProcessHandle h;
		int64_t code;
		uint64_t t0 = tsc();
		rt_spawn(spawner, &a, &h, 0);
		rt_wait(h, &code);
		rt_release(h.id);
		samples[i] = tsc() - t0;
	}
	report("spawn-wait", 1, nspawns);
	vm_page();
	notify_pingpong(spawner, nsamples);
	/* Last: once this process may use ports directly, every switch into
	 * and out of it edits the TSS I/O bitmap (arch_io_switch, about 40
	 * instructions), which the figures above must not carry. */
	outb_bench();
	printf("bench: done\n");
	return 0;
}
