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
