/* The capOS user runtime: entry, system calls, the ring client, typed
 * capability clients, a heap and printf. A program defines
 *     int main(void);
 * and its return value becomes the exit code. */
#ifndef CAPOS_RT_H
#define CAPOS_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capos/capset.h"
#include "capos/ring.h"
#include "capos/syscall.h"
#include "capos/capos.capnp.h"

int main(void);

/* ------------------------------------------------------------ process */
struct rt_process {
	struct capos_ring *ring;
	const struct capos_capset *capset;
	uint32_t pid;
};
extern struct rt_process rt;

_Noreturn void rt_exit(int64_t code);

/* The CapId of the bootstrap capability called name, if its interface is
 * interface_id; 0 when there is none. */
uint32_t rt_capset_find(const char *name, uint64_t interface_id);

/* The process's arguments (from the CapSet page). */
uint32_t rt_argc(void);
const char *rt_arg(uint32_t i);

/* ------------------------------------------------------------ syscalls */
int64_t sys_cap_enter(uint32_t min_complete, uint64_t timeout_ns);
_Noreturn void sys_exit(int64_t code);

/* ------------------------------------------------------------ ring client
 * One owner per process (no locking). Completions may arrive in any order:
 * rt_ring_wait returns the one with the given user_data and keeps the
 * others for later. At most RT_INFLIGHT_MAX operations may be in flight
 * through this client, so a completion is never dropped. */
#define RT_SQ_FULL 1
#define RT_INFLIGHT_MAX (2 * CAPOS_RING_CQ_ENTRIES)
/* CAPOS_OK; RT_SQ_FULL (enter the kernel and retry); CAPOS_E_BUSY (too many
 * operations in flight: wait for some first). */
int rt_ring_submit(const struct capos_sqe *sqe);
/* false: the completion cannot arrive (cap_enter failed) or the store of
 * kept completions is full because the CQ was used behind rt's back. */
bool rt_ring_wait(uint64_t user_data, struct capos_cqe *out);
/* Takes user_data's completion if it has arrived, without blocking. */
bool rt_ring_poll(uint64_t user_data, struct capos_cqe *out);
/* Takes any completion that has arrived (kept ones first), without
 * blocking: an event loop's "what happened?" (services/virtio-blk). */
bool rt_ring_next(struct capos_cqe *out);
uint64_t rt_ring_next_user_data(void);
/* Discards every completion in the CQ and the store (for ring tests that
 * submit in bulk); returns how many. */
uint32_t rt_ring_drain(void);

/* Submits sqe (its user_data is assigned here) and waits for its
 * completion; returns the completion's result (and the whole completion in
 * *out, which may be NULL). */
int rt_submit_wait(struct capos_sqe *sqe, struct capos_cqe *out);

/* A synchronous CALL of method on capability cap, which must implement
 * interface_id: params (params_len bytes, a multiple of 8) are at buf,
 * which then receives the results (at most buf_cap bytes). Returns the
 * completion result (>= 0: results length) and a capability the call
 * created in *new_cap (may be NULL; 0 when the call failed). The generated
 * clients (capos/capos.capnp.h) call it through capnp_client_transport. */
int rt_call(uint32_t cap, uint64_t interface_id, uint16_t method, void *buf, uint32_t params_len,
            uint32_t buf_cap, uint32_t *new_cap);

/* Releases a capability (RELEASE op); returns the completion result. */
int rt_release(uint32_t cap);

/* A generated-client call buffer of `bytes` (a multiple of 8) on the stack:
 *     RT_CLIENT(cl, 256);
 *     capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), 7);
 *     capos_Null_echo_call(null, &cl, &res); */
#define RT_CLIENT(name, bytes)                 \
	uint64_t name##_buf_[(bytes) / 8];      \
	struct capnp_client name;               \
	capnp_client_init(&name, name##_buf_, (bytes))

/* The bootstrap capability called name as a typed handle of interface T
 * (id 0 when there is none): RT_CAP(capos_Console, "console"). */
#define RT_CAP(T, name) ((T){ rt_capset_find((name), T##_ID) })

/* ------------------------------------------------------------ processes */
struct rt_grant {
	const char *name;     /* in the child's CapSet */
	uint32_t cap;         /* from the caller's table */
	uint64_t interface_id;
	uint64_t badge;       /* 0: keep */
	uint32_t rights;      /* at most the caller's */
};

struct rt_spawn_args {
	const char *name, *binary;
	const struct rt_grant *grants;
	uint32_t ngrants;
	const char *const *args;
	uint32_t nargs;
	uint64_t kernel_memory; /* the child's quota in bytes; 0: the default */
};

/* Spawns a->binary from the boot package; on success *handle owns the
 * child (release it with rt_release(handle->id): that kills the child if
 * it still runs). Returns CAPOS_OK or the call's error. */
int rt_spawn(capos_ProcessSpawner spawner, const struct rt_spawn_args *a, capos_ProcessHandle *handle,
             uint32_t *pid);

/* Waits for the process to exit: CAPOS_OK with its exit code, or an error. */
int rt_wait(capos_ProcessHandle h, int64_t *exit_code);

/* ------------------------------------------------------------ IPC
 * A server makes an endpoint serving one interface of the schema, mints
 * client capabilities (badged, attenuated) and passes them on (spawn
 * grants, transfers); clients call them with the interface's generated
 * client, exactly as they would call a kernel object. */

/* Makes an endpoint serving interface_id; *serve is its serve capability. */
int rt_endpoint_create(capos_ObjectFactory factory, uint64_t interface_id, uint32_t queue_limit, uint32_t *serve);

/* A client capability of the endpoint with a badge and at most rights. */
int rt_endpoint_mint(uint32_t serve, uint64_t badge, uint32_t rights, uint32_t *client);

/* One RECV: buf receives a struct capos_recv_header and the params.
 * Returns the bytes received or an error; the reply capability is in the
 * header. */
int rt_recv(uint32_t serve, void *buf, uint32_t buf_cap);

/* One RETURN through reply: the results message, or exception < 0. */
int rt_return(uint32_t reply, const void *results, uint32_t len, int32_t exception);

/* A server's handler for one call: the generated I_dispatch usually,
 *     static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
 *     { return capos_Console_dispatch(&server, ctx, c); }
 * returning CAPOS_OK (results built in c->results) or a CAPOS_E_* error
 * the caller receives as its result. h gives the badge and the caller. */
typedef int (*rt_handler)(void *ctx, const struct capos_recv_header *h, struct capnp_call *call);

/* Runs one received call (h, from a RECV) through handle; builds the
 * RETURN for it in *ret (results in arena, or the handler's error as an
 * exception), for servers with their own loop (services/serial). */
void rt_dispatch(const struct capos_recv_header *h, rt_handler handle, void *ctx, uint64_t *arena,
                 uint32_t arena_bytes, struct capos_sqe *ret);

#define RT_SERVE_BUF 8192u     /* receive buffer: header and params */
#define RT_SERVE_RESULTS 4096u /* results arena */

/* Serves calls on serve: RECV, handle, RETURN (the RETURN and the next
 * RECV in one cap_enter), max_calls times (0: until the endpoint closes).
 * Returns CAPOS_OK after max_calls, or the RECV's error. */
int rt_serve(uint32_t serve, rt_handler handle, void *ctx, uint32_t max_calls);

/* ------------------------------------------------------------ the boot package */
/* The size of file path (CAPOS_OK, or BootPackage.stat's error). */
int rt_bootpkg_size(capos_BootPackage pkg, const char *path, uint64_t *size);
/* Reads all size bytes of path (rt_bootpkg_size) into buf. */
int rt_bootpkg_read(capos_BootPackage pkg, const char *path, void *buf, uint64_t size);

/* ------------------------------------------------------------ heap, output */
void *malloc(size_t size);
void free(void *p);

/* printf to the "console" capability (silently dropped without one). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
