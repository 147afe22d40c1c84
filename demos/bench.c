/* bench [SPAWNS]: cycles per operation, measured with serialized rdtsc,
 * median of SAMPLES runs each: a NOP through cap_enter (batch 1, and batch
 * 64 per op), a Null CALL, and spawn+wait of a trivial child (SPAWNS runs,
 * default SAMPLES: spawning is slow where page-table writes trap, as under
 * a shadow-paging hypervisor), VirtualMemory map + touch + unmap of one
 * page, and a Notification signal waking a waiter in another process (a
 * ping-pong with notify-child, reported per hop), and an outb to port 0x80
 * through an IoPort CALL and directly after IoPort.direct (the TSS I/O
 * permission bitmap), and an interrupt's way to its driver: from the
 * kernel's handler for the RTC's IRQ 8 to the driver's return from the wait
 * (IrqLine.info's firedAt). Not a test: the figures
 * are printed for bench/ring to collect. */
#include "demos/hw.h"
#include "lib/fmt.h"

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

/* One raw CALL of bytes (>= sizeof(struct stamps)) through cap, optionally
 * moving *moved there and back; returns the round trip. */
static uint64_t ipc_once(uint32_t cap, uint32_t bytes, uint32_t *moved, struct stamps *st)
{
	static uint64_t buf[(XFER + 256) / 8];
	uint32_t off = moved ? XFER : 0;
	struct capos_transfer *t = (struct capos_transfer *)buf;
	if (moved)
		*t = (struct capos_transfer){ .count = 1, .caps = { { *moved, CAPOS_TRANSFER_MOVE, capos_Null_ID } } };
	struct capos_sqe call = { .opcode = CAPOS_OP_CALL, .flags = moved ? CAPOS_SQE_TRANSFER : 0, .cap = cap,
		                  .interface_id = capos_Null_ID, .method = capos_Null_echo_ORDINAL, .user_data = 3,
		                  .buf = (uint64_t)(uintptr_t)buf, .params_len = off + bytes, .buf_cap = off + bytes };
	struct stamps *s = (struct stamps *)((uint8_t *)buf + off);
	uint64_t t0 = tsc();
	s->sent = t0;
	raw_submit(&call);
	sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
	uint64_t t1 = tsc();
	struct capos_ring *r = rt.ring;
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
	static const uint32_t sizes[] = { 24, 64 };
	uint64_t *one_way_call = malloc(SAMPLES * sizeof(uint64_t)), *one_way_ret = malloc(SAMPLES * sizeof(uint64_t));
	for (uint32_t k = 0; k < 2; k++) {
		struct stamps st;
		for (int i = 0; i < 100; i++) /* warm-up */
			ipc_once(client, sizes[k], 0, &st);
		for (int i = 0; i < SAMPLES; i++) {
			samples[i] = ipc_once(client, sizes[k], 0, &st);
			one_way_call[i] = st.received - st.sent;
			one_way_ret[i] = samples[i] + st.sent - st.answered;
		}
		char what[40];
		fmt_snprintf(what, sizeof what, "ipc-roundtrip-%ub", sizes[k]);
		report(what, 1, SAMPLES);
		uint64_t *keep = samples;
		samples = one_way_call;
		fmt_snprintf(what, sizeof what, "ipc-call-oneway-%ub", sizes[k]);
		report(what, 1, SAMPLES);
		samples = one_way_ret;
		fmt_snprintf(what, sizeof what, "ipc-return-oneway-%ub", sizes[k]);
		report(what, 1, SAMPLES);
		samples = keep;
	}
	uint32_t moved = null_cap;
	struct stamps st;
	for (int i = 0; i < SAMPLES; i++)
		samples[i] = ipc_once(client, 24, &moved, &st);
	report("ipc-roundtrip-move1", 1, SAMPLES);
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
	for (int i = 0; i < SAMPLES; i++) {
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
		samples[i] = tsc() - t0;
	}
	report("vm-map-touch-unmap", 1, SAMPLES);
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
	fmt_snprintf(count, sizeof count, "%d", n);
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
	for (int i = 0; i < n; i++) {
		uint64_t t0 = tsc();
		capos_Notification_signal_Params_set_bits(capos_Notification_signal_begin(&cl), 1);
		capos_Notification_signal_call(note, &cl, 0);
		struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = ready.id, .buf = (uint64_t)(uintptr_t)&word,
			                 .buf_cap = sizeof word };
		rt_submit_wait(&sqe, 0);
		samples[i] = tsc() - t0;
	}
	report("notify-signal-wake", 2, n);
	int64_t code;
	rt_wait(h, &code);
	rt_release(h.id);
	rt_release(note.id);
	rt_release(ready.id);
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
	for (int i = 0; i < SAMPLES; i++) {
		RT_CLIENT(oc, 64);
		capos_IoPort_out_Params_builder p = capos_IoPort_out_begin(&oc);
		capos_IoPort_out_Params_set_width(p, 1);
		capos_IoPort_out_Params_set_value(p, (uint32_t)i & 0xFF);
		uint64_t t0 = tsc();
		capos_IoPort_out_call(port, &oc, 0);
		samples[i] = tsc() - t0;
	}
	report("outb-ring", 1, SAMPLES);
	RT_CLIENT(dc, 64);
	if (capos_IoPort_direct_call(port, &dc, 0) < 0)
		return;
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = tsc();
		__asm__ volatile("outb %0, $0x80" : : "a"((uint8_t)i));
		samples[i] = tsc() - t0;
	}
	report("outb-direct", 1, SAMPLES);
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
	outb_bench();
	irq_bench(200);
	ipc_bench(spawner, null.id);
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
	vm_page();
	notify_pingpong(spawner, spawns);
	return 0;
}
