/* The kernel heap: lib/heap over the dedicated virtual region at KHEAP_BASE,
 * which it is handed whole, as address space, on first use. The heap commits
 * a page (a fresh frame mapped there) before it touches it and releases every
 * page that only the inside of a free chunk covers (unmapped, its frame
 * freed, page tables left empty freed), so kfree gives memory back to the
 * frame allocator. Because the region is one piece that never grows, the set
 * of mapped pages — and so the frames the heap holds, page tables included —
 * is a function of the live allocations' layout alone: free everything
 * allocated since a point and the frame count is what it was (lib/heap.h).
 *
 * Single CPU: the TLB and paging-structure flushes are local (as vm_unmap's);
 * SMP will need a shootdown in release. */
#include "kernel/mem/kheap.h"

#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "lib/mem.h"

static struct heap heap;
static bool region_given;

/* Hands the heap its whole region once; it commits pages as it needs them. */
static void *grow(void *ctx, size_t min_bytes, size_t *got)
{
	(void)ctx;
	if (region_given || min_bytes > KHEAP_LIMIT)
		return 0;
	region_given = true;
	*got = KHEAP_LIMIT;
	return (void *)KHEAP_BASE;
}

/* Unmaps the pages of [va, va + len), frees their frames, then the page
 * tables that left empty. Every page must be mapped. */
static void unmap_range(uintptr_t va, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;
		unsigned flags;
		bool mapped = vm_translate(vm_kernel_root, va + off, &pa, &flags);
		KASSERT(mapped, "the heap releases only committed pages");
		vm_unmap(vm_kernel_root, va + off);
		frame_free(pa);
	}
	vm_prune(vm_kernel_root, va, len);
}

/* Maps a fresh frame at each page of [addr, addr + len); on exhaustion undoes
 * this call's mappings (and the page tables they made) and fails. */
static bool commit(void *ctx, void *addr, size_t len)
{
	(void)ctx;
	uintptr_t va = (uintptr_t)addr;
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa = frame_alloc();
		int err = pa ? vm_map(vm_kernel_root, va + off, pa, VM_WRITE | VM_GLOBAL) : VM_ERR_NOMEM;
		KASSERT(err != VM_ERR_MAPPED, "the heap commits only released pages");
		if (err != VM_OK) {
			if (pa)
				frame_free(pa);
			if (off)
				unmap_range(va, off);
			vm_prune(vm_kernel_root, va, len);
			return false;
		}
	}
	return true;
}

static void release(void *ctx, void *addr, size_t len)
{
	(void)ctx;
	unmap_range((uintptr_t)addr, len);
}

static bool committed(void *ctx, const void *addr)
{
	(void)ctx;
	uint64_t pa;
	unsigned flags;
	return vm_translate(vm_kernel_root, (uintptr_t)addr, &pa, &flags);
}

static void fault(void *ctx, const char *reason, const void *ptr)
{
	(void)ctx;
	panic("kernel heap: %s (pointer %p)", reason, ptr);
}

void kheap_init(void)
{
	static const struct heap_pager pager = { PAGE_SIZE, commit, release, committed };
	heap_init(&heap, grow, fault, 0);
	if (!heap_set_pager(&heap, &pager))
		panic("kernel heap: the pager was refused");
}

void *kmalloc(size_t size) { return heap_alloc(&heap, size, 16); }

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p) { heap_free(&heap, p); }
void *krealloc(void *p, size_t size) { return heap_realloc(&heap, p, size); }
struct heap_stats kheap_stats(void) { return heap.stats; }
uint64_t kheap_frames(void) { return heap.stats.committed_bytes / PAGE_SIZE; }
bool kheap_check(void) { return heap_check(&heap); }
