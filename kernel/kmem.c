/* Kernel-memory accounts (see kmem.h). */
#include "kernel/kmem.h"

#include "include/capos/ring.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"

static struct kmem root = { .refs = 1 };

/* What an allocation of bytes really takes from the kernel heap: lib/heap
 * rounds to 16 bytes and adds a 16-byte header and footer. */
static uint64_t heap_cost(size_t bytes) { return ((bytes + 15) & ~(uint64_t)15) + 32; }

void kmem_init_root(uint64_t limit) { quota_init_root(&root.q, limit); }
struct kmem *kmem_root(void) { return &root; }

int kmem_create(struct kmem *parent, uint64_t limit, struct kmem **out)
{
	if (limit < heap_cost(sizeof(struct kmem)) || !quota_room(&parent->q, limit))
		return CAPOS_E_LIMIT_EXCEEDED;
	struct kmem *a = kzalloc(sizeof(*a));
	if (!a)
		return CAPOS_E_NO_MEMORY;
	KASSERT(quota_carve(&parent->q, &a->q, limit), "the parent had room");
	KASSERT(quota_charge(&a->q, heap_cost(sizeof(*a))), "an account holds itself");
	a->parent = parent;
	a->refs = 1;
	kmem_get(parent);
	*out = a;
	return CAPOS_OK;
}

void kmem_get(struct kmem *a) { a->refs++; }

void kmem_put(struct kmem *a)
{
	while (a && --a->refs == 0) {
		struct kmem *parent = a->parent;
		kmem_uncharge(a, heap_cost(sizeof(*a)));
		if (!quota_give_back(&a->q))
			panic("a kernel-memory account was given back holding %llu bytes", (unsigned long long)a->q.used);
		kfree(a);
		a = parent;
	}
}

bool kmem_charge(struct kmem *a, uint64_t bytes) { return quota_charge(&a->q, bytes); }
bool kmem_room(const struct kmem *a, uint64_t bytes) { return quota_room(&a->q, bytes); }

void kmem_uncharge(struct kmem *a, uint64_t bytes)
{
	if (!quota_uncharge(&a->q, bytes))
		panic("uncharging %llu bytes from an account holding %llu", (unsigned long long)bytes,
		      (unsigned long long)a->q.used);
}

void *kmem_zalloc(struct kmem *a, size_t bytes, int *err)
{
	if (!kmem_charge(a, heap_cost(bytes))) {
		*err = CAPOS_E_LIMIT_EXCEEDED;
		return 0;
	}
	void *p = kzalloc(bytes);
	if (!p) {
		kmem_uncharge(a, heap_cost(bytes));
		*err = CAPOS_E_NO_MEMORY;
	}
	return p;
}

void kmem_free(struct kmem *a, void *p, size_t bytes)
{
	if (!p)
		return;
	kfree(p);
	kmem_uncharge(a, heap_cost(bytes));
}
