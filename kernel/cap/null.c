/* Null: does nothing, for measuring the cost of a call. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"

static int null_call(struct kobject *o, struct call *c)
{
	(void)o;
	if (c->method == capos_Null_nop_ORDINAL)
		return CAPOS_OK;
	uint64_t v = capos_Null_echo_Params_get_value(capos_Null_echo_Params_root(c->params));
	capos_Null_echo_Results_set_value(capos_Null_echo_Results_init_root(c->results), v);
	return CAPOS_OK;
}

static const struct kobject_ops null_ops = {
	.name = "Null",
	.interface_id = capos_Null_ID,
	.method_count = capos_Null_METHOD_COUNT,
	.call = null_call,
};

static struct kobject null_cap = { &null_ops, 1 };

struct kobject *null_object(void) { return &null_cap; }
