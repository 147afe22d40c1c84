/* ObjectFactory: makes endpoints and notifications, each charged to the
 * caller's kernel-memory account (kernel/cap/endpoint.c,
 * kernel/cap/notification.c). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/notification.h"
#include "kernel/log.h"
#include "kernel/process.h"

static int factory_endpoint(void *self, struct capnp_call *call, capos_ObjectFactory_endpoint_Params params,
                            capos_ObjectFactory_endpoint_Results_builder results)
{
	(void)self, (void)call, (void)params, (void)results;
	return CAPOS_E_NOT_SUPPORTED;
}

static int factory_notification(void *self, struct capnp_call *call, capos_ObjectFactory_notification_Params params,
                                capos_ObjectFactory_notification_Results_builder results)
{
	(void)self, (void)params;
	struct call *c = call_of(call);
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *n;
	int err = notification_new(c->caller->kmem, &n);
	if (err)
		return err;
	cap_id id;
	KASSERT(cap_grant(c->caller, n, capos_Notification_RIGHTS, 0, &id) == CAPOS_OK, "the table had a free slot");
	kobject_put(n); /* the creation's reference; the capability keeps its own */
	capos_ObjectFactory_notification_Results_set_notification_cap(results, (capos_Notification){ id });
	c->new_cap = id;
	return CAPOS_OK;
}

static const struct capos_ObjectFactory_server server = {
	.endpoint = factory_endpoint,
	.notification = factory_notification,
};

static int factory_call(struct kobject *o, struct call *c) { return capos_ObjectFactory_dispatch(&server, o, &c->base); }

static const struct kobject_ops factory_ops = {
	.iface = &capos_ObjectFactory_interface,
	.call = factory_call,
};

static struct kobject factory = KOBJECT_INIT(&factory_ops);

struct kobject *object_factory(void) { return &factory; }
