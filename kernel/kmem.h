/* Kernel-memory accounts: every byte the kernel holds for a process is
 * charged to that process's account (DESIGN.md section 4).
 *
 * Charged to a process: its struct process (with its capability slots and
 * ring state), its threads and their kernel stacks, every frame of its
 * address space (user pages and page tables), frames granted through
 * FrameAllocator, its pending operations (exit waits) and the quotas it
 * carved out for its children. A process's account is carved out of its
 * spawner's at spawn (lib/quota) and given back when the process struct is
 * freed and no child account still refers to it. Running out is
 * CAPOS_E_LIMIT_EXCEEDED for that process's operation and nothing else. */
#ifndef CAPOS_KERNEL_KMEM_H
#define CAPOS_KERNEL_KMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/quota.h"

struct kmem {
	struct quota q;
	struct kmem *parent; /* holds a reference; NULL for the root */
	uint32_t refs;       /* the owning process, and each child account */
};

/* Quota given to a child whose spawner asked for the default (0). */
#define KMEM_DEFAULT_CHILD (1024ull * 1024)

/* The kernel's own account, from which init's is carved. */
void kmem_init_root(uint64_t limit);
struct kmem *kmem_root(void);

/* A new account of limit bytes carved out of parent, with one reference.
 * Returns CAPOS_OK, CAPOS_E_LIMIT_EXCEEDED (parent has no room) or
 * CAPOS_E_NO_MEMORY (the kernel heap is exhausted). */
int kmem_create(struct kmem *parent, uint64_t limit, struct kmem **out);

void kmem_get(struct kmem *a);
/* Drops a reference; the last one gives the quota back to the parent (every
 * charge must have been returned by then). */
void kmem_put(struct kmem *a);

/* Charges bytes to a: false (nothing charged) past its limit. */
bool kmem_charge(struct kmem *a, uint64_t bytes);
void kmem_uncharge(struct kmem *a, uint64_t bytes);
bool kmem_room(const struct kmem *a, uint64_t bytes);

/* kzalloc and kfree with the bytes charged to a. kmem_zalloc returns NULL
 * with *err CAPOS_E_LIMIT_EXCEEDED or CAPOS_E_NO_MEMORY. */
void *kmem_zalloc(struct kmem *a, size_t bytes, int *err);
void kmem_free(struct kmem *a, void *p, size_t bytes);

#endif
