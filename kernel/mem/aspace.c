/* User address spaces (see aspace.h). */
#include "kernel/mem/aspace.h"

#include "include/capos/ring.h"
#include "kernel/arch.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "lib/mem.h"

/* A mapping needs at most the page and three tables (PDPT, PD, PT). */
#define MAP_WORST_FRAMES 4

/* Charges the frames taken since before was read (they exist already). */
static void charge_taken(struct aspace *as, uint64_t before)
{
	uint64_t taken = before - frame_free_count();
	as->frames += taken;
	KASSERT(kmem_charge(as->kmem, taken * PAGE_SIZE), "room for the worst case was checked first");
}

int aspace_create(struct aspace *as, struct kmem *kmem)
{
	*as = (struct aspace){ .kmem = kmem };
	if (!kmem_room(kmem, PAGE_SIZE))
		return CAPOS_E_LIMIT_EXCEEDED;
	uint64_t before = frame_free_count();
	as->root = vm_new_root();
	charge_taken(as, before);
	return as->root ? CAPOS_OK : CAPOS_E_NO_MEMORY;
}

int aspace_map_new(struct aspace *as, uintptr_t va, unsigned flags, uint64_t *pa)
{
	if (!user_range_ok(va, PAGE_SIZE) || (va & (PAGE_SIZE - 1)))
		return CAPOS_E_BAD_ARGUMENT;
	if (!kmem_room(as->kmem, MAP_WORST_FRAMES * PAGE_SIZE))
		return CAPOS_E_LIMIT_EXCEEDED;
	uint64_t before = frame_free_count();
	uint64_t frame = frame_alloc();
	if (!frame)
		return CAPOS_E_NO_MEMORY;
	memset(phys_to_virt(frame), 0, PAGE_SIZE);
	int err = vm_map(as->root, va, frame, flags | VM_USER);
	if (err)
		frame_free(frame);
	charge_taken(as, before); /* tables made before a failure stay with the space */
	if (err)
		return err == VM_ERR_NOMEM ? CAPOS_E_NO_MEMORY : CAPOS_E_BAD_ARGUMENT;
	*pa = frame;
	return CAPOS_OK;
}

int aspace_can_take(const struct aspace *as, uint64_t frames)
{
	if (!kmem_room(as->kmem, frames * PAGE_SIZE))
		return CAPOS_E_LIMIT_EXCEEDED;
	return frame_free_count() >= frames ? CAPOS_OK : CAPOS_E_NO_MEMORY;
}

void aspace_map_shared(struct aspace *as, uintptr_t va, uint64_t pa, unsigned flags)
{
	uint64_t before = frame_free_count();
	int err = vm_map(as->root, va, pa, flags | VM_USER | VM_SHARED);
	KASSERT(err == VM_OK, "a checked shared mapping cannot fail");
	charge_taken(as, before);
}

void aspace_unmap(struct aspace *as, uintptr_t va, uint64_t pages)
{
	uint64_t owned = 0;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa;
		unsigned flags;
		uintptr_t at = va + i * PAGE_SIZE;
		KASSERT(vm_translate(as->root, at, &pa, &flags), "the caller checked every page is mapped");
		vm_unmap(as->root, at);
		if (!(flags & VM_SHARED)) {
			frame_free(pa);
			owned++;
		}
	}
	as->shrinks++; /* access checks made before no longer hold */
	owned += vm_prune(as->root, va, pages * PAGE_SIZE);
	as->frames -= owned;
	kmem_uncharge(as->kmem, owned * PAGE_SIZE);
}

void aspace_protect(struct aspace *as, uintptr_t va, uint64_t pages, unsigned flags)
{
	as->shrinks++; /* a page may lose its write right */
	for (uint64_t i = 0; i < pages; i++)
		KASSERT(vm_protect(as->root, va + i * PAGE_SIZE, flags | VM_USER) == VM_OK,
		        "the caller checked every page is mapped and the flags are not W+X");
}

bool aspace_range_free(const struct aspace *as, uintptr_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa;
		unsigned flags;
		if (vm_translate(as->root, va + i * PAGE_SIZE, &pa, &flags))
			return false;
	}
	return true;
}

/* Page lookups one search may make: a search past this many mapped pages
 * gives up (the process filled the region with its own fixed mappings). */
#define FIND_FREE_STEPS 4096

bool aspace_find_free(struct aspace *as, uint64_t pages, uintptr_t *va)
{
	uint64_t len = pages * PAGE_SIZE, at = as->auto_next;
	if (at < USER_AUTO_BASE || at >= USER_AUTO_END)
		at = USER_AUTO_BASE;
	uint64_t run = 0;
	for (uint32_t step = 0; step < FIND_FREE_STEPS + pages && run < pages; step++) {
		if (at + (pages - run) * PAGE_SIZE > USER_AUTO_END) {
			at = USER_AUTO_BASE; /* wrap around once the end is reached */
			run = 0;
		}
		uint64_t pa;
		unsigned flags;
		if (vm_translate(as->root, at + run * PAGE_SIZE, &pa, &flags)) {
			at += (run + 1) * PAGE_SIZE;
			run = 0;
		} else {
			run++;
		}
	}
	if (run < pages)
		return false;
	*va = at;
	as->auto_next = at + len;
	return true;
}

void aspace_destroy(struct aspace *as)
{
	if (!as->root)
		return;
	uint64_t freed = vm_free_user_half(as->root);
	frame_free(as->root);
	as->frames -= freed + 1;
	kmem_uncharge(as->kmem, (freed + 1) * PAGE_SIZE);
	as->root = 0;
}

bool user_range_ok(uint64_t va, uint64_t len)
{
	return va >= USER_MIN && va <= USER_MAX && len <= USER_MAX - va;
}

bool aspace_accessible(const struct aspace *as, uint64_t va, size_t len, bool write)
{
	if (!user_range_ok(va, len))
		return false;
	if (len == 0)
		return true;
	for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
		uint64_t pa;
		if (!vm_user_page(as->root, page, write, &pa))
			return false;
	}
	return true;
}

/* Copies len bytes between user va and kernel buffer k, page by page. The
 * range has been checked. */
static void copy_pages(const struct aspace *as, uint64_t va, void *k, size_t len, bool to_user)
{
	uint8_t *kp = k;
	while (len) {
		uint64_t pa;
		vm_user_page(as->root, va, false, &pa);
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		if (to_user)
			memcpy(phys_to_virt(pa), kp, chunk);
		else
			memcpy(kp, phys_to_virt(pa), chunk);
		va += chunk, kp += chunk, len -= chunk;
	}
}

void aspace_copy_between_checked(const struct aspace *to, uint64_t dst, const struct aspace *from, uint64_t src,
                                 size_t len)
{
	while (len) {
		uint64_t spa, dpa;
		vm_user_page(from->root, src, false, &spa);
		vm_user_page(to->root, dst, false, &dpa);
		size_t chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
		size_t dchunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		if (dchunk < chunk)
			chunk = dchunk;
		if (chunk > len)
			chunk = len;
		memcpy(phys_to_virt(dpa), phys_to_virt(spa), chunk);
		src += chunk, dst += chunk, len -= chunk;
	}
}

bool user_copy_in(void *dst, uint64_t src, size_t len)
{
	return !len || (user_range_ok(src, len) && arch_user_copy(dst, (const void *)(uintptr_t)src, len));
}

bool user_copy_out(uint64_t dst, const void *src, size_t len)
{
	return !len || (user_range_ok(dst, len) && arch_user_copy((void *)(uintptr_t)dst, src, len));
}

void aspace_read_checked(const struct aspace *as, void *dst, uint64_t src, size_t len)
{
	copy_pages(as, src, dst, len, false);
}

void aspace_write_checked(const struct aspace *as, uint64_t dst, const void *src, size_t len)
{
	copy_pages(as, dst, (void *)src, len, true);
}

bool aspace_copy_in(const struct aspace *as, void *dst, uint64_t src, size_t len)
{
	if (!aspace_accessible(as, src, len, false))
		return false;
	aspace_read_checked(as, dst, src, len);
	return true;
}

bool aspace_copy_out(const struct aspace *as, uint64_t dst, const void *src, size_t len)
{
	if (!aspace_accessible(as, dst, len, true))
		return false;
	aspace_write_checked(as, dst, src, len);
	return true;
}
