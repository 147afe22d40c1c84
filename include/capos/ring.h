/* The capability ring: the ABI between a process and the kernel.
 *
 * Every process has one ring page, mapped writable at the address passed to
 * _start in RDI. It holds a submission queue (SQ) the process fills and a
 * completion queue (CQ) the kernel fills, io_uring style:
 *
 *   process: writes SQEs at sq[tail & sq_mask], then advances sq_tail;
 *            calls cap_enter; reads CQEs from cq[head & cq_mask] up to
 *            cq_tail, then advances cq_head.
 *   kernel:  consumes SQEs from sq_head up to sq_tail (copying each one out
 *            of shared memory before looking at it), posts CQEs at cq_tail.
 *
 * Indices are free-running 32-bit counters. The geometry fields are written
 * by the kernel at creation and never trusted back: the kernel keeps its own
 * copy.
 *
 * A completion is never lost. cap_enter consumes a submission only while
 * the CQ has room for its completion: a free entry for one that completes
 * at once, a reserved entry for one that completes later (a wait). So the
 * completions outstanding never exceed cq_entries, and a process that reads
 * its CQ honestly always finds room for every completion. (A process that
 * moves cq_head backwards only delays its own completions: they wait in
 * the kernel, already paid for, until the CQ has room again.)
 *
 * Capability-typed fields in params and results messages carry CapIds of the
 * caller's own table as the Cap'n Proto capability index.
 * Included by the kernel and by user space; no dependencies. */
#ifndef CAPOS_RING_H
#define CAPOS_RING_H

#include <stdint.h>

#define CAPOS_RING_MAGIC 0x676E6952u /* "Ring" */
#define CAPOS_RING_VERSION 2u
#define CAPOS_RING_SQ_ENTRIES 64u
#define CAPOS_RING_CQ_ENTRIES 64u

/* Opcodes. Values not listed are reserved and complete with
 * CAPOS_E_BAD_OPCODE. */
enum capos_ring_op {
	CAPOS_OP_NOP = 0,     /* completes with result 0 */
	CAPOS_OP_CALL = 1,    /* invoke method `method` on capability `cap` */
	CAPOS_OP_RECV = 2,    /* serve an Endpoint capability */
	CAPOS_OP_RETURN = 3,  /* answer a received call */
	CAPOS_OP_RELEASE = 4, /* drop capability `cap` from the table */
};

/* SQE flags; any other set bit is CAPOS_E_BAD_FLAGS. */
#define CAPOS_SQE_TRANSFER 1u /* CALL to an endpoint, RETURN: buf begins with a
                                 struct capos_transfer (capabilities sent, and
                                 on a CALL's completion, received) */
#define CAPOS_SQE_FLAGS_VALID CAPOS_SQE_TRANSFER

/* Largest params message and results buffer a CALL may name. */
#define CAPOS_CALL_MAX_PARAMS (64u * 1024)
#define CAPOS_CALL_MAX_RESULTS (1u << 20)

/* A submission. For CALL, buf holds the Cap'n Proto params message
 * (params_len bytes) and receives the results message (at most buf_cap
 * bytes). buf must lie wholly in user space. The kernel checks a CALL in
 * one fixed order before any object code runs: the CapId, then that the
 * capability implements interface_id, then that the method exists, then
 * that the capability holds the rights the method needs. */
struct capos_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t method;       /* CALL: the interface's method ordinal */
	uint32_t cap;          /* CALL, RELEASE: a CapId */
	uint64_t user_data;    /* copied to the completion untouched */
	uint64_t interface_id; /* CALL: the interface the caller means to call */
	uint64_t buf;          /* CALL: user address of the params/results buffer */
	uint32_t params_len;   /* CALL: bytes of params at buf */
	uint32_t buf_cap;      /* CALL: bytes at buf the results may use */
};
_Static_assert(sizeof(struct capos_sqe) == 40, "SQEs are 40 bytes");

/* IPC (docs/ipc.md). A CALL on a client capability of an endpoint is
 * delivered to a RECV posted on the endpoint's serve capability: the RECV's
 * buffer receives a struct capos_recv_header, then the params message at
 * buf + sizeof(struct capos_recv_header); the RECV completes with the bytes
 * written and the reply capability in cqe.cap. The server answers with a
 * RETURN: cap = the reply capability (used up by it), buf/params_len = the
 * results message, interface_id = 0, or a negative CAPOS_E_* code the
 * caller's CALL completes with instead of results (an exception). The CALL
 * completes with the bytes of results written to its buf.
 *
 * Capabilities travel beside the message: with CAPOS_SQE_TRANSFER, buf
 * (params_len and buf_cap included) begins with a struct capos_transfer
 * naming up to CAPOS_TRANSFER_MAX capabilities of the sender to copy or
 * move, and the message follows it. A move reserves the sender's slot
 * until the receiver's table has taken the capability; on any failure
 * nothing moves. Received capabilities are listed, with their interface
 * ids, in the receiver's transfer block: the RECV header's for a CALL, the
 * CALL's own block (overwritten) for a RETURN. */
#define CAPOS_TRANSFER_MAX 4u

enum capos_transfer_mode {
	CAPOS_TRANSFER_COPY = 0,
	CAPOS_TRANSFER_MOVE = 1,
};

struct capos_transfer_cap {
	uint32_t cap;          /* sent: the sender's CapId; received: the receiver's */
	uint32_t mode;         /* sent: enum capos_transfer_mode; received: 0 */
	uint64_t interface_id; /* sent: must match the capability; received: its interface */
};

struct capos_transfer {
	uint32_t count;        /* <= CAPOS_TRANSFER_MAX */
	uint32_t reserved;     /* zero */
	struct capos_transfer_cap caps[CAPOS_TRANSFER_MAX];
};
_Static_assert(sizeof(struct capos_transfer) == 72, "a transfer block is 72 bytes");

/* Who runs a process: stamped by the kernel when the process is made, never
 * chosen by the process (docs/signing.md). */
struct capos_principal {
	uint8_t key[8];      /* fingerprint of the key that signed its binary: BLAKE3(public key)[0, 8) */
	uint8_t digest[32];  /* BLAKE3 of its binary (the part before the signature trailer) */
	char name[24];       /* the name its spawner gave it (the manifest's service name), NUL-terminated */
};
_Static_assert(sizeof(struct capos_principal) == 64, "a principal is 64 bytes");

struct capos_recv_header {
	uint64_t badge;        /* the caller's capability's badge */
	uint64_t interface_id; /* the interface called (the endpoint's) */
	uint16_t method;
	uint16_t reserved;
	uint32_t reply;        /* the one-shot reply capability (also in cqe.cap) */
	uint32_t params_len;   /* bytes of params message after the header */
	uint32_t caller_pid;   /* the caller's process id, stamped by the kernel */
	struct capos_transfer caps; /* capabilities the caller sent */
	struct capos_principal principal; /* the caller's, stamped by the kernel */
};
_Static_assert(sizeof(struct capos_recv_header) == 168, "a receive header is 168 bytes");

/* A completion. result >= 0: success (for CALL, the bytes of the results
 * message written to buf); result < 0: a CAPOS_E_* error. cap: a capability
 * the operation created in the caller's table (e.g. spawn's ProcessHandle),
 * or 0. */
struct capos_cqe {
	uint64_t user_data;
	int32_t result;
	uint32_t cap;
};
_Static_assert(sizeof(struct capos_cqe) == 16, "CQEs are 16 bytes");

struct capos_ring {
	uint32_t magic;
	uint32_t version;
	uint32_t sq_entries; /* power of two */
	uint32_t cq_entries; /* power of two */
	uint32_t sq_head;    /* kernel-written: next SQE the kernel consumes */
	uint32_t sq_tail;    /* user-written: one past the last SQE submitted */
	uint32_t cq_head;    /* user-written: next CQE the process reads */
	uint32_t cq_tail;    /* kernel-written: one past the last CQE posted */
	uint32_t reserved[8];
	struct capos_sqe sq[CAPOS_RING_SQ_ENTRIES];
	struct capos_cqe cq[CAPOS_RING_CQ_ENTRIES];
};
_Static_assert(sizeof(struct capos_ring) <= 4096, "the ring fits one page");
_Static_assert((CAPOS_RING_SQ_ENTRIES & (CAPOS_RING_SQ_ENTRIES - 1)) == 0, "SQ size is a power of two");
_Static_assert((CAPOS_RING_CQ_ENTRIES & (CAPOS_RING_CQ_ENTRIES - 1)) == 0, "CQ size is a power of two");

/* Errors (negative results): the one error vocabulary of the system, used by
 * the kernel and by servers alike. Each user-reachable failure has its own. */
enum capos_error {
	CAPOS_OK = 0,
	CAPOS_E_BAD_OPCODE = -1,  /* reserved or unknown opcode */
	CAPOS_E_BAD_FLAGS = -2,   /* undefined SQE flag bits set */
	CAPOS_E_BAD_CAP = -3,     /* no capability with this CapId (never issued, or forged) */
	CAPOS_E_STALE_CAP = -4,   /* the CapId's slot was released / reused */
	CAPOS_E_NO_SUCH_METHOD = -5,  /* no such method on this interface */
	CAPOS_E_BAD_LENGTH = -6,  /* params_len/buf_cap out of range or inconsistent */
	CAPOS_E_FAULT = -7,       /* buf not wholly in mapped user memory */
	CAPOS_E_BAD_MESSAGE = -8, /* the params message does not decode */
	CAPOS_E_NO_MEMORY = -9,   /* the kernel is out of frames or heap */
	CAPOS_E_PERMISSION_DENIED = -10,     /* the capability lacks the right for this method */
	CAPOS_E_NOT_SUPPORTED = -11, /* opcode not valid for this capability */
	CAPOS_E_NOT_FOUND = -12,  /* a named thing (binary, file) does not exist */
	CAPOS_E_BAD_ELF = -13,    /* the binary is not an acceptable ELF */
	CAPOS_E_TOO_BIG = -14,    /* results do not fit in buf_cap */
	CAPOS_E_TABLE_FULL = -15, /* the capability table has no free slot */
	CAPOS_E_BAD_ARGUMENT = -16, /* a decoded parameter is out of range */
	CAPOS_E_BUSY = -17,       /* the object cannot take this call now */
	CAPOS_E_CANCELLED = -18,  /* the operation was abandoned (e.g. its object died) */
	CAPOS_E_RING_CORRUPT = -19, /* cap_enter: sq_tail is more than a queue ahead of sq_head */
	CAPOS_E_WRONG_INTERFACE = -20, /* the capability does not implement the interface named */
	CAPOS_E_LIMIT_EXCEEDED = -21, /* a quota of the caller was hit (kernel memory, frames) */
	CAPOS_E_RESERVED_CAP = -22, /* the capability is held by a pending move */
	CAPOS_E_DISCONNECTED = -23, /* the server went away (or dropped the call) without answering */
	CAPOS_E_QUEUE_FULL = -24, /* the endpoint's queue of waiting calls is full */
	CAPOS_E_BAD_SIGNATURE = -25, /* the binary's signature is missing or does not verify */
	CAPOS_E_IO = -26,         /* the device reported an error (services/virtio-blk) */
};

#endif
