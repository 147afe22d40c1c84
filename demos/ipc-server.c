/* ipc-server: one server, two clients (ipc-client) with different badges
 * calling at the same time, so calls queue while the server works; the
 * server tells them apart by the badge the kernel delivers, never by
 * anything in the message. */
#include "demos/demo.h"
#include "lib/fmt.h"

const char demo_name[] = "ipc-server";

#define PER_CLIENT 50u

static uint32_t by_badge[3], unknown;

static int echo(void *self, struct capnp_call *call, capos_Null_echo_Params p, capos_Null_echo_Results_builder r)
{
	(void)self, (void)call;
	capos_Null_echo_Results_set_value(r, capos_Null_echo_Params_get_value(p));
	return CAPOS_OK;
}

static const struct capos_Null_server server = { .echo = echo };

/* Answers echo with the value and records the caller by badge; the
 * client checks the value came back. */
static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	if (h->badge == 1 || h->badge == 2)
		by_badge[h->badge]++;
	else
		unknown++;
	return capos_Null_dispatch(&server, ctx, c);
}

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	uint32_t serve = 0, client[3] = { 0 };
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Null_ID, 0, &serve);
	CHECK(r == CAPOS_OK, "an endpoint serving Null (%d)", r);
	capos_ProcessHandle h[3];
	uint32_t running = 0;
	for (uint32_t b = 1; b <= 2; b++) {
		r = rt_endpoint_mint(serve, b, capos_rightsAll, &client[b]);
		struct rt_grant g[] = { { "server", client[b], capos_Null_ID, 0, capos_rightsAll },
			                { "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0,
			                  capos_rightsAll } };
		char name[16];
		fmt_snprintf(name, sizeof name, "ipc-client-%u", b);
		struct rt_spawn_args a = { name, "ipc-client", g, 2, 0, 0, 0 };
		if (!r)
			r = rt_spawn(spawner, &a, &h[b], 0);
		CHECK(r == CAPOS_OK, "client %u runs with a capability badged %u (%d)", b, b, r);
		running += r == CAPOS_OK;
		rt_release(client[b]); /* the client holds its own copy */
	}
	if (running < 2)
		return demo_finish(); /* (the client that runs is killed with this process) */
	r = rt_serve(serve, handle, 0, 2 * PER_CLIENT);
	CHECK(r == CAPOS_OK, "served %u calls (%d)", 2 * PER_CLIENT, r);
	CHECK(by_badge[1] == PER_CLIENT && by_badge[2] == PER_CLIENT && !unknown,
	      "badge 1 made %u calls, badge 2 made %u, unknown %u", by_badge[1], by_badge[2], unknown);
	for (uint32_t b = 1; b <= 2; b++) {
		int64_t code = -1;
		r = rt_wait(h[b], &code);
		CHECK(r == CAPOS_OK && code == 0, "client %u got its own answers (exit %lld)", b, (long long)code);
		rt_release(h[b].id);
	}
	rt_release(serve);
	return demo_finish();
}
