/* Process creation, exit and teardown. */
#include "kernel/process.h"

#include "include/capos/capset.h"
#include "include/capos/ring.h"
#include "kernel/cap/boot_package.h"
#include "kernel/ipc.h"
#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/ring.h"
#include "lib/mem.h"

#define TLS_MAX_BYTES (1u << 20)

static struct process *all_processes;
static uint32_t next_pid = 1;
static uint32_t live_count;
static bool init_done;
static int64_t init_code;

struct process *process_current(void)
{
	struct thread *t = thread_current();
	return t ? t->proc : 0;
}

uint64_t process_root(const struct process *p) { return p->as.root; }
uint32_t process_live_count(void) { return live_count; }
struct process *process_live_first(void) { return all_processes; }

bool process_init_exited(int64_t *code)
{
	*code = init_code;
	return init_done;
}

static uint64_t page_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Maps one PT_LOAD segment into fresh frames and copies its file bytes. */
static int map_segment(struct process *p, const uint8_t *elf, const struct elf_segment *s)
{
	unsigned flags = ((s->flags & ELF_SEG_W) ? VM_WRITE : 0) | ((s->flags & ELF_SEG_X) ? VM_EXEC : 0);
	uint64_t file_end = s->vaddr + s->filesz;
	for (uint64_t va = s->vaddr & ~(PAGE_SIZE - 1); va < s->vaddr + s->memsz; va += PAGE_SIZE) {
		uint64_t pa;
		int err = aspace_map_new(&p->as, va, flags, &pa);
		if (err)
			return err;
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE_SIZE < file_end ? va + PAGE_SIZE : file_end;
		if (lo < hi)
			memcpy((uint8_t *)phys_to_virt(pa) + (lo - va), elf + s->offset + (lo - s->vaddr), hi - lo);
	}
	return CAPOS_OK;
}

/* Maps the TLS area, copies the initialized part of the block and stores
 * the thread pointer's self pointer (the layout is the architecture's).
 * Returns the thread pointer in *tp (0 without PT_TLS). */
static int map_tls(struct process *p, const uint8_t *elf, const struct elf_image *img, uint64_t *tp)
{
	*tp = 0;
	if (!img->has_tls)
		return CAPOS_OK;
	if (img->tls.memsz > TLS_MAX_BYTES)
		return CAPOS_E_BAD_ELF;
	uint64_t block, thread_ptr, bytes;
	arch_tls_layout(USER_TLS_VA, img->tls.memsz, img->tls.align, &block, &thread_ptr, &bytes);
	for (uint64_t i = 0; i < page_up(bytes) / PAGE_SIZE; i++) {
		uint64_t pa;
		int err = aspace_map_new(&p->as, USER_TLS_VA + i * PAGE_SIZE, VM_WRITE, &pa);
		if (err)
			return err;
	}
	aspace_copy_out(&p->as, block, elf + img->tls.offset, img->tls.filesz);
	aspace_copy_out(&p->as, thread_ptr, &thread_ptr, sizeof(thread_ptr));
	*tp = thread_ptr;
	return CAPOS_OK;
}

static int map_stack(struct process *p)
{
	for (int i = 1; i <= USER_STACK_PAGES; i++) {
		uint64_t pa;
		int err = aspace_map_new(&p->as, USER_STACK_TOP - (uint64_t)i * PAGE_SIZE, VM_WRITE, &pa);
		if (err)
			return err;
	}
	return CAPOS_OK;
}

static int map_ring(struct process *p)
{
	uint64_t pa;
	int err = aspace_map_new(&p->as, USER_RING_VA, VM_WRITE, &pa);
	if (err)
		return err;
	ring_init(&p->ring, phys_to_virt(pa));
	return CAPOS_OK;
}

/* Fills the CapSet page (mapped read-only) with the grants, inserting each
 * into the table, and the arguments. */
static int map_capset(struct process *p, const struct process_grant *g, uint32_t n, const char *args,
                      uint32_t args_len, uint32_t argc)
{
	uint64_t pa;
	int err = aspace_map_new(&p->as, USER_CAPSET_VA, 0, &pa);
	if (err)
		return err;
	struct capos_capset *cs = phys_to_virt(pa);
	cs->magic = CAPOS_CAPSET_MAGIC;
	for (uint32_t i = 0; i < n; i++) {
		cap_id id;
		err = cap_grant_as(p, g[i].object, g[i].interface_id, g[i].rights, g[i].badge, &id);
		if (err)
			return err;
		memcpy(cs->entries[i].name, g[i].name, sizeof(cs->entries[i].name));
		cs->entries[i].interface_id = g[i].interface_id;
		cs->entries[i].cap = id;
		cs->count = i + 1;
	}
	memcpy(cs->args, args, args_len);
	cs->args_len = args_len;
	cs->argc = argc;
	return CAPOS_OK;
}

/* Builds everything but the thread; any failure leaves p for teardown. */
static int build(struct process *p, const struct spawn_spec *s, uint64_t *tp)
{
	int err = aspace_create(&p->as, p->kmem);
	for (uint32_t i = 0; !err && i < s->img->nsegments; i++)
		err = map_segment(p, s->elf, &s->img->seg[i]);
	if (!err)
		err = map_tls(p, s->elf, s->img, tp);
	if (!err)
		err = map_stack(p);
	if (!err)
		err = map_ring(p);
	if (!err)
		err = map_capset(p, s->grants, s->ngrants, s->args, s->args_len, s->argc);
	return err;
}

static void release_all_caps(struct process *p)
{
	uint32_t cursor = 0;
	int idx;
	while ((idx = cap_table_next(&p->caps, &cursor)) >= 0) {
		struct cap_slot removed;
		cap_id id = cap_table_id_at(&p->caps, (uint32_t)idx);
		if (cap_table_release(&p->caps, id, &removed) != CAP_OK &&
		    cap_table_commit(&p->caps, id, &removed) != CAP_OK)
			panic("capability slot %d of process %u cannot be released", idx, p->pid);
		cap_drop(&removed);
	}
}

/* Frees what build() made; p stays allocated for its handles. */
static void teardown_memory(struct process *p)
{
	for (uint32_t i = 0; i < p->nframe_grants; i++)
		frame_free(p->frame_grants[i]);
	kmem_uncharge(p->kmem, (uint64_t)p->nframe_grants * PAGE_SIZE);
	if (p->frame_grants)
		kmem_free(p->kmem, p->frame_grants, PROCESS_FRAME_GRANTS_BYTES);
	p->frame_grants = 0;
	p->nframe_grants = 0;
	p->ring.q.shared = 0;
	aspace_destroy(&p->as);
	KASSERT(p->as.frames == 0, "the frame ledger of a dead process balances");
}

/* Frees a process struct that never ran or has exited, and its account. */
static void free_struct(struct process *p)
{
	struct kmem *k = p->kmem;
	ipc_pool_free(p);
	kmem_free(k, p, sizeof(*p));
	kmem_put(k);
}

struct process *process_spawn(const struct spawn_spec *s, int *err)
{
	KASSERT(s->ngrants <= CAPOS_CAPSET_MAX && s->args_len <= CAPOS_CAPSET_ARGS_MAX,
	        "the spawner checked its limits");
	struct kmem *k;
	*err = kmem_create(s->parent_kmem, s->kmem_limit, &k);
	if (*err)
		return 0;
	struct process *p = kmem_zalloc(k, sizeof(*p), err);
	if (!p) {
		kmem_put(k);
		return 0;
	}
	p->obj = (struct kobject)KOBJECT_INIT(&process_handle_ops); /* the caller's reference */
	p->kmem = k;
	size_t len = strnlen(s->name, PROCESS_NAME_MAX - 1);
	memcpy(p->name, s->name, len);
	boot_package_fingerprint(p->principal.key);
	memcpy(p->principal.digest, s->digest, sizeof p->principal.digest);
	memcpy(p->principal.name, s->name, len < sizeof p->principal.name ? len : sizeof p->principal.name - 1);
	cap_table_init(&p->caps, p->slots, PROCESS_CAP_SLOTS);

	uint64_t tp;
	struct thread *t = 0;
	*err = build(p, s, &tp);
	if (!*err)
		t = thread_create_user(p, s->img->entry, USER_STACK_TOP, USER_RING_VA, next_pid, USER_CAPSET_VA, err);
	if (*err) {
		release_all_caps(p);
		teardown_memory(p);
		free_struct(p);
		return 0;
	}
	t->arch.fs_base = tp;
	p->threads = t;
	p->pid = next_pid++;
	p->state = PROCESS_ALIVE;
	p->all_next = all_processes;
	all_processes = p;
	live_count++;
	kobject_get(&p->obj); /* the process's own reference while it lives */
	return p;
}

static void unlink_live(struct process *p)
{
	for (struct process **pp = &all_processes; *pp; pp = &(*pp)->all_next) {
		if (*pp == p) {
			*pp = p->all_next;
			break;
		}
	}
	live_count--;
}

/* Takes w off both lists and frees it (uncharging the waiter). */
static void waiter_remove(struct exit_waiter *w)
{
	if ((*w->prev_on_target = w->next_on_target))
		w->next_on_target->prev_on_target = w->prev_on_target;
	if ((*w->prev_of_waiter = w->next_of_waiter))
		w->next_of_waiter->prev_of_waiter = w->prev_of_waiter;
	struct process *waiter = w->waiter;
	kmem_free(waiter->kmem, w, sizeof(*w));
	kobject_put(&waiter->obj);
}

/* The waits a dying process made will never be answered: drop them. */
static void cancel_my_waits(struct process *dead)
{
	while (dead->my_waits)
		waiter_remove(dead->my_waits);
}

void process_pending_add(struct process *p, struct pending_op *op)
{
	if ((op->next = p->pending))
		p->pending->prev = &op->next;
	op->prev = &p->pending;
	p->pending = op;
}

void process_pending_remove(struct pending_op *op)
{
	if (!op->prev)
		return;
	if ((*op->prev = op->next))
		op->next->prev = op->prev;
	op->next = 0;
	op->prev = 0;
}

/* The operations a dying process left pending will never complete. */
static void cancel_pending(struct process *dead)
{
	while (dead->pending) {
		struct pending_op *op = dead->pending;
		op->cancel(op);
		KASSERT(dead->pending != op, "cancel takes the operation off the list");
	}
}

/* Sends each exit waiter its completion (results: exitCode). */
static void answer_waiters(struct process *p)
{
	while (p->waiters) {
		struct exit_waiter *w = p->waiters;
		process_handle_wait_done(w->waiter, w->user_data, w->buf, w->buf_cap, p->exit_code);
		waiter_remove(w);
	}
}

/* init's exit ends the system: every other process is killed with it. */
static void doom_everyone(void)
{
	for (struct process *q = all_processes; q; q = q->all_next)
		process_doom(q);
}

void process_exit(struct process *p, int64_t code)
{
	if (p->state != PROCESS_ALIVE)
		return;
	struct thread *self = thread_current();
	bool is_current = self && self->proc == p;
	p->state = PROCESS_EXITED;
	p->exit_code = code;
	unlink_live(p);
	if (p->pid == 1) {
		init_done = true;
		init_code = code;
		doom_everyone();
	}
	cancel_my_waits(p);
	cancel_pending(p);
	answer_waiters(p);
	release_all_caps(p);
	if (p->console_io) {
		kobject_put(p->console_io);
		p->console_io = 0;
	}
	for (struct thread *t = p->threads, *next; t; t = next) {
		next = t->proc_next;
		if (t != self)
			sched_discard(t);
	}
	p->threads = 0;
	p->ring.waiter = 0;
	if (is_current) {
		arch_vm_activate(vm_kernel_root);
		self->proc = 0;
	}
	teardown_memory(p);
	process_reap();
	kobject_put(&p->obj); /* its own reference */
	if (is_current)
		sched_exit_current();
}

struct process *process_doomed_list;
static bool reaping;

void process_doom(struct process *p)
{
	if (p->state != PROCESS_ALIVE || p->doomed)
		return;
	p->doomed = true;
	kobject_get(&p->obj);
	p->doomed_next = process_doomed_list;
	process_doomed_list = p;
}

void process_reap(void)
{
	if (reaping)
		return;
	reaping = true;
	struct process *current = process_current(), *keep = 0;
	while (process_doomed_list) {
		struct process *p = process_doomed_list;
		process_doomed_list = p->doomed_next;
		if (p == current && p->state == PROCESS_ALIVE) {
			keep = p; /* ends when its system call returns (ring_enter) */
			continue;
		}
		process_exit(p, CAPOS_EXIT_KILLED);
		kobject_put(&p->obj);
	}
	process_doomed_list = keep;
	if (keep)
		keep->doomed_next = 0;
	reaping = false;
}

_Noreturn void process_fault_exit(void)
{
	struct process *p = process_current();
	KASSERT(p, "user faults come from a process");
	process_exit(p, CAPOS_EXIT_FAULT);
	panic("a faulted process continued");
}

int process_wait_exit(struct process *p, struct process *waiter, uint64_t user_data, uint64_t buf,
                      uint64_t buf_cap)
{
	KASSERT(p->state == PROCESS_ALIVE, "an exited process's exit code is answered at once");
	int err;
	struct exit_waiter *w = kmem_zalloc(waiter->kmem, sizeof(*w), &err);
	if (!w)
		return err;
	*w = (struct exit_waiter){ .waiter = waiter, .user_data = user_data, .buf = buf, .buf_cap = buf_cap };
	if ((w->next_on_target = p->waiters))
		p->waiters->prev_on_target = &w->next_on_target;
	w->prev_on_target = &p->waiters;
	p->waiters = w;
	if ((w->next_of_waiter = waiter->my_waits))
		waiter->my_waits->prev_of_waiter = &w->next_of_waiter;
	w->prev_of_waiter = &waiter->my_waits;
	waiter->my_waits = w;
	kobject_get(&waiter->obj);
	return CALL_PENDING;
}

void process_free(struct kobject *o)
{
	struct process *p = (struct process *)o;
	KASSERT(p->state == PROCESS_EXITED, "a live process holds a reference to itself");
	free_struct(p);
}
