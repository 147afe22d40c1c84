/* IPC between processes: CALLs on endpoint client capabilities delivered to
 * RECVs on their serve capabilities, answered by RETURN through one-shot
 * reply capabilities, with capabilities transferred beside the messages
 * (include/capos/ring.h for the ABI, docs/ipc.md for the design). The
 * general path is kernel/ipc.c; kernel/cap/endpoint.c is the object. */
#ifndef CAPOS_KERNEL_IPC_H
#define CAPOS_KERNEL_IPC_H

#include <stdint.h>

#include "include/capos/ring.h"
#include "lib/capnp/iface.h"

struct process;
struct cap_slot;

/* A CALL through slot, a client capability of an endpoint, whose method m
 * the ring has checked (id, interface, method, rights). Returns
 * CALL_PENDING (it completes when the server answers, or fails) or an
 * error with nothing changed. */
int ipc_call(struct process *p, const struct capos_sqe *sqe, struct cap_slot *slot, const struct capnp_method *m);

/* A RETURN through the reply capability sqe->cap (checked to be one).
 * Returns the RETURN's own completion result. */
int ipc_return(struct process *p, const struct capos_sqe *sqe);

#endif
