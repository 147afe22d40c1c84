/* Null: does nothing, for measuring the cost of a call. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"

static int null_nop(void *self, struct capnp_call *call, capos_Null_nop_Params params,
                    capos_Null_nop_Results_builder results)
{
	(void)self, (void)call, (void)params, (void)results;
	return CAPOS_OK;
}

static int null_echo(void *self, struct capnp_call *call, capos_Null_echo_Params params,
                     capos_Null_echo_Results_builder results)
{
	(void)self, (void)call;
	capos_Null_echo_Results_set_value(results, capos_Null_echo_Params_get_value(params));
	return CAPOS_OK;
}

static const struct capos_Null_server server = { .nop = null_nop, .echo = null_echo };

static int null_call(struct kobject *o, struct call *c) { return capos_Null_dispatch(&server, o, &c->base); }

static const struct kobject_ops null_ops = {
	.iface = &capos_Null_interface,
	.call = null_call,
};

static struct kobject null_cap = KOBJECT_INIT(&null_ops);

struct kobject *null_object(void) { return &null_cap; }
