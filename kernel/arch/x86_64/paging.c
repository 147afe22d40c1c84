/* x86_64 four-level page tables behind the vm_map API. */
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/arch/x86_64/cpu.h"
#include "lib/mem.h"

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_LARGE (1ull << 7)
#define PTE_GLOBAL (1ull << 8)
#define PTE_SHARED (1ull << 9) /* software: the frame is not the address space's (VM_SHARED) */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

static uint64_t *table_at(uint64_t pa) { return phys_to_virt(pa & PTE_ADDR); }

static bool canonical(uintptr_t va)
{
	uint64_t top = (uint64_t)va >> 47;
	return top == 0 || top == 0x1FFFF;
}

/* Returns the next-level table for entry e, creating it if create is set.
 * Intermediate entries are permissive (writable, user when the leaf may be
 * user); the leaf decides. NULL if absent (or no memory). */
static uint64_t *next_table(uint64_t *e, bool create, bool user)
{
	if (!(*e & PTE_PRESENT)) {
		if (!create)
			return 0;
		uint64_t pa = frame_alloc();
		if (!pa)
			return 0;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		*e = pa | PTE_PRESENT | PTE_WRITE | (user ? PTE_USER : 0);
	} else if (*e & PTE_LARGE) {
		return 0;
	}
	return table_at(*e);
}

static unsigned index_at(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static uint64_t leaf_bits(unsigned flags)
{
	uint64_t bits = PTE_PRESENT;
	if (flags & VM_WRITE)
		bits |= PTE_WRITE;
	if (flags & VM_USER)
		bits |= PTE_USER;
	if (flags & VM_UNCACHED)
		bits |= PTE_PCD | PTE_PWT;
	if ((flags & VM_GLOBAL) && cpu_features.pge)
		bits |= PTE_GLOBAL;
	if (!(flags & VM_EXEC) && cpu_features.nx)
		bits |= PTE_NX;
	if (flags & VM_LARGE)
		bits |= PTE_LARGE;
	if (flags & VM_SHARED)
		bits |= PTE_SHARED;
	return bits;
}

int vm_map(uint64_t root, uintptr_t va, uint64_t pa, unsigned flags)
{
	if ((flags & VM_WRITE) && (flags & VM_EXEC))
		return VM_ERR_WX;
	uint64_t size = (flags & VM_LARGE) ? LARGE_PAGE_SIZE : PAGE_SIZE;
	if ((va & (size - 1)) || (pa & (size - 1)))
		return VM_ERR_ALIGN;
	if (!canonical(va))
		return VM_ERR_NONCANONICAL;
	bool user = flags & VM_USER;
	uint64_t *t = table_at(root);
	int leaf_level = (flags & VM_LARGE) ? 1 : 0;
	for (int level = 3; level > leaf_level; level--) {
		uint64_t *e = &t[index_at(va, level)];
		if ((*e & PTE_PRESENT) && (*e & PTE_LARGE))
			return VM_ERR_MAPPED;
		t = next_table(e, true, user);
		if (!t)
			return VM_ERR_NOMEM;
	}
	uint64_t *e = &t[index_at(va, leaf_level)];
	if (*e & PTE_PRESENT)
		return VM_ERR_MAPPED;
	*e = pa | leaf_bits(flags);
	return VM_OK;
}

/* Returns the leaf entry for va and its level (0: 4 KiB, 1: 2 MiB), or NULL. */
static uint64_t *find_leaf(uint64_t root, uintptr_t va, int *level_out)
{
	uint64_t *t = table_at(root);
	for (int level = 3; level >= 0; level--) {
		uint64_t *e = &t[index_at(va, level)];
		if (!(*e & PTE_PRESENT))
			return 0;
		if (level == 0 || (*e & PTE_LARGE)) {
			*level_out = level;
			return e;
		}
		t = table_at(*e);
	}
	return 0;
}

bool vm_user_page(uint64_t root, uintptr_t va, bool write, uint64_t *pa)
{
	/* The access rights of a page are those of every level on the way:
	 * present and user everywhere, and writable everywhere for a write. */
	const uint64_t need = PTE_PRESENT | PTE_USER | (write ? PTE_WRITE : 0);
	uint64_t e = table_at(root)[index_at(va, 3)];
	if ((e & need) != need)
		return false;
	e = table_at(e)[index_at(va, 2)];
	if ((e & need) != need || (e & PTE_LARGE))
		return false; /* user space has no 1 GiB pages */
	e = table_at(e)[index_at(va, 1)];
	if ((e & need) != need)
		return false;
	if (e & PTE_LARGE) {
		*pa = (e & PTE_ADDR & ~(LARGE_PAGE_SIZE - 1)) + (va & (LARGE_PAGE_SIZE - 1));
		return true;
	}
	e = table_at(e)[index_at(va, 0)];
	if ((e & need) != need)
		return false;
	if (e & PTE_PCD)
		return false; /* device memory (a PCI BAR): not in the direct map the
		                 kernel's copies go through */
	*pa = (e & PTE_ADDR) + (va & (PAGE_SIZE - 1));
	return true;
}

void vm_unmap(uint64_t root, uintptr_t va)
{
	int level;
	uint64_t *e = find_leaf(root, va, &level);
	if (!e)
		return;
	KASSERT(level == 0, "vm_unmap only removes 4 KiB pages");
	*e = 0;
	invlpg(va);
}

int vm_protect(uint64_t root, uintptr_t va, unsigned flags)
{
	if ((flags & VM_WRITE) && (flags & VM_EXEC))
		return VM_ERR_WX;
	int level;
	uint64_t *e = find_leaf(root, va, &level);
	if (!e || level != 0)
		return VM_ERR_ALIGN;
	*e = (*e & (PTE_ADDR | PTE_SHARED)) | leaf_bits(flags & ~(unsigned)VM_LARGE);
	invlpg(va);
	return VM_OK;
}

static bool table_empty(const uint64_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i] & PTE_PRESENT)
			return false;
	return true;
}

/* Unlinks and frees the table *e points to, covering the region at va.
 * INVLPG drops the paging-structure cache entries on the way to va. */
static void free_table(uint64_t *e, uintptr_t va)
{
	uint64_t pa = *e & PTE_ADDR;
	*e = 0;
	invlpg(va);
	frame_free(pa);
}

/* Frees the empty 4 KiB-page tables for the 2 MiB blocks first..last (block
 * numbers, va >> 21) under the directory *dir_e covering the 1 GiB region
 * gib; then the directory itself if it is empty. */
static uint64_t prune_directory(uint64_t *dir_e, uint64_t gib, uint64_t first, uint64_t last)
{
	uint64_t *pd = table_at(*dir_e), freed = 0;
	for (uint64_t b = first; b <= last; b++) {
		uint64_t *e = &pd[b & 511];
		if ((*e & PTE_PRESENT) && !(*e & PTE_LARGE) && table_empty(table_at(*e))) {
			free_table(e, (uintptr_t)(b << 21));
			freed++;
		}
	}
	if (table_empty(pd)) {
		free_table(dir_e, (uintptr_t)(gib << 30));
		freed++;
	}
	return freed;
}

uint64_t vm_prune(uint64_t root, uintptr_t va, size_t len)
{
	if (len == 0 || !canonical(va) || !canonical(va + len - 1))
		return 0;
	uint64_t freed = 0, first = (uint64_t)va >> 21, last = (uint64_t)(va + len - 1) >> 21;
	for (uint64_t gib = first >> 9; gib <= last >> 9; gib++) {
		uintptr_t at = (uintptr_t)(gib << 30);
		uint64_t *pml4e = &table_at(root)[index_at(at, 3)];
		if (!(*pml4e & PTE_PRESENT) || (*pml4e & PTE_LARGE))
			continue;
		uint64_t *pdpte = &table_at(*pml4e)[index_at(at, 2)];
		if (!(*pdpte & PTE_PRESENT) || (*pdpte & PTE_LARGE))
			continue;
		uint64_t lo = first > gib << 9 ? first : gib << 9;
		uint64_t hi = last < (gib << 9) + 511 ? last : (gib << 9) + 511;
		freed += prune_directory(pdpte, gib, lo, hi);
		/* A user-half PDPT left empty goes too (the kernel half's are shared). */
		if (index_at(at, 3) < 256 && table_empty(table_at(*pml4e))) {
			free_table(pml4e, at);
			freed++;
		}
	}
	return freed;
}

bool vm_translate(uint64_t root, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	int level;
	uint64_t *e = find_leaf(root, va, &level);
	if (!e)
		return false;
	uint64_t size = level ? LARGE_PAGE_SIZE : PAGE_SIZE;
	*pa = (*e & PTE_ADDR & ~(size - 1)) + (va & (size - 1));
	*flags = ((*e & PTE_WRITE) ? VM_WRITE : 0) | ((*e & PTE_USER) ? VM_USER : 0) |
	         ((cpu_features.nx && (*e & PTE_NX)) ? 0 : VM_EXEC) | (level ? VM_LARGE : 0) |
	         ((*e & PTE_PCD) ? VM_UNCACHED : 0) | ((*e & PTE_GLOBAL) ? VM_GLOBAL : 0) |
	         ((*e & PTE_SHARED) ? VM_SHARED : 0);
	return true;
}

/* Enables global pages first so kernel mappings survive later address-space
 * switches. */
void arch_vm_activate(uint64_t root)
{
	if (cpu_features.pge)
		write_cr4(read_cr4() | CR4_PGE);
	write_cr3(root);
}

uint64_t vm_new_root(void)
{
	uint64_t root = frame_alloc();
	if (!root)
		return 0;
	uint64_t *t = table_at(root);
	memset(t, 0, PAGE_SIZE / 2);
	memcpy(t + 256, table_at(vm_kernel_root) + 256, PAGE_SIZE / 2);
	return root;
}

/* Frees the table at pa and everything below it; level 0 tables hold leaves
 * (a VM_SHARED leaf's frame belongs to someone else: left alone, uncounted). */
static uint64_t free_tree(uint64_t pa, int level)
{
	uint64_t *t = table_at(pa), freed = 0;
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_PRESENT))
			continue;
		KASSERT(!(t[i] & PTE_LARGE), "user mappings are 4 KiB pages");
		if (level == 0) {
			if (t[i] & PTE_SHARED)
				continue;
			frame_free(t[i] & PTE_ADDR);
			freed++;
		} else {
			freed += free_tree(t[i] & PTE_ADDR, level - 1);
		}
	}
	frame_free(pa);
	return freed + 1;
}

uint64_t vm_free_user_half(uint64_t root)
{
	uint64_t *pml4 = table_at(root), freed = 0;
	for (int i = 0; i < 256; i++) {
		if (pml4[i] & PTE_PRESENT) {
			freed += free_tree(pml4[i] & PTE_ADDR, 2);
			pml4[i] = 0;
		}
	}
	return freed;
}

bool vm_prepare_kernel_half(uint64_t root)
{
	uint64_t *pml4 = table_at(root);
	for (int i = 256; i < 512; i++)
		if (!next_table(&pml4[i], true, false))
			return false;
	return true;
}
