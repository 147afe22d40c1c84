/* FrameAllocator: physical frame grants, recorded against the caller,
 * charged to its kernel-memory account and reclaimed when it exits; stats
 * report the allocator's state (the ledger the teardown tests compare). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/memory_object.h"
#include "kernel/log.h"
#include "kernel/kmem.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/layout.h"
#include "kernel/process.h"
#include "lib/mem.h"

static int fa_alloc(void *self, struct capnp_call *call, capos_FrameAllocator_alloc_Params params,
                    capos_FrameAllocator_alloc_Results_builder results)
{
	(void)self;
	struct process *p = call_of(call)->caller;
	/* Decode: every check before anything is taken. */
	if (capos_FrameAllocator_alloc_Params_get_count(params) != 1)
		return CAPOS_E_BAD_ARGUMENT; /* one frame per call until contiguous runs exist */
	if (p->nframe_grants >= PROCESS_MAX_FRAME_GRANTS)
		return CAPOS_E_LIMIT_EXCEEDED;
	/* Take what the grant needs — its charge, the frame, the record —
	 * giving back what was taken if a later step fails. */
	if (!kmem_charge(p->kmem, PAGE_SIZE))
		return CAPOS_E_LIMIT_EXCEEDED;
	int err = CAPOS_E_NO_MEMORY;
	uint64_t pa = frame_alloc();
	if (pa && !p->frame_grants && !(p->frame_grants = kmem_zalloc(p->kmem, PROCESS_FRAME_GRANTS_BYTES, &err))) {
		frame_free(pa);
		pa = 0;
	}
	if (!pa) {
		kmem_uncharge(p->kmem, PAGE_SIZE);
		return err;
	}
	/* Invoke: cannot fail (the results size was checked by the ring). */
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	p->frame_grants[p->nframe_grants++] = pa;
	capos_FrameAllocator_alloc_Results_set_phys(results, pa);
	return CAPOS_OK;
}

static int fa_free(void *self, struct capnp_call *call, capos_FrameAllocator_free_Params params,
                   capos_FrameAllocator_free_Results_builder results)
{
	(void)self, (void)results;
	struct process *p = call_of(call)->caller;
	uint64_t pa = capos_FrameAllocator_free_Params_get_phys(params);
	if (capos_FrameAllocator_free_Params_get_count(params) != 1)
		return CAPOS_E_BAD_ARGUMENT;
	for (uint32_t i = 0; i < p->nframe_grants; i++) {
		if (p->frame_grants[i] == pa) {
			p->frame_grants[i] = p->frame_grants[--p->nframe_grants];
			frame_free(pa);
			kmem_uncharge(p->kmem, PAGE_SIZE);
			if (!p->nframe_grants) { /* the ledger returns to where it was */
				kmem_free(p->kmem, p->frame_grants, PROCESS_FRAME_GRANTS_BYTES);
				p->frame_grants = 0;
			}
			return CAPOS_OK;
		}
	}
	return CAPOS_E_BAD_ARGUMENT; /* not a frame this caller holds */
}

static int fa_stats(void *self, struct capnp_call *call, capos_FrameAllocator_stats_Params params,
                    capos_FrameAllocator_stats_Results_builder r)
{
	(void)self, (void)params;
	capos_FrameAllocator_stats_Results_set_totalFrames(r, frame_total_usable());
	capos_FrameAllocator_stats_Results_set_freeFrames(r, frame_free_count());
	struct process *p = call_of(call)->caller;
	capos_FrameAllocator_stats_Results_set_grantedFrames(r, p->nframe_grants);
	capos_FrameAllocator_stats_Results_set_kernelMemoryUsed(r, p->kmem->q.used);
	capos_FrameAllocator_stats_Results_set_kernelMemoryLimit(r, p->kmem->q.limit);
	capos_FrameAllocator_stats_Results_set_heapFrames(r, kheap_frames());
	return CAPOS_OK;
}

/* A MemoryObject of fresh frames for the caller (kernel/cap/memory_object.c). */
static int fa_alloc_object(void *self, struct capnp_call *call, capos_FrameAllocator_allocObject_Params params,
                           capos_FrameAllocator_allocObject_Results_builder results)
{
	(void)self;
	struct call *c = call_of(call);
	uint32_t pages = capos_FrameAllocator_allocObject_Params_get_pages(params);
	/* Decode. */
	if (!pages || pages > MEMORY_OBJECT_MAX_PAGES)
		return CAPOS_E_BAD_ARGUMENT;
	bool contiguous = capos_FrameAllocator_allocObject_Params_get_contiguous(params) && pages > 1;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *mo;
	int err = (contiguous ? memory_object_new_contiguous : memory_object_new)(c->caller->kmem, pages, &mo);
	if (err)
		return err;
	capos_FrameAllocator_allocObject_Results_set_memory_cap(
		results, (capos_MemoryObject){ call_give(c, mo, capos_MemoryObject_RIGHTS) });
	return CAPOS_OK;
}

static const struct capos_FrameAllocator_server server = {
	.alloc = fa_alloc,
	.free = fa_free,
	.stats = fa_stats,
	.allocObject = fa_alloc_object,
};

static int frame_allocator_call(struct kobject *o, struct call *c)
{
	return capos_FrameAllocator_dispatch(&server, o, &c->base);
}

static const struct kobject_ops frame_allocator_ops = {
	.iface = &capos_FrameAllocator_interface,
	.call = frame_allocator_call,
};

static struct kobject frame_allocator = KOBJECT_INIT(&frame_allocator_ops);

struct kobject *frame_allocator_object(void) { return &frame_allocator; }
