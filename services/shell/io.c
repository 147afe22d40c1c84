/* The shell's input and output. Output: Console.write on "console" (the
 * serial service's, or the kernel's). Input: one ByteInput.read on "input"
 * is kept in flight while there is room in the type-ahead queue, so bytes
 * arrive while a command runs (a script piped in keeps its order, and
 * Ctrl-C reaches a foreground command); when the queue is full no read is
 * posted and the serial service holds the rest. */
#include "services/shell/shell.h"

#define READ_MAX 1024u
#define QUEUE_BYTES 8192u

static capos_Console console;
static capos_ByteInput input;
static bool input_checked, input_ended;

static uint64_t rd_buf[(READ_MAX + 256) / 8];
static uint64_t rd_ud;
static bool rd_busy;

static uint8_t queue[QUEUE_BYTES];
static uint32_t q_head, q_len;

void sh_write(const char *s, size_t n)
{
	if (!console.id)
		console = RT_CAP(capos_Console, "console");
	while (n > 0) {
		size_t chunk = n < 2048 ? n : 2048;
		RT_CLIENT(cl, 2048 + 128);
		capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), s, chunk);
		capos_Console_write_call(console, &cl, 0);
		s += chunk, n -= chunk;
	}
}

bool sh_has_input(void)
{
	if (!input_checked) {
		input = RT_CAP(capos_ByteInput, "input");
		input_checked = true;
	}
	return input.id != 0;
}

/* Posts a ByteInput.read if none is in flight and the queue has room. */
static void post_read(void)
{
	if (!sh_has_input() || rd_busy || input_ended || QUEUE_BYTES - q_len < READ_MAX)
		return;
	struct capnp_builder b;
	capnp_builder_init(&b, rd_buf, sizeof rd_buf);
	capos_ByteInput_read_Params_set_max(capos_ByteInput_read_Params_init_root(&b), READ_MAX);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	rd_ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = input.id, .interface_id = capos_ByteInput_ID,
		                 .method = capos_ByteInput_read_ORDINAL, .user_data = rd_ud,
		                 .buf = (uint64_t)(uintptr_t)rd_buf, .params_len = len, .buf_cap = sizeof rd_buf };
	int r;
	while ((r = rt_ring_submit(&sqe)) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	rd_busy = r == CAPOS_OK;
}

/* Moves a completed read's bytes into the queue; true if one completed. */
static bool collect_read(void)
{
	struct capos_cqe c;
	if (!rd_busy || !rt_ring_poll(rd_ud, &c))
		return false;
	rd_busy = false;
	struct capnp_msg msg;
	struct capnp_limits lim = capnp_limits_for_size(sizeof rd_buf, CAPNP_TRAVERSAL_FACTOR);
	if (c.result < 0 || capnp_msg_init(&msg, rd_buf, (size_t)c.result, &lim) != CAPNP_OK) {
		input_ended = true; /* the serial service refused or is gone: no more input */
		return true;
	}
	struct capnp_data d = capos_ByteInput_read_Results_get_data(capos_ByteInput_read_Results_root(&msg));
	for (size_t i = 0; i < d.len && q_len < QUEUE_BYTES; i++)
		queue[(q_head + q_len++) % QUEUE_BYTES] = d.ptr[i];
	return true;
}

/* Waits until some completion arrives or timeout_ns passes (0: just
 * looks), at most SLICE_NS at a time: a completion another poll moved aside
 * just before cap_enter would not wake it, so no wait is unbounded. */
#define SLICE_NS 100000000ull

static void pump(uint64_t timeout_ns)
{
	post_read();
	if (collect_read())
		return post_read();
	if (timeout_ns)
		sys_cap_enter(1, timeout_ns < SLICE_NS ? timeout_ns : SLICE_NS);
	collect_read();
	post_read();
}

int sh_getc(uint8_t *b, uint64_t timeout_ns)
{
	do {
		if (q_len) {
			*b = queue[q_head];
			q_head = (q_head + 1) % QUEUE_BYTES, q_len--;
			return 1;
		}
		if (input_ended || !sh_has_input())
			return -1;
		pump(timeout_ns);
	} while (timeout_ns == CAPOS_TIMEOUT_NEVER || q_len);
	return 0;
}

/* Drops the queue up to and including the last Ctrl-C; true if there was one. */
static bool take_interrupt(void)
{
	for (uint32_t i = q_len; i > 0; i--) {
		if (queue[(q_head + i - 1) % QUEUE_BYTES] == 0x03) {
			q_head = (q_head + i) % QUEUE_BYTES, q_len -= i;
			return true;
		}
	}
	return false;
}

bool sh_interrupted(uint64_t timeout_ns)
{
	if (take_interrupt())
		return true;
	pump(timeout_ns);
	return take_interrupt();
}

/* Submits ProcessHandle.wait for h; its results land in buf. */
static uint64_t post_wait(capos_ProcessHandle h, uint64_t *buf, uint32_t buf_bytes)
{
	struct capnp_builder b;
	capnp_builder_init(&b, buf, buf_bytes);
	capos_ProcessHandle_wait_Params_init_root(&b);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	uint64_t ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = h.id, .interface_id = capos_ProcessHandle_ID,
		                 .method = capos_ProcessHandle_wait_ORDINAL, .user_data = ud,
		                 .buf = (uint64_t)(uintptr_t)buf, .params_len = len, .buf_cap = buf_bytes };
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	return ud;
}

int sh_wait(capos_ProcessHandle h, int64_t *code, bool *killed)
{
	uint64_t buf[8];
	uint64_t ud = post_wait(h, buf, sizeof buf);
	struct capos_cqe c;
	*killed = false;
	while (!rt_ring_poll(ud, &c)) {
		if (sh_interrupted(SLICE_NS) && !*killed) {
			RT_CLIENT(cl, 64);
			*killed = capos_ProcessHandle_kill_call(h, &cl, 0) >= 0;
			sh_write("^C\r\n", 4);
		}
	}
	if (c.result < 0)
		return c.result;
	struct capnp_msg msg;
	struct capnp_limits lim = capnp_limits_for_size(sizeof buf, CAPNP_TRAVERSAL_FACTOR);
	if (capnp_msg_init(&msg, buf, (size_t)c.result, &lim) != CAPNP_OK)
		return CAPOS_E_BAD_MESSAGE;
	*code = capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&msg));
	return CAPOS_OK;
}
