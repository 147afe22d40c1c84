/* notify-child KIND (for notification and bench): "signal" signals bits 2
 * on the Notification granted as "note". "wait" posts a RECV on "note" and,
 * in the same cap_enter, signals "ready" (so the RECV is registered before
 * the parent hears of it), then waits forever. "pong N": N times, waits on
 * "note" and signals "ready". */
#include "lib/mem.h"
#include "rt/capos.h"

static int signal_bits(capos_Notification n, uint64_t bits)
{
	RT_CLIENT(cl, 64);
	capos_Notification_signal_Params_set_bits(capos_Notification_signal_begin(&cl), bits);
	return capos_Notification_signal_call(n, &cl, 0) < 0;
}

static uint64_t word;

static struct capos_sqe recv_sqe(capos_Notification n)
{
	return (struct capos_sqe){ .opcode = CAPOS_OP_RECV, .cap = n.id, .user_data = rt_ring_next_user_data(),
		                   .buf = (uint64_t)(uintptr_t)&word, .buf_cap = sizeof word };
}

int main(void)
{
	const char *kind = rt_argc() ? rt_arg(0) : "";
	capos_Notification note = RT_CAP(capos_Notification, "note");
	capos_Notification ready = RT_CAP(capos_Notification, "ready");
	if (!strcmp(kind, "signal"))
		return signal_bits(note, 2);
	if (!strcmp(kind, "wait")) {
		struct capos_sqe sqe = recv_sqe(note);
		if (rt_ring_submit(&sqe) || signal_bits(ready, 1))
			return 1;
		struct capos_cqe c;
		rt_ring_wait(sqe.user_data, &c);
		return 2; /* never reached: the parent kills it first */
	}
	if (!strcmp(kind, "pong") && rt_argc() > 1) {
		uint32_t n = 0;
		for (const char *c = rt_arg(1); *c >= '0' && *c <= '9'; c++)
			n = n * 10 + (uint32_t)(*c - '0');
		for (uint32_t i = 0; i < n; i++) {
			struct capos_sqe sqe = recv_sqe(note);
			if (rt_submit_wait(&sqe, 0) != 8 || signal_bits(ready, 1))
				return 3;
		}
		return 0;
	}
	return 4;
}
