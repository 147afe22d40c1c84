/* Reference counting and the one way capabilities enter a table. */
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
	if (cap_table_insert(&p->caps, o, o->ops->interface_id, rights, badge, out) != CAP_OK)
		return CAPOS_E_TABLE_FULL;
	kobject_get(o);
	return CAPOS_OK;
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
	return (uint64_t)c->results->cap_words * 8 >= bytes;
}
