/* echo: two roles of one binary, to show services talking only through
 * what the manifest grants.
 *   echo server   serves Null on its export "echo": echo answers with the
 *                 value plus the caller's badge; logs each caller it sees
 *                 through its "log" grant.
 *   echo client   calls its "echo" grant (a client facet the manifest
 *                 minted), checks the answers, shows that the facet cannot
 *                 serve (RECV: PERMISSION_DENIED), logs and exits 0. */
#include "lib/fmt.h"
#include "lib/mem.h"
#include "rt/capos.h"

static capos_Log logcap;

static void log_line(const char *text)
{
	RT_CLIENT(cl, 512);
	capos_Log_write_Params_set_text(capos_Log_write_begin(&cl), text, strlen(text));
	capos_Log_write_call(logcap, &cl, 0);
}

static int echo(void *self, struct capnp_call *call, capos_Null_echo_Params p, capos_Null_echo_Results_builder r)
{
	(void)call;
	const struct capos_recv_header *h = self;
	capos_Null_echo_Results_set_value(r, capos_Null_echo_Params_get_value(p) + h->badge);
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
	(void)ctx;
	static uint64_t last_badge = ~0ull;
	if (h->badge != last_badge) {
		char line[96];
		fmt_snprintf(line, sizeof line, "echo: serving a caller with badge %llu", (unsigned long long)h->badge);
		log_line(line);
		last_badge = h->badge;
	}
	return capos_Null_dispatch(&server, (void *)h, c);
}

static int client(void)
{
	capos_Null peer = RT_CAP(capos_Null, "echo");
	uint32_t wrong = 0;
	for (uint64_t i = 0; i < 100; i++) {
		RT_CLIENT(cl, 64);
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), i);
		capos_Null_echo_Results res;
		int r = capos_Null_echo_call(peer, &cl, &res);
		wrong += r < 0 || capos_Null_echo_Results_get_value(res) != i + 7; /* the manifest badges it 7 */
	}
	uint64_t buf[32];
	int serve = rt_recv(peer.id, buf, sizeof buf);
	char line[128];
	fmt_snprintf(line, sizeof line, "echo-client: 100 calls, %u wrong answers; serving through the grant: %s", wrong,
	             serve == CAPOS_E_PERMISSION_DENIED ? "refused" : "ALLOWED");
	log_line(line);
	printf("%s\n", line);
	return wrong || serve != CAPOS_E_PERMISSION_DENIED;
}

int main(void)
{
	logcap = RT_CAP(capos_Log, "log");
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "client"))
		return client();
	uint32_t serve = rt_capset_find("echo", capos_Endpoint_ID);
	if (!serve)
		return 1;
	return rt_serve(serve, handle, 0, 0) == CAPOS_OK ? 0 : 2;
}
