/* Processes: an address space, a capability table, a ring page, a CapSet
 * page and one or more threads. A process is also a kernel object: the
 * ProcessHandle capability its spawner holds points at it, so the struct
 * lives until the last handle is released, long after the process exits. */
#ifndef CAPOS_KERNEL_PROCESS_H
#define CAPOS_KERNEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "kernel/mem/aspace.h"
#include "kernel/thread.h"
#include "include/capos/ring.h"
#include "include/capos/syscall.h"
#include "kernel/ring.h"
#include "lib/cap_table.h"
#include "lib/elf.h"

#define PROCESS_NAME_MAX 32
#define PROCESS_CAP_SLOTS 256
#define PROCESS_MAX_FRAME_GRANTS 512
#define PROCESS_FRAME_GRANTS_BYTES (PROCESS_MAX_FRAME_GRANTS * sizeof(uint64_t))

/* Fixed user addresses of the bootstrap pages and stack. */
#define USER_RING_VA 0x00007FFFFFFFD000ull
#define USER_CAPSET_VA 0x00007FFFFFFFE000ull
#define USER_STACK_TOP 0x00007FFFFFF00000ull
#define USER_STACK_PAGES 16
#define USER_TLS_VA 0x00007FFFF0000000ull

enum process_state { PROCESS_ALIVE, PROCESS_EXITED };

/* A ProcessHandle.wait pending on a process's exit: on the target's list of
 * waiters and on the waiter's list of its own waits, so either side's exit
 * finds it at once. Charged to the waiter's account. */
struct exit_waiter {
	struct exit_waiter *next_on_target, **prev_on_target;
	struct exit_waiter *next_of_waiter, **prev_of_waiter;
	struct process *waiter;
	uint64_t user_data, buf, buf_cap;
};

/* A bootstrap capability for a new process. */
struct process_grant {
	char name[24];
	struct kobject *object;
	uint64_t interface_id;
	uint32_t rights;
	uint64_t badge;
};

/* An operation of a process that completes later and holds kernel state
 * elsewhere (a RECV posted on an endpoint or a notification): on the
 * process's list, so its exit cancels each one. cancel unlinks the
 * operation (process_pending_remove) and frees what it holds; no
 * completion is posted for it. */
struct pending_op {
	struct pending_op *next, **prev;
	void (*cancel)(struct pending_op *op);
};

/* Process lifetime: a process runs until it exits, faults, is killed, or
 * the last capability to it (its ProcessHandles) is released — then it is
 * killed, so no process can outlive everyone able to stop it. The struct
 * itself lives on while anything refers to it (handles, exit waits). */
struct process {
	struct kobject obj;         /* as a ProcessHandle */
	uint32_t pid;
	char name[PROCESS_NAME_MAX];
	struct capos_principal principal; /* what it runs (include/capos/ring.h), set at spawn */
	enum process_state state;
	bool doomed;                /* its last handle went: killed at the next safe point */
	int64_t exit_code;
	struct kmem *kmem;          /* everything below is charged to it */
	struct aspace as;
	struct cap_table caps;
	struct cap_slot slots[PROCESS_CAP_SLOTS];
	struct ring_state ring;
	struct thread *threads;
	struct exit_waiter *waiters;  /* waits for this process's exit */
	struct exit_waiter *my_waits; /* waits this process is making */
	struct pending_op *pending; /* its RECVs posted on objects */
	struct ipc_pool *ipc;       /* IPC records (kernel/ipc.h), made on first use */
	struct process *all_next;   /* every live process */
	struct process *doomed_next;
	uint64_t *frame_grants;     /* FrameAllocator grants (physical), reclaimed at exit */
	uint32_t nframe_grants;
	struct kobject *console_io; /* a console IoPort it has direct access to (referenced), put at exit */
};

/* What a new process is made of. */
struct spawn_spec {
	const char *name;
	const void *elf;                  /* the binary's bytes */
	const struct elf_image *img;      /* parsed */
	const uint8_t *digest;            /* BLAKE3 of the verified binary (its principal's digest) */
	const struct process_grant *grants;
	uint32_t ngrants;
	const char *args;                 /* argc NUL-terminated strings, args_len bytes */
	uint32_t args_len, argc;
	struct kmem *parent_kmem;         /* the quota is carved out of this account */
	uint64_t kmem_limit;              /* bytes */
};

/* Creates a process. Returns it (with one reference, the caller's) or NULL
 * with *err set to a CAPOS_E_* code (CAPOS_E_LIMIT_EXCEEDED when the
 * parent's account or the new quota cannot pay for it); on failure nothing
 * is left allocated or charged. */
struct process *process_spawn(const struct spawn_spec *spec, int *err);

/* Ends p with exit code: releases its capabilities, answers its exit
 * waiters, frees its memory and threads. If p is the current process this
 * does not return. */
void process_exit(struct process *p, int64_t code);

/* Kills the current process for a fault in user mode (after the caller has
 * printed the diagnosis). Never returns. */
_Noreturn void process_fault_exit(void);

struct process *process_current(void);
uint64_t process_root(const struct process *p);
uint32_t process_live_count(void);
/* The newest live process; the others follow through all_next (read-only:
 * for SystemMonitor, which runs with interrupts off like all kernel code). */
struct process *process_live_first(void);

/* Registers waiter's wait for the exit of p, which is alive. Returns
 * CALL_PENDING, or CAPOS_E_LIMIT_EXCEEDED / NO_MEMORY when the waiter's
 * account cannot pay for the record. */
int process_wait_exit(struct process *p, struct process *waiter, uint64_t user_data, uint64_t buf,
                      uint64_t buf_cap);

/* Puts op on p's list of pending operations / takes it off (idempotent). */
void process_pending_add(struct process *p, struct pending_op *op);
void process_pending_remove(struct pending_op *op);

/* Marks p to be killed at the next process_reap (its last handle went, or
 * init ended). No effect on a process that exited or is already doomed. */
void process_doom(struct process *p);

/* True when some process waits to be reaped (a cheap check for hot paths). */
extern struct process *process_doomed_list;
static inline bool process_reap_pending(void) { return process_doomed_list != 0; }

/* Kills the processes whose last handle was released (process->doomed),
 * iteratively: killing one can doom others. The current process, if
 * doomed, is left for the caller to end. */
void process_reap(void);

/* The ProcessHandle object type (kernel/cap/process_handle.c) and its
 * destructor, which frees the struct once nothing refers to it. */
extern const struct kobject_ops process_handle_ops;
void process_free(struct kobject *o);

/* Completes waiter's ProcessHandle.wait with the exit code (results
 * written to buf in waiter's memory). */
void process_handle_wait_done(struct process *waiter, uint64_t user_data, uint64_t buf, uint64_t buf_cap,
                              int64_t exit_code);

/* Exit status of the first process (init) once it has exited. */
bool process_init_exited(int64_t *code);

#endif
