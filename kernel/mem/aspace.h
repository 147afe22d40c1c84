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

struct aspace {
	uint64_t root;      /* PML4, physical */
	uint64_t frames;    /* frames this address space owns: pages and tables */
	struct kmem *kmem;  /* every frame is charged to it */
	uint64_t shrinks;   /* bumped whenever a mapping goes or loses rights: an
	                       access check made at an equal count still holds */
};

/* Creates an empty address space whose frames are charged to kmem.
 * Returns CAPOS_OK, CAPOS_E_LIMIT_EXCEEDED or CAPOS_E_NO_MEMORY. */
int aspace_create(struct aspace *as, struct kmem *kmem);

/* Maps a fresh zeroed frame at va (page-aligned user address) with vm flags
 * (VM_USER is implied); stores its physical address in *pa. Returns
 * CAPOS_OK, CAPOS_E_LIMIT_EXCEEDED (the account cannot pay for the page
 * and the tables it may need), CAPOS_E_NO_MEMORY or CAPOS_E_BAD_ARGUMENT
 * (va unaligned, outside user space, or already mapped). */
int aspace_map_new(struct aspace *as, uintptr_t va, unsigned flags, uint64_t *pa);

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
