/* Kernel objects: what a capability slot points at.
 *
 * Every object starts with a struct kobject: its type's operations and a
 * reference count (one per capability slot holding it, plus whatever the
 * kernel holds itself). The last kobject_put destroys it. Each object type
 * lives in its own file under kernel/cap/ and declares its interface id
 * (from the generated schema header) and default rights next to it. */
#ifndef CAPOS_KERNEL_CAP_KOBJECT_H
#define CAPOS_KERNEL_CAP_KOBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/cap_table.h"
#include "lib/capnp/capnp.h"
#include "lib/capnp/capnp_build.h"
#include "lib/capnp/iface.h"

struct process;
struct kobject;
struct capos_sqe;

/* One CALL, decoded and checked by the ring before it reaches an object:
 * the capability was looked up, its interface, the method and the rights
 * the method needs were checked against the generated method table,
 * params were copied into the kernel and validated as a Cap'n Proto
 * message, and a results arena that fits the method's fixed-size results
 * was set up. base is what the generated dispatch skeleton sees; handlers
 * get the rest with call_of(). */
struct call {
	struct capnp_call base;
	struct process *caller;
	struct cap_slot *slot;            /* the caller's capability (badge, rights) */
	cap_id new_cap;                   /* a capability the call created for the caller, or 0 */
	uint64_t user_data, buf, buf_cap; /* for calls that complete later */
};

static inline struct call *call_of(struct capnp_call *c)
{
	return (struct call *)((char *)c - __builtin_offsetof(struct call, base));
}

/* What a method handler returns: CAPOS_OK (results built), a negative
 * CAPOS_E_* error (only from its decode step: nothing was changed), or
 * CALL_PENDING: the object took over the call and will finish it with
 * ring_complete_later (its CQ credit stays reserved until then). */
#define CALL_PENDING 1

struct kobject_ops {
	const struct capnp_interface *iface; /* generated from the schema */
	/* Runs a checked call: normally the generated I_dispatch. */
	int (*call)(struct kobject *o, struct call *c);
	/* The last capability slot holding o was released (NULL: nothing to do). */
	void (*last_cap)(struct kobject *o);
	void (*destroy)(struct kobject *o); /* NULL: never destroyed (boot singletons) */
	/* A RECV submission on a capability slot of o, already looked up (NULL:
	 * the object cannot be received on, CAPOS_E_NOT_SUPPORTED). Returns the
	 * completion result (with *new_cap), or CALL_PENDING: the object keeps
	 * the submission (registered with process_pending_add so p's exit
	 * cancels it) and completes it later with ring_complete_later. */
	int (*recv)(struct kobject *o, struct process *p, const struct cap_slot *slot,
	            const struct capos_sqe *sqe, cap_id *new_cap);
	/* A slot holding o as interface_id was added (delta +1) or dropped (-1),
	 * for objects whose facets count separately (NULL: not told). */
	void (*facet)(struct kobject *o, uint64_t interface_id, int delta);
	/* For a slot of o whose interface is not ops->iface (an endpoint's
	 * client facet): the interface it serves, whose method table the ring
	 * checks calls against and which kernel/ipc.c forwards (NULL: none). */
	const struct capnp_interface *(*served)(struct kobject *o);
};

/* A kernel object. refs counts every reference (capability slots and the
 * kernel's own); caps counts the capability slots alone, so an object can
 * act when the last capability to it goes (a process dies with its last
 * handle). */
struct kobject {
	const struct kobject_ops *ops;
	uint32_t refs;
	uint32_t caps;
};

#define KOBJECT_INIT(ops_ptr) { (ops_ptr), 1, 0 }

static inline struct kobject *kobject_get(struct kobject *o)
{
	o->refs++;
	return o;
}

void kobject_put(struct kobject *o);

/* Inserts o into p's table as interface_id (taking a reference). Returns
 * CAPOS_OK with the CapId in *out, or CAPOS_E_TABLE_FULL. */
int cap_grant_as(struct process *p, struct kobject *o, uint64_t interface_id, uint32_t rights, uint64_t badge,
                 cap_id *out);

/* cap_grant_as through o's own interface. */
static inline int cap_grant(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge, cap_id *out)
{
	return cap_grant_as(p, o, o->ops->iface->id, rights, badge, out);
}

/* Hands the new object o to the caller of c, whose table was checked to
 * have a free slot: grants it with rights, drops the creation's reference
 * (the capability holds its own) and records it as the capability the call
 * created. Returns its CapId, for the results. */
cap_id call_give(struct call *c, struct kobject *o, uint32_t rights);

/* Drops what a released slot held: its capability count (running the
 * object's last_cap hook when it was the last) and its reference. */
void cap_drop(struct cap_slot *removed);

/* The error a failed cap_table lookup or release completes with. */
int cap_error(int cap_table_err);

/* Copies a Text parameter into a NUL-terminated string; false if it is
 * empty, does not fit in cap bytes, or contains a NUL. */
bool call_text(struct capnp_text t, char *out, size_t cap);

/* The singletons created at boot. */
struct kobject *console_object(void);
struct kobject *null_object(void);
struct kobject *spawner_object(void);
struct kobject *frame_allocator_object(void);
struct kobject *boot_package_object(void);
struct kobject *object_factory(void);
struct kobject *virtual_memory_object(void);
struct kobject *io_port_root(void);
struct kobject *irq_control_object(void);
struct kobject *pci_bus_object(void);
struct kobject *system_monitor_object(void);
struct kobject *power_object(void);
struct kobject *kernel_log_object(void);

#endif
