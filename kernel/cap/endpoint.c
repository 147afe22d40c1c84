/* Endpoint: an IPC rendezvous serving one interface of the schema. Its
 * serve facet (interface Endpoint) receives calls with RECV and mints client
 * capabilities; a client capability carries the served interface's id and
 * rights, so the ring checks calls through it against that interface's
 * method table, then hands them to kernel/ipc.c. When the last serve
 * capability goes, the endpoint closes: waiting and future calls fail
 * DISCONNECTED. Charged to the kernel-memory account of its creator. */
#include "kernel/cap/endpoint.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/ipc.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/process.h"

static const struct kobject_ops endpoint_ops;

struct endpoint *endpoint_of(struct kobject *o)
{
	return o->ops == &endpoint_ops ? (struct endpoint *)o : 0;
}

/* mint: a client capability with a badge (write-once) and at most the
 * given rights of the served interface. */
static int endpoint_mint(void *self, struct capnp_call *call, capos_Endpoint_mint_Params params,
                         capos_Endpoint_mint_Results_builder results)
{
	struct endpoint *ep = self;
	struct call *c = call_of(call);
	uint64_t badge = capos_Endpoint_mint_Params_get_badge(params);
	uint32_t rights = capos_Endpoint_mint_Params_get_rights(params) & ep->served->rights;
	if (badge && c->slot->badge && badge != c->slot->badge)
		return CAPOS_E_PERMISSION_DENIED;
	cap_id id;
	int err = cap_grant_as(c->caller, &ep->obj, ep->served->id, rights, badge ? badge : c->slot->badge, &id);
	if (err)
		return err;
	capnp_pb_set_cap(capnp_sb_ptr(results.b, 0), id);
	c->new_cap = id;
	return CAPOS_OK;
}

static const struct capos_Endpoint_server server = { .mint = endpoint_mint };

static int endpoint_call(struct kobject *o, struct call *c) { return capos_Endpoint_dispatch(&server, o, &c->base); }

static int endpoint_recv(struct kobject *o, struct process *p, const struct cap_slot *slot, const struct capos_sqe *sqe,
                         cap_id *new_cap)
{
	return ipc_recv((struct endpoint *)o, p, slot, sqe, new_cap);
}

/* Counts serve capabilities; the last one closes the endpoint. */
static void endpoint_facet(struct kobject *o, uint64_t interface_id, int delta)
{
	struct endpoint *ep = (struct endpoint *)o;
	if (interface_id != capos_Endpoint_ID)
		return;
	ep->serve_caps += (uint32_t)delta;
	if (ep->serve_caps == 0 && !ep->closed) {
		ep->closed = true;
		ipc_close(ep);
	}
}

static const struct capnp_interface *endpoint_served(struct kobject *o) { return ((struct endpoint *)o)->served; }

static void endpoint_destroy(struct kobject *o)
{
	struct endpoint *ep = (struct endpoint *)o;
	KASSERT(!ep->calls && !ep->recvs, "queued operations hold references to their endpoint");
	struct kmem *k = ep->kmem;
	kmem_free(k, ep, sizeof(*ep));
	kmem_put(k);
}

static const struct kobject_ops endpoint_ops = {
	.iface = &capos_Endpoint_interface,
	.call = endpoint_call,
	.destroy = endpoint_destroy,
	.recv = endpoint_recv,
	.facet = endpoint_facet,
	.served = endpoint_served,
};

int endpoint_create(const struct capnp_interface *iface, uint32_t queue_limit, struct kmem *kmem,
                    struct endpoint **out)
{
	int err;
	struct endpoint *ep = kmem_zalloc(kmem, sizeof(*ep), &err);
	if (!ep)
		return err;
	ep->obj = (struct kobject)KOBJECT_INIT(&endpoint_ops);
	ep->served = iface;
	ep->kmem = kmem;
	kmem_get(kmem);
	ep->queue_limit = queue_limit;
	ep->calls_tail = &ep->calls;
	ep->recvs_tail = &ep->recvs;
	*out = ep;
	return CAPOS_OK;
}
