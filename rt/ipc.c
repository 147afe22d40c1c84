/* IPC in the runtime: endpoints, the server loop and the raw RECV/RETURN
 * operations (rt/capos.h; the ABI in include/capos/ring.h). */
#include "lib/mem.h"
#include "rt/capos.h"

int rt_endpoint_create(capos_ObjectFactory factory, uint64_t interface_id, uint32_t queue_limit, uint32_t *serve)
{
	RT_CLIENT(cl, 128);
	capos_ObjectFactory_endpoint_Params_builder p = capos_ObjectFactory_endpoint_begin(&cl);
	capos_ObjectFactory_endpoint_Params_set_interfaceId(p, interface_id);
	capos_ObjectFactory_endpoint_Params_set_queueLimit(p, queue_limit);
	capos_ObjectFactory_endpoint_Results res;
	int r = capos_ObjectFactory_endpoint_call(factory, &cl, &res);
	*serve = r < 0 ? 0 : cl.new_cap;
	return r < 0 ? r : CAPOS_OK;
}

int rt_endpoint_mint(uint32_t serve, uint64_t badge, uint32_t rights, uint32_t *client)
{
	RT_CLIENT(cl, 128);
	capos_Endpoint_mint_Params_builder p = capos_Endpoint_mint_begin(&cl);
	capos_Endpoint_mint_Params_set_badge(p, badge);
	capos_Endpoint_mint_Params_set_rights(p, rights);
	capos_Endpoint_mint_Results res;
	int r = capos_Endpoint_mint_call((capos_Endpoint){ serve }, &cl, &res);
	*client = r < 0 ? 0 : cl.new_cap;
	return r < 0 ? r : CAPOS_OK;
}

int rt_recv(uint32_t serve, void *buf, uint32_t buf_cap)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = serve, .buf = (uint64_t)(uintptr_t)buf,
		                 .buf_cap = buf_cap };
	return rt_submit_wait(&sqe, 0);
}

int rt_return(uint32_t reply, const void *results, uint32_t len, int32_t exception)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RETURN, .cap = reply, .buf = (uint64_t)(uintptr_t)results,
		                 .params_len = len, .interface_id = (uint64_t)(int64_t)exception };
	return rt_submit_wait(&sqe, 0);
}

void rt_dispatch(const struct capos_recv_header *h, rt_handler handle, void *ctx, uint64_t *arena,
                       uint32_t arena_bytes, struct capos_sqe *ret)
{
	static const uint64_t empty[2] = { 0x0000000100000000ull, 0 }; /* no params: every field its default */
	const void *bytes = h->params_len ? (const void *)(h + 1) : empty;
	uint32_t n = h->params_len ? h->params_len : sizeof empty;
	struct capnp_msg msg;
	struct capnp_limits lim = capnp_limits_for_size(n, CAPNP_TRAVERSAL_FACTOR);
	int r = capnp_msg_init(&msg, bytes, n, &lim);
	struct capnp_builder b;
	capnp_builder_init(&b, arena, arena_bytes);
	struct capnp_call call = { h->method, &msg, &b };
	r = r == CAPNP_OK ? handle(ctx, h, &call) : CAPOS_E_BAD_MESSAGE;
	size_t len = 0;
	if (r == CAPOS_OK) {
		len = capnp_builder_finish(&b);
		if (capnp_builder_error(&b) != CAPNP_OK)
			r = CAPOS_E_TOO_BIG;
	}
	*ret = (struct capos_sqe){ .opcode = CAPOS_OP_RETURN, .cap = h->reply, .buf = (uint64_t)(uintptr_t)arena,
		                   .params_len = r == CAPOS_OK ? (uint32_t)len : 0,
		                   .interface_id = r == CAPOS_OK ? 0 : (uint64_t)(int64_t)(r < 0 ? r : CAPOS_E_BAD_ARGUMENT) };
}

int rt_serve(uint32_t serve, rt_handler handle, void *ctx, uint32_t max_calls)
{
	static uint64_t buf[RT_SERVE_BUF / 8], arena[RT_SERVE_RESULTS / 8];
	struct capos_sqe ret = { 0 };
	bool answering = false;
	for (uint32_t served = 0; !max_calls || served < max_calls; served++) {
		/* The answer to the last call and the wait for the next go in one
		 * cap_enter (a reply-and-receive). */
		uint64_t ret_ud = 0;
		if (answering) {
			ret.user_data = ret_ud = rt_ring_next_user_data();
			while (rt_ring_submit(&ret) == RT_SQ_FULL)
				sys_cap_enter(0, 0);
		}
		struct capos_sqe recv = { .opcode = CAPOS_OP_RECV, .cap = serve, .buf = (uint64_t)(uintptr_t)buf,
			                  .buf_cap = sizeof buf };
		struct capos_cqe c;
		int r = rt_submit_wait(&recv, &c);
		if (answering)
			rt_ring_wait(ret_ud, &c); /* RETURN errors are the server's own bugs: nothing to do */
		if (r < 0)
			return r; /* CANCELLED: the endpoint closed */
		rt_dispatch((const struct capos_recv_header *)buf, handle, ctx, arena, sizeof arena, &ret);
		answering = true;
	}
	if (answering) {
		int r = rt_submit_wait(&ret, 0);
		(void)r;
	}
	return CAPOS_OK;
}
