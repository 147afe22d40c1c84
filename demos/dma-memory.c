/* dma-memory: a physically contiguous MemoryObject for DMA
 * (FrameAllocator.allocObject with contiguous) whose holder learns its
 * physical address with physical() (rightPhysical); a child granted it
 * without that right is refused; the ledger is back afterwards. */
#include "demos/hw.h"

const char demo_name[] = "dma-memory";

static int alloc(uint32_t pages, bool contiguous, capos_MemoryObject *out)
{
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_allocObject_Params_builder p = capos_FrameAllocator_allocObject_begin(&cl);
	capos_FrameAllocator_allocObject_Params_set_pages(p, pages);
	capos_FrameAllocator_allocObject_Params_set_contiguous(p, contiguous);
	int r = capos_FrameAllocator_allocObject_call(RT_CAP(capos_FrameAllocator, "frames"), &cl, 0);
	*out = (capos_MemoryObject){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

static int physical(capos_MemoryObject mo, uint32_t page, uint64_t *pa, bool *contiguous)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_physical_Params_set_page(capos_MemoryObject_physical_begin(&cl), page);
	capos_MemoryObject_physical_Results res;
	int r = capos_MemoryObject_physical_call(mo, &cl, &res);
	if (r >= 0) {
		*pa = capos_MemoryObject_physical_Results_get_phys(res);
		*contiguous = capos_MemoryObject_physical_Results_get_contiguous(res);
	}
	return r < 0 ? r : CAPOS_OK;
}

int main(void)
{
	capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
	struct demo_ledger start = demo_ledger(frames);
	capos_MemoryObject mo, scattered, none;
	int r = alloc(64, true, &mo);
	CHECK(r == CAPOS_OK, "allocObject(64 pages, contiguous): %s", hw_err(r));
	uint64_t base = 0, pa = 0;
	bool contiguous = false;
	CHECK(physical(mo, 0, &base, &contiguous) == CAPOS_OK && contiguous && base && !(base & 0xFFF),
	      "physical(0): %#llx, contiguous", (unsigned long long)base);
	bool consecutive = true;
	for (uint32_t i = 1; i < 64; i++)
		consecutive &= physical(mo, i, &pa, &contiguous) == CAPOS_OK && pa == base + i * 4096ull;
	CHECK(consecutive, "pages 1-63 follow page 0 in physical memory");
	r = physical(mo, 64, &pa, &contiguous);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "physical(64) of a 64-page object: %s", hw_err(r));
	RT_CLIENT(cl, 64);
	capos_MemoryObject_map_Params_set_writable(capos_MemoryObject_map_begin(&cl), true);
	capos_MemoryObject_map_Results m;
	r = capos_MemoryObject_map_call(mo, &cl, &m);
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)capos_MemoryObject_map_Results_get_addr(m);
	CHECK(r >= 0 && p[0] == 0 && p[64 * 512 - 1] == 0, "mapped, zeroed");
	p[0] = 0xD3A;
	/* Without rightPhysical. */
	struct rt_grant g = { "mem", mo.id, capos_MemoryObject_ID, 0,
		              capos_MemoryObject_rightMap | capos_MemoryObject_rightWrite };
	const char *arg = "physical";
	int64_t code = 99;
	r = demo_run(RT_CAP(capos_ProcessSpawner, "spawner"), "hw-child", &g, 1, &arg, 1, 0, &code);
	CHECK(r == CAPOS_OK && code == 0, "a child granted it without rightPhysical is refused physical() (exit %lld)",
	      (long long)code);
	CHECK(alloc(2, false, &scattered) == CAPOS_OK && physical(scattered, 0, &pa, &contiguous) == CAPOS_OK &&
	      !contiguous, "a 2-page object made without contiguous reports contiguous false");
	r = alloc(2000, true, &none);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "allocObject(2000 pages, contiguous): %s", hw_err(r));
	RT_CLIENT(cu, 64);
	capos_MemoryObject_unmap_Params_set_addr(capos_MemoryObject_unmap_begin(&cu), (uint64_t)(uintptr_t)p);
	capos_MemoryObject_unmap_call(mo, &cu, 0);
	rt_release(mo.id);
	rt_release(scattered.id);
	CHECK(demo_ledger_same(start, demo_ledger(frames)), "free frames and kernel memory are back");
	return demo_finish();
}
