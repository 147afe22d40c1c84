/* The capability ring, kernel side: decoding submissions and posting
 * completions (include/capos/ring.h is the ABI, lib/ring_queue the state
 * machine that keeps every completion). */
#ifndef CAPOS_KERNEL_RING_H
#define CAPOS_KERNEL_RING_H

#include <stdint.h>

#include "include/capos/ring.h"
#include "lib/ring_queue.h"

struct process;
struct thread;

/* A process's ring: the queue state plus the thread blocked in cap_enter. */
struct ring_state {
	struct ring_queue q;
	struct thread *waiter;  /* blocked in cap_enter, or NULL */
	uint32_t waiting_for;   /* completions it waits for */
};

/* The kernel builds variable-size results in an arena of at most this size. */
#define CALL_RESULTS_ARENA (256u * 1024)

/* Work one cap_enter may do, in steps of the params walk plus words of
 * params copied: past it the remaining submissions wait for the next
 * cap_enter, so no single system call holds the CPU for long (the bound is
 * measured by the deep-params and dag-params system tests). */
#define RING_ENTER_WORK_WORDS (16u * 1024)
/* What a CALL costs beyond its params, in the same units: its lookups,
 * copies and the object's work (so a flood of tiny calls is bounded too). */
#define RING_CALL_WORK 256u

/* Initializes the shared page (through the direct map) and the kernel's
 * private state. */
void ring_init(struct ring_state *r, struct capos_ring *shared);

/* cap_enter for process p (the current one): see include/capos/syscall.h. */
int64_t ring_enter(struct process *p, uint32_t min_complete, uint64_t timeout_ns);

/* Completes an operation of p that returned CALL_PENDING (its CQ credit is
 * returned) and wakes p if it waits for it. No effect once p has exited. */
void ring_complete_later(struct process *p, uint64_t user_data, int32_t result, uint32_t cap);

/* ring_complete_later whose wake-up, if any, runs p next (sched_wake_next). */
void ring_complete_handoff(struct process *p, uint64_t user_data, int32_t result, uint32_t cap);

#endif
