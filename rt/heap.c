/* malloc/free: lib/heap over a fixed arena in .bss (no VirtualMemory
 * capability is granted yet, so the heap cannot grow past it). */
#include "lib/heap.h"
#include "rt/capos.h"

#define ARENA_BYTES (256 * 1024)

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));
static bool arena_given;
static struct heap heap;

static void *grow(void *ctx, size_t min_bytes, size_t *got)
{
	(void)ctx;
	if (arena_given || min_bytes > ARENA_BYTES)
		return 0;
	arena_given = true;
	*got = ARENA_BYTES;
	return arena;
}

static void fault(void *ctx, const char *reason, const void *ptr)
{
	(void)ctx;
	printf("heap: %s (%p)\n", reason, ptr);
	rt_exit(-2);
}

void rt_heap_init(void);
void rt_heap_init(void) { heap_init(&heap, grow, fault, 0); }

void *malloc(size_t size) { return heap_alloc(&heap, size, 16); }
void free(void *p) { heap_free(&heap, p); }
