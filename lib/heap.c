/* Boundary-tag first-fit heap (see heap.h).
 *
 * Memory from grow() forms region groups (one grow() region, or several that
 * were contiguous and merged):
 *
 *   [prologue 16][chunk][chunk]...[chunk][epilogue 32]
 *
 * Every chunk starts with a 16-byte header tag and ends with an identical
 * 16-byte footer tag: {size | flags, check}, where check mixes the word with
 * the tag's own address and a constant, so a stray write, a copied header or
 * a pointer that never came from heap_alloc fails the check. A free chunk
 * holds the address-ordered free-list links right after its header. The
 * prologue (a used footer) and the epilogue (a used header) stop coalescing at
 * the group's ends; the epilogue also records the group's start and the end of
 * the previously created group, so the groups form a list headed by
 * h->last_region_end. Tags absorbed by coalescing are overwritten with a
 * poison tag, so freeing a pointer whose chunk was merged away is still
 * recognised as a double free (with a pager, by its page having been
 * released when the poison tag went with it).
 *
 * With a pager, groups are page-aligned and a free chunk's hole (hole_of) is
 * the run of whole pages strictly between its head (header + links) and its
 * footer; holes are exactly the released pages. Every operation that changes
 * the layout changes at most one hole into at most two, each a prefix or a
 * suffix of the old one (carve, grow_in_place: commit what is left between
 * them, before writing anything there), or joins holes into one whose prefix
 * and suffix are the old ones (release_chunk: release what lies between,
 * after the last write). So each step commits or releases one contiguous
 * span, computed in O(1). Headers read through a pointer the caller handed in
 * are first checked to lie in a committed page, since a double-freed pointer
 * may now point into a hole. */
#include "lib/heap.h"
#include "lib/mem.h"

#define HEAP_ALIGN 16u
#define TAG_SIZE 16u
#define OVERHEAD (2 * TAG_SIZE)           /* header + footer */
#define MIN_CHUNK (OVERHEAD + 16u)        /* room for the free-list links */
#define FREE_HEAD (TAG_SIZE + 16u)        /* a free chunk's header and links */
#define PROLOGUE TAG_SIZE
#define EPILOGUE (2 * TAG_SIZE)
#define FENCES (PROLOGUE + EPILOGUE)
#define SIZE_LIMIT (SIZE_MAX >> 2)        /* larger requests fail outright */
#define MIN_PAGE 64u
#define NO_HOLE UINTPTR_MAX               /* release_chunk: the chunk is all committed */

#define F_USED ((uintptr_t)1)
#define F_FENCE ((uintptr_t)2)
#define FLAGS ((uintptr_t)HEAP_ALIGN - 1)
#define POISON_WORD ((uintptr_t)0xdeadf8eedeadf8e0ull)
#define TAG_MAGIC ((uintptr_t)0x9e3779b97f4a7c15ull)

struct tag {
	uintptr_t word; /* chunk size | F_USED | F_FENCE */
	uintptr_t check;
};

struct links {
	unsigned char *next, *prev;
};

struct epilogue {
	struct tag tag;
	unsigned char *prev_end; /* end of the group created before this one */
	unsigned char *start;    /* this group's first byte (its prologue) */
};

/* [lo, hi): page-aligned addresses; empty when lo >= hi. */
struct span {
	uintptr_t lo, hi;
};

_Static_assert(sizeof(struct tag) == TAG_SIZE, "a tag is 16 bytes");
_Static_assert(sizeof(struct epilogue) == EPILOGUE, "the epilogue is 32 bytes");
_Static_assert(sizeof(struct links) <= MIN_CHUNK - OVERHEAD, "free links fit a minimum chunk");
_Static_assert(TAG_SIZE + sizeof(struct links) == FREE_HEAD, "a free chunk's head is its header and links");

static const char ERR_MISALIGNED[] = "heap: pointer not from this heap (misaligned)";
static const char ERR_FOREIGN[] = "heap: pointer not from this heap";
static const char ERR_HEADER[] = "heap: invalid pointer or corrupted chunk header";
static const char ERR_DOUBLE[] = "heap: double free";
static const char ERR_RELEASED[] = "heap: double free (or a pointer into free memory, since released)";
static const char ERR_FOOTER[] = "heap: corrupted chunk footer (overflow?)";
static const char ERR_REGION[] = "heap: corrupted region trailer";
static const char ERR_FREELIST[] = "heap: corrupted free list";

/* --- tags --- */

static uintptr_t tag_check(const void *at, uintptr_t word, uintptr_t extra)
{
	return word ^ (uintptr_t)at ^ TAG_MAGIC ^ extra;
}

static struct tag *tag_at(unsigned char *p)
{
	return (struct tag *)(void *)p;
}

static bool tag_ok(const struct tag *t)
{
	return t->check == tag_check(t, t->word, 0);
}

static void tag_set(unsigned char *p, uintptr_t word)
{
	struct tag *t = tag_at(p);

	t->word = word;
	t->check = tag_check(t, word, 0);
}

static size_t tag_size(const struct tag *t)
{
	return t->word & ~FLAGS;
}

/* Writes header and footer of the chunk of size bytes at c. */
static void chunk_set(unsigned char *c, size_t size, uintptr_t flags)
{
	tag_set(c, size | flags);
	tag_set(c + size - TAG_SIZE, size | flags);
}

/* Marks the boundary between two chunks being merged as dead. */
static void poison_boundary(unsigned char *next_chunk)
{
	tag_set(next_chunk - TAG_SIZE, POISON_WORD);
	tag_set(next_chunk, POISON_WORD);
}

static struct links *links_of(unsigned char *c)
{
	return (struct links *)(void *)(c + TAG_SIZE);
}

static struct epilogue *epilogue_of(unsigned char *end)
{
	return (struct epilogue *)(void *)(end - EPILOGUE);
}

static uintptr_t epilogue_extra(const struct epilogue *e)
{
	return (uintptr_t)e->prev_end ^ ((uintptr_t)e->start >> 4);
}

static bool epilogue_ok(const struct epilogue *e)
{
	return e->tag.word == (F_USED | F_FENCE) &&
	       e->tag.check == tag_check(e, e->tag.word, epilogue_extra(e)) &&
	       (uintptr_t)e->start < (uintptr_t)e;
}

static void epilogue_set(unsigned char *end, unsigned char *prev_end, unsigned char *start)
{
	struct epilogue *e = epilogue_of(end);

	e->tag.word = F_USED | F_FENCE;
	e->prev_end = prev_end;
	e->start = start;
	e->tag.check = tag_check(e, e->tag.word, epilogue_extra(e));
}

/* --- pages: what is committed follows from the layout (heap.h) --- */

static bool paged(const struct heap *h)
{
	return h->pager.page_size != 0;
}

static uintptr_t page_down(const struct heap *h, uintptr_t a)
{
	return a & ~(uintptr_t)(h->pager.page_size - 1);
}

static uintptr_t page_up(const struct heap *h, uintptr_t a)
{
	return page_down(h, a + h->pager.page_size - 1);
}

static uintptr_t min_addr(uintptr_t a, uintptr_t b)
{
	return a < b ? a : b;
}

static uintptr_t max_addr(uintptr_t a, uintptr_t b)
{
	return a > b ? a : b;
}

/* The whole pages of the free chunk [c, c+size) clear of its head and footer:
 * released while it is free. Empty without a pager. */
static struct span hole_of(const struct heap *h, const unsigned char *c, size_t size)
{
	struct span s = { 0, 0 };

	if (paged(h)) {
		s.lo = page_up(h, (uintptr_t)c + FREE_HEAD);
		s.hi = page_down(h, (uintptr_t)c + size - TAG_SIZE);
	}
	return s.lo < s.hi ? s : (struct span){ 0, 0 };
}

/* Commits [lo, hi) (nothing when empty). False if the pager refuses. */
static bool commit_span(struct heap *h, uintptr_t lo, uintptr_t hi)
{
	if (lo >= hi)
		return true;
	if (!h->pager.commit(h->ctx, (void *)lo, hi - lo))
		return false;
	h->stats.committed_bytes += hi - lo;
	return true;
}

/* Releases [lo, hi) (nothing when empty). */
static void release_span(struct heap *h, uintptr_t lo, uintptr_t hi)
{
	if (lo >= hi)
		return;
	h->pager.release(h->ctx, (void *)lo, hi - lo);
	h->stats.committed_bytes -= hi - lo;
}

/* Is the page holding p committed? Always with no pager. A tag (16 bytes,
 * 16-aligned) never straddles two pages. */
static bool page_committed(const struct heap *h, const void *p)
{
	return !paged(h) || h->pager.committed(h->ctx, p);
}

/* Is every page of [p, p+len) committed? Always with no pager. */
static bool committed(const struct heap *h, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	if (!paged(h))
		return true;
	for (uintptr_t pg = page_down(h, a); pg < a + len; pg += h->pager.page_size)
		if (!h->pager.committed(h->ctx, (const void *)pg))
			return false;
	return true;
}

/* --- free list: address ordered, doubly linked through links_of() --- */

static void list_insert_after(struct heap *h, unsigned char *after, unsigned char *c, size_t size)
{
	unsigned char *next = after ? links_of(after)->next : h->free_list;

	links_of(c)->prev = after;
	links_of(c)->next = next;
	if (next)
		links_of(next)->prev = c;
	if (after)
		links_of(after)->next = c;
	else
		h->free_list = c;
	h->stats.free_chunks++;
	h->stats.free_bytes += size;
}

static void list_remove(struct heap *h, unsigned char *c, size_t size)
{
	struct links *l = links_of(c);

	if (l->prev)
		links_of(l->prev)->next = l->next;
	else
		h->free_list = l->next;
	if (l->next)
		links_of(l->next)->prev = l->prev;
	h->stats.free_chunks--;
	h->stats.free_bytes -= size;
}

/* The free chunk after which c belongs in address order (NULL: the head). */
static unsigned char *list_position(const struct heap *h, const unsigned char *c)
{
	unsigned char *prev = NULL, *it = h->free_list;

	while (it && (uintptr_t)it < (uintptr_t)c) {
		prev = it;
		it = links_of(it)->next;
	}
	return prev;
}

/* Is the tag at t that of a free chunk (not used, not a fence, not dead)? */
static bool tag_is_free(const struct tag *t)
{
	return tag_ok(t) && !(t->word & (F_USED | F_FENCE)) && t->word != POISON_WORD;
}

/* release_chunk has made [c, c+size) one free chunk out of the chunk at mid
 * (committed but for its pages from hole_from on) and, when they were free,
 * the chunk before it (joined_prev) and the one at joined_next (or NULL).
 * Releases the pages of the new hole between the old holes: the ones that
 * were committed. */
static void release_new_hole(struct heap *h, unsigned char *c, size_t size, const unsigned char *mid,
                             bool joined_prev, const unsigned char *joined_next, uintptr_t hole_from)
{
	struct span hole = hole_of(h, c, size);
	uintptr_t lo = hole.lo, hi = min_addr(hole.hi, hole_from);

	if (joined_prev)
		lo = max_addr(lo, page_down(h, (uintptr_t)mid - TAG_SIZE));
	if (joined_next)
		hi = min_addr(hi, page_up(h, (uintptr_t)joined_next + FREE_HEAD));
	release_span(h, lo, hi);
}

/* Makes [c, c+size) a free chunk, merging it with free neighbours, and puts
 * it on the free list. The tags before c and at c+size must be intact.
 * [c, c+size) is committed except, when hole_from is not NO_HOLE, the pages
 * from hole_from to the end of its hole (a fresh region; the chunk after c
 * is then not free). With a pager, releases what the merged chunk's hole
 * newly covers, after every write. */
static void release_chunk(struct heap *h, unsigned char *c, size_t size, uintptr_t hole_from)
{
	unsigned char *next = c + size, *mid = c;
	const struct tag *before = tag_at(c - TAG_SIZE);
	unsigned char *after = NULL;
	bool next_free = tag_is_free(tag_at(next)), prev_free = tag_is_free(before);

	if (next_free) {
		size_t nsize = tag_size(tag_at(next));

		after = links_of(next)->prev;
		list_remove(h, next, nsize);
		poison_boundary(next);
		size += nsize;
	}
	if (prev_free) {
		size_t psize = tag_size(before);
		unsigned char *prev = c - psize;

		after = links_of(prev)->prev;
		list_remove(h, prev, psize);
		poison_boundary(c);
		c = prev;
		size += psize;
	} else if (!next_free) {
		after = list_position(h, c);
	}
	chunk_set(c, size, 0);
	list_insert_after(h, after, c, size);
	if (paged(h))
		release_new_hole(h, c, size, mid, prev_free, next_free ? next : NULL, hole_from);
}

/* --- regions --- */

void heap_init(struct heap *h, heap_grow_fn grow, heap_fault_fn fault, void *ctx)
{
	memset(h, 0, sizeof *h);
	h->grow = grow;
	h->fault = fault;
	h->ctx = ctx;
}

bool heap_set_pager(struct heap *h, const struct heap_pager *pager)
{
	size_t ps = pager->page_size;

	if (h->last_region_end || h->spare || ps < MIN_PAGE || (ps & (ps - 1)) || !pager->commit ||
	    !pager->release || !pager->committed)
		return false;
	h->pager = *pager;
	return true;
}

/* Commits the pages of the fresh (uncommitted) range [fresh, end) that the
 * new chunk [c, end - EPILOGUE) and the fences need: all but the chunk's
 * hole, which lies inside the fresh range (c + FREE_HEAD >= fresh: c is the
 * old epilogue, 32 bytes before it, or just after the new prologue).
 * Returns where the hole starts (NO_HOLE: no hole), or 0 when a commit fails
 * (then nothing is committed). */
static uintptr_t commit_fresh(struct heap *h, unsigned char *c, unsigned char *fresh, unsigned char *end)
{
	struct span hole = hole_of(h, c, (size_t)(end - EPILOGUE - c));

	if (!paged(h))
		return NO_HOLE;
	if (hole.lo >= hole.hi)
		return commit_span(h, (uintptr_t)fresh, (uintptr_t)end) ? NO_HOLE : 0;
	if (!commit_span(h, (uintptr_t)fresh, hole.lo))
		return 0;
	if (!commit_span(h, hole.hi, (uintptr_t)end)) {
		release_span(h, (uintptr_t)fresh, hole.lo);
		return 0;
	}
	return hole.lo;
}

/* Adds the got bytes at mem to the heap as one free chunk, merged with the
 * previous group when mem starts where it ends. False if, once trimmed to
 * 16-byte alignment (whole pages with a pager), the region is too small to
 * hold a chunk, or if committing its fences fails — then it is kept as the
 * spare, to be tried again before grow() is asked for more. */
static bool add_region(struct heap *h, void *mem, size_t got)
{
	size_t unit = paged(h) ? h->pager.page_size : HEAP_ALIGN;
	uintptr_t lo = ((uintptr_t)mem + unit - 1) & ~(uintptr_t)(unit - 1);
	uintptr_t hi = ((uintptr_t)mem + got) & ~(uintptr_t)(unit - 1);
	unsigned char *start, *end, *c, *last = h->last_region_end;
	bool join;
	uintptr_t hole_from;

	if (got > UINTPTR_MAX - (uintptr_t)mem || lo < (uintptr_t)mem || hi < lo ||
	    hi - lo < FENCES + MIN_CHUNK)
		return false;
	start = (unsigned char *)lo;
	end = start + (hi - lo);
	join = last && start == last && epilogue_ok(epilogue_of(last));
	c = join ? (unsigned char *)epilogue_of(last) : start + PROLOGUE;
	hole_from = commit_fresh(h, c, start, end);
	if (!hole_from) {
		h->spare = mem;
		h->spare_bytes = got;
		return false;
	}
	if (join) {
		struct epilogue *old = epilogue_of(last);

		/* the old epilogue becomes chunk space */
		epilogue_set(end, old->prev_end, old->start);
	} else {
		tag_set(start, F_USED | F_FENCE);
		epilogue_set(end, last, start);
	}
	h->last_region_end = end;
	h->stats.arena_bytes += (size_t)(end - start);
	if (!paged(h))
		h->stats.committed_bytes += (size_t)(end - start);
	/* a chunk ends just before the epilogue, which release_chunk reads */
	release_chunk(h, c, (size_t)(end - EPILOGUE - c), hole_from);
	return true;
}

/* Finds the group holding [p, p+len) and returns its end, or NULL. */
static unsigned char *group_of(const struct heap *h, const void *p, size_t len, bool *corrupt)
{
	uintptr_t a = (uintptr_t)p;
	size_t budget = h->stats.arena_bytes / (FENCES + MIN_CHUNK) + 1;

	*corrupt = false;
	for (unsigned char *end = h->last_region_end; end; end = epilogue_of(end)->prev_end) {
		const struct epilogue *e = epilogue_of(end);

		if (budget-- == 0 || !epilogue_ok(e)) {
			*corrupt = true;
			return NULL;
		}
		if (a >= (uintptr_t)e->start + PROLOGUE && a <= (uintptr_t)e && len <= (uintptr_t)e - a)
			return end;
	}
	return NULL;
}

/* --- allocation --- */

/* Chunk size for a request of size bytes (size <= SIZE_LIMIT). */
static size_t chunk_size_for(size_t size)
{
	size_t payload = (size + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);

	return payload + OVERHEAD < MIN_CHUNK ? MIN_CHUNK : payload + OVERHEAD;
}

/* Where in the free chunk c (csize bytes) a chunk of need bytes whose payload
 * is aligned to align can start: at c, or far enough in that the gap before it
 * is itself a chunk. Returns 0 when it does not fit. */
static uintptr_t fit_in(const unsigned char *c, size_t csize, size_t need, size_t align)
{
	uintptr_t base = (uintptr_t)c, mask = (uintptr_t)align - 1;
	uintptr_t at = (((base + TAG_SIZE) + mask) & ~mask) - TAG_SIZE;

	if (at != base && at - base < MIN_CHUNK)
		at = (((base + TAG_SIZE + MIN_CHUNK) + mask) & ~mask) - TAG_SIZE;
	if (at < base || at - base > csize || need > csize - (at - base))
		return 0;
	return at;
}

/* First fit over the free list. Returns the free chunk and sets *at, or NULL;
 * *corrupt when a list entry fails its check. */
static unsigned char *find_fit(struct heap *h, size_t need, size_t align, uintptr_t *at,
                               bool *corrupt)
{
	*corrupt = false;
	for (unsigned char *c = h->free_list; c; c = links_of(c)->next) {
		if (!tag_is_free(tag_at(c))) {
			*corrupt = true;
			return NULL;
		}
		*at = fit_in(c, tag_size(tag_at(c)), need, align);
		if (*at)
			return c;
	}
	return NULL;
}

/* Turns [at, at+need) of the free chunk c into a used chunk, returning the
 * pieces before and after it (when big enough to be chunks) to the list.
 * First commits the part of c's hole that the pieces' holes do not keep;
 * false (the heap unchanged) if that fails. */
static bool carve(struct heap *h, unsigned char *c, unsigned char *at, size_t need)
{
	size_t csize = tag_size(tag_at(c));
	size_t lead = (size_t)(at - c), tail = csize - lead - need;
	unsigned char *anchor = links_of(c)->prev;
	struct span hole = hole_of(h, c, csize);

	if (tail < MIN_CHUNK) {
		need += tail;
		tail = 0;
	}
	if (hole.lo < hole.hi) {
		uintptr_t lo = lead ? max_addr(hole.lo, page_down(h, (uintptr_t)at - TAG_SIZE)) : hole.lo;
		uintptr_t hi = tail ? min_addr(hole.hi, page_up(h, (uintptr_t)at + need + FREE_HEAD)) : hole.hi;

		if (!commit_span(h, lo, hi))
			return false;
	}
	list_remove(h, c, csize);
	if (lead) {
		chunk_set(c, lead, 0);
		list_insert_after(h, anchor, c, lead);
		anchor = c;
	}
	chunk_set(at, need, F_USED);
	if (tail) {
		chunk_set(at + need, tail, 0);
		list_insert_after(h, anchor, at + need, tail);
	}
	h->stats.used_bytes += need - OVERHEAD;
	h->stats.live_allocs++;
	return true;
}

static void fault(struct heap *h, const char *reason, const void *p)
{
	if (h->fault)
		h->fault(h->ctx, reason, p);
}

/* Adds the region whose pages could not be committed before, if any. */
static bool take_spare(struct heap *h)
{
	void *mem = h->spare;

	if (!mem)
		return false;
	h->spare = NULL;
	return add_region(h, mem, h->spare_bytes);
}

/* Asks grow() for enough memory that a chunk of need bytes aligned to align
 * fits in it on its own. */
static bool grow_for(struct heap *h, size_t need, size_t align)
{
	size_t want = need + FENCES + (align > HEAP_ALIGN ? align + MIN_CHUNK : 0);
	size_t got = 0;
	void *mem;

	if (!h->grow)
		return false;
	if (paged(h))
		want = (want + h->pager.page_size - 1) & ~(h->pager.page_size - 1);
	mem = h->grow(h->ctx, want, &got);
	return mem && add_region(h, mem, got);
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	unsigned char *c;
	uintptr_t at;
	size_t need;
	bool corrupt;

	if (align == 0)
		align = HEAP_ALIGN;
	if (size == 0 || size > SIZE_LIMIT || (align & (align - 1)) || align > SIZE_LIMIT)
		return NULL;
	if (align < HEAP_ALIGN)
		align = HEAP_ALIGN;
	need = chunk_size_for(size);
	c = find_fit(h, need, align, &at, &corrupt);
	if (!c && !corrupt && take_spare(h))
		c = find_fit(h, need, align, &at, &corrupt);
	if (!c && !corrupt && !h->spare && grow_for(h, need, align))
		c = find_fit(h, need, align, &at, &corrupt);
	if (corrupt) {
		fault(h, ERR_FREELIST, h->free_list);
		return NULL;
	}
	if (!c || !carve(h, c, (unsigned char *)at, need))
		return NULL;
	return (unsigned char *)at + TAG_SIZE;
}

/* Checks that p is a live allocation of this heap and returns its chunk;
 * otherwise reports the misuse through fault and returns NULL. Reads no tag
 * in a page that is not committed. */
static unsigned char *live_chunk(struct heap *h, void *p)
{
	unsigned char *c = (unsigned char *)p - TAG_SIZE, *end;
	const struct tag *t;
	bool corrupt;
	size_t size;

	if ((uintptr_t)p & (HEAP_ALIGN - 1)) {
		fault(h, ERR_MISALIGNED, p);
		return NULL;
	}
	end = group_of(h, c, MIN_CHUNK, &corrupt);
	if (!end) {
		fault(h, corrupt ? ERR_REGION : ERR_FOREIGN, p);
		return NULL;
	}
	if (!page_committed(h, c)) {
		fault(h, ERR_RELEASED, p);
		return NULL;
	}
	t = tag_at(c);
	if (!tag_ok(t) || (t->word & F_FENCE)) {
		fault(h, ERR_HEADER, p);
		return NULL;
	}
	if (t->word == POISON_WORD || !(t->word & F_USED)) {
		fault(h, ERR_DOUBLE, p);
		return NULL;
	}
	size = tag_size(t);
	if (size < MIN_CHUNK || size > (size_t)((unsigned char *)epilogue_of(end) - c)) {
		fault(h, ERR_HEADER, p);
		return NULL;
	}
	if ((page_down(h, (uintptr_t)c) != page_down(h, (uintptr_t)c + size - TAG_SIZE) &&
	     !page_committed(h, c + size - TAG_SIZE)) ||
	    tag_at(c + size - TAG_SIZE)->word != t->word || !tag_ok(tag_at(c + size - TAG_SIZE))) {
		fault(h, ERR_FOOTER, p);
		return NULL;
	}
	return c;
}

void heap_free(struct heap *h, void *p)
{
	unsigned char *c;
	size_t size;

	if (!p || !(c = live_chunk(h, p)))
		return;
	size = tag_size(tag_at(c));
	h->stats.used_bytes -= size - OVERHEAD;
	h->stats.live_allocs--;
	release_chunk(h, c, size, NO_HOLE);
}

/* Shrinks the used chunk c (csize bytes) to need bytes when the rest is big
 * enough to be a chunk of its own, which is freed. */
static void shrink_in_place(struct heap *h, unsigned char *c, size_t csize, size_t need)
{
	if (csize - need < MIN_CHUNK)
		return;
	chunk_set(c, need, F_USED);
	h->stats.used_bytes -= csize - need;
	release_chunk(h, c + need, csize - need, NO_HOLE);
}

/* Grows the used chunk c (csize bytes) to at least need bytes by taking the
 * free chunk after it. False if that chunk is not free or too small, or if
 * committing the part of its hole now needed fails. */
static bool grow_in_place(struct heap *h, unsigned char *c, size_t csize, size_t need)
{
	unsigned char *next = c + csize;
	size_t nsize, total;
	unsigned char *after;
	struct span hole;

	if (!tag_is_free(tag_at(next)))
		return false;
	nsize = tag_size(tag_at(next));
	if (nsize < need - csize)
		return false;
	total = csize + nsize;
	if (total - need < MIN_CHUNK)
		need = total;
	hole = hole_of(h, next, nsize);
	if (hole.lo < hole.hi) {
		uintptr_t hi = need < total ? min_addr(hole.hi, page_up(h, (uintptr_t)c + need + FREE_HEAD))
		                            : hole.hi;

		if (!commit_span(h, hole.lo, hi))
			return false;
	}
	after = links_of(next)->prev;
	list_remove(h, next, nsize);
	poison_boundary(next);
	chunk_set(c, need, F_USED);
	if (total > need) {
		chunk_set(c + need, total - need, 0);
		list_insert_after(h, after, c + need, total - need);
	}
	h->stats.used_bytes += need - csize;
	return true;
}

/* In place when possible (keeping the original alignment); a moved block is
 * 16-byte aligned. heap_realloc(h, p, 0) frees p and returns NULL. */
void *heap_realloc(struct heap *h, void *p, size_t size)
{
	unsigned char *c;
	size_t csize, need;
	void *q;

	if (!p)
		return heap_alloc(h, size, 0);
	if (!(c = live_chunk(h, p)))
		return NULL;
	if (size == 0) {
		heap_free(h, p);
		return NULL;
	}
	if (size > SIZE_LIMIT)
		return NULL;
	csize = tag_size(tag_at(c));
	need = chunk_size_for(size);
	if (need <= csize) {
		shrink_in_place(h, c, csize, need);
		return p;
	}
	if (grow_in_place(h, c, csize, need))
		return p;
	q = heap_alloc(h, size, 0);
	if (!q)
		return NULL;
	memcpy(q, p, csize - OVERHEAD);
	heap_free(h, p);
	return q;
}

/* --- consistency check --- */

struct tally {
	size_t arena, committed, used, free, live, chunks;
};

/* Can p be a free chunk: inside one of the heap's groups with room for a
 * chunk, its head committed? Guards every dereference of a pointer read from
 * heap memory during the check. */
static bool free_chunk_in_heap(const struct heap *h, const void *p)
{
	bool corrupt;

	return p && ((uintptr_t)p & (HEAP_ALIGN - 1)) == 0 && group_of(h, p, MIN_CHUNK, &corrupt) &&
	       committed(h, p, FREE_HEAD);
}

/* A free chunk's links must point at free chunks on the right side of it,
 * and its predecessor (or the list head) must point back at it. */
static bool links_ok(const struct heap *h, unsigned char *c)
{
	const struct links *l = links_of(c);

	if (l->next && (!free_chunk_in_heap(h, l->next) || (uintptr_t)l->next <= (uintptr_t)c ||
	                links_of(l->next)->prev != c))
		return false;
	if (!l->prev)
		return h->free_list == c;
	return free_chunk_in_heap(h, l->prev) && (uintptr_t)l->prev < (uintptr_t)c &&
	       links_of(l->prev)->next == c;
}

/* With a pager: every page of [from, to) must be committed (they hold
 * metadata or live blocks); adds them to the tally. */
static bool check_needed(const struct heap *h, uintptr_t from, uintptr_t to, struct tally *t)
{
	if (!paged(h) || from >= to)
		return true;
	t->committed += to - from;
	return committed(h, (const void *)from, to - from);
}

/* With a pager: the pages at both ends of a hole must be released. */
static bool check_hole(const struct heap *h, struct span hole)
{
	return hole.lo >= hole.hi ||
	       (!h->pager.committed(h->ctx, (const void *)hole.lo) &&
	        !h->pager.committed(h->ctx, (const void *)(hole.hi - h->pager.page_size)));
}

/* Walks the chunks of the group ending at end. needed is the first page
 * not yet known to be required: everything up to the next hole is. */
static bool check_group(const struct heap *h, unsigned char *end, struct tally *t)
{
	const struct epilogue *e = epilogue_of(end);
	unsigned char *c = e->start + PROLOGUE;
	uintptr_t needed = (uintptr_t)e->start;
	bool prev_free = false;

	if ((size_t)(end - e->start) < FENCES + MIN_CHUNK ||
	    (size_t)(end - e->start) > h->stats.arena_bytes || !page_committed(h, e->start) ||
	    !tag_ok(tag_at(e->start)) || tag_at(e->start)->word != (F_USED | F_FENCE))
		return false;
	while (c < (unsigned char *)e) {
		const struct tag *hd = tag_at(c);
		size_t size;
		const struct tag *ft;

		if (!page_committed(h, c))
			return false;
		size = tag_size(hd);
		if (!tag_ok(hd) || (hd->word & F_FENCE) || hd->word == POISON_WORD ||
		    size < MIN_CHUNK || size > (size_t)((unsigned char *)e - c))
			return false;
		ft = tag_at(c + size - TAG_SIZE);
		if (!page_committed(h, ft) || !tag_ok(ft) || ft->word != hd->word)
			return false;
		if (hd->word & F_USED) {
			t->used += size - OVERHEAD;
			t->live++;
			prev_free = false;
		} else {
			struct span hole = hole_of(h, c, size);

			if (prev_free || !links_ok(h, c))
				return false; /* two free neighbours were not coalesced */
			if (hole.lo < hole.hi) {
				if (!check_needed(h, needed, hole.lo, t) || !check_hole(h, hole))
					return false;
				needed = hole.hi;
			}
			t->free += size;
			t->chunks++;
			prev_free = true;
		}
		c += size;
	}
	t->arena += (size_t)(end - e->start);
	return c == (unsigned char *)e && check_needed(h, needed, (uintptr_t)end, t);
}

/* The list must be strictly ascending, made of free chunks, and exactly as
 * long as the number of free chunks the walk found. */
static bool check_free_list(const struct heap *h, size_t chunks)
{
	const unsigned char *prev = NULL;
	size_t n = 0;

	for (unsigned char *c = h->free_list; c; c = links_of(c)->next) {
		if (n++ == chunks || !free_chunk_in_heap(h, c) || !tag_is_free(tag_at(c)) ||
		    links_of(c)->prev != prev || (prev && (uintptr_t)c <= (uintptr_t)prev))
			return false;
		prev = c;
	}
	return n == chunks;
}

bool heap_check(const struct heap *h)
{
	struct tally t = { 0 };
	size_t budget = h->stats.arena_bytes / (FENCES + MIN_CHUNK) + 1;

	for (unsigned char *end = h->last_region_end; end; end = epilogue_of(end)->prev_end) {
		if (budget-- == 0 || !committed(h, epilogue_of(end), EPILOGUE) ||
		    !epilogue_ok(epilogue_of(end)) || !check_group(h, end, &t))
			return false;
	}
	if (!check_free_list(h, t.chunks))
		return false;
	if (!paged(h))
		t.committed = t.arena;
	return t.arena == h->stats.arena_bytes && t.committed == h->stats.committed_bytes &&
	       t.used == h->stats.used_bytes && t.free == h->stats.free_bytes &&
	       t.live == h->stats.live_allocs && t.chunks == h->stats.free_chunks;
}
