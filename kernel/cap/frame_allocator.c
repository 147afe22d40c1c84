/* FrameAllocator: physical frame grants, recorded against the caller and
 * reclaimed when it exits; stats report the allocator's state (the ledger
 * the teardown tests compare). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/layout.h"
#include "kernel/process.h"
#include "lib/mem.h"

#define RIGHT_ALLOC 1u
#define RIGHT_FREE 2u

static int do_alloc(struct call *c)
{
	struct process *p = c->caller;
	capos_FrameAllocator_alloc_Params a = capos_FrameAllocator_alloc_Params_root(c->params);
	if (!(c->slot->rights & RIGHT_ALLOC))
		return CAPOS_E_PERMISSION_DENIED;
	if (capos_FrameAllocator_alloc_Params_get_count(a) != 1)
		return CAPOS_E_BAD_ARGUMENT; /* one frame per call until contiguous runs exist */
	if (p->nframe_grants >= PROCESS_MAX_FRAME_GRANTS)
		return CAPOS_E_BAD_ARGUMENT;
	if (!p->frame_grants && !(p->frame_grants = kzalloc(PROCESS_MAX_FRAME_GRANTS * sizeof(uint64_t))))
		return CAPOS_E_NO_MEMORY;
	uint64_t pa = frame_alloc();
	if (!pa)
		return CAPOS_E_NO_MEMORY;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	p->frame_grants[p->nframe_grants++] = pa;
	capos_FrameAllocator_alloc_Results_set_phys(capos_FrameAllocator_alloc_Results_init_root(c->results), pa);
	return CAPOS_OK;
}

static int do_free(struct call *c)
{
	struct process *p = c->caller;
	capos_FrameAllocator_free_Params f = capos_FrameAllocator_free_Params_root(c->params);
	uint64_t pa = capos_FrameAllocator_free_Params_get_phys(f);
	if (!(c->slot->rights & RIGHT_FREE))
		return CAPOS_E_PERMISSION_DENIED;
	if (capos_FrameAllocator_free_Params_get_count(f) != 1)
		return CAPOS_E_BAD_ARGUMENT;
	for (uint32_t i = 0; i < p->nframe_grants; i++) {
		if (p->frame_grants[i] == pa) {
			p->frame_grants[i] = p->frame_grants[--p->nframe_grants];
			frame_free(pa);
			return CAPOS_OK;
		}
	}
	return CAPOS_E_BAD_ARGUMENT; /* not a frame this caller holds */
}

static int frame_allocator_call(struct kobject *o, struct call *c)
{
	(void)o;
	switch (c->method) {
	case capos_FrameAllocator_alloc_ORDINAL:
		return do_alloc(c);
	case capos_FrameAllocator_free_ORDINAL:
		return do_free(c);
	default: {
		capos_FrameAllocator_stats_Results_builder r =
			capos_FrameAllocator_stats_Results_init_root(c->results);
		capos_FrameAllocator_stats_Results_set_totalFrames(r, frame_total_usable());
		capos_FrameAllocator_stats_Results_set_freeFrames(r, frame_free_count());
		capos_FrameAllocator_stats_Results_set_grantedFrames(r, c->caller->nframe_grants);
		return CAPOS_OK;
	}
	}
}

static const struct kobject_ops frame_allocator_ops = {
	.name = "FrameAllocator",
	.interface_id = capos_FrameAllocator_ID,
	.method_count = capos_FrameAllocator_METHOD_COUNT,
	.call = frame_allocator_call,
};

static struct kobject frame_allocator = { &frame_allocator_ops, 1 };

struct kobject *frame_allocator_object(void) { return &frame_allocator; }
