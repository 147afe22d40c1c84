/* endpoint-roundtrip: a CALL → RECV → RETURN round trip between two address
 * spaces. This process serves Null on an endpoint; a child (this binary with
 * the argument "client") calls it through a badged client capability with
 * the generated Null client, the same code that calls the kernel's Null. */
#include "demos/demo.h"

const char demo_name[] = "endpoint-roundtrip";

#define CALLS 1000u
#define BADGE 0x7eull

static struct {
	uint32_t calls, wrong_badge, wrong_pid, caller_pid;
} seen;

static int echo(void *self, struct capnp_call *call, capos_Null_echo_Params p, capos_Null_echo_Results_builder r)
{
	(void)self, (void)call;
	capos_Null_echo_Results_set_value(r, capos_Null_echo_Params_get_value(p) + 1);
	return CAPOS_OK;
}

static int nop(void *self, struct capnp_call *call, capos_Null_nop_Params p, capos_Null_nop_Results_builder r)
{
	(void)self, (void)call, (void)p, (void)r;
	return CAPOS_OK;
}

static const struct capos_Null_server server = { .nop = nop, .echo = echo };

static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	seen.calls++;
	seen.wrong_badge += h->badge != BADGE;
	seen.wrong_pid += h->caller_pid != seen.caller_pid;
	return capos_Null_dispatch(&server, ctx, c);
}

static int client(void)
{
	capos_Null echo_cap = RT_CAP(capos_Null, "echo");
	uint32_t wrong = 0;
	for (uint32_t i = 0; i < CALLS; i++) {
		RT_CLIENT(cl, 64);
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), i);
		capos_Null_echo_Results res;
		int r = capos_Null_echo_call(echo_cap, &cl, &res);
		wrong += r < 0 || capos_Null_echo_Results_get_value(res) != i + 1;
	}
	return (int)wrong;
}

int main(void)
{
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "client"))
		return client();
	uint32_t serve, cl;
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Null_ID, 0, &serve);
	CHECK(r == CAPOS_OK, "an endpoint serving Null (%d)", r);
	r = rt_endpoint_mint(serve, BADGE, capos_rightsAll, &cl);
	CHECK(r == CAPOS_OK, "a client capability badged %#llx (%d)", (unsigned long long)BADGE, r);
	struct rt_grant g = { "echo", cl, capos_Null_ID, 0, capos_rightsAll };
	struct rt_spawn_args a = { "endpoint-client", "endpoint-roundtrip", &g, 1, (const char *const[]){ "client" }, 1, 0 };
	capos_ProcessHandle h;
	r = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &a, &h, &seen.caller_pid);
	CHECK(r == CAPOS_OK, "the client runs (%d)", r);
	if (r)
		return demo_finish(); /* nobody would call: serving would wait forever */
	r = rt_serve(serve, handle, 0, CALLS);
	CHECK(r == CAPOS_OK && seen.calls == CALLS, "served %u calls (%d)", seen.calls, r);
	CHECK(seen.wrong_badge == 0, "every call arrived with the client's badge (%u wrong)", seen.wrong_badge);
	CHECK(seen.wrong_pid == 0, "every call names the client's pid %u (%u wrong)", seen.caller_pid, seen.wrong_pid);
	int64_t code = -1;
	r = rt_wait(h, &code);
	CHECK(r == CAPOS_OK && code == 0, "the client got every answer right (exit %lld)", (long long)code);
	rt_release(h.id);
	return demo_finish();
}
