/* VirtualMemory: anonymous memory in the caller's own address space.
 *
 * One boot singleton acting on whoever calls it. map puts zeroed frames at a
 * page-aligned user address the caller names (which must be free) or that
 * the kernel chooses (addr 0: in [USER_AUTO_BASE, USER_AUTO_END)); unmap
 * and protect act on pages that are mapped. What may be touched: any user
 * page of the caller — its ELF image, stack and TLS are its own business —
 * except the ring and CapSet pages (the kernel's view of the process
 * depends on them: PERMISSION_DENIED) and MemoryObject mappings (their
 * record and their rights belong to the object: unmap them through
 * MemoryObject.unmap; BUSY here). W+X is refused, as every mapping of the
 * kernel refuses it; pages are always readable (protRead is required).
 * Every frame and table is charged to the caller's kernel-memory account
 * and given back at unmap or exit. Each call decodes the whole range
 * first, so a failed call changes nothing (docs/memory.md). */
#include "kernel/cap/virtual_memory.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/log.h"
#include "kernel/mem/aspace.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/process.h"

#define MAP_SLACK 3
#define PROT_ALL (capos_VirtualMemory_protRead | capos_VirtualMemory_protWrite | capos_VirtualMemory_protExec)

int vm_range_check(uint64_t addr, uint64_t pages)
{
	if ((addr & (PAGE_SIZE - 1)) || pages > USER_MAX / PAGE_SIZE || !user_range_ok(addr, pages * PAGE_SIZE))
		return CAPOS_E_BAD_ARGUMENT;
	uint64_t end = addr + pages * PAGE_SIZE;
	if (addr < USER_CAPSET_VA + PAGE_SIZE && USER_RING_VA < end)
		return CAPOS_E_PERMISSION_DENIED;
	return CAPOS_OK;
}

int vm_place(struct process *p, uint64_t addr, uint64_t pages, uint64_t new_frames, uint64_t *va)
{
	if (addr) {
		int err = vm_range_check(addr, pages);
		if (err)
			return err;
		if (!aspace_range_free(&p->as, addr, pages))
			return CAPOS_E_BUSY;
	}
	/* + MAP_SLACK: aspace_map_new asks for room for a page and three
	 * tables each time, even for the last page of a range. */
	int err = aspace_can_take(&p->as, new_frames + aspace_worst_frames(pages) - pages + MAP_SLACK);
	if (err)
		return err;
	if (addr) {
		*va = addr;
		return CAPOS_OK;
	}
	return aspace_find_free(&p->as, pages, va) ? CAPOS_OK : CAPOS_E_NO_MEMORY;
}

/* The vm flags for prot: CAPOS_E_BAD_ARGUMENT for unknown bits, no read
 * right, or write and execute together. */
static int prot_flags(uint32_t prot, unsigned *flags)
{
	if ((prot & ~PROT_ALL) || !(prot & capos_VirtualMemory_protRead))
		return CAPOS_E_BAD_ARGUMENT;
	if ((prot & capos_VirtualMemory_protWrite) && (prot & capos_VirtualMemory_protExec))
		return CAPOS_E_BAD_ARGUMENT; /* W^X */
	*flags = ((prot & capos_VirtualMemory_protWrite) ? VM_WRITE : 0) |
	         ((prot & capos_VirtualMemory_protExec) ? VM_EXEC : 0);
	return CAPOS_OK;
}

static int count_ok(uint32_t pages) { return pages && pages <= VM_CALL_MAX_PAGES ? CAPOS_OK : CAPOS_E_BAD_ARGUMENT; }

/* Decode for unmap and protect: every page of the range is a mapped page
 * of the caller's own (not the ring or CapSet, not a MemoryObject's). */
static int check_own_pages(struct process *p, uint64_t addr, uint32_t pages)
{
	int err = count_ok(pages);
	if (!err)
		err = vm_range_check(addr, pages);
	for (uint32_t i = 0; !err && i < pages; i++) {
		uint64_t pa;
		unsigned flags;
		if (!vm_translate(p->as.root, addr + (uint64_t)i * PAGE_SIZE, &pa, &flags))
			err = CAPOS_E_NOT_FOUND;
		else if (flags & VM_SHARED)
			err = CAPOS_E_BUSY;
	}
	return err;
}

static int vm_map_method(void *self, struct capnp_call *call, capos_VirtualMemory_map_Params params,
                         capos_VirtualMemory_map_Results_builder results)
{
	(void)self;
	struct process *p = call_of(call)->caller;
	uint64_t addr = capos_VirtualMemory_map_Params_get_addr(params);
	uint32_t pages = capos_VirtualMemory_map_Params_get_pages(params);
	unsigned flags;
	uint64_t va;
	/* Decode: every check, no side effects (but the search hint). */
	int err = count_ok(pages);
	if (!err)
		err = prot_flags(capos_VirtualMemory_map_Params_get_prot(params), &flags);
	if (!err)
		err = vm_place(p, addr, pages, pages, &va);
	if (err)
		return err;
	/* Invoke: the account and the allocator can pay for the worst case. */
	for (uint32_t i = 0; i < pages; i++) {
		uint64_t pa;
		KASSERT(aspace_map_new(&p->as, va + (uint64_t)i * PAGE_SIZE, flags, &pa) == CAPOS_OK,
		        "a placed range was free and paid for");
	}
	capos_VirtualMemory_map_Results_set_addr(results, va);
	return CAPOS_OK;
}

static int vm_unmap_method(void *self, struct capnp_call *call, capos_VirtualMemory_unmap_Params params,
                           capos_VirtualMemory_unmap_Results_builder results)
{
	(void)self, (void)results;
	struct process *p = call_of(call)->caller;
	uint64_t addr = capos_VirtualMemory_unmap_Params_get_addr(params);
	uint32_t pages = capos_VirtualMemory_unmap_Params_get_pages(params);
	int err = check_own_pages(p, addr, pages);
	if (err)
		return err;
	aspace_unmap(&p->as, addr, pages);
	return CAPOS_OK;
}

static int vm_protect_method(void *self, struct capnp_call *call, capos_VirtualMemory_protect_Params params,
                             capos_VirtualMemory_protect_Results_builder results)
{
	(void)self, (void)results;
	struct process *p = call_of(call)->caller;
	uint64_t addr = capos_VirtualMemory_protect_Params_get_addr(params);
	uint32_t pages = capos_VirtualMemory_protect_Params_get_pages(params);
	unsigned flags;
	int err = prot_flags(capos_VirtualMemory_protect_Params_get_prot(params), &flags);
	if (!err)
		err = check_own_pages(p, addr, pages);
	if (err)
		return err;
	aspace_protect(&p->as, addr, pages, flags);
	return CAPOS_OK;
}

static const struct capos_VirtualMemory_server server = {
	.map = vm_map_method,
	.unmap = vm_unmap_method,
	.protect = vm_protect_method,
};

static int virtual_memory_call(struct kobject *o, struct call *c)
{
	return capos_VirtualMemory_dispatch(&server, o, &c->base);
}

static const struct kobject_ops virtual_memory_ops = {
	.iface = &capos_VirtualMemory_interface,
	.call = virtual_memory_call,
};

static struct kobject virtual_memory = KOBJECT_INIT(&virtual_memory_ops);

struct kobject *virtual_memory_object(void) { return &virtual_memory; }
