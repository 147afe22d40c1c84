/* ObjectFactory: makes endpoints and notifications, each charged to the
 * caller's kernel-memory account (kernel/cap/endpoint.c,
 * kernel/cap/notification.c). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/endpoint.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/notification.h"
#include "kernel/log.h"
#include "kernel/process.h"

/* endpoint: the served interface must be one of the schema's (the ring
 * checks calls against its method table), and not Endpoint or Reply. */
static int factory_endpoint(void *self, struct capnp_call *call, capos_ObjectFactory_endpoint_Params params,
                            capos_ObjectFactory_endpoint_Results_builder results)
{
	(void)self;
	struct call *c = call_of(call);
	uint64_t id = capos_ObjectFactory_endpoint_Params_get_interfaceId(params);
	uint32_t limit = capos_ObjectFactory_endpoint_Params_get_queueLimit(params);
	const struct capnp_interface *iface = capnp_interface_find(capos_interfaces, CAPOS_INTERFACE_COUNT, id);
	if (!iface || id == capos_Endpoint_ID || id == capos_Reply_ID || limit > ENDPOINT_MAX_QUEUE)
		return CAPOS_E_BAD_ARGUMENT;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct endpoint *ep;
	int err = endpoint_create(iface, limit ? limit : ENDPOINT_DEFAULT_QUEUE, c->caller->kmem, &ep);
	if (err)
		return err;
	capos_ObjectFactory_endpoint_Results_set_endpoint(results, call_give(c, &ep->obj, capos_Endpoint_RIGHTS));
	return CAPOS_OK;
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
	capos_ObjectFactory_notification_Results_set_notification_cap(
		results, (capos_Notification){ call_give(c, n, capos_Notification_RIGHTS) });
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
