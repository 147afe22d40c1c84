/* Virtual memory: the mapping API and the kernel's own address space.
 *
 * Every mapping goes through vm_map, which enforces W^X: a page is writable
 * or executable, never both. Pages are readable when present; NX applies to
 * anything not mapped VM_EXEC (when the CPU has NX). */
#ifndef CAPOS_KERNEL_MEM_VM_H
#define CAPOS_KERNEL_MEM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bootinfo.h"

enum vm_flags {
	VM_WRITE = 1u << 0,
	VM_EXEC = 1u << 1,
	VM_USER = 1u << 2,
	VM_UNCACHED = 1u << 3,
	VM_GLOBAL = 1u << 4,
	VM_LARGE = 1u << 5, /* a 2 MiB page: va and pa 2 MiB-aligned */
	VM_SHARED = 1u << 6, /* the frame is not owned by the tables' address space
	                        (a MemoryObject's): freeing the tables leaves it */
};

enum vm_err {
	VM_OK = 0,
	VM_ERR_WX = -1,        /* writable and executable requested together */
	VM_ERR_ALIGN = -2,     /* va or pa not aligned to the page size */
	VM_ERR_NOMEM = -3,     /* no frame for a page table */
	VM_ERR_MAPPED = -4,    /* something is already mapped there */
	VM_ERR_NONCANONICAL = -5,
};

/* The kernel's page-table root (physical), valid after vm_init. */
extern uint64_t vm_kernel_root;

/* Maps one page at va to pa in the tables rooted at root. Allocates page
 * tables as needed. Never replaces an existing mapping. */
int vm_map(uint64_t root, uintptr_t va, uint64_t pa, unsigned flags);

/* Removes the 4 KiB mapping at va (if any) and flushes it from the TLB. */
void vm_unmap(uint64_t root, uintptr_t va);

/* Changes the flags of the 4 KiB page mapped at va (its frame, and whether
 * it is VM_SHARED, stay) and flushes it from the TLB. VM_ERR_WX for W+X,
 * VM_ERR_ALIGN when no 4 KiB page is mapped there. */
int vm_protect(uint64_t root, uintptr_t va, unsigned flags);

/* Frees the page tables that map nothing on the way to [va, va + len): each
 * table of 4 KiB pages left empty, then each table above it left empty —
 * but never a table the root points to in the kernel half (its top-level
 * entries are shared by every address space and never change). Flushes each freed
 * table from the paging-structure caches (this CPU only, as vm_unmap).
 * Returns the number of frames freed. */
uint64_t vm_prune(uint64_t root, uintptr_t va, size_t len);

/* Looks up va: true and *pa / *flags (enum vm_flags) if mapped. */
bool vm_translate(uint64_t root, uintptr_t va, uint64_t *pa, unsigned *flags);

/* The user-access walk: true, with the physical address of va in *pa, if a
 * user-mode access (a write, if write) to va would succeed under root and
 * the page is RAM the direct map reaches (not an uncached device page). */
bool vm_user_page(uint64_t root, uintptr_t va, bool write, uint64_t *pa);

/* Builds the kernel's own tables — image sections with their permissions,
 * the direct map of all RAM (2 MiB pages, NX) — and switches to them,
 * dropping the loader-era identity map. */
void vm_init(const struct boot_info *bi);

/* A new page-table root sharing the kernel half (whose top-level entries are
 * all created by vm_init and never change). 0 when out of memory. */
uint64_t vm_new_root(void);

/* Creates every top-level entry of the kernel half in root, so the kernel
 * half never changes shape once processes share it (256 page tables, 1 MiB).
 * Returns false when frames run out; the tables made so far stay in root. */
bool vm_prepare_kernel_half(uint64_t root);

/* Frees every page and page table in the lower (user) half of root, leaving
 * root itself and the frames of VM_SHARED pages; returns the number of
 * frames freed. */
uint64_t vm_free_user_half(uint64_t root);

/* Maps len bytes of device memory at pa uncached in the MMIO window and
 * returns the virtual address. Panics when the window is exhausted. */
void *vm_map_mmio(uint64_t pa, size_t len);

#endif
