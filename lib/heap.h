/* A general-purpose heap over memory supplied by a grow callback.
 *
 * Free chunks are kept on an address-ordered list with boundary tags, so
 * neighbouring free chunks always coalesce. The heap asks grow() for more
 * memory when no free chunk fits; memory it gets is never returned. Every
 * chunk header carries a check value so a corrupted header or a double or
 * foreign free is detected and reported through the fault callback instead of
 * silently corrupting the heap. Pure logic, host-tested. Not thread-safe: the
 * caller serializes. */
#ifndef CAPOS_LIB_HEAP_H
#define CAPOS_LIB_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* grow: returns at least min_bytes of fresh memory (16-byte aligned) and sets
 * *got to its size, or returns NULL when there is no more. Successive regions
 * need not be contiguous; when one directly follows the previous region the
 * heap merges them. */
typedef void *(*heap_grow_fn)(void *ctx, size_t min_bytes, size_t *got);

/* fault: called on a detected misuse (double free, foreign pointer, corrupted
 * header) with a short reason; may not return. */
typedef void (*heap_fault_fn)(void *ctx, const char *reason, const void *ptr);

struct heap_stats {
	size_t arena_bytes;  /* total obtained from grow() */
	size_t used_bytes;   /* payload bytes in live allocations (as requested, rounded) */
	size_t free_bytes;   /* bytes in free chunks */
	size_t live_allocs;  /* allocations not yet freed */
	size_t free_chunks;
};

struct heap {
	heap_grow_fn grow;
	heap_fault_fn fault;
	void *ctx;
	void *free_list;    /* implementation-private */
	void *last_region_end;
	struct heap_stats stats;
};

void heap_init(struct heap *h, heap_grow_fn grow, heap_fault_fn fault, void *ctx);

/* Returns size bytes aligned to align (a power of two; 0 means 16), or NULL
 * when size is 0, align is invalid, size overflows, or grow() fails. */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* Frees p (NULL is ignored). Misuse is reported through fault. */
void heap_free(struct heap *h, void *p);

/* Resizes p, keeping min(old, size) bytes; heap_realloc(h, NULL, n) allocates. */
void *heap_realloc(struct heap *h, void *p, size_t size);

/* Walks every chunk and checks every invariant (tags, coalescing, list order,
 * statistics). Returns true when the heap is consistent. O(heap). */
bool heap_check(const struct heap *h);

#endif
