/* The capability ring, kernel side: decoding submissions and posting
 * completions (include/capos/ring.h is the ABI). */
#ifndef CAPOS_KERNEL_RING_H
#define CAPOS_KERNEL_RING_H

#include <stdint.h>

#include "include/capos/ring.h"

struct process;
struct ring_state;

/* The kernel builds results in an arena of at most this size. */
#define CALL_RESULTS_ARENA (256u * 1024)

/* Initializes the shared page (through the direct map) and the kernel's
 * private state. */
void ring_init(struct ring_state *r, struct capos_ring *shared);

/* cap_enter for process p (the current one): see include/capos/syscall.h. */
int64_t ring_enter(struct process *p, uint32_t min_complete, uint64_t timeout_ns);

/* Posts a completion to p's ring for an operation that finished after its
 * cap_enter returned, and wakes p if it waits for it. */
void ring_complete_later(struct process *p, uint64_t user_data, int32_t result, uint32_t cap);

/* Completes a ProcessHandle.wait: writes the results (exitCode) to buf in
 * waiter's memory and posts the completion. */
void ring_complete_exit_wait(struct process *waiter, uint64_t user_data, uint64_t buf, uint64_t buf_cap,
                             int64_t exit_code);

#endif
