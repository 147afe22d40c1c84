/* The round-robin scheduler (see thread.h for the model). */
#include "kernel/thread.h"

#include "include/capos/ring.h"
#include "kernel/cap/irq_line.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/kstack.h"
#include "kernel/mem/vm.h"
#include "kernel/process.h"
#include "kernel/timer.h"
#include "lib/mem.h"

static struct thread *current;
static struct thread *idle;
static struct thread *run_head, *run_tail;
static struct thread *sleepers; /* sorted by wake_tick */
static struct thread *zombies;  /* dead, stacks not yet freed */

struct thread *thread_current(void) { return current; }

static uint64_t root_of(const struct thread *t) { return t->proc ? process_root(t->proc) : vm_kernel_root; }

static void run_enqueue(struct thread *t)
{
	t->state = THREAD_RUNNABLE;
	t->run_next = 0;
	if (run_tail)
		run_tail->run_next = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *run_dequeue(void)
{
	struct thread *t = run_head;
	if (t) {
		run_head = t->run_next;
		if (!run_head)
			run_tail = 0;
		t->run_next = 0;
	}
	return t;
}

static void sleep_insert(struct thread *t)
{
	struct thread **pp = &sleepers;
	while (*pp && (*pp)->wake_tick <= t->wake_tick)
		pp = &(*pp)->sleep_next;
	t->sleep_next = *pp;
	*pp = t;
}

static void sleep_remove(struct thread *t)
{
	for (struct thread **pp = &sleepers; *pp; pp = &(*pp)->sleep_next) {
		if (*pp == t) {
			*pp = t->sleep_next;
			t->sleep_next = 0;
			return;
		}
	}
}

/* What a thread costs its process's account: the struct and its stack. */
#define THREAD_CHARGE (sizeof(struct thread) + KSTACK_SIZE)

/* Frees a thread that is not running, uncharging its account. */
static void thread_free(struct thread *t)
{
	struct kmem *k = t->kmem;
	arch_thread_exit(&t->arch);
	kstack_free(t->kstack);
	kfree(t);
	if (k) {
		kmem_uncharge(k, THREAD_CHARGE);
		kmem_put(k);
	}
}

static void free_zombies(void)
{
	while (zombies) {
		struct thread *t = zombies;
		zombies = t->run_next;
		thread_free(t);
	}
}

/* Picks the next thread (idle when none) and switches to it. The caller has
 * already set current's state (and queued it if it stays runnable). */
static void schedule(void)
{
	struct thread *next = run_dequeue();
	if (!next) {
		if (!sleepers && current->state != THREAD_RUNNING && !irq_line_any_bound())
			kernel_all_done();
		next = idle;
	}
	if (next == current) {
		current->state = THREAD_RUNNING;
		return;
	}
	struct thread *prev = current;
	current = next;
	next->state = THREAD_RUNNING;
	arch_switch(&prev->arch, &next->arch, root_of(next));
	free_zombies();
}

static struct thread *thread_alloc(void)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return 0;
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		kfree(t);
		return 0;
	}
	return t;
}

struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t user_rsp, uint64_t a0,
                                  uint64_t a1, uint64_t a2, int *err)
{
	if (!kmem_charge(p->kmem, THREAD_CHARGE)) {
		*err = CAPOS_E_LIMIT_EXCEEDED;
		return 0;
	}
	struct thread *t = thread_alloc();
	if (!t) {
		kmem_uncharge(p->kmem, THREAD_CHARGE);
		*err = CAPOS_E_NO_MEMORY;
		return 0;
	}
	t->kmem = p->kmem;
	kmem_get(t->kmem);
	t->proc = p;
	arch_thread_init_user(&t->arch, (uint64_t)(uintptr_t)t->kstack + KSTACK_SIZE, entry, user_rsp, a0, a1, a2);
	run_enqueue(t);
	return t;
}

/* The idle thread: halts with interrupts on until there is work. */
static void idle_loop(void)
{
	for (;;) {
		arch_wait_for_interrupt();
		if (run_head) {
			current->state = THREAD_RUNNABLE;
			schedule();
		}
	}
}

void sched_init(void)
{
	idle = thread_alloc();
	if (!idle)
		boot_fail("out of memory creating the idle thread");
	arch_thread_init_kernel(&idle->arch, (uint64_t)(uintptr_t)idle->kstack + KSTACK_SIZE, idle_loop);
}

_Noreturn void sched_start(void)
{
	struct thread *first = run_dequeue();
	if (!first)
		first = idle;
	current = first;
	first->state = THREAD_RUNNING;
	arch_switch_first(&first->arch, root_of(first));
}

bool sched_block(uint64_t deadline)
{
	struct thread *t = current;
	t->state = THREAD_BLOCKED;
	t->timed_out = false;
	t->wake_tick = deadline;
	if (deadline != DEADLINE_NONE)
		sleep_insert(t);
	schedule();
	return !t->timed_out;
}

/* Takes a blocked thread off the deadline list; false if not blocked. */
static bool unblock(struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return false;
	if (t->wake_tick != DEADLINE_NONE)
		sleep_remove(t);
	t->wake_tick = DEADLINE_NONE;
	return true;
}

void sched_wake(struct thread *t)
{
	if (unblock(t))
		run_enqueue(t);
}

void sched_wake_next(struct thread *t)
{
	if (!unblock(t))
		return;
	t->state = THREAD_RUNNABLE;
	if (!(t->run_next = run_head))
		run_tail = t;
	run_head = t;
}

void sched_discard(struct thread *t)
{
	KASSERT(t != current, "the current thread leaves through sched_exit_current");
	if (t->state == THREAD_RUNNABLE) {
		for (struct thread **pp = &run_head, *prev = 0; *pp; prev = *pp, pp = &(*pp)->run_next) {
			if (*pp == t) {
				*pp = t->run_next;
				if (run_tail == t)
					run_tail = prev;
				break;
			}
		}
	} else if (t->state == THREAD_BLOCKED && t->wake_tick != DEADLINE_NONE) {
		sleep_remove(t);
	}
	thread_free(t);
}

_Noreturn void sched_exit_current(void)
{
	struct thread *t = current;
	arch_thread_exit(&t->arch);
	t->state = THREAD_DEAD;
	t->run_next = zombies;
	zombies = t;
	schedule();
	panic("a dead thread was scheduled");
}

void sched_tick(void)
{
	while (sleepers && sleepers->wake_tick <= timer_ticks) {
		struct thread *t = sleepers;
		sleepers = t->sleep_next;
		t->sleep_next = 0;
		t->wake_tick = DEADLINE_NONE;
		t->timed_out = true;
		run_enqueue(t);
	}
}

void sched_preempt(bool from_user)
{
	if (!run_head || !(from_user || current == idle))
		return;
	if (current != idle)
		run_enqueue(current);
	else
		current->state = THREAD_RUNNABLE;
	schedule();
}
