/* virtual-memory: VirtualMemory.map/unmap/protect on the demo's own address
 * space. Mapped pages are zeroed and usable; protect makes a page
 * read-only or executable (W^X: never both); every hostile argument gets
 * its named error and changes nothing; the ring, CapSet and kernel half
 * are refused; a child that reads a page it unmapped (or writes one it
 * protected read-only) is killed while this process goes on; the heap
 * grows through VirtualMemory; the kernel-memory ledger is back after the
 * unmaps (docs/memory.md). */
#include "demos/demo.h"
#include "lib/errors.h"

const char demo_name[] = "virtual-memory";

#define PAGE 4096ull
#define R capos_VirtualMemory_protRead
#define W capos_VirtualMemory_protWrite
#define X capos_VirtualMemory_protExec
#define RING_VA 0x00007FFFFFFFD000ull
#define CAPSET_VA 0x00007FFFFFFFE000ull
#define FIXED_VA 0x0000300000000000ull

static capos_VirtualMemory vm;

static int vm_map(uint64_t addr, uint32_t pages, uint32_t prot, uint64_t *out)
{
	RT_CLIENT(cl, 64);
	capos_VirtualMemory_map_Params_builder p = capos_VirtualMemory_map_begin(&cl);
	capos_VirtualMemory_map_Params_set_addr(p, addr);
	capos_VirtualMemory_map_Params_set_pages(p, pages);
	capos_VirtualMemory_map_Params_set_prot(p, prot);
	capos_VirtualMemory_map_Results res;
	int r = capos_VirtualMemory_map_call(vm, &cl, &res);
	if (r >= 0 && out)
		*out = capos_VirtualMemory_map_Results_get_addr(res);
	return r < 0 ? r : CAPOS_OK;
}

static int vm_unmap(uint64_t addr, uint32_t pages)
{
	RT_CLIENT(cl, 64);
	capos_VirtualMemory_unmap_Params_builder p = capos_VirtualMemory_unmap_begin(&cl);
	capos_VirtualMemory_unmap_Params_set_addr(p, addr);
	capos_VirtualMemory_unmap_Params_set_pages(p, pages);
	int r = capos_VirtualMemory_unmap_call(vm, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static int vm_protect(uint64_t addr, uint32_t pages, uint32_t prot)
{
	RT_CLIENT(cl, 64);
	capos_VirtualMemory_protect_Params_builder p = capos_VirtualMemory_protect_begin(&cl);
	capos_VirtualMemory_protect_Params_set_addr(p, addr);
	capos_VirtualMemory_protect_Params_set_pages(p, pages);
	capos_VirtualMemory_protect_Params_set_prot(p, prot);
	int r = capos_VirtualMemory_protect_call(vm, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static const char *err(int r) { return r == CAPOS_OK ? "CAPOS_OK" : capos_strerror(r); }

static void hostile(const char *what, int got, int want, capos_FrameAllocator frames)
{
	static struct demo_ledger ref;
	static bool have;
	if (!have) {
		ref = demo_ledger(frames);
		have = true;
	}
	struct demo_ledger now = demo_ledger(frames);
	CHECK(got == want && demo_ledger_same(now, ref), "%s: %s, nothing changed", what, err(got));
}

static void hostile_calls(capos_FrameAllocator frames, uint64_t a)
{
	hostile("map W+X", vm_map(0, 1, R | W | X, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map without protRead", vm_map(0, 1, W, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map with an unknown prot bit", vm_map(0, 1, R | 8, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map of 0 pages", vm_map(0, 0, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map of 257 pages (over the per-call limit)", vm_map(0, 257, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map of 0xffffffff pages", vm_map(FIXED_VA, 0xffffffffu, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map at an unaligned address", vm_map(FIXED_VA + 8, 1, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map in the kernel half", vm_map(0xFFFF800000000000ull, 1, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map across the end of user space", vm_map(0x00007FFFFFFFF000ull, 2, R, 0), CAPOS_E_BAD_ARGUMENT,
	        frames);
	hostile("map below USER_MIN (the null region)", vm_map(0x1000, 1, R, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map over the ring page", vm_map(RING_VA, 1, R, 0), CAPOS_E_PERMISSION_DENIED, frames);
	hostile("map of a range ending on the ring page", vm_map(RING_VA - PAGE, 2, R | W, 0),
	        CAPOS_E_PERMISSION_DENIED, frames);
	hostile("unmap of the ring page", vm_unmap(RING_VA, 1), CAPOS_E_PERMISSION_DENIED, frames);
	hostile("unmap of the CapSet page", vm_unmap(CAPSET_VA, 1), CAPOS_E_PERMISSION_DENIED, frames);
	hostile("protect of the ring page", vm_protect(RING_VA, 1, R), CAPOS_E_PERMISSION_DENIED, frames);
	hostile("protect of the CapSet page writable", vm_protect(CAPSET_VA, 1, R | W), CAPOS_E_PERMISSION_DENIED,
	        frames);
	hostile("unmap in the kernel half", vm_unmap(0xFFFFFFFF80000000ull, 1), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("map over mapped pages (overlapping)", vm_map(a + PAGE, 2, R, 0), CAPOS_E_BUSY, frames);
	hostile("unmap of a range with an unmapped page", vm_unmap(a, 5), CAPOS_E_NOT_FOUND, frames);
	hostile("protect of a range with an unmapped page", vm_protect(a + 3 * PAGE, 2, R), CAPOS_E_NOT_FOUND, frames);
	hostile("protect W+X", vm_protect(a, 1, R | W | X), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("unmap of 0 pages", vm_unmap(a, 0), CAPOS_E_BAD_ARGUMENT, frames);
	hostile("unmap at an unaligned address", vm_unmap(a + 1, 1), CAPOS_E_BAD_ARGUMENT, frames);
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;
	CHECK(w[0] == 0x11 && w[(4 * PAGE - 8) / 8] == 0x44, "the pages kept their contents through the refusals");
}

static void child(capos_ProcessSpawner spawner, const char *kind)
{
	struct rt_grant g[2] = {
		{ "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0, capos_rightsAll },
		{ "vm", vm.id, capos_VirtualMemory_ID, 0, capos_rightsAll },
	};
	int64_t code = 0;
	int r = demo_run(spawner, "vm-child", g, 2, &kind, 1, 0, &code);
	CHECK(r == CAPOS_OK && code == CAPOS_EXIT_FAULT, "a child that does '%s' is killed for the fault (exit code %lld)",
	      kind, (long long)code);
}

int main(void)
{
	vm = RT_CAP(capos_VirtualMemory, "vm");
	capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	uint64_t a = 0, b = 0;
	struct demo_ledger before = demo_ledger(frames);

	CHECK(vm_map(0, 4, R | W, &a) == CAPOS_OK && a >= 0x0000100000000000ull && !(a & (PAGE - 1)),
	      "map of 4 pages at 0 placed by the kernel at %#llx", (unsigned long long)a);
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;
	bool zero = true;
	for (uint64_t i = 0; i < 4 * PAGE / 8; i++)
		zero &= w[i] == 0;
	CHECK(zero, "the mapped pages read as zeros");
	w[0] = 0x11, w[PAGE / 8] = 0x22, w[2 * PAGE / 8] = 0x33, w[(4 * PAGE - 8) / 8] = 0x44;
	struct demo_ledger mapped = demo_ledger(frames);
	CHECK(mapped.kmem >= before.kmem + 4 * PAGE, "the 4 pages are charged: +%llu bytes of kernel memory",
	      (unsigned long long)(mapped.kmem - before.kmem));
	CHECK(vm_map(0, 1, R | W, &b) == CAPOS_OK && b != a && (b >= a + 4 * PAGE || b + PAGE <= a),
	      "a second map gets another range (%#llx)", (unsigned long long)b);
	CHECK(vm_unmap(b, 1) == CAPOS_OK, "and unmaps");

	hostile_calls(frames, a);

	CHECK(vm_protect(a, 1, R) == CAPOS_OK && w[0] == 0x11, "protect read-only: the page still reads");
	CHECK(vm_protect(a, 1, R | W) == CAPOS_OK && (w[0] = 0x55, w[0] == 0x55), "protect read-write again: it writes");
	/* Code through W^X: write it, then make it read+execute. */
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)(a + 2 * PAGE);
	code[0] = 0xB8, code[1] = 0x2A, code[2] = 0, code[3] = 0, code[4] = 0, code[5] = 0xC3; /* mov eax, 42; ret */
	CHECK(vm_protect(a + 2 * PAGE, 1, R | X) == CAPOS_OK && ((int (*)(void))(uintptr_t)(a + 2 * PAGE))() == 42,
	      "code written to a page, protected read+execute, runs (returned 42)");

	uint64_t f = 0;
	CHECK(vm_map(FIXED_VA, 2, R | W, &f) == CAPOS_OK && f == FIXED_VA, "map at the fixed address %#llx",
	      (unsigned long long)FIXED_VA);
	((volatile uint64_t *)(uintptr_t)f)[PAGE / 8] = 7;
	CHECK(vm_unmap(FIXED_VA, 2) == CAPOS_OK, "unmap of the fixed range");
	CHECK(vm_unmap(a, 4) == CAPOS_OK, "unmap of the 4 pages");
	CHECK(vm_unmap(a, 4) == CAPOS_E_NOT_FOUND, "a second unmap of them: CAPOS_E_NOT_FOUND");
	struct demo_ledger after = demo_ledger(frames);
	CHECK(demo_ledger_same(after, before), "kernel memory is back after the unmaps: %llu bytes (before %llu), "
	      "free frames %llu (before %llu)", (unsigned long long)after.kmem, (unsigned long long)before.kmem,
	      (unsigned long long)after.free_frames, (unsigned long long)before.free_frames);

	child(spawner, "touch-unmapped");
	child(spawner, "write-protected");
	CHECK(true, "this process kept running after its children faulted");

	struct demo_ledger pre_heap = demo_ledger(frames);
	uint8_t *big = malloc(200 * 1024);
	struct demo_ledger post_heap = demo_ledger(frames);
	if (big)
		memset(big, 0xA5, 200 * 1024);
	CHECK(big && post_heap.kmem > pre_heap.kmem + 200 * 1024,
	      "malloc of 200 KiB (the runtime's arena is 16 KiB) grew the heap through VirtualMemory (+%llu bytes)",
	      (unsigned long long)(post_heap.kmem - pre_heap.kmem));
	return demo_finish();
}
