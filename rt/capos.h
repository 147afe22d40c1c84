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
 * interface_id (0: any); 0 when there is none. */
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
 * others for later. */
bool rt_ring_submit(const struct capos_sqe *sqe);      /* false: SQ full */
bool rt_ring_wait(uint64_t user_data, struct capos_cqe *out); /* false: nothing can arrive */
bool rt_ring_poll(uint64_t user_data, struct capos_cqe *out); /* no blocking; false: not (yet) there */
uint64_t rt_ring_next_user_data(void);

/* Submits sqe (its user_data is assigned here) and waits for its
 * completion; returns the completion's result (and the whole completion in
 * *out, which may be NULL). */
int rt_submit_wait(struct capos_sqe *sqe, struct capos_cqe *out);

/* A synchronous CALL: params (params_len bytes, 8-byte multiple) are copied
 * into buf, which then receives the results. Returns the completion result
 * (>= 0: results length) and the completion's cap in *cap (may be NULL). */
int rt_call(uint32_t cap, uint16_t method, const void *params, uint32_t params_len, void *buf,
            uint32_t buf_cap, uint32_t *new_cap);

/* Releases a capability (RELEASE op); returns the completion result. */
int rt_release(uint32_t cap);

/* An owned capability: closed (released) exactly once. */
struct rt_handle {
	uint32_t cap;
};
int rt_handle_close(struct rt_handle *h);

/* ------------------------------------------------------------ typed clients */
int console_write(uint32_t console, const char *s, size_t len);
int console_write_line(uint32_t console, const char *s, size_t len);
int null_nop(uint32_t null);
int null_echo(uint32_t null, uint64_t value, uint64_t *out);

struct rt_grant {
	const char *name;     /* in the child's CapSet */
	uint32_t cap;         /* from the caller's table */
	uint64_t interface_id;
	uint64_t badge;       /* 0: keep */
	uint32_t rights;      /* at most the caller's */
};

/* Spawns binary from the boot package; on success *handle owns the child. */
int spawner_spawn(uint32_t spawner, const char *name, const char *binary, const struct rt_grant *grants,
                  uint32_t ngrants, const char *const *args, uint32_t nargs, struct rt_handle *handle,
                  uint32_t *pid);
int process_wait(uint32_t handle, int64_t *exit_code);
int process_kill(uint32_t handle);
int frames_stats(uint32_t frames, uint64_t *total, uint64_t *free_frames, uint64_t *granted);
int frames_alloc(uint32_t frames, uint64_t *phys);

/* BootPackage: list counts the files (and reports whether `want` is one);
 * read copies at most cap bytes of the file at offset into out. */
int bootpkg_list(uint32_t bootpkg, uint32_t *count, const char *want, bool *found);
int bootpkg_stat(uint32_t bootpkg, const char *name, uint64_t *size);
int bootpkg_read(uint32_t bootpkg, const char *name, uint64_t offset, uint32_t length, void *out, uint32_t cap,
                 uint32_t *got);
int bootpkg_manifest_size(uint32_t bootpkg, uint64_t *size);

/* ------------------------------------------------------------ heap, output */
void *malloc(size_t size);
void free(void *p);

/* printf to the "console" capability (silently dropped without one). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
