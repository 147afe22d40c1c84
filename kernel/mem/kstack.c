/* Kernel stacks with guard pages (see kstack.h). */
#include "kernel/mem/kstack.h"

#include <stdbool.h>

#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"

#define KSTACK_SLOT (KSTACK_SIZE + PAGE_SIZE) /* guard page, then the stack */
#define KSTACK_SLOTS 4096

static uint64_t slot_used[KSTACK_SLOTS / 64];

static uintptr_t slot_base(uint32_t slot) { return KSTACK_BASE + (uint64_t)slot * KSTACK_SLOT + PAGE_SIZE; }

/* Unmaps and frees the first pages of the stack at base. */
static void unmap_pages(uintptr_t base, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa;
		unsigned flags;
		if (vm_translate(vm_kernel_root, base + i * PAGE_SIZE, &pa, &flags)) {
			vm_unmap(vm_kernel_root, base + i * PAGE_SIZE);
			frame_free(pa);
		}
	}
}

void *kstack_alloc(void)
{
	uint32_t slot = 0;
	while (slot < KSTACK_SLOTS && (slot_used[slot / 64] & (1ull << (slot % 64))))
		slot++;
	if (slot == KSTACK_SLOTS)
		return 0;
	uintptr_t base = slot_base(slot);
	for (uint64_t i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++) {
		uint64_t pa = frame_alloc();
		if (!pa || vm_map(vm_kernel_root, base + i * PAGE_SIZE, pa, VM_WRITE | VM_GLOBAL) != VM_OK) {
			if (pa)
				frame_free(pa);
			unmap_pages(base, i);
			return 0;
		}
	}
	slot_used[slot / 64] |= 1ull << (slot % 64);
	return (void *)base;
}

void kstack_free(void *stack)
{
	uintptr_t base = (uintptr_t)stack;
	uint64_t slot = (base - KSTACK_BASE) / KSTACK_SLOT;
	KASSERT(base >= KSTACK_BASE && slot < KSTACK_SLOTS && base == slot_base((uint32_t)slot),
	        "kstack_free is given a stack from kstack_alloc");
	unmap_pages(base, KSTACK_SIZE / PAGE_SIZE);
	slot_used[slot / 64] &= ~(1ull << (slot % 64));
}
