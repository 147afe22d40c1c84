/* ring-corruption: garbage in every SQE field and in the header indices.
 * Every submission completes (with an error unless it happens to be a valid
 * NOP), nothing crashes, and the process goes on working afterwards. */
#include "demos/demo.h"

const char demo_name[] = "ring-corruption";

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static void random_sqe(struct capos_sqe *s, uint32_t null)
{
	uint8_t *b = (uint8_t *)s;
	for (size_t i = 0; i < sizeof *s; i += 8) {
		uint64_t v = next();
		memcpy(b + i, &v, 8);
	}
	if (!(next() % 4))
		s->opcode = (uint8_t)(next() % 6); /* often a real opcode, with junk elsewhere */
	if (!(next() % 4))
		s->cap = null;
	if (!(next() % 3))
		s->flags = 0;
}

int main(void)
{
	uint32_t null = rt_capset_find("null", capos_Null_ID);
	struct capos_ring *r = rt.ring;
	enum { ROUNDS = 400 };
	uint32_t completed = 0, errors = 0, ok_nops = 0;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		struct capos_sqe s;
		random_sqe(&s, null);
		s.user_data = 0xABC00000ull + i;
		bool nop = s.opcode == CAPOS_OP_NOP && s.flags == 0;
		bool release = s.opcode == CAPOS_OP_RELEASE && s.flags == 0 && s.cap == null;
		if (release)
			s.cap ^= 0x10000; /* keep our Null: a stale generation instead */
		int res = demo_submit_wait(s, 0);
		completed += res != CAPOS_E_BUSY;
		errors += res < 0;
		ok_nops += nop && res == 0;
	}
	CHECK(completed == ROUNDS, "%u random submissions all completed", ROUNDS);
	printf("%s: %u errors, %u valid NOPs\n", demo_name, errors, ok_nops);
	CHECK(errors + ok_nops >= ROUNDS - 5, "junk fails cleanly (at most a few junk CALLs happen to be valid)");

	uint32_t tail = r->sq_tail;
	r->sq_tail = tail + 1000;
	int64_t e = sys_cap_enter(0, 0);
	r->sq_tail = tail; /* repaired before printing, which uses the ring */
	CHECK(e == CAPOS_E_RING_CORRUPT, "sq_tail a thousand ahead is refused (%lld)", (long long)e);

	tail = r->sq_tail;
	r->sq_tail = tail - 1;
	e = sys_cap_enter(0, 0);
	r->sq_tail = tail;
	CHECK(e == CAPOS_E_RING_CORRUPT, "sq_tail moved backwards is refused (%lld)", (long long)e);

	uint32_t head = r->sq_head;
	r->sq_entries = 3;
	r->cq_entries = 0;
	r->sq_head = head + 12345; /* the kernel's copy of sq_head is the real one */
	e = sys_cap_enter(0, 0);
	r->sq_head = head; /* the runtime reads sq_head to find free SQ slots */
	struct capos_sqe nop = { .opcode = CAPOS_OP_NOP };
	CHECK(e == 0 && demo_submit_wait(nop, 0) == 0, "geometry and sq_head written by the process are ignored");

	uint32_t cq_head = r->cq_head;
	r->cq_head = cq_head + 5000; /* claims to have read completions that never came */
	nop.user_data = 77;
	rt_ring_submit(&nop);
	int64_t while_bad = sys_cap_enter(0, 0);
	r->cq_head = cq_head;
	int64_t repaired = sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
	struct capos_cqe c;
	bool arrived = rt_ring_wait(77, &c) && c.result == 0;
	CHECK(while_bad == 0, "a nonsense cq_head reads as a full CQ: nothing consumed (%lld)", (long long)while_bad);
	CHECK(repaired == 1 && arrived, "with cq_head repaired the pending NOP runs and completes (%lld)",
	      (long long)repaired);

	RT_CLIENT(cl, 64);
	capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), 5);
	capos_Null_echo_Results res;
	CHECK(capos_Null_echo_call((capos_Null){ null }, &cl, &res) >= 0 && capos_Null_echo_Results_get_value(res) == 5,
	      "the process still works");
	return demo_finish();
}
