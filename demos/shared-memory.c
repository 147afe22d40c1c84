/* shared-memory: a MemoryObject (FrameAllocator.allocObject) written by
 * this process is read and written by a child it was granted to; a
 * read-only facet (the grant narrowed to rightMap) maps read-only and a
 * write through it kills only that child; a child's mapping goes with its
 * exit; VirtualMemory cannot unmap or re-protect the object's pages; the
 * mappings hold the frames after the capability is released; the frames
 * and the kernel memory are back once every mapping and capability is
 * gone; hostile arguments get their named errors (docs/memory.md). */
#include "demos/demo.h"
#include "lib/errors.h"

const char demo_name[] = "shared-memory";

#define PAGE 4096ull
#define RING_VA 0x00007FFFFFFFD000ull

static capos_FrameAllocator frames;

static int alloc_object(uint32_t pages, bool contiguous, capos_MemoryObject *mo)
{
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_allocObject_Params_builder p = capos_FrameAllocator_allocObject_begin(&cl);
	capos_FrameAllocator_allocObject_Params_set_pages(p, pages);
	capos_FrameAllocator_allocObject_Params_set_contiguous(p, contiguous);
	int r = capos_FrameAllocator_allocObject_call(frames, &cl, 0);
	if (r >= 0 && mo)
		*mo = (capos_MemoryObject){ cl.new_cap };
	return r < 0 ? r : CAPOS_OK;
}

static int mo_map(capos_MemoryObject mo, uint64_t addr, bool writable, uint64_t *out)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_map_Params_builder p = capos_MemoryObject_map_begin(&cl);
	capos_MemoryObject_map_Params_set_addr(p, addr);
	capos_MemoryObject_map_Params_set_writable(p, writable);
	capos_MemoryObject_map_Results res;
	int r = capos_MemoryObject_map_call(mo, &cl, &res);
	if (r >= 0 && out)
		*out = capos_MemoryObject_map_Results_get_addr(res);
	return r < 0 ? r : CAPOS_OK;
}

static int mo_unmap(capos_MemoryObject mo, uint64_t addr)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_unmap_Params_set_addr(capos_MemoryObject_unmap_begin(&cl), addr);
	int r = capos_MemoryObject_unmap_call(mo, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static int vm_call(bool unmap, uint64_t addr)
{
	capos_VirtualMemory vm = RT_CAP(capos_VirtualMemory, "vm");
	RT_CLIENT(cl, 64);
	int r;
	if (unmap) {
		capos_VirtualMemory_unmap_Params_builder p = capos_VirtualMemory_unmap_begin(&cl);
		capos_VirtualMemory_unmap_Params_set_addr(p, addr);
		capos_VirtualMemory_unmap_Params_set_pages(p, 1);
		r = capos_VirtualMemory_unmap_call(vm, &cl, 0);
	} else {
		capos_VirtualMemory_protect_Params_builder p = capos_VirtualMemory_protect_begin(&cl);
		capos_VirtualMemory_protect_Params_set_addr(p, addr);
		capos_VirtualMemory_protect_Params_set_pages(p, 1);
		capos_VirtualMemory_protect_Params_set_prot(p, capos_VirtualMemory_protRead);
		r = capos_VirtualMemory_protect_call(vm, &cl, 0);
	}
	return r < 0 ? r : CAPOS_OK;
}

static const char *err(int r) { return r == CAPOS_OK ? "CAPOS_OK" : capos_strerror(r); }

static void hostile(const char *what, int got, int want)
{
	CHECK(got == want, "%s: %s", what, err(got));
}

static int64_t run_child(capos_ProcessSpawner spawner, capos_MemoryObject mo, uint32_t rights, const char *kind)
{
	struct rt_grant g[3] = {
		{ "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0, capos_rightsAll },
		{ "mem", mo.id, capos_MemoryObject_ID, 0, rights },
		{ "frames", frames.id, capos_FrameAllocator_ID, 0, capos_rightsAll },
	};
	int64_t code = -100;
	if (demo_run(spawner, "shm-child", g, 3, &kind, 1, 0, &code) != CAPOS_OK)
		return -100;
	return code;
}

static void hostile_calls(capos_MemoryObject mo, uint64_t a)
{
	struct demo_ledger before = demo_ledger(frames);
	hostile("allocObject of 0 pages", alloc_object(0, false, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("allocObject of 1025 pages", alloc_object(1025, false, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("allocObject of 0xffffffff pages", alloc_object(0xffffffffu, false, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("allocObject of 1025 contiguous pages", alloc_object(1025, true, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("map at an unaligned address", mo_map(mo, 0x0000300000000010ull, true, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("map in the kernel half", mo_map(mo, 0xFFFF800000000000ull, true, 0), CAPOS_E_BAD_ARGUMENT);
	hostile("map over the ring page", mo_map(mo, RING_VA - PAGE, false, 0), CAPOS_E_PERMISSION_DENIED);
	hostile("map over its own mapping (overlapping)", mo_map(mo, a + PAGE, true, 0), CAPOS_E_BUSY);
	hostile("unmap where it is not mapped", mo_unmap(mo, a + PAGE), CAPOS_E_NOT_FOUND);
	hostile("VirtualMemory.unmap of one of its pages", vm_call(true, a), CAPOS_E_BUSY);
	hostile("VirtualMemory.protect of one of its pages", vm_call(false, a), CAPOS_E_BUSY);
	struct demo_ledger after = demo_ledger(frames);
	CHECK(demo_ledger_same(before, after), "the refusals changed nothing: free frames %llu, kernel memory %llu",
	      (unsigned long long)after.free_frames, (unsigned long long)after.kmem);
}

int main(void)
{
	frames = RT_CAP(capos_FrameAllocator, "frames");
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	struct demo_ledger before = demo_ledger(frames);
	capos_MemoryObject mo;
	CHECK(alloc_object(4, false, &mo) == CAPOS_OK, "allocObject of 4 pages");
	RT_CLIENT(cl, 64);
	capos_MemoryObject_size_Results sz;
	CHECK(capos_MemoryObject_size_call(mo, &cl, &sz) >= 0 && capos_MemoryObject_size_Results_get_pages(sz) == 4,
	      "size() is 4 pages");
	uint64_t a = 0, b = 0;
	CHECK(mo_map(mo, 0, true, &a) == CAPOS_OK, "mapped writable at %#llx", (unsigned long long)a);
	for (uint32_t i = 0; i < 4; i++)
		((volatile uint64_t *)(uintptr_t)(a + i * PAGE))[1] = 0x5100u + i;
	CHECK(mo_map(mo, 0, false, &b) == CAPOS_OK && b != a &&
	      ((volatile uint64_t *)(uintptr_t)(b + 2 * PAGE))[1] == 0x5102,
	      "a second, read-only mapping in the same space sees the same frames");
	CHECK(mo_unmap(mo, b) == CAPOS_OK && mo_unmap(mo, b) == CAPOS_E_NOT_FOUND,
	      "unmap of it, then a second unmap: CAPOS_E_NOT_FOUND");

	hostile_calls(mo, a);

	int64_t code = run_child(spawner, mo, capos_rightsAll, "rw");
	CHECK(code == 0 && ((volatile uint64_t *)(uintptr_t)(a + 3 * PAGE))[0] == 0xC0FFEE,
	      "a child granted the object read the pattern and wrote 0xC0FFEE, seen here (exit code %lld)",
	      (long long)code);
	code = run_child(spawner, mo, capos_MemoryObject_rightMap, "ro");
	CHECK(code == CAPOS_EXIT_FAULT, "a child granted the read-only facet (rightMap only) was refused a writable "
	      "map, mapped it read-only, and was killed when it wrote (exit code %lld)", (long long)code);
	CHECK(((volatile uint64_t *)(uintptr_t)a)[0] == 0, "its write did not land; this process goes on");
	struct demo_ledger mid = demo_ledger(frames);
	code = run_child(spawner, mo, capos_rightsAll, "keep");
	struct demo_ledger mid2 = demo_ledger(frames);
	CHECK(code == 0 && demo_ledger_same(mid, mid2),
	      "a child that exits with the object mapped leaves the ledger as it was (free frames %llu)",
	      (unsigned long long)mid2.free_frames);

	mid = demo_ledger(frames);
	code = run_child(spawner, mo, capos_rightsAll, "orphan");
	mid2 = demo_ledger(frames);
	CHECK(code == 0 && demo_ledger_same(mid, mid2), "a child that made its own object, mapped it, released its "
	      "capability and still read it through the mapping exited; that object's frames are back (exit code %lld)",
	      (long long)code);
	CHECK(mo_unmap(mo, a) == CAPOS_OK && rt_release(mo.id) == CAPOS_OK, "unmap, then release of the capability");
	struct demo_ledger after = demo_ledger(frames);
	CHECK(demo_ledger_same(after, before), "with every mapping and capability gone the frames are back: %llu free "
	      "(before %llu), kernel memory %llu bytes (before %llu)", (unsigned long long)after.free_frames,
	      (unsigned long long)before.free_frames, (unsigned long long)after.kmem, (unsigned long long)before.kmem);
	return demo_finish();
}
