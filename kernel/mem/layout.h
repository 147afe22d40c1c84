/* The kernel's virtual address layout (upper half only; the lower half will
 * belong to user processes). */
#ifndef CAPOS_KERNEL_MEM_LAYOUT_H
#define CAPOS_KERNEL_MEM_LAYOUT_H

#include <stdint.h>

#define PAGE_SIZE 4096ull
#define LARGE_PAGE_SIZE (2ull << 20)

#define HHDM_BASE 0xFFFF800000000000ull  /* direct map of all RAM */
#define KHEAP_BASE 0xFFFFC00000000000ull /* kernel heap, grows up */
#define KHEAP_LIMIT (64ull << 30)
#define MMIO_BASE 0xFFFFD00000000000ull  /* uncached device mappings */
#define MMIO_LIMIT (1ull << 30)
#define KSTACK_BASE 0xFFFFE00000000000ull /* kernel stacks with guard pages */
#define KERNEL_VMA 0xFFFFFFFF80000000ull /* kernel image, -2 GiB */

/* Until vm_init switches to the kernel's own tables only the first 4 GiB of
 * physical memory are in the direct map (see boot/entry.S). */
#define EARLY_DIRECT_MAP_LIMIT (4ull << 30)

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(HHDM_BASE + pa); }

/* Linker-script symbols bounding the kernel image and its sections. */
extern char __boot_start[], __boot_end[];
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

static inline uint64_t kernel_image_phys(const void *va) { return (uint64_t)(uintptr_t)va - KERNEL_VMA; }

#endif
