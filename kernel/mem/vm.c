/* The kernel's own address space.
 *
 * vm_init replaces the loader-era tables (identity + 4 GiB direct map + one
 * RWX kernel gigabyte) with tables that give each kernel section exactly its
 * permissions and map all RAM — and only RAM — in the direct map. */
#include "kernel/mem/vm.h"

#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "lib/mem.h"

uint64_t vm_kernel_root;
static uintptr_t mmio_next = MMIO_BASE;

/* Maps one page of the kernel's tables at boot. Running out of frames for
 * page tables is the machine having too little memory: a named boot failure.
 * Any other error is a kernel bug. */
static void map_or_panic(uintptr_t va, uint64_t pa, unsigned flags)
{
	int err = vm_map(vm_kernel_root, va, pa, flags);
	if (err == VM_ERR_NOMEM)
		boot_fail("out of memory building the kernel page tables (%llu KiB free)",
		          (unsigned long long)(frame_free_count() * PAGE_SIZE / 1024));
	if (err)
		panic("vm_init: mapping %p -> %p failed (%d)", (void *)va, (void *)pa, err);
}

static void map_section(const char *start, const char *end, unsigned flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		map_or_panic(va, kernel_image_phys((const void *)va), flags | VM_GLOBAL);
}

/* True if RAM (usable or ACPI; not "reserved", which may be device memory)
 * overlaps [base, end). */
static bool is_ram(const struct boot_info *bi, uint64_t base, uint64_t end)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];
		if (r->type <= MEM_ACPI_NVS && base < r->base + r->len && r->base < end)
			return true;
	}
	return false;
}

static void map_direct(const struct boot_info *bi)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type <= MEM_ACPI_NVS && bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	for (uint64_t pa = 0; pa < top; pa += LARGE_PAGE_SIZE)
		if (is_ram(bi, pa, pa + LARGE_PAGE_SIZE))
			map_or_panic(HHDM_BASE + pa, pa, VM_WRITE | VM_GLOBAL | VM_LARGE);
}

void vm_init(const struct boot_info *bi)
{
	vm_kernel_root = frame_alloc();
	if (!vm_kernel_root)
		boot_fail("out of memory building the kernel page tables");
	memset(phys_to_virt(vm_kernel_root), 0, PAGE_SIZE);

	map_section(__text_start, __text_end, VM_EXEC);
	map_section(__rodata_start, __rodata_end, 0);
	map_section(__data_start, __data_end, VM_WRITE);
	map_direct(bi);
	if (!vm_prepare_kernel_half(vm_kernel_root))
		boot_fail("out of memory preparing the kernel half of the address space: it needs 1 MiB "
		          "of page tables (%llu KiB free)", (unsigned long long)(frame_free_count() * PAGE_SIZE / 1024));
	arch_vm_activate(vm_kernel_root);
}

void *vm_map_mmio(uint64_t pa, size_t len)
{
	uint64_t offset = pa & (PAGE_SIZE - 1);
	uint64_t pages = (offset + len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (mmio_next + pages * PAGE_SIZE > MMIO_BASE + MMIO_LIMIT)
		panic("vm_map_mmio: MMIO window exhausted");
	uintptr_t va = mmio_next;
	for (uint64_t i = 0; i < pages; i++) {
		int err = vm_map(vm_kernel_root, va + i * PAGE_SIZE, pa - offset + i * PAGE_SIZE,
		                 VM_WRITE | VM_UNCACHED | VM_GLOBAL);
		if (err)
			panic("vm_map_mmio: mapping %p failed (%d)", (void *)pa, err);
	}
	mmio_next += pages * PAGE_SIZE;
	return (void *)(va + offset);
}
