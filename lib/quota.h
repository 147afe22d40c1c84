/* Hierarchical quotas: the arithmetic of kernel-memory accounting.
 *
 * A quota is carved out of its parent: creating a child with limit L
 * charges L to the parent at once (seL4's untyped memory, Zircon's job
 * limits), so no subtree can ever hold more than its root allowed, and a
 * child's own charges never touch its parent. The child's limit returns to
 * the parent when the child is given back, which requires that everything
 * charged to it was uncharged. Pure logic, no allocation: the caller owns
 * the structs. */
#ifndef CAPOS_LIB_QUOTA_H
#define CAPOS_LIB_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

struct quota {
	struct quota *parent; /* NULL for a root */
	uint64_t limit;       /* bytes this quota may hold */
	uint64_t used;        /* bytes held now, children's limits included */
	uint64_t carved;      /* the part of used that is children's limits */
	uint32_t children;    /* children carved and not given back */
};

/* A root quota of limit bytes. */
void quota_init_root(struct quota *q, uint64_t limit);

/* True if bytes more can be charged to q. */
bool quota_room(const struct quota *q, uint64_t bytes);

/* Charges bytes to q; false (nothing charged) past its limit. */
bool quota_charge(struct quota *q, uint64_t bytes);

/* Returns bytes charged earlier; false (nothing changed) if fewer were
 * charged to q (its children's limits are not charges: they come back only
 * through quota_give_back). */
bool quota_uncharge(struct quota *q, uint64_t bytes);

/* Carves child (limit bytes) out of parent: false (nothing changed) when
 * parent has no room for it. */
bool quota_carve(struct quota *parent, struct quota *child, uint64_t limit);

/* Gives child's limit back to its parent. False (nothing changed) while the
 * child still holds charges or children of its own (even zero-byte ones,
 * which would be left pointing at it), or for a root. */
bool quota_give_back(struct quota *child);

#endif
