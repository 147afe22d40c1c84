/* The two-ended bump arena (see wasm.h): lasting objects from the bottom,
 * scratch from the top. Nothing is ever freed one by one. */
#include "lib/mem.h"
#include "lib/wasm/wasm_internal.h"

#define ARENA_ALIGN 16u

void wasm_arena_init(struct wasm_arena *a, void *buf, size_t size)
{
	uintptr_t p = (uintptr_t)buf, q = (p + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1);

	a->base = (uint8_t *)buf;
	a->size = size;
	a->lo = q - p <= size ? q - p : size;
	a->hi = size & ~(size_t)(ARENA_ALIGN - 1);
	if (a->hi < a->lo)
		a->hi = a->lo;
}

/* Bottom allocation: n bytes (rounded up to 16) or NULL when the gap between
 * the ends is too small. */
void *wasm_arena_alloc(struct wasm_arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (n > a->size || need > a->hi - a->lo)
		return NULL;
	p = a->base + a->lo;
	a->lo += need;
	return p;
}

void *wasm_arena_zalloc(struct wasm_arena *a, size_t n)
{
	void *p = wasm_arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

/* Top allocation for scratch data, released with wasm_arena_release. */
void *wasm_arena_scratch(struct wasm_arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (n > a->size || need > a->hi - a->lo)
		return NULL;
	a->hi -= need;
	return a->base + a->hi;
}

size_t wasm_arena_mark(const struct wasm_arena *a)
{
	return a->hi;
}

void wasm_arena_release(struct wasm_arena *a, size_t mark)
{
	a->hi = mark;
}
