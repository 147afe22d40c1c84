/* ipc-hostile: IPC misuse, each refused with its own error and nothing
 * lost or left behind. This process is the server (or, for a server that
 * dies, the client); children run this binary with a mode argument. */
#include "demos/demo.h"

const char demo_name[] = "ipc-hostile";

#define FLOOD 10u
#define QUEUE 4u

static capos_ProcessSpawner spawner;
static capos_ObjectFactory factory;
static uint64_t buf[512];

static int null_call(uint32_t cap)
{
	RT_CLIENT(cl, 64);
	return capos_Null_nop_call((capos_Null){ cap }, &cl, 0);
}

/* Child modes. */
static int child(const char *mode)
{
	uint32_t ep = rt_capset_find("ep", capos_Null_ID);
	if (!strcmp(mode, "call")) /* one call; exits with -result */
		return -null_call(ep);
	if (!strcmp(mode, "flood")) { /* FLOOD calls at once, never waited for */
		uint64_t scratch[FLOOD][2]; /* nop's results: an empty struct, 16 bytes */
		for (uint32_t i = 0; i < FLOOD; i++)
			rt_ring_submit(&(struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = ep, .interface_id = capos_Null_ID,
				                            .method = capos_Null_nop_ORDINAL, .user_data = 1000 + i,
				                            .buf = (uint64_t)(uintptr_t)scratch[i], .buf_cap = 16 });
		sys_cap_enter(FLOOD - QUEUE, CAPOS_TIMEOUT_NEVER);
		uint32_t full = 0;
		struct capos_ring *r = rt.ring;
		for (uint32_t i = r->cq_head; i != r->cq_tail; i++)
			full += r->cq[i & (CAPOS_RING_CQ_ENTRIES - 1)].result == CAPOS_E_QUEUE_FULL;
		return (int)full; /* then exits with QUEUE calls pending */
	}
	if (!strcmp(mode, "serve-once")) { /* receives one call and dies without answering */
		uint32_t serve = rt_capset_find("serve", capos_Endpoint_ID);
		return rt_recv(serve, buf, sizeof buf) < 0;
	}
	return 100;
}

static int spawn_child(const char *mode, const struct rt_grant *g, uint32_t ng, capos_ProcessHandle *h)
{
	struct rt_spawn_args a = { mode, "ipc-hostile", g, ng, (const char *const[]){ mode }, 1, 0 };
	return rt_spawn(spawner, &a, h, 0);
}

static int64_t wait_child(capos_ProcessHandle h)
{
	int64_t code = -1000;
	rt_wait(h, &code);
	rt_release(h.id);
	return code;
}

static void misuse(uint32_t serve, uint32_t client)
{
	int r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RETURN, .cap = 0x0001ffff }, 0);
	CHECK(r == CAPOS_E_BAD_CAP, "RETURN through a forged id: BAD_CAP (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RETURN, .cap = serve }, 0);
	CHECK(r == CAPOS_E_NOT_SUPPORTED, "RETURN through a serve capability: NOT_SUPPORTED (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RECV, .cap = client, .buf = (uint64_t)(uintptr_t)buf,
		                                 .buf_cap = sizeof buf }, 0);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "RECV on a client capability: PERMISSION_DENIED (%d)", r);
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_RECV, .cap = serve, .buf = (uint64_t)(uintptr_t)buf,
		                                 .buf_cap = sizeof(struct capos_recv_header) - 8 }, 0);
	CHECK(r == CAPOS_E_TOO_BIG, "RECV into a buffer smaller than the header: TOO_BIG (%d)", r);
	uint32_t stale = 0;
	rt_endpoint_mint(serve, 0, capos_rightsAll, &stale);
	rt_release(stale);
	uint64_t blk[sizeof(struct capos_transfer) / 8 + 2] = { 0 }; /* room for nop's results */
	struct capos_transfer *t = (struct capos_transfer *)blk;
	*t = (struct capos_transfer){ .count = 1, .caps = { { stale, CAPOS_TRANSFER_COPY, capos_Null_ID } } };
	r = demo_submit_wait((struct capos_sqe){ .opcode = CAPOS_OP_CALL, .flags = CAPOS_SQE_TRANSFER, .cap = client,
		                                 .interface_id = capos_Null_ID, .buf = (uint64_t)(uintptr_t)blk,
		                                 .params_len = sizeof blk, .buf_cap = sizeof blk }, 0);
	CHECK(r == CAPOS_E_STALE_CAP, "a transfer of a released capability: STALE_CAP (%d)", r);
}

/* A call answered once, then the used reply again; an exception. */
static void replies(uint32_t client, uint32_t serve)
{
	struct rt_grant g = { "ep", client, capos_Null_ID, 0, capos_rightsAll };
	capos_ProcessHandle h1 = { 0 }, h2 = { 0 };
	int r = spawn_child("call", &g, 1, &h1);
	const struct capos_recv_header *hd = (const void *)buf;
	r = r ? r : rt_recv(serve, buf, sizeof buf);
	uint32_t reply = r > 0 ? hd->reply : 0;
	r = rt_return(reply, 0, 0, 0);
	CHECK(r == CAPOS_OK, "a call is answered (%d)", r);
	r = rt_return(reply, 0, 0, 0);
	CHECK(r == CAPOS_E_STALE_CAP, "RETURN through the used reply: STALE_CAP (%d)", r);
	CHECK(wait_child(h1) == 0, "the caller got exactly one answer");
	r = spawn_child("call", &g, 1, &h2);
	r = r ? r : rt_recv(serve, buf, sizeof buf);
	r = rt_return(r > 0 ? hd->reply : 0, 0, 0, CAPOS_E_NOT_FOUND);
	int64_t code = wait_child(h2);
	CHECK(r == CAPOS_OK && code == -CAPOS_E_NOT_FOUND, "an exception reaches the caller as its result (%lld)",
	      (long long)code);
}

/* A client dies with calls queued, and one with a call in the server's
 * hands. */
static void client_deaths(uint32_t serve, capos_FrameAllocator frames)
{
	uint32_t fserve = 0, fclient = 0;
	struct demo_ledger before = demo_ledger(frames);
	int r = rt_endpoint_create(factory, capos_Null_ID, QUEUE, &fserve);
	r = r ? r : rt_endpoint_mint(fserve, 0, capos_rightsAll, &fclient);
	struct rt_grant g = { "ep", fclient, capos_Null_ID, 0, capos_rightsAll };
	capos_ProcessHandle h = { 0 };
	r = r ? r : spawn_child("flood", &g, 1, &h);
	int64_t full = wait_child(h);
	CHECK(r == CAPOS_OK && full == FLOOD - QUEUE, "a flood of %u calls on a queue of %u: %lld QUEUE_FULL", FLOOD, QUEUE,
	      (long long)full);
	uint64_t ud = rt_ring_next_user_data();
	rt_ring_submit(&(struct capos_sqe){ .opcode = CAPOS_OP_RECV, .cap = fserve, .user_data = ud,
		                             .buf = (uint64_t)(uintptr_t)buf, .buf_cap = sizeof buf });
	sys_cap_enter(1, 20000000);
	struct capos_cqe c;
	CHECK(!rt_ring_poll(ud, &c), "the dead client's queued calls were withdrawn: a RECV finds none");
	rt_release(fserve);
	bool got = rt_ring_wait(ud, &c);
	CHECK(got && c.result == CAPOS_E_CANCELLED, "closing the endpoint cancels the posted RECV (%d)", c.result);
	rt_release(fclient);
	struct demo_ledger after = demo_ledger(frames);
	CHECK(demo_ledger_same(before, after), "kernel memory is back: %llu bytes (before %llu)",
	      (unsigned long long)after.kmem, (unsigned long long)before.kmem);

	uint32_t client = 0;
	rt_endpoint_mint(serve, 0, capos_rightsAll, &client);
	g.cap = client;
	r = spawn_child("call", &g, 1, &h);
	const struct capos_recv_header *hd = (const void *)buf;
	r = r ? r : rt_recv(serve, buf, sizeof buf);
	uint32_t reply = r > 0 ? hd->reply : 0;
	RT_CLIENT(kl, 64);
	capos_ProcessHandle_kill_call(h, &kl, 0);
	int64_t code = wait_child(h);
	r = rt_return(reply, 0, 0, 0);
	CHECK(code == CAPOS_EXIT_KILLED && r == CAPOS_E_DISCONNECTED,
	      "the caller killed mid-call: the RETURN says DISCONNECTED (%d)", r);
	rt_release(client);
}

/* The server dies with a call in its hands; then the endpoint closes. */
static void server_death(void)
{
	uint32_t serve = 0, client = 0;
	int r = rt_endpoint_create(factory, capos_Null_ID, 0, &serve);
	r = r ? r : rt_endpoint_mint(serve, 0, capos_rightsAll, &client);
	struct rt_grant g = { "serve", serve, capos_Endpoint_ID, 0, capos_rightsAll };
	capos_ProcessHandle h = { 0 };
	r = r ? r : spawn_child("serve-once", &g, 1, &h);
	rt_release(serve); /* only the child serves now, if it runs: no call can wait forever */
	r = r ? r : null_call(client);
	CHECK(r == CAPOS_E_DISCONNECTED, "the server exits holding the call: the caller gets DISCONNECTED (%d)", r);
	wait_child(h);
	r = null_call(client);
	CHECK(r == CAPOS_E_DISCONNECTED, "with the last serve capability gone, calls fail DISCONNECTED (%d)", r);
	rt_release(client);
}

int main(void)
{
	if (rt_argc() == 1)
		return child(rt_arg(0));
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	factory = RT_CAP(capos_ObjectFactory, "factory");
	uint32_t serve = 0, client = 0;
	int r = rt_endpoint_create(factory, capos_Null_ID, 0, &serve);
	r = r ? r : rt_endpoint_mint(serve, 0, capos_rightsAll, &client);
	CHECK(r == CAPOS_OK, "an endpoint and a client capability (%d)", r);
	misuse(serve, client);
	replies(client, serve);
	client_deaths(serve, RT_CAP(capos_FrameAllocator, "frames"));
	server_death();
	return demo_finish();
}
