/* The kernel heap: lib/heap growing into a dedicated virtual region, one
 * freshly mapped frame at a time, so growth is always contiguous and needs
 * no physically contiguous memory. */
#include "kernel/mem/kheap.h"

#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "lib/mem.h"

#define GROW_QUANTUM (64 * 1024)

static struct heap heap;
static uintptr_t heap_top = KHEAP_BASE;

/* Maps at least min_bytes (rounded up to GROW_QUANTUM) at the heap's end.
 * On exhaustion unmaps and frees whatever this call mapped. */
static void *grow(void *ctx, size_t min_bytes, size_t *got)
{
	(void)ctx;
	size_t bytes = (min_bytes + GROW_QUANTUM - 1) & ~(size_t)(GROW_QUANTUM - 1);
	if (bytes < min_bytes || heap_top + bytes > KHEAP_BASE + KHEAP_LIMIT)
		return 0;
	for (size_t off = 0; off < bytes; off += PAGE_SIZE) {
		uint64_t pa = frame_alloc();
		if (!pa || vm_map(vm_kernel_root, heap_top + off, pa, VM_WRITE | VM_GLOBAL) != VM_OK) {
			if (pa)
				frame_free(pa);
			for (size_t undo = 0; undo < off; undo += PAGE_SIZE) {
				uint64_t old;
				unsigned flags;
				if (vm_translate(vm_kernel_root, heap_top + undo, &old, &flags)) {
					vm_unmap(vm_kernel_root, heap_top + undo);
					frame_free(old);
				}
			}
			return 0;
		}
	}
	void *p = (void *)heap_top;
	heap_top += bytes;
	*got = bytes;
	return p;
}

static void fault(void *ctx, const char *reason, const void *ptr)
{
	(void)ctx;
	panic("kernel heap: %s (pointer %p)", reason, ptr);
}

void kheap_init(void) { heap_init(&heap, grow, fault, 0); }

void *kmalloc(size_t size) { return heap_alloc(&heap, size, 16); }

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p) { heap_free(&heap, p); }
struct heap_stats kheap_stats(void) { return heap.stats; }
uint64_t kheap_frames(void) { return (heap_top - KHEAP_BASE) / PAGE_SIZE; }
bool kheap_check(void) { return heap_check(&heap); }
