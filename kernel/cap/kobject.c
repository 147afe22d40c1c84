/* Reference counting and the one way capabilities enter and leave a table. */
#include "kernel/cap/kobject.h"

#include "include/capos/ring.h"
#include "kernel/log.h"
#include "kernel/process.h"

void kobject_put(struct kobject *o)
{
	KASSERT(o->refs > 0, "a released object had references");
	if (--o->refs == 0 && o->ops->destroy)
		o->ops->destroy(o);
}

int cap_grant(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge, cap_id *out)
{
	if (cap_table_insert(&p->caps, o, o->ops->iface->id, rights, badge, out) != CAP_OK)
		return CAPOS_E_TABLE_FULL;
	kobject_get(o);
	o->caps++;
	return CAPOS_OK;
}

void cap_drop(struct cap_slot *removed)
{
	struct kobject *o = removed->object;
	KASSERT(o->caps > 0, "a released slot was counted");
	if (--o->caps == 0 && o->ops->last_cap)
		o->ops->last_cap(o);
	kobject_put(o);
}

int cap_error(int err)
{
	switch (err) {
	case CAP_ERR_STALE: return CAPOS_E_STALE_CAP;
	case CAP_ERR_WRONG_INTERFACE: return CAPOS_E_WRONG_INTERFACE;
	case CAP_ERR_RIGHTS: return CAPOS_E_PERMISSION_DENIED;
	case CAP_ERR_FULL: return CAPOS_E_TABLE_FULL;
	case CAP_ERR_RESERVED: return CAPOS_E_RESERVED_CAP;
	default: return CAPOS_E_BAD_CAP;
	}
}

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

bool call_results_fit(const struct call *c, uint32_t bytes)
{
	return (uint64_t)c->base.results->cap_words * 8 >= bytes;
}
