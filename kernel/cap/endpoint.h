/* Endpoint: the IPC rendezvous object (kernel/cap/endpoint.c). Its queues
 * are worked by kernel/ipc.c. */
#ifndef CAPOS_KERNEL_CAP_ENDPOINT_H
#define CAPOS_KERNEL_CAP_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/kobject.h"
#include "lib/capnp/iface.h"

struct ipc_op;
struct kmem;

#define ENDPOINT_DEFAULT_QUEUE 64u
#define ENDPOINT_MAX_QUEUE 4096u

struct endpoint {
	struct kobject obj;
	const struct capnp_interface *served;
	struct kmem *kmem;            /* charged for the struct */
	uint32_t serve_caps;          /* slots holding the serve facet */
	uint32_t queued, queue_limit; /* calls waiting for a RECV */
	bool closed;                  /* the serve facet is gone for good */
	struct ipc_op *calls, **calls_tail; /* waiting for a RECV, oldest first */
	struct ipc_op *recvs, **recvs_tail; /* RECVs waiting for a call, oldest first */
};

/* Makes an endpoint serving iface with room for queue_limit waiting calls,
 * charged to kmem. Returns CAPOS_OK with *out (one reference, the
 * caller's), or CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY. */
int endpoint_create(const struct capnp_interface *iface, uint32_t queue_limit, struct kmem *kmem,
                    struct endpoint **out);

/* The endpoint o is, if it is one (NULL otherwise). */
struct endpoint *endpoint_of(struct kobject *o);

#endif
