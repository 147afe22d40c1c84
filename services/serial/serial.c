/* serial: the COM1 driver, in ring 3 (docs/hardware.md, "serial").
 *
 * Grants: "uart" (IoPort 0x3F8-0x3FF, with rightDirect: it runs in/out
 * itself), "irq" (IrqLine 4), "kernellog" (KernelLog: the kernel writes
 * its own messages to a buffer while this driver owns the UART),
 * "factory" (for its one Notification). Exports: "console" (Console: every
 * service's output) and "input" (ByteInput: what arrives on the line).
 *
 * One loop keeps three ring operations outstanding — a RECV on each export
 * and a wait on the Notification — and handles whichever completes.
 *   RX: IRQ 4 (the 16550's received-data interrupt) drains the receiver
 *       into a 4 KiB buffer (bytes that do not fit are counted, never
 *       block the line), acks the line, and answers waiting ByteInput.read
 *       calls in the order they came; a read finding nothing keeps its
 *       reply capability until bytes arrive (at most READERS wait; later
 *       calls wait in the endpoint's queue).
 *   TX: Console.write/writeLine write the text at once (\n as \r\n),
 *       polling the transmitter with a bound, so a line is out when the
 *       call returns; the text ends at a NUL, if it has one
 *       call returns; text over 4096 bytes is BAD_ARGUMENT, as the
 *       kernel's Console. The kernel log is written a whole line at a
 *       time, so its lines never split a line of this writer's.
 * Argument "fault-after=N" (tests only): the N-th Console call faults, to
 * show init restarting the driver (test driver-confinement). */
#include "lib/byte_ring.h"
#include "lib/errors.h"
#include "lib/fmt.h"
#include "lib/mem.h"
#include "rt/capos.h"

#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_OVERRUN 0x02
#define LSR_THR_EMPTY 0x20
#define IER_RX_DATA 0x01
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the UART's interrupt onto the ISA line */
#define FCR_ENABLE_CLEAR 0x07 /* FIFOs on and cleared, interrupt at 1 byte */

#define TEXT_MAX 4096u   /* Console: per call, as the kernel's */
#define READ_MAX 4096u   /* ByteInput.read's max */
#define RX_BYTES 4096u
#define READERS 16u
#define TX_SPINS 100000u /* polls of the transmitter per byte before it is dropped */
#define BIT_IRQ 1u
#define BIT_KLOG 2u

static uint16_t base;
static capos_IrqLine line;
static capos_KernelLog klog;
static uint8_t rx_bytes[RX_BYTES];
static struct byte_ring rx = { .buf = rx_bytes, .cap = RX_BYTES };
static uint64_t rx_overruns, tx_dropped;
static struct reader {
	uint32_t reply, max;
} readers[READERS];
static uint32_t nreaders; /* readers[0] came first */
static uint32_t writes, fault_after;

static void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ------------------------------------------------------------ transmit */

/* Writes c once the transmitter takes it. A transmitter that does not
 * within the bound loses the byte (counted), and until it takes one again
 * each byte waits a hundredth of that: a stuck UART must not stop the
 * service, nor make every line cost the full wait. */
static void put_raw(uint8_t c)
{
	static bool stuck;
	uint32_t spins = 0, bound = stuck ? TX_SPINS / 100 : TX_SPINS;
	while (!(inb(base + UART_LSR) & LSR_THR_EMPTY))
		if (++spins == bound) {
			tx_dropped++;
			stuck = true;
			return;
		}
	stuck = false;
	outb(base + UART_DATA, c);
}

/* The last byte written ended a line: the kernel's lines go out only then
 * (a writer's line left open is closed by the next of its writes; after
 * HOLD_NS without one the kernel's lines go out anyway). */
static bool at_line_start = true;
static bool klog_waiting;
#define HOLD_NS 100000000ull
/* While a read waits, the receiver is also looked at this often: an
 * interrupt lost on the way (an edge while the line was masked) costs this
 * much latency, never a hang. */
#define POLL_NS 50000000ull

static void tx(const char *s, size_t len)
{
	if (len)
		at_line_start = s[len - 1] == '\n';
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put_raw('\r');
		put_raw((uint8_t)s[i]);
	}
}

/* The kernel's text, written a whole line at a time (a partial line waits
 * for its end; one longer than the buffer goes out as it is). */
static char kline[512];
static uint32_t klen;

static void klog_bytes(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		kline[klen++] = (char)d[i];
		if (d[i] == '\n' || klen == sizeof kline) {
			tx(kline, klen);
			klen = 0;
		}
	}
}

/* Reads the kernel log out until it is empty (unless a line of another
 * writer is open and force is false: then later). */
static void klog_drain(bool force)
{
	klog_waiting = !force && !at_line_start;
	if (klog_waiting)
		return;
	if (!at_line_start)
		tx("\n", 1);
	for (;;) {
		RT_CLIENT(cl, READ_MAX + 128);
		capos_KernelLog_read_Params_set_max(capos_KernelLog_read_begin(&cl), READ_MAX);
		capos_KernelLog_read_Results res;
		if (capos_KernelLog_read_call(klog, &cl, &res) < 0)
			return;
		uint64_t lost = capos_KernelLog_read_Results_get_lost(res);
		if (lost) {
			char note[64];
			int n = fmt_snprintf(note, sizeof note, "[kernel log: %llu bytes lost]\n", (unsigned long long)lost);
			tx(note, (size_t)n);
		}
		struct capnp_data d = capos_KernelLog_read_Results_get_data(res);
		if (!d.len)
			return;
		klog_bytes(d.ptr, (uint32_t)d.len);
	}
}

/* ------------------------------------------------------------ receive */

static void rx_drain(void)
{
	uint8_t lsr;
	while ((lsr = inb(base + UART_LSR)) & LSR_DATA_READY) {
		rx_overruns += (lsr & LSR_OVERRUN) != 0;
		byte_ring_put(&rx, inb(base + UART_DATA)); /* full: counted in rx.lost */
	}
}

/* Answers waiting reads, oldest first, while there are bytes. A read whose
 * caller has gone (its RETURN fails) takes nothing. */
static void answer_readers(void)
{
	static uint64_t arena[(READ_MAX + 64) / 8];
	static uint8_t chunk[READ_MAX];
	while (nreaders && rx.len) {
		struct reader r = readers[0];
		memmove(readers, readers + 1, --nreaders * sizeof readers[0]);
		uint32_t n = byte_ring_peek(&rx, chunk, r.max);
		struct capnp_builder b;
		capnp_builder_init(&b, arena, sizeof arena);
		capos_ByteInput_read_Results_set_data(capos_ByteInput_read_Results_init_root(&b), chunk, n);
		uint32_t len = (uint32_t)capnp_builder_finish(&b);
		if (rt_return(r.reply, arena, len, 0) >= 0)
			byte_ring_drop(&rx, n);
	}
}

/* IRQ 4: take what arrived, let the line fire again, then look once more
 * (a byte that came between the drain and the ack raised no new edge). */
static void on_irq(void)
{
	rx_drain();
	RT_CLIENT(cl, 64);
	capos_IrqLine_ack_call(line, &cl, 0);
	rx_drain();
	answer_readers();
}

/* ------------------------------------------------------------ the exports */

static int console_text(struct capnp_text t, bool newline)
{
	if (t.len > TEXT_MAX)
		return CAPOS_E_BAD_ARGUMENT;
	static volatile uintptr_t nowhere = 8; /* unmapped: the test's crash is a #PF */
	if (fault_after && ++writes == fault_after)
		*(volatile uint32_t *)nowhere = 0;
	/* Text ends at a NUL, as the kernel Console's does (Cap'n Proto Text
	 * has none inside). */
	tx(t.str ? t.str : "", t.str ? strnlen(t.str, t.len) : 0);
	if (newline)
		tx("\n", 1);
	return CAPOS_OK;
}

static int con_write(void *self, struct capnp_call *call, capos_Console_write_Params p,
                     capos_Console_write_Results_builder r)
{
	(void)self, (void)call, (void)r;
	return console_text(capos_Console_write_Params_get_text(p), false);
}

static int con_write_line(void *self, struct capnp_call *call, capos_Console_writeLine_Params p,
                          capos_Console_writeLine_Results_builder r)
{
	(void)self, (void)call, (void)r;
	return console_text(capos_Console_writeLine_Params_get_text(p), true);
}

static const struct capos_Console_server console_server = { .write = con_write, .writeLine = con_write_line };

static int console_handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	(void)ctx;
	return capos_Console_dispatch(&console_server, (void *)h, c);
}

/* ByteInput.read: checked here, answered by answer_readers (now or when
 * bytes come); *ctx is set when the reply was kept. */
static int in_read(void *self, struct capnp_call *call, capos_ByteInput_read_Params p,
                   capos_ByteInput_read_Results_builder r)
{
	(void)call, (void)r;
	const struct capos_recv_header *h = self;
	uint32_t max = capos_ByteInput_read_Params_get_max(p);
	if (max == 0 || max > READ_MAX)
		return CAPOS_E_BAD_ARGUMENT;
	readers[nreaders++] = (struct reader){ h->reply, max };
	return CAPOS_OK;
}

static const struct capos_ByteInput_server input_server = { .read = in_read };

static int input_handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	uint32_t before = nreaders;
	int r = capos_ByteInput_dispatch(&input_server, (void *)h, c);
	*(bool *)ctx = nreaders != before;
	return r;
}

/* ------------------------------------------------------------ the loop */

struct op {
	uint32_t cap;
	uint64_t *buf;
	uint32_t bytes;
	uint64_t ud; /* 0: not posted */
};

static void post(struct op *o)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = o->cap, .buf = (uint64_t)(uintptr_t)o->buf,
		                 .buf_cap = o->bytes, .user_data = rt_ring_next_user_data() };
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	o->ud = sqe.user_data;
}

/* Whether o's RECV completed (result in *result); it is then not posted. */
static bool done(struct op *o, int *result)
{
	struct capos_cqe c;
	if (!o->ud || !rt_ring_poll(o->ud, &c))
		return false;
	o->ud = 0;
	*result = c.result;
	return true;
}

/* Runs a received call through handle and answers it, unless the handler
 * kept the reply. */
static void serve_call(struct op *o, rt_handler handle, void *ctx, bool *kept)
{
	static uint64_t arena[512];
	struct capos_sqe ret;
	*kept = false;
	rt_dispatch((const struct capos_recv_header *)o->buf, handle, ctx, arena, sizeof arena, &ret);
	if (!*kept)
		rt_submit_wait(&ret, 0); /* a caller that died meanwhile: nothing to do */
}

static int setup(void)
{
	capos_IoPort uart = RT_CAP(capos_IoPort, "uart");
	line = RT_CAP(capos_IrqLine, "irq");
	klog = RT_CAP(capos_KernelLog, "kernellog");
	RT_CLIENT(cl, 128);
	capos_IoPort_info_Results info;
	if (capos_IoPort_info_call(uart, &cl, &info) < 0 || capos_IoPort_info_Results_get_count(info) < 8)
		return 1;
	base = (uint16_t)capos_IoPort_info_Results_get_base(info);
	if (capos_IoPort_direct_call(uart, &cl, 0) < 0)
		return 2;
	outb(base + UART_IER, 0);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	(void)inb(base + UART_LSR);
	return 0;
}

/* The Notification both IRQ 4 and the kernel log signal. */
static int bind_events(uint32_t *note)
{
	RT_CLIENT(cl, 128);
	if (capos_ObjectFactory_notification_call(RT_CAP(capos_ObjectFactory, "factory"), &cl, 0) < 0)
		return 3;
	*note = cl.new_cap;
	capos_IrqLine_bind_Params_builder b = capos_IrqLine_bind_begin(&cl);
	capos_IrqLine_bind_Params_set_notification_cap(b, (capos_Notification){ *note });
	capos_IrqLine_bind_Params_set_bits(b, BIT_IRQ);
	if (capos_IrqLine_bind_call(line, &cl, 0) < 0)
		return 4;
	capos_KernelLog_bind_Params_builder k = capos_KernelLog_bind_begin(&cl);
	capos_KernelLog_bind_Params_set_notification_cap(k, (capos_Notification){ *note });
	capos_KernelLog_bind_Params_set_bits(k, BIT_KLOG);
	int r = capos_KernelLog_bind_call(klog, &cl, 0); /* BUSY: the UART is not handed over: nothing to read */
	if (r < 0 && r != CAPOS_E_BUSY)
		return 5;
	outb(base + UART_IER, IER_RX_DATA);
	return 0;
}

/* Handles whichever of the three operations completed (their completions
 * may also have been kept by the runtime during another call); false when
 * none had. Exits when an export's endpoint is gone (init stopped us). */
static bool step(struct op *con, struct op *in, struct op *note, const uint64_t *nbits)
{
	int res;
	bool kept, any = false;
	if (done(note, &res)) {
		any = true;
		if (res >= 0 && (*nbits & BIT_IRQ))
			on_irq();
		if (res >= 0 && (*nbits & BIT_KLOG))
			klog_drain(false);
	}
	if (done(con, &res)) {
		if (res < 0)
			rt_exit(7);
		any = true;
		serve_call(con, console_handle, 0, &kept);
	}
	if (done(in, &res)) {
		if (res < 0)
			rt_exit(7);
		any = true;
		serve_call(in, input_handle, &kept, &kept);
		answer_readers();
	}
	if (klog_waiting && at_line_start)
		klog_drain(false); /* the open line has ended */
	return any;
}

int main(void)
{
	for (uint32_t i = 0; i < rt_argc(); i++)
		if (!strncmp(rt_arg(i), "fault-after=", 12))
			for (const char *a = rt_arg(i) + 12; *a >= '0' && *a <= '9'; a++)
				fault_after = fault_after * 10 + (uint32_t)(*a - '0');
	static uint64_t cbuf[RT_SERVE_BUF / 8], ibuf[64], nbits;
	struct op con = { rt_capset_find("console", capos_Endpoint_ID), cbuf, sizeof cbuf, 0 };
	struct op in = { rt_capset_find("input", capos_Endpoint_ID), ibuf, sizeof ibuf, 0 };
	struct op note = { 0, &nbits, sizeof nbits, 0 };
	int r = setup();
	if (!r)
		r = bind_events(&note.cap);
	if (r || !con.cap || !in.cap)
		return r ? r : 6;
	klog_drain(true);
	rx_drain();
	for (;;) {
		if (!con.ud)
			post(&con);
		if (!in.ud && nreaders < READERS)
			post(&in);
		if (!note.ud)
			post(&note);
		if (step(&con, &in, &note, &nbits))
			continue;
		sys_cap_enter(1, klog_waiting ? HOLD_NS : nreaders ? POLL_NS : CAPOS_TIMEOUT_NEVER);
		if (step(&con, &in, &note, &nbits))
			continue;
		if (klog_waiting)
			klog_drain(true); /* a line left open too long */
		if (nreaders) {
			rx_drain();
			answer_readers();
		}
	}
}
