/* MemoryObject: a set of frames mappable into several address spaces.
 *
 * The frames and the object are charged to the creator's kernel-memory
 * account (FrameAllocator.allocObject) until the object is destroyed: when
 * the last capability and the last mapping are gone (each mapping holds a
 * reference). A mapping maps every page of the object into the caller's
 * space, writable only through a capability with rightWrite (so a
 * capability narrowed to rightMap is a read-only facet). Its pages carry
 * VM_SHARED: the address space's teardown leaves their frames alone, and
 * VirtualMemory refuses to unmap or re-protect them. Each mapping is
 * recorded (charged to the mapping process) on the object's list and, as a
 * pending operation, on the process's: the process's exit removes it
 * (docs/memory.md). */
#include "kernel/cap/memory_object.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/virtual_memory.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/aspace.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/process.h"
#include "lib/mem.h"

struct mapping {
	struct pending_op op;  /* on the mapping process's list: its exit removes it */
	struct mapping *next;  /* the object's mappings */
	struct memory_object *mo;
	struct process *p;
	uint64_t va;
};

enum mo_kind {
	MO_FRAMES,     /* frames[]: any frames */
	MO_CONTIGUOUS, /* base: pages consecutive frames (DMA) */
	MO_DEVICE,     /* base: a device's memory (a PCI BAR): not RAM, never freed
	                  or charged, mapped uncached */
};

struct memory_object {
	struct kobject obj;
	struct kmem *kmem;     /* the creator's account (referenced): frames and struct */
	struct mapping *mappings;
	uint32_t pages;
	enum mo_kind kind;
	uint64_t base;         /* physical, for MO_CONTIGUOUS and MO_DEVICE */
	uint64_t frames[];     /* physical, for MO_FRAMES */
};

static size_t object_bytes(enum mo_kind kind, uint32_t pages)
{
	return sizeof(struct memory_object) + (kind == MO_FRAMES ? pages * sizeof(uint64_t) : 0);
}

static uint64_t mo_frame(const struct memory_object *mo, uint32_t i)
{
	return mo->kind == MO_FRAMES ? mo->frames[i] : mo->base + (uint64_t)i * PAGE_SIZE;
}

static struct memory_object *mo_of(void *self) { return (struct memory_object *)self; }

/* Takes m out of its process's space and off both lists, and frees it. */
static void mapping_remove(struct mapping *m)
{
	struct memory_object *mo = m->mo;
	aspace_unmap(&m->p->as, m->va, mo->pages);
	for (struct mapping **pp = &mo->mappings; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	process_pending_remove(&m->op);
	kmem_free(m->p->kmem, m, sizeof(*m));
	kobject_put(&mo->obj);
}

/* The mapping process exits. */
static void mapping_cancel(struct pending_op *op) { mapping_remove((struct mapping *)op); }

static int mo_map(void *self, struct capnp_call *call, capos_MemoryObject_map_Params params,
                  capos_MemoryObject_map_Results_builder results)
{
	struct memory_object *mo = mo_of(self);
	struct call *c = call_of(call);
	struct process *p = c->caller;
	bool writable = capos_MemoryObject_map_Params_get_writable(params);
	/* Decode: the record is taken first and given back on any failure. */
	if (writable && !(c->slot->rights & capos_MemoryObject_rightWrite))
		return CAPOS_E_PERMISSION_DENIED;
	int err;
	struct mapping *m = kmem_zalloc(p->kmem, sizeof(*m), &err);
	if (!m)
		return err;
	uint64_t va;
	err = vm_place(p, capos_MemoryObject_map_Params_get_addr(params), mo->pages, 0, &va);
	if (err) {
		kmem_free(p->kmem, m, sizeof(*m));
		return err;
	}
	/* Invoke: the range is free and its tables are paid for. */
	for (uint32_t i = 0; i < mo->pages; i++)
		aspace_map_shared(&p->as, va + (uint64_t)i * PAGE_SIZE, mo_frame(mo, i),
		                  (writable ? VM_WRITE : 0) | (mo->kind == MO_DEVICE ? VM_UNCACHED : 0));
	*m = (struct mapping){ .op = { .cancel = mapping_cancel }, .next = mo->mappings, .mo = mo, .p = p, .va = va };
	mo->mappings = m;
	kobject_get(&mo->obj);
	process_pending_add(p, &m->op);
	capos_MemoryObject_map_Results_set_addr(results, va);
	return CAPOS_OK;
}

static int mo_unmap(void *self, struct capnp_call *call, capos_MemoryObject_unmap_Params params,
                    capos_MemoryObject_unmap_Results_builder results)
{
	(void)results;
	struct memory_object *mo = mo_of(self);
	struct process *p = call_of(call)->caller;
	uint64_t va = capos_MemoryObject_unmap_Params_get_addr(params);
	for (struct mapping *m = mo->mappings; m; m = m->next) {
		if (m->p == p && m->va == va) {
			mapping_remove(m);
			return CAPOS_OK;
		}
	}
	return CAPOS_E_NOT_FOUND; /* no mapping of this object by the caller there */
}

static int mo_size(void *self, struct capnp_call *call, capos_MemoryObject_size_Params params,
                   capos_MemoryObject_size_Results_builder results)
{
	(void)call, (void)params;
	capos_MemoryObject_size_Results_set_pages(results, mo_of(self)->pages);
	return CAPOS_OK;
}

/* physical(page): where a page is, for a device's DMA descriptors. */
static int mo_physical(void *self, struct capnp_call *call, capos_MemoryObject_physical_Params params,
                       capos_MemoryObject_physical_Results_builder results)
{
	(void)call;
	struct memory_object *mo = mo_of(self);
	uint32_t page = capos_MemoryObject_physical_Params_get_page(params);
	if (page >= mo->pages)
		return CAPOS_E_BAD_ARGUMENT;
	capos_MemoryObject_physical_Results_set_phys(results, mo_frame(mo, page));
	capos_MemoryObject_physical_Results_set_contiguous(results, mo->kind != MO_FRAMES || mo->pages == 1);
	return CAPOS_OK;
}

static const struct capos_MemoryObject_server server = {
	.map = mo_map,
	.unmap = mo_unmap,
	.size = mo_size,
	.physical = mo_physical,
};

static int mo_call(struct kobject *o, struct call *c) { return capos_MemoryObject_dispatch(&server, o, &c->base); }

/* The last reference (capability or mapping) went: the frames go back. */
static void mo_destroy(struct kobject *o)
{
	struct memory_object *mo = (struct memory_object *)o;
	KASSERT(!mo->mappings, "every mapping holds a reference");
	struct kmem *k = mo->kmem;
	if (mo->kind != MO_DEVICE) {
		for (uint32_t i = 0; i < mo->pages; i++)
			frame_free(mo_frame(mo, i));
		kmem_uncharge(k, (uint64_t)mo->pages * PAGE_SIZE);
	}
	kmem_free(k, mo, object_bytes(mo->kind, mo->pages));
	kmem_put(k);
}

static const struct kobject_ops memory_object_ops = {
	.iface = &capos_MemoryObject_interface,
	.call = mo_call,
	.destroy = mo_destroy,
};

/* Takes the struct and the charge for a new object of kind: CAPOS_OK with
 * *out, or an error with nothing taken. The frames are checked for (not
 * taken) unless kind is MO_DEVICE. */
static int mo_reserve(struct kmem *k, enum mo_kind kind, uint32_t pages, struct memory_object **out)
{
	bool ram = kind != MO_DEVICE;
	if (ram && !kmem_room(k, (uint64_t)pages * PAGE_SIZE))
		return CAPOS_E_LIMIT_EXCEEDED;
	int err;
	struct memory_object *mo = kmem_zalloc(k, object_bytes(kind, pages), &err);
	if (!mo)
		return err;
	/* Counted after the struct, whose allocation may take heap frames. */
	err = ram && frame_free_count() < pages ? CAPOS_E_NO_MEMORY : CAPOS_OK;
	if (!err && ram && !kmem_charge(k, (uint64_t)pages * PAGE_SIZE))
		err = CAPOS_E_LIMIT_EXCEEDED;
	if (err) {
		kmem_free(k, mo, object_bytes(kind, pages));
		return err;
	}
	mo->obj = (struct kobject)KOBJECT_INIT(&memory_object_ops);
	mo->kmem = k;
	mo->pages = pages;
	mo->kind = kind;
	kmem_get(k);
	*out = mo;
	return CAPOS_OK;
}

int memory_object_new(struct kmem *k, uint32_t pages, struct kobject **out)
{
	KASSERT(pages && pages <= MEMORY_OBJECT_MAX_PAGES, "the caller checked the size");
	struct memory_object *mo = 0;
	int err = mo_reserve(k, MO_FRAMES, pages, &mo);
	if (err)
		return err;
	for (uint32_t i = 0; i < pages; i++) {
		uint64_t pa = frame_alloc();
		KASSERT(pa, "the free frames were counted (one CPU, nothing ran since)");
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		mo->frames[i] = pa;
	}
	*out = &mo->obj;
	return CAPOS_OK;
}

int memory_object_new_contiguous(struct kmem *k, uint32_t pages, struct kobject **out)
{
	KASSERT(pages && pages <= MEMORY_OBJECT_MAX_PAGES, "the caller checked the size");
	struct memory_object *mo = 0;
	int err = mo_reserve(k, MO_CONTIGUOUS, pages, &mo);
	if (err)
		return err;
	uint64_t pa = frame_alloc_contig(pages);
	if (!pa) { /* enough frames, but no run of them */
		kmem_uncharge(k, (uint64_t)pages * PAGE_SIZE);
		kmem_free(k, mo, object_bytes(MO_CONTIGUOUS, pages));
		kmem_put(k);
		return CAPOS_E_NO_MEMORY;
	}
	memset(phys_to_virt(pa), 0, (uint64_t)pages * PAGE_SIZE);
	mo->base = pa;
	*out = &mo->obj;
	return CAPOS_OK;
}

int memory_object_new_device(struct kmem *k, uint64_t phys, uint32_t pages, struct kobject **out)
{
	KASSERT(pages && !(phys & (PAGE_SIZE - 1)), "the caller checked the range");
	struct memory_object *mo = 0;
	int err = mo_reserve(k, MO_DEVICE, pages, &mo);
	if (err)
		return err;
	mo->base = phys;
	*out = &mo->obj;
	return CAPOS_OK;
}
