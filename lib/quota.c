/* Hierarchical quotas (see quota.h). */
#include "lib/quota.h"

void quota_init_root(struct quota *q, uint64_t limit) { *q = (struct quota){ 0, limit, 0, 0, 0 }; }

bool quota_room(const struct quota *q, uint64_t bytes) { return bytes <= q->limit - q->used; }

bool quota_charge(struct quota *q, uint64_t bytes)
{
	if (!quota_room(q, bytes))
		return false;
	q->used += bytes;
	return true;
}

bool quota_uncharge(struct quota *q, uint64_t bytes)
{
	if (bytes > q->used - q->carved)
		return false;
	q->used -= bytes;
	return true;
}

bool quota_carve(struct quota *parent, struct quota *child, uint64_t limit)
{
	if (parent->children == UINT32_MAX || !quota_charge(parent, limit))
		return false;
	parent->carved += limit;
	parent->children++;
	*child = (struct quota){ parent, limit, 0, 0, 0 };
	return true;
}

bool quota_give_back(struct quota *child)
{
	struct quota *parent = child->parent;

	if (child->used || child->children || !parent)
		return false;
	/* parent->carved includes child->limit: carve added it. */
	parent->used -= child->limit;
	parent->carved -= child->limit;
	parent->children--;
	child->parent = 0;
	child->limit = 0;
	return true;
}
