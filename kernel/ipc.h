/* IPC between processes: CALLs on endpoint client capabilities delivered to
 * RECVs on their serve capabilities, answered by RETURN through one-shot
 * reply capabilities, with capabilities transferred beside the messages
 * (include/capos/ring.h for the ABI, docs/ipc.md for the design).
 * kernel/cap/endpoint.c is the object and its queues; kernel/ipc.c moves
 * calls and answers between processes. */
#ifndef CAPOS_KERNEL_IPC_H
#define CAPOS_KERNEL_IPC_H

#include <stdint.h>

#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/process.h"
#include "lib/cap_transfer.h"
#include "lib/capnp/iface.h"

struct endpoint;

enum ipc_op_state {
	IPC_FREE,
	IPC_QUEUED,    /* CALL: on its endpoint's queue, waiting for a RECV */
	IPC_POSTED,    /* RECV: on its endpoint's list, waiting for a call */
	IPC_DELIVERED, /* CALL: in a server's hands; its reply capability exists */
	IPC_ANSWERED,  /* CALL: completed; the record goes when the reply does */
};

/* One IPC operation of a process: a CALL through an endpoint (later also
 * its Reply object) or a posted RECV. Records come from the process's pool
 * (struct ipc_pool): each holds a CQ credit of its process while it waits,
 * so no more than CAPOS_RING_CQ_ENTRIES are in use and the call path never
 * allocates. A delivered call's record outlives its caller (the server
 * still holds the reply capability): it keeps a reference to the process
 * whose pool it belongs to. */
struct ipc_op {
	struct kobject reply;       /* CALL, once delivered: the Reply object */
	struct pending_op pend;     /* on the owner's list while it waits */
	struct ipc_op *next;        /* endpoint queue or list, or the pool's free list */
	struct process *pool_owner; /* whose pool this record is from */
	struct process *owner;      /* whose completion it is; NULL once that process exited */
	struct endpoint *ep;        /* QUEUED, POSTED: holds a reference */
	uint8_t state;              /* enum ipc_op_state */
	uint8_t flags;              /* the SQE's (CAPOS_SQE_TRANSFER) */
	uint16_t method;
	uint32_t buf_cap, params_len; /* CALL: results room and params, transfer block excluded */
	uint64_t user_data, buf;    /* buf: the message (past the transfer block) */
	uint64_t badge, interface_id;
	uint64_t checked_at;        /* the owner's aspace shrinks count when buf was checked */
	struct cap_transfer tx;     /* CALL: capabilities sent, prepared */
};

struct ipc_pool {
	struct ipc_op *free;
	struct ipc_op ops[CAPOS_RING_CQ_ENTRIES];
};

/* The kernel's capability-transfer hooks (object references and facet
 * counts, kernel/cap/kobject.c). */
extern const struct cap_transfer_hooks ipc_transfer_hooks;

/* Params and results up to this size pass through the kernel stack. */
#define IPC_SMALL 256u

/* Shared by the general path and the fast path (kernel/ipc_fast.c). */
struct ipc_op *ipc_op_take(struct process *p);
void ipc_op_free(struct ipc_op *op);
void ipc_op_complete(struct ipc_op *op, int32_t result, uint32_t cap);
void ipc_call_pending(struct process *p, struct ipc_op *call); /* on p's pending list, cancellable */
void ipc_reply_init(struct ipc_op *call);
bool ipc_still_checked(const struct ipc_op *op);
void ipc_reply_release(struct process *server, cap_id reply);

/* The fast path: the common cases, straight through (kernel/ipc_fast.c).
 * Each returns false, having changed nothing, when its case does not
 * apply; the general path then handles the operation. */
extern bool ipc_fast_enabled; /* ipcfast=0 on the command line turns it off (for measuring) */
bool ipc_fast_call(struct process *p, const struct capos_sqe *sqe, struct cap_slot *slot,
                   const struct capnp_method *m);
bool ipc_fast_return(struct process *p, const struct capos_sqe *sqe, struct ipc_op *call, int *result);

/* A CALL through slot, a client capability of an endpoint, whose method m
 * the ring has checked (id, interface, method, rights). Returns
 * CALL_PENDING (it completes when the server answers, or fails) or an
 * error with nothing changed. */
int ipc_call(struct process *p, const struct capos_sqe *sqe, struct cap_slot *slot, const struct capnp_method *m);

/* A RETURN through the reply capability sqe->cap (checked to be one).
 * Returns the RETURN's own completion result. */
int ipc_return(struct process *p, const struct capos_sqe *sqe);

/* A RECV on an endpoint's serve capability (the endpoint's recv hook). */
int ipc_recv(struct endpoint *ep, struct process *p, const struct cap_slot *slot, const struct capos_sqe *sqe,
             cap_id *new_cap);

/* The serve facet of ep is gone: fails every waiting call with
 * DISCONNECTED and every posted RECV with CANCELLED. */
void ipc_close(struct endpoint *ep);

/* Frees p's pool (process destruction: no record is in use). */
void ipc_pool_free(struct process *p);

#endif
