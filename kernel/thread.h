/* Threads and the scheduler.
 *
 * One CPU, a round-robin run queue, a preemptive tick. The kernel itself is
 * not preemptible: interrupts are off in kernel code except in the idle
 * loop, so a switch happens only where the kernel asks for one (blocking,
 * exit) or when the tick interrupts user mode or idle. */
#ifndef CAPOS_KERNEL_THREAD_H
#define CAPOS_KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/mem/kstack.h"

#define DEADLINE_NONE 0

struct process;
struct kmem;

enum thread_state {
	THREAD_RUNNABLE, /* on the run queue */
	THREAD_RUNNING,  /* the current thread */
	THREAD_BLOCKED,  /* waiting for sched_wake or its deadline */
	THREAD_DEAD,     /* waiting to have its stack freed */
};

struct thread {
	struct arch_thread arch;
	struct process *proc; /* NULL for the idle thread */
	enum thread_state state;
	struct thread *run_next;   /* run queue / zombie list link */
	struct thread *sleep_next; /* deadline list link, sorted by wake_tick */
	struct thread *proc_next;  /* the process's thread list */
	uint64_t wake_tick;        /* DEADLINE_NONE: no deadline */
	bool timed_out;            /* set when the deadline, not sched_wake, ended a block */
	void *kstack;
	struct kmem *kmem;         /* charged for the thread and its stack (NULL: the idle thread) */
};

struct thread *thread_current(void);

/* Creates a user thread of p, runnable, entering at entry with the given
 * stack and arguments, charged to p's account. NULL with *err
 * CAPOS_E_LIMIT_EXCEEDED or CAPOS_E_NO_MEMORY. */
struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t user_rsp, uint64_t a0,
                                  uint64_t a1, uint64_t a2, int *err);

/* Creates the idle thread; call once before sched_start. */
void sched_init(void);

/* Runs the first runnable thread; the boot stack is abandoned. */
_Noreturn void sched_start(void);

/* Blocks the current thread until sched_wake or deadline (a tick count;
 * DEADLINE_NONE waits forever). Returns true if woken, false on timeout. */
bool sched_block(uint64_t deadline);

/* Makes a blocked thread runnable (no effect otherwise). */
void sched_wake(struct thread *t);

/* sched_wake, but t runs next: at the head of the run queue (direct
 * handoff: the thread an IPC completion wakes runs as soon as the current
 * one blocks or is preempted). */
void sched_wake_next(struct thread *t);

/* Removes a thread that is not current from the scheduler and frees it. */
void sched_discard(struct thread *t);

/* The current thread ends; its stack is freed after the switch away. */
_Noreturn void sched_exit_current(void);

/* Timer hook: wakes threads whose deadline passed. */
void sched_tick(void);

/* Interrupt-exit hook: switches if the interrupted context may be preempted
 * (user mode or idle) and another thread is runnable. */
void sched_preempt(bool from_user);

/* Called by the scheduler when nothing can ever run again. */
_Noreturn void kernel_all_done(void);

#endif
