/* init's ServiceMonitor (schema/capos.capnp): the services it supervises,
 * as the shell's `services` shows them. init serves it from its own event
 * loop (init/services.c): one RECV stays posted on the endpoint; when a call
 * has arrived, monitor_poll answers it and posts the next RECV. A manifest
 * grant names it as kernel = initServices; each grantee gets a client
 * minted with rightRead only. */
#include "init/init.h"

#include "lib/mem.h"

static uint32_t serve;
static uint64_t recv_ud;
static uint64_t recv_buf[512];     /* header and params: list() has none */
static uint64_t results[2048];     /* 16 KiB: 64 services of 24-byte names fit */

static const char *const state_names[] = {
	[SVC_IDLE] = "idle",       [SVC_WAITING] = "waiting", [SVC_RUNNING] = "running",
	[SVC_BACKOFF] = "backoff", [SVC_DONE] = "done",       [SVC_SKIPPED] = "skipped",
};

static int sm_list(void *self, struct capnp_call *call, capos_ServiceMonitor_list_Params p,
                   capos_ServiceMonitor_list_Results_builder r)
{
	(void)self, (void)call, (void)p;
	capos_ServiceInfo_list_builder l = capos_ServiceMonitor_list_Results_init_services(r, plan.nservices);
	for (uint32_t i = 0; i < plan.nservices; i++) {
		capos_ServiceInfo_builder b = capos_ServiceInfo_list_builder_get(l, i);
		const struct svc *v = &svcs[i];
		capos_ServiceInfo_set_name(b, plan.services[i].name, strlen(plan.services[i].name));
		capos_ServiceInfo_set_state(b, state_names[v->state], strlen(state_names[v->state]));
		capos_ServiceInfo_set_pid(b, v->pid);
		capos_ServiceInfo_set_restarts(b, v->restarts);
		capos_ServiceInfo_set_exitCode(b, v->code);
		capos_ServiceInfo_set_passed(b, v->state == SVC_DONE ? v->ok : v->state != SVC_SKIPPED);
	}
	return CAPOS_OK;
}

static const struct capos_ServiceMonitor_server server = { .list = sm_list };

static void post_recv(void)
{
	recv_ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = serve, .user_data = recv_ud,
		                 .buf = (uint64_t)(uintptr_t)recv_buf, .buf_cap = sizeof recv_buf };
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
}

int monitor_start(void)
{
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_ServiceMonitor_ID, 8, &serve);
	if (r == CAPOS_OK)
		post_recv();
	return r;
}

int monitor_client(uint32_t *client)
{
	return rt_endpoint_mint(serve, 0, capos_ServiceMonitor_rightRead, client);
}

/* Answers one received call: list() through the generated dispatch, or
 * the error it gives; a malformed message is BAD_MESSAGE. */
static void answer(const struct capos_recv_header *h)
{
	static const uint64_t empty[2] = { 0x0000000100000000ull, 0 }; /* no params */
	const void *bytes = h->params_len ? (const void *)(h + 1) : empty;
	uint32_t n = h->params_len ? h->params_len : sizeof empty;
	if (h->params_len > sizeof recv_buf - sizeof *h)
		n = 0;
	struct capnp_msg msg;
	struct capnp_limits lim = capnp_limits_for_size(n, CAPNP_TRAVERSAL_FACTOR);
	struct capnp_builder b;
	capnp_builder_init(&b, results, sizeof results);
	struct capnp_call call = { h->method, &msg, &b };
	int r = n && capnp_msg_init(&msg, bytes, n, &lim) == CAPNP_OK ? capos_ServiceMonitor_dispatch(&server, 0, &call)
	                                                              : CAPOS_E_BAD_MESSAGE;
	size_t len = r == CAPOS_OK ? capnp_builder_finish(&b) : 0;
	if (r == CAPOS_OK && capnp_builder_error(&b) != CAPNP_OK)
		r = CAPOS_E_TOO_BIG;
	rt_return(h->reply, results, r == CAPOS_OK ? (uint32_t)len : 0, r == CAPOS_OK ? 0 : r);
}

bool monitor_poll(void)
{
	struct capos_cqe c;
	if (!serve || !rt_ring_poll(recv_ud, &c))
		return false;
	if (c.result < 0) { /* the endpoint failed: stop serving rather than spin */
		serve = 0;
		return true;
	}
	if (c.result >= (int32_t)sizeof(struct capos_recv_header))
		answer((const struct capos_recv_header *)recv_buf);
	post_recv();
	return true;
}
