/* ipc-transfer: capabilities sent beside IPC messages, copied and moved,
 * both ways. This process serves Null; a child (this binary, argument
 * "client") sends it a copy of its console and moves a Null capability to
 * it, and gets the Null moved back in the answer. A move whose block also
 * names a stale capability fails as a whole and leaves the moved one
 * intact; a call carrying a capability to a server whose table has no room
 * waits (the server's RECV fails TABLE_FULL) and is delivered once there is
 * room; a RETURN that sends capabilities to a caller without a transfer
 * block is refused and the reply still works. */
#include "demos/demo.h"

const char demo_name[] = "ipc-transfer";

#define XFER ((uint32_t)sizeof(struct capos_transfer))

static uint32_t server_cap;

/* A CALL of Null.nop with transfer block blk (NULL: no TRANSFER flag);
 * the answer's block is written back to *blk. */
static int call_with(struct capos_transfer *blk)
{
	uint64_t buf[XFER / 8 + 2] = { 0 };
	if (blk)
		memcpy(buf, blk, XFER);
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .flags = blk ? CAPOS_SQE_TRANSFER : 0, .cap = server_cap,
		                 .interface_id = capos_Null_ID, .method = capos_Null_nop_ORDINAL,
		                 .buf = (uint64_t)(uintptr_t)buf, .params_len = blk ? XFER : 0, .buf_cap = sizeof buf };
	int r = rt_submit_wait(&sqe, 0);
	if (blk)
		memcpy(blk, buf, XFER);
	return r;
}

static uint64_t echo(uint32_t cap, uint64_t v)
{
	RT_CLIENT(cl, 64);
	capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), v);
	capos_Null_echo_Results res;
	return capos_Null_echo_call((capos_Null){ cap }, &cl, &res) < 0 ? ~0ull : capos_Null_echo_Results_get_value(res);
}

static int client(void)
{
	server_cap = rt_capset_find("server", capos_Null_ID);
	uint32_t console = rt_capset_find("console", capos_Console_ID);
	uint32_t null = rt_capset_find("null", capos_Null_ID), null2 = rt_capset_find("null2", capos_Null_ID);
	struct capos_transfer b = { .count = 2, .caps = { { console, CAPOS_TRANSFER_COPY, capos_Console_ID },
		                                          { null, CAPOS_TRANSFER_MOVE, capos_Null_ID } } };
	int r = call_with(&b);
	CHECK(r == 0 && b.count == 1 && b.caps[0].interface_id == capos_Null_ID,
	      "a copy and a move sent, one Null received back (%d, %u)", r, b.count);
	CHECK(echo(b.caps[0].cap, 41) == 41, "the Null moved back answers echo");
	r = rt_release(null);
	CHECK(r == CAPOS_E_STALE_CAP, "the moved slot is gone from the sender (%d)", r);
	printf("ipc-transfer: the copied console still writes here\n");
	struct capos_transfer bad = { .count = 2, .caps = { { null2, CAPOS_TRANSFER_MOVE, capos_Null_ID },
		                                            { null, CAPOS_TRANSFER_COPY, capos_Null_ID } } };
	r = call_with(&bad);
	CHECK(r == CAPOS_E_STALE_CAP, "a block naming a stale capability fails whole (%d)", r);
	CHECK(echo(null2, 7) == 7, "and the capability it would have moved is intact");
	struct capos_transfer wait = { .count = 1, .caps = { { null2, CAPOS_TRANSFER_MOVE, capos_Null_ID } } };
	r = call_with(&wait);
	CHECK(r == 0 && wait.count == 0, "a move to a server with a full table waits until it has room (%d)", r);
	CHECK(echo(null2, 7) == ~0ull, "then it is gone from the sender");
	r = call_with(0);
	CHECK(r == 0, "a plain call is answered after the server's refused RETURN (%d)", r);
	return demo_finish();
}

/* Receives one call; returns its header (in buf) or NULL. */
static const struct capos_recv_header *recv_one(uint32_t serve, uint64_t *buf, uint32_t cap, int *r)
{
	*r = rt_recv(serve, buf, cap);
	return *r < 0 ? 0 : (const struct capos_recv_header *)buf;
}

static int return_with(uint32_t reply, const struct capos_transfer *blk)
{
	uint64_t buf[XFER / 8];
	memcpy(buf, blk, XFER);
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RETURN, .flags = CAPOS_SQE_TRANSFER, .cap = reply,
		                 .buf = (uint64_t)(uintptr_t)buf, .params_len = XFER };
	return rt_submit_wait(&sqe, 0);
}

int main(void)
{
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "client"))
		return client();
	uint32_t serve = 0, cl = 0;
	uint32_t null = rt_capset_find("null", capos_Null_ID);
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Null_ID, 0, &serve);
	if (!r)
		r = rt_endpoint_mint(serve, 0, capos_rightsAll, &cl);
	struct rt_grant g[] = { { "server", cl, capos_Null_ID, 0, capos_rightsAll },
		                { "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0, capos_rightsAll },
		                { "null", null, capos_Null_ID, 0, capos_rightsAll },
		                { "null2", null, capos_Null_ID, 0, capos_rightsAll } };
	struct rt_spawn_args a = { "transfer-client", "ipc-transfer", g, 4, (const char *const[]){ "client" }, 1, 0 };
	capos_ProcessHandle h;
	if (!r)
		r = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &a, &h, 0);
	CHECK(r == CAPOS_OK, "the client runs (%d)", r);
	if (r)
		return demo_finish();
	static uint64_t buf[512];
	const struct capos_recv_header *hd = recv_one(serve, buf, sizeof buf, &r);
	CHECK(hd && hd->caps.count == 2 && hd->caps.caps[0].interface_id == capos_Console_ID &&
	      hd->caps.caps[1].interface_id == capos_Null_ID,
	      "received a Console and a Null with their interface ids (%d)", r);
	if (!hd)
		return demo_finish();
	RT_CLIENT(wl, 128);
	capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&wl), "ipc-transfer: written by the server through the copied console", 63);
	r = capos_Console_writeLine_call((capos_Console){ hd->caps.caps[0].cap }, &wl, 0);
	CHECK(r >= 0, "the server writes through the console it received (%d)", r);
	struct capos_transfer back = { .count = 1, .caps = { { hd->caps.caps[1].cap, CAPOS_TRANSFER_MOVE, capos_Null_ID } } };
	r = return_with(hd->reply, &back);
	CHECK(r == CAPOS_OK, "the Null is moved back in the answer (%d)", r);
	/* Fill this table to one free slot: the next call carries one
	 * capability and needs two (it and the reply). */
	uint32_t filler[256], nfill = 0, spare;
	while (rt_endpoint_mint(serve, 0, 0, &spare) == CAPOS_OK)
		filler[nfill++] = spare;
	rt_release(filler[--nfill]);
	hd = recv_one(serve, buf, sizeof buf, &r);
	CHECK(!hd && r == CAPOS_E_TABLE_FULL, "with one free slot the RECV of a call carrying a capability fails TABLE_FULL (%d)", r);
	while (nfill)
		rt_release(filler[--nfill]);
	hd = recv_one(serve, buf, sizeof buf, &r);
	CHECK(hd && hd->caps.count == 1 && hd->caps.caps[0].interface_id == capos_Null_ID,
	      "with room, the same call arrives with its capability (%d)", r);
	if (hd)
		rt_return(hd->reply, 0, 0, 0);
	hd = recv_one(serve, buf, sizeof buf, &r);
	struct capos_transfer push = { .count = 1, .caps = { { null, CAPOS_TRANSFER_COPY, capos_Null_ID } } };
	r = hd ? return_with(hd->reply, &push) : r;
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "capabilities for a caller without a transfer block are refused (%d)", r);
	r = hd ? rt_return(hd->reply, 0, 0, 0) : r;
	CHECK(r == CAPOS_OK, "and the same reply then answers (%d)", r);
	int64_t code = -1;
	r = rt_wait(h, &code);
	CHECK(r == CAPOS_OK && code == 0, "the client saw every transfer right (exit %lld)", (long long)code);
	rt_release(h.id);
	return demo_finish();
}
