/* The physical frame allocator: lib/frame_bitmap fed from the boot memory
 * map. The bitmap's storage is carved out of usable RAM below the early
 * direct-map limit and reserved like everything else the boot depends on. */
#include "kernel/mem/frame.h"

#include "kernel/log.h"
#include "kernel/mem/layout.h"
#include "lib/frame_bitmap.h"
#include "lib/mem.h"

#define MAX_RESERVATIONS 8
#define LOW_MEMORY_END (1ull << 20)

static struct frame_bitmap bitmap;
static struct frame_reservation reservations[MAX_RESERVATIONS];
static int nreservations;
static uint64_t usable_after_reserve;

static uint64_t page_down(uint64_t x) { return x & ~(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static void reserve(uint64_t base, uint64_t end, const char *what)
{
	KASSERT(nreservations < MAX_RESERVATIONS, "reservation table is large enough");
	if (end <= base)
		return;
	reservations[nreservations++] = (struct frame_reservation){ page_down(base), page_up(end), what };
}

/* Returns the reservation overlapping [base, end), or NULL. */
static const struct frame_reservation *overlapping(uint64_t base, uint64_t end)
{
	for (int i = 0; i < nreservations; i++)
		if (base < reservations[i].end && reservations[i].base < end)
			return &reservations[i];
	return 0;
}

/* Finds len bytes of usable RAM, page-aligned, clear of every reservation
 * and inside the early direct map. Returns its physical address or 0. */
static uint64_t find_free_range(const struct boot_info *bi, uint64_t len)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];
		if (r->type != MEM_USABLE)
			continue;
		uint64_t end = r->base + r->len;
		if (end > EARLY_DIRECT_MAP_LIMIT)
			end = EARLY_DIRECT_MAP_LIMIT;
		uint64_t base = r->base;
		const struct frame_reservation *hit;
		while (base + len <= end && (hit = overlapping(base, base + len)))
			base = hit->end;
		if (base + len <= end)
			return base;
	}
	return 0;
}

void frame_init(const struct boot_info *bi)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MEM_USABLE && bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	uint64_t nframes = top / PAGE_SIZE;

	reserve(0, LOW_MEMORY_END, "low 1 MiB");
	reserve((uint64_t)(uintptr_t)__boot_start, (uint64_t)(uintptr_t)__boot_end, "boot trampoline");
	reserve(kernel_image_phys(__kernel_start), kernel_image_phys(__kernel_end), "kernel image");
	reserve(bi->module_phys, bi->module_phys + bi->module_len, "boot module");
	reserve(bi->info_phys, bi->info_phys + bi->info_len, "loader information");

	uint64_t bytes = page_up(frame_bitmap_words(nframes) * sizeof(uint64_t));
	uint64_t storage = find_free_range(bi, bytes);
	if (!storage)
		boot_fail("no room for the frame bitmap (%llu bytes)", (unsigned long long)bytes);
	reserve(storage, storage + bytes, "frame bitmap");

	frame_bitmap_init(&bitmap, phys_to_virt(storage), nframes);
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MEM_USABLE)
			frame_bitmap_mark_free(&bitmap, bi->mmap[i].base / PAGE_SIZE, bi->mmap[i].len / PAGE_SIZE);
	for (int i = 0; i < nreservations; i++)
		frame_bitmap_mark_used(&bitmap, reservations[i].base / PAGE_SIZE,
		                       (reservations[i].end - reservations[i].base) / PAGE_SIZE);
	usable_after_reserve = frame_bitmap_free_count(&bitmap);
}

uint64_t frame_alloc(void)
{
	uint64_t frame;
	if (!frame_bitmap_alloc(&bitmap, &frame))
		return 0;
	return frame * PAGE_SIZE;
}

uint64_t frame_alloc_contig(uint64_t count)
{
	uint64_t first;
	if (!frame_bitmap_alloc_contig(&bitmap, count, 1, &first))
		return 0;
	return first * PAGE_SIZE;
}

void frame_free(uint64_t pa)
{
	if ((pa & (PAGE_SIZE - 1)) || !frame_bitmap_free(&bitmap, pa / PAGE_SIZE))
		panic("frame_free: %p is not an allocated frame", (void *)pa);
}

uint64_t frame_free_count(void) { return frame_bitmap_free_count(&bitmap); }
uint64_t frame_total_usable(void) { return usable_after_reserve; }

const struct frame_reservation *frame_reservations(int *count)
{
	*count = nreservations;
	return reservations;
}
