/* A general-purpose heap over memory supplied by a grow callback.
 *
 * Free chunks are kept on an address-ordered list with boundary tags, so
 * neighbouring free chunks always coalesce. The heap asks grow() for more
 * memory when no free chunk fits. Every chunk header carries a check value so
 * a corrupted header or a double or foreign free is detected and reported
 * through the fault callback instead of silently corrupting the heap. Pure
 * logic, host-tested. Not thread-safe: the caller serializes.
 *
 * Giving memory back (optional, heap_set_pager): grow() then hands out
 * address space, not memory, and the heap commits each page before it writes
 * to it and releases every page it no longer needs. The rule is exact, with
 * no hysteresis or cache:
 *
 *   a page of the heap is committed  <=>  it overlaps a live allocation
 *   (header, payload and footer), a free chunk's metadata (its header and
 *   free-list links, its footer) or a region's fences.
 *
 * So the pages lying wholly inside a free chunk, clear of its metadata (its
 * "hole"), are exactly the released ones, and the committed set is a pure
 * function of the chunk layout: free everything allocated since some point,
 * and when the layout is the same again (first fit over an address-ordered,
 * always-coalesced list makes it so unless the heap grew meanwhile), so are the
 * committed pages — which is what lets a kernel show that its heap and its free
 * frames return to their starting values. The cost is that a block that keeps
 * being allocated and freed across a page boundary commits and releases that
 * page each time; the callers this is for (a kernel heap answering bursts of
 * requests) prefer the exact ledger. Alternatives considered: a high-water
 * trim of the top only (returns nothing from the middle of the heap, where a
 * burst leaves long-lived blocks) and a cache of released pages (the ledger
 * then depends on history, so "back to the start" cannot be tested).
 *
 * Without a pager every byte from grow() is committed and nothing is given
 * back (the user-space runtime's fixed arena). */
#ifndef CAPOS_LIB_HEAP_H
#define CAPOS_LIB_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* grow: returns at least min_bytes of fresh memory (16-byte aligned) and sets
 * *got to its size, or returns NULL when there is no more. Successive regions
 * need not be contiguous; when one directly follows the previous region the
 * heap merges them. With a pager the region is address space whose pages are
 * not committed, and should be page-aligned (the heap uses only the whole
 * pages in it). */
typedef void *(*heap_grow_fn)(void *ctx, size_t min_bytes, size_t *got);

/* fault: called on a detected misuse (double free, foreign pointer, corrupted
 * header) with a short reason; may not return. */
typedef void (*heap_fault_fn)(void *ctx, const char *reason, const void *ptr);

/* commit: makes the len bytes at addr (page-aligned, whole pages, none of them
 * committed) usable memory with undefined contents. All or nothing: on false
 * no page of the range is committed, and the heap fails the operation that
 * needed it cleanly. */
typedef bool (*heap_commit_fn)(void *ctx, void *addr, size_t len);

/* release: gives back the len bytes at addr (page-aligned, whole pages, all
 * committed). The heap touches none of them until it commits them again, and
 * expects nothing of their contents then. Cannot fail. */
typedef void (*heap_release_fn)(void *ctx, void *addr, size_t len);

/* committed: whether the page holding addr is committed. The heap asks before
 * it reads a header that a misused pointer may place in released memory
 * (heap_free, heap_realloc) and to verify the rule above in heap_check. */
typedef bool (*heap_committed_fn)(void *ctx, const void *addr);

struct heap_pager {
	size_t page_size; /* a power of two, at least 64 */
	heap_commit_fn commit;
	heap_release_fn release;
	heap_committed_fn committed;
};

struct heap_stats {
	size_t arena_bytes;     /* total obtained from grow() (address space, with a pager) */
	size_t committed_bytes; /* of those, committed: whole pages with a pager, else arena_bytes */
	size_t used_bytes;      /* payload bytes in live allocations (as requested, rounded) */
	size_t free_bytes;      /* bytes in free chunks */
	size_t live_allocs;     /* allocations not yet freed */
	size_t free_chunks;
};

struct heap {
	heap_grow_fn grow;
	heap_fault_fn fault;
	void *ctx;
	struct heap_pager pager; /* page_size 0: no pager */
	/* implementation-private: */
	void *free_list;
	void *last_region_end;
	void *spare;             /* a grow() region whose pages could not be committed yet */
	size_t spare_bytes;
	struct heap_stats stats; /* read-only to callers */
};

void heap_init(struct heap *h, heap_grow_fn grow, heap_fault_fn fault, void *ctx);

/* Makes the heap give memory back through pager (copied; callbacks get the
 * heap's ctx). Only before the first allocation; false (and nothing changes)
 * when the heap has already grown, page_size is not a power of two of at
 * least 64, or a callback is missing. */
bool heap_set_pager(struct heap *h, const struct heap_pager *pager);

/* Returns size bytes aligned to align (a power of two; 0 means 16), or NULL
 * when size is 0, align is invalid, size overflows, grow() fails or a commit
 * fails. A failed allocation leaves the heap as it was (apart from address
 * space grow() handed over, which is kept). */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* Frees p (NULL is ignored). Misuse is reported through fault. With a pager,
 * releases the pages the freed chunk's merged hole newly covers. */
void heap_free(struct heap *h, void *p);

/* Resizes p, keeping min(old, size) bytes; heap_realloc(h, NULL, n) allocates.
 * NULL (p untouched) when the new size cannot be had. */
void *heap_realloc(struct heap *h, void *p, size_t size);

/* Walks every chunk and checks every invariant (tags, coalescing, list order,
 * statistics; with a pager, that every page the rule requires is committed,
 * that the pages at each hole's ends are not, and that committed_bytes is the
 * layout's figure). Returns true when the heap is consistent. O(chunks +
 * committed pages). */
bool heap_check(const struct heap *h);

#endif
