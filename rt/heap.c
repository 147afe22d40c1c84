/* malloc/free: lib/heap over a small arena in .bss, then over memory from
 * VirtualMemory.map when the process holds a "vm" capability (growing in
 * steps of at least GROW_BYTES, at most VM's per-call limit of 256 pages
 * a call). Without one the heap is the arena alone, so every process pays
 * only ARENA_BYTES up front. Nothing is given back to the kernel before
 * exit. */
#include "lib/heap.h"
#include "rt/capos.h"

#define ARENA_BYTES (16 * 1024)
#define PAGE 4096u
#define GROW_BYTES (64 * 1024)
#define CALL_MAX_PAGES 256u

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));
static bool arena_given;
static struct heap heap;

/* Maps pages pages of read-write memory at addr (0: where the kernel
 * chooses); returns the address or 0. */
static uint64_t vm_map(capos_VirtualMemory vm, uint64_t addr, uint32_t pages)
{
	RT_CLIENT(cl, 64);
	capos_VirtualMemory_map_Params_builder p = capos_VirtualMemory_map_begin(&cl);
	capos_VirtualMemory_map_Params_set_addr(p, addr);
	capos_VirtualMemory_map_Params_set_pages(p, pages);
	capos_VirtualMemory_map_Params_set_prot(p, capos_VirtualMemory_protRead | capos_VirtualMemory_protWrite);
	capos_VirtualMemory_map_Results res;
	if (capos_VirtualMemory_map_call(vm, &cl, &res) < 0)
		return 0;
	return capos_VirtualMemory_map_Results_get_addr(res);
}

/* One region of at least min_bytes: consecutive maps of at most
 * CALL_MAX_PAGES pages each, the first where the kernel chooses. A region
 * that cannot be completed is kept mapped (the heap asks again). */
static void *grow_vm(size_t min_bytes, size_t *got)
{
	capos_VirtualMemory vm = RT_CAP(capos_VirtualMemory, "vm");
	if (!vm.id || min_bytes > (size_t)64 << 20)
		return 0;
	size_t want = min_bytes < GROW_BYTES ? GROW_BYTES : (min_bytes + PAGE - 1) & ~(size_t)(PAGE - 1);
	uint64_t base = 0, len = 0;
	while (len < want) {
		uint64_t pages = (want - len) / PAGE;
		if (pages > CALL_MAX_PAGES)
			pages = CALL_MAX_PAGES;
		uint64_t at = vm_map(vm, base ? base + len : 0, (uint32_t)pages);
		if (!at)
			return 0;
		if (!base)
			base = at;
		len += pages * PAGE;
	}
	*got = len;
	return (void *)(uintptr_t)base;
}

static void *grow(void *ctx, size_t min_bytes, size_t *got)
{
	(void)ctx;
	if (!arena_given && min_bytes <= ARENA_BYTES) {
		arena_given = true;
		*got = ARENA_BYTES;
		return arena;
	}
	return grow_vm(min_bytes, got);
}

static void fault(void *ctx, const char *reason, const void *ptr)
{
	(void)ctx;
	printf("heap: %s (%p)\n", reason, ptr);
	rt_exit(-2);
}

void rt_heap_init(void);
void rt_heap_init(void) { heap_init(&heap, grow, fault, 0); }

void *malloc(size_t size) { return heap_alloc(&heap, size, 16); }
void free(void *p) { heap_free(&heap, p); }
