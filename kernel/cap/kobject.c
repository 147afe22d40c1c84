/* Reference counting and the one way capabilities enter and leave a table. */
#include "kernel/cap/kobject.h"

#include "include/capos/ring.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "lib/cap_transfer.h"

void kobject_put(struct kobject *o)
{
	KASSERT(o->refs > 0, "a released object had references");
	if (--o->refs == 0 && o->ops->destroy)
		o->ops->destroy(o);
}

int cap_grant_as(struct process *p, struct kobject *o, uint64_t interface_id, uint32_t rights, uint64_t badge,
                 cap_id *out)
{
	if (cap_table_insert(&p->caps, o, interface_id, rights, badge, out) != CAP_OK)
		return CAPOS_E_TABLE_FULL;
	kobject_get(o);
	o->caps++;
	if (o->ops->facet)
		o->ops->facet(o, interface_id, +1);
	return CAPOS_OK;
}

cap_id call_give(struct call *c, struct kobject *o, uint32_t rights)
{
	cap_id id;
	int err = cap_grant(c->caller, o, rights, 0, &id);
	KASSERT(err == CAPOS_OK, "the caller's table had a free slot");
	kobject_put(o);
	return c->new_cap = id;
}

void cap_drop(struct cap_slot *removed)
{
	struct kobject *o = removed->object;
	KASSERT(o->caps > 0, "a released slot was counted");
	if (o->ops->facet)
		o->ops->facet(o, removed->interface_id, -1);
	if (--o->caps == 0 && o->ops->last_cap)
		o->ops->last_cap(o);
	kobject_put(o);
}

int cap_error(int err) { return cap_capos_error(err); }

bool call_text(struct capnp_text t, char *out, size_t cap)
{
	if (!t.str || t.len == 0 || t.len >= cap)
		return false;
	for (uint32_t i = 0; i < t.len; i++)
		if (!(out[i] = t.str[i]))
			return false;
	out[t.len] = 0;
	return true;
}
