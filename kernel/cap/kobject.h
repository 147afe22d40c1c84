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

struct process;
struct kobject;

/* One CALL, decoded and checked by the ring before it reaches an object:
 * the slot was looked up, params copied into the kernel and validated as a
 * Cap'n Proto message, the results arena allocated. */
struct call {
	struct process *caller;
	struct cap_slot *slot;          /* the caller's capability (badge, rights) */
	uint16_t method;
	struct capnp_msg *params;       /* validated */
	struct capnp_builder *results;
	cap_id new_cap;                 /* a capability the call created for the caller, or 0 */
	uint64_t user_data, buf, buf_cap; /* for calls that complete later */
};

#define CAP_RIGHTS_ALL 0xFFFFFFFFu

/* What a method returns: CAPOS_OK (results built), a negative CAPOS_E_*
 * error, or CALL_PENDING: the object took over the call and will finish it
 * with ring_complete_later. */
#define CALL_PENDING 1

struct kobject_ops {
	const char *name;
	uint64_t interface_id;
	uint32_t method_count;
	int (*call)(struct kobject *o, struct call *c);
	void (*destroy)(struct kobject *o); /* NULL: never destroyed (boot singletons) */
};

struct kobject {
	const struct kobject_ops *ops;
	uint32_t refs;
};

static inline struct kobject *kobject_get(struct kobject *o)
{
	o->refs++;
	return o;
}

void kobject_put(struct kobject *o);

/* Inserts o into p's table (taking a reference). Returns CAPOS_OK with the
 * CapId in *out, or CAPOS_E_TABLE_FULL. */
int cap_grant(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge, cap_id *out);

/* Copies a Text parameter into a NUL-terminated string; false if it is
 * empty, does not fit in cap bytes, or contains a NUL. */
bool call_text(struct capnp_text t, char *out, size_t cap);

/* True if the results arena can hold at least bytes: methods with side
 * effects check this before acting, so their results cannot be lost. */
bool call_results_fit(const struct call *c, uint32_t bytes);

/* The singletons created at boot. */
struct kobject *console_object(void);
struct kobject *null_object(void);
struct kobject *spawner_object(void);
struct kobject *frame_allocator_object(void);
struct kobject *boot_package_object(void);

#endif
