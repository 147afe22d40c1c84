/* User address spaces: the lower half of a page-table tree whose upper half
 * is the kernel's, shared by every process. */
#ifndef CAPOS_KERNEL_MEM_ASPACE_H
#define CAPOS_KERNEL_MEM_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USER_MIN 0x10000ull               /* the null region below stays unmapped */
#define USER_MAX 0x0000800000000000ull    /* end of the lower half */

struct kmem;

/* Where the kernel places mappings whose caller let it choose (address 0 to
 * VirtualMemory.map or MemoryObject.map): nothing else is put there. */
#define USER_AUTO_BASE 0x0000100000000000ull
#define USER_AUTO_END 0x0000200000000000ull

struct aspace {
	uint64_t root;      /* PML4, physical */
	uint64_t frames;    /* frames this address space owns: pages and tables
	                       (not the frames of VM_SHARED pages) */
	struct kmem *kmem;  /* every frame is charged to it */
	uint64_t auto_next; /* where the next kernel-chosen range is looked for */
	uint64_t shrinks;   /* bumped whenever a mapping goes or loses rights: an
	                       access check made at an equal count still holds */
};

/* The most frames mapping pages consecutive pages can take: the pages and
 * the tables on the way to them (pages <= 512 * 510). */
static inline uint64_t aspace_worst_frames(uint64_t pages) { return pages + pages / 512 + 2 + 2 + 2; }

/* Creates an empty address space whose frames are charged to kmem.
 * Returns CAPOS_OK, CAPOS_E_LIMIT_EXCEEDED or CAPOS_E_NO_MEMORY. */
int aspace_create(struct aspace *as, struct kmem *kmem);

/* Maps a fresh zeroed frame at va (page-aligned user address) with vm flags
 * (VM_USER is implied); stores its physical address in *pa. Returns
 * CAPOS_OK, CAPOS_E_LIMIT_EXCEEDED (the account cannot pay for the page
 * and the tables it may need), CAPOS_E_NO_MEMORY or CAPOS_E_BAD_ARGUMENT
 * (va unaligned, outside user space, or already mapped). */
int aspace_map_new(struct aspace *as, uintptr_t va, unsigned flags, uint64_t *pa);

/* Maps the existing frame pa at va as VM_SHARED (the frame stays its
 * owner's; only the page tables made for it are this space's, charged).
 * The caller checked that va is free and the account has room for
 * aspace_worst_frames(1) - 1 tables and that frames are free: cannot fail. */
void aspace_map_shared(struct aspace *as, uintptr_t va, uint64_t pa, unsigned flags);

/* Unmaps pages pages from va (each one mapped: checked by the caller),
 * freeing and uncharging the frames the space owns, then frees the page
 * tables left empty. Flushes each page from the TLB. */
void aspace_unmap(struct aspace *as, uintptr_t va, uint64_t pages);

/* Gives each of pages pages from va (each mapped: checked) the vm flags
 * (VM_USER implied; not W+X: checked); flushes each from the TLB. */
void aspace_protect(struct aspace *as, uintptr_t va, uint64_t pages, unsigned flags);

/* True if no page of [va, va + pages * PAGE_SIZE) is mapped. */
bool aspace_range_free(const struct aspace *as, uintptr_t va, uint64_t pages);

/* Finds pages free consecutive pages in [USER_AUTO_BASE, USER_AUTO_END),
 * looking from where the last search ended; false when none is found
 * within a bounded search. Changes nothing but the search hint. */
bool aspace_find_free(struct aspace *as, uint64_t pages, uintptr_t *va);

/* True if the account can pay for frames more frames and the frame
 * allocator has them: a mapping of that worst case then cannot fail. */
int aspace_can_take(const struct aspace *as, uint64_t frames);

/* Frees every user frame and page table and the root, uncharging them. */
void aspace_destroy(struct aspace *as);

/* True if [va, va+len) lies inside [USER_MIN, USER_MAX) without overflow. */
bool user_range_ok(uint64_t va, uint64_t len);

/* True if every page of [va, va+len) is mapped user (and writable if asked). */
bool aspace_accessible(const struct aspace *as, uint64_t va, size_t len, bool write);

/* Copy between kernel memory and the user range of as, through the direct
 * map (never touching user addresses, so SMAP stays on and a bad pointer
 * cannot fault the kernel). Fail (false) if any page is unmapped, not user,
 * or — for copy_out — not writable; copy_out then wrote nothing. */
bool aspace_copy_in(const struct aspace *as, void *dst, uint64_t src, size_t len);
bool aspace_copy_out(const struct aspace *as, uint64_t dst, const void *src, size_t len);

/* The same copies for a range the caller has already checked with
 * aspace_accessible (writable for read_checked's source too is fine): no
 * second check, cannot fail. */
void aspace_read_checked(const struct aspace *as, void *dst, uint64_t src, size_t len);
void aspace_write_checked(const struct aspace *as, uint64_t dst, const void *src, size_t len);

/* Copies between the kernel and user memory of the current address space
 * (the process whose system call this is), touching it directly instead of
 * walking its page tables; a fault on the user side stops the copy. False
 * if the range is not in the user half or any of it is not mapped (and for
 * copy_out, writable): then copy_out may have written part of it. An
 * empty range may be at any address. */
bool user_copy_in(void *dst, uint64_t src, size_t len);
bool user_copy_out(uint64_t dst, const void *src, size_t len);

/* Copies len bytes from src in from to dst in to, both ranges already
 * checked with aspace_accessible (dst writable). Cannot fail. */
void aspace_copy_between_checked(const struct aspace *to, uint64_t dst, const struct aspace *from, uint64_t src,
                                 size_t len);

#endif
