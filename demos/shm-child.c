/* shm-child KIND: maps the MemoryObject granted as "mem" (for
 * shared-memory). "rw": maps it writable, checks the parent's pattern and
 * writes 0xC0FFEE at the start of page 3. "ro": checks that a writable map
 * is refused, maps it read-only, checks the pattern, then writes to it
 * (which faults). "keep": maps it and exits without unmapping. "orphan":
 * makes its own one-page object ("frames"), maps it, releases the
 * capability and checks the mapping still reads. Exit code:
 * 0 done, 100 the write to a read-only mapping did not fault, others a
 * failed step. */
#include "lib/mem.h"
#include "rt/capos.h"

#define PAGE 4096u

static int map(capos_MemoryObject mo, bool writable, uint64_t *addr)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_map_Params_builder p = capos_MemoryObject_map_begin(&cl);
	capos_MemoryObject_map_Params_set_addr(p, 0);
	capos_MemoryObject_map_Params_set_writable(p, writable);
	capos_MemoryObject_map_Results res;
	int r = capos_MemoryObject_map_call(mo, &cl, &res);
	if (r >= 0)
		*addr = capos_MemoryObject_map_Results_get_addr(res);
	return r < 0 ? r : CAPOS_OK;
}

static bool pattern_ok(uint64_t a)
{
	for (uint32_t i = 0; i < 4; i++)
		if (((volatile uint64_t *)(uintptr_t)(a + i * PAGE))[1] != 0x5100u + i)
			return false;
	return true;
}

int main(void)
{
	const char *kind = rt_argc() ? rt_arg(0) : "";
	capos_MemoryObject mo = RT_CAP(capos_MemoryObject, "mem");
	uint64_t a = 0;
	if (!strcmp(kind, "rw")) {
		if (map(mo, true, &a) || !pattern_ok(a))
			return 1;
		((volatile uint64_t *)(uintptr_t)(a + 3 * PAGE))[0] = 0xC0FFEE;
		return 0;
	}
	if (!strcmp(kind, "ro")) {
		if (map(mo, true, &a) != CAPOS_E_PERMISSION_DENIED)
			return 2;
		if (map(mo, false, &a) || !pattern_ok(a))
			return 3;
		((volatile uint64_t *)(uintptr_t)a)[0] = 1;
		return 100;
	}
	if (!strcmp(kind, "orphan")) {
		capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
		RT_CLIENT(cl, 64);
		capos_FrameAllocator_allocObject_Params_set_pages(capos_FrameAllocator_allocObject_begin(&cl), 1);
		if (capos_FrameAllocator_allocObject_call(frames, &cl, 0) < 0)
			return 6;
		capos_MemoryObject own = { cl.new_cap };
		if (map(own, true, &a))
			return 7;
		((volatile uint64_t *)(uintptr_t)a)[0] = 0x77;
		if (rt_release(own.id) || ((volatile uint64_t *)(uintptr_t)a)[0] != 0x77)
			return 8;
		return 0;
	}
	if (!strcmp(kind, "keep"))
		return map(mo, true, &a) || !pattern_ok(a) ? 4 : 0;
	return 5;
}
