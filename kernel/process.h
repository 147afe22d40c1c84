/* Processes: an address space, a capability table, a ring page, a CapSet
 * page and one or more threads. A process is also a kernel object: the
 * ProcessHandle capability its spawner holds points at it, so the struct
 * lives until the last handle is released, long after the process exits. */
#ifndef CAPOS_KERNEL_PROCESS_H
#define CAPOS_KERNEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/kobject.h"
#include "kernel/mem/aspace.h"
#include "kernel/thread.h"
#include "include/capos/ring.h"
#include "lib/cap_table.h"
#include "lib/elf.h"

#define PROCESS_NAME_MAX 32
#define PROCESS_CAP_SLOTS 256
#define PROCESS_MAX_FRAME_GRANTS 512

/* Fixed user addresses of the bootstrap pages and stack. */
#define USER_RING_VA 0x00007FFFFFFFD000ull
#define USER_CAPSET_VA 0x00007FFFFFFFE000ull
#define USER_STACK_TOP 0x00007FFFFFF00000ull
#define USER_STACK_PAGES 16
#define USER_TLS_VA 0x00007FFFF0000000ull

enum process_state { PROCESS_ALIVE, PROCESS_EXITED };

/* Something waiting for a process to exit (a ProcessHandle.wait call). */
struct exit_waiter {
	struct exit_waiter *next;
	struct process *waiter; /* holds a reference */
	uint64_t user_data, buf, buf_cap;
};

/* The kernel's private view of a ring: geometry is never read back from
 * shared memory. */
struct ring_state {
	struct capos_ring *shared; /* the ring page through the direct map */
	uint32_t sq_head;          /* next SQE to consume */
	uint32_t cq_tail;          /* next CQE slot to fill */
	struct thread *waiter;     /* blocked in cap_enter, or NULL */
	uint32_t waiting_for;      /* completions it waits for */
};

/* A bootstrap capability for a new process. */
struct process_grant {
	char name[24];
	struct kobject *object;
	uint64_t interface_id;
	uint32_t rights;
	uint64_t badge;
};

struct process {
	struct kobject obj;         /* as a ProcessHandle */
	uint32_t pid;
	char name[PROCESS_NAME_MAX];
	enum process_state state;
	int64_t exit_code;
	struct aspace as;
	struct cap_table caps;
	struct cap_slot slots[PROCESS_CAP_SLOTS];
	struct ring_state ring;
	struct thread *threads;
	struct exit_waiter *exit_waiters;
	struct process *all_next;   /* every live process */
	uint64_t *frame_grants;     /* FrameAllocator grants (physical), reclaimed at exit */
	uint32_t nframe_grants;
};

/* Creates a process running the parsed ELF image (bytes at elf) with the
 * given bootstrap capabilities and arguments (argc NUL-terminated strings
 * packed in args). Returns the process (with one reference, the caller's)
 * or NULL with *err set to a CAPOS_E_* code; on failure nothing is left
 * allocated. */
struct process *process_spawn(const char *name, const void *elf, const struct elf_image *img,
                              const struct process_grant *grants, uint32_t ngrants, const char *args,
                              uint32_t args_len, uint32_t argc, int *err);

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

/* Registers a waiter for p's exit; if p already exited, completes at once. */
void process_wait(struct process *p, struct process *waiter, uint64_t user_data, uint64_t buf, uint64_t buf_cap);

/* The ProcessHandle object type (kernel/cap/process_handle.c) and its
 * destructor, which frees the struct once the last handle is gone. */
extern const struct kobject_ops process_handle_ops;
void process_free(struct kobject *o);

/* Exit status of the first process (init) once it has exited. */
bool process_init_exited(int64_t *code);

#endif
