/* Notification: a word of event bits, OR-ed in by signal and taken by a
 * waiter.
 *
 * signal ORs its bits and the capability's badge into the word. A waiter
 * is a ring RECV on a capability with rightWait: with bits pending it
 * completes at once, writing the 8-byte word to its buffer and clearing
 * it; otherwise it waits in FIFO order and the next signal completes it
 * (ring_complete_later). A waiting RECV is recorded (charged to the
 * waiter's account) on the object's queue and, as a pending operation, on
 * the waiter's list, so the waiter's exit takes it away. When the last
 * capability goes, every waiter completes with CAPOS_E_CANCELLED: nothing
 * could ever signal it. mint makes a badged copy (badges are write-once,
 * rights only narrow). Created by ObjectFactory.notification, charged to
 * the creator's account (docs/memory.md). */
#include "kernel/cap/notification.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/aspace.h"
#include "kernel/process.h"
#include "kernel/ring.h"

struct waiter {
	struct pending_op op;   /* on the waiter's list: its exit cancels the wait */
	struct waiter *next;    /* FIFO */
	struct notification *n; /* referenced */
	struct process *p;
	uint64_t user_data, buf;
};

struct notification {
	struct kobject obj;
	struct kmem *kmem;      /* the creator's account (referenced) */
	uint64_t bits;
	struct waiter *head, **tail;
};

static struct notification *n_of(void *self) { return (struct notification *)self; }

/* Takes w off the queue and its process's list and frees it. */
static void waiter_free(struct waiter *w)
{
	struct notification *n = w->n;
	for (struct waiter **pp = &n->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			if (!(*pp = w->next))
				n->tail = pp;
			break;
		}
	}
	process_pending_remove(&w->op);
	kmem_free(w->p->kmem, w, sizeof(*w));
	kobject_put(&n->obj);
}

static void waiter_cancel(struct pending_op *op) { waiter_free((struct waiter *)op); }

/* Hands the pending bits to the waiters in order: each gets the whole word
 * (the word is cleared), or CAPOS_E_FAULT if its buffer is gone. */
static void deliver(struct notification *n)
{
	while (n->bits && n->head) {
		struct waiter *w = n->head;
		struct process *p = w->p;
		uint64_t user_data = w->user_data;
		int32_t result = 8;
		if (aspace_copy_out(&p->as, w->buf, &n->bits, sizeof n->bits))
			n->bits = 0;
		else
			result = CAPOS_E_FAULT;
		kobject_get(&n->obj); /* n outlives the waiter's reference */
		waiter_free(w);
		ring_complete_later(p, user_data, result, 0);
		kobject_put(&n->obj);
	}
}

static int n_signal(void *self, struct capnp_call *call, capos_Notification_signal_Params params,
                    capos_Notification_signal_Results_builder results)
{
	(void)results;
	struct notification *n = n_of(self);
	n->bits |= capos_Notification_signal_Params_get_bits(params) | call_of(call)->slot->badge;
	kobject_get(&n->obj);
	deliver(n);
	kobject_put(&n->obj);
	return CAPOS_OK;
}

static int n_mint(void *self, struct capnp_call *call, capos_Notification_mint_Params params,
                  capos_Notification_mint_Results_builder results)
{
	struct call *c = call_of(call);
	uint64_t badge = capos_Notification_mint_Params_get_badge(params);
	/* Decode. */
	if (badge && c->slot->badge && badge != c->slot->badge)
		return CAPOS_E_PERMISSION_DENIED; /* badges are write-once */
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	/* Invoke. */
	cap_id id;
	KASSERT(cap_grant(c->caller, &n_of(self)->obj, c->slot->rights & capos_Notification_mint_Params_get_rights(params),
	                  badge ? badge : c->slot->badge, &id) == CAPOS_OK,
	        "the table had a free slot");
	capos_Notification_mint_Results_set_notification_cap(results, (capos_Notification){ id });
	c->new_cap = id;
	return CAPOS_OK;
}

static const struct capos_Notification_server server = {
	.signal = n_signal,
	.mint = n_mint,
};

static int n_call(struct kobject *o, struct call *c) { return capos_Notification_dispatch(&server, o, &c->base); }

/* RECV: the wait. */
static int n_recv(struct kobject *o, struct process *p, const struct cap_slot *slot, const struct capos_sqe *sqe,
                  cap_id *new_cap)
{
	struct notification *n = n_of(o);
	*new_cap = 0;
	if (!(slot->rights & capos_Notification_rightWait))
		return CAPOS_E_PERMISSION_DENIED;
	if (sqe->buf_cap < sizeof n->bits)
		return CAPOS_E_TOO_BIG;
	if (!aspace_accessible(&p->as, sqe->buf, sizeof n->bits, true))
		return CAPOS_E_FAULT;
	if (n->bits) {
		aspace_write_checked(&p->as, sqe->buf, &n->bits, sizeof n->bits);
		n->bits = 0;
		return sizeof n->bits;
	}
	int err;
	struct waiter *w = kmem_zalloc(p->kmem, sizeof(*w), &err);
	if (!w)
		return err;
	*w = (struct waiter){ .op = { .cancel = waiter_cancel }, .n = n, .p = p, .user_data = sqe->user_data,
		              .buf = sqe->buf };
	*n->tail = w;
	n->tail = &w->next;
	kobject_get(&n->obj);
	process_pending_add(p, &w->op);
	return CALL_PENDING;
}

/* No capability is left: no signal can come, so every wait ends. */
static void n_last_cap(struct kobject *o)
{
	struct notification *n = n_of(o);
	kobject_get(&n->obj);
	while (n->head) {
		struct waiter *w = n->head;
		struct process *p = w->p;
		uint64_t user_data = w->user_data;
		waiter_free(w);
		ring_complete_later(p, user_data, CAPOS_E_CANCELLED, 0);
	}
	kobject_put(&n->obj);
}

static void n_destroy(struct kobject *o)
{
	struct notification *n = n_of(o);
	KASSERT(!n->head, "every waiter holds a reference");
	struct kmem *k = n->kmem;
	kmem_free(k, n, sizeof(*n));
	kmem_put(k);
}

static const struct kobject_ops notification_ops = {
	.iface = &capos_Notification_interface,
	.call = n_call,
	.last_cap = n_last_cap,
	.destroy = n_destroy,
	.recv = n_recv,
};

bool notification_is(const struct kobject *o) { return o->ops == &notification_ops; }

int notification_for_bind(struct process *p, uint32_t cap, uint64_t bits, struct kobject **out, uint64_t *badged)
{
	if (!bits)
		return CAPOS_E_BAD_ARGUMENT;
	struct cap_slot *slot;
	int err = cap_table_lookup(&p->caps, cap, capos_Notification_ID, 0, &slot);
	if (err)
		return cap_error(err);
	if (!notification_is(slot->object) || !(slot->rights & capos_Notification_rightSignal))
		return CAPOS_E_PERMISSION_DENIED;
	*out = slot->object;
	*badged = bits | slot->badge;
	return CAPOS_OK;
}

void notification_signal(struct kobject *o, uint64_t bits)
{
	struct notification *n = n_of(o);
	n->bits |= bits;
	kobject_get(&n->obj);
	deliver(n);
	kobject_put(&n->obj);
}

int notification_new(struct kmem *k, struct kobject **out)
{
	int err;
	struct notification *n = kmem_zalloc(k, sizeof(*n), &err);
	if (!n)
		return err;
	n->obj = (struct kobject)KOBJECT_INIT(&notification_ops);
	n->kmem = k;
	n->tail = &n->head;
	kmem_get(k);
	*out = &n->obj;
	return CAPOS_OK;
}
