/* Schema-less traversal of a message: validation (capnp_walk) and deep copy
 * (capnp_pb_copy).
 *
 * Stack. Neither recurses: both visit the objects depth first with an
 * explicit stack, one 16-byte frame per object whose pointer slots are being
 * visited, in a struct walker on the caller's stack. The frames are bounded
 * by CAPNP_WALK_MAX_NESTING (64), whatever the message: the walk follows at
 * most min(nesting limit, CAPNP_WALK_MAX_NESTING) levels and refuses deeper
 * with CAPNP_ERR_NESTING_LIMIT. sizeof(struct walker) is 1080 bytes (a copy
 * adds 256 for its destination offsets); callees included, the deepest
 * stack is 1824 bytes for capnp_msg_validate() and 2016 for capnp_pb_copy()
 * with the kernel's flags under gcc 12 (clang 14: about 1.6 and 1.8 KiB),
 * whatever the message. tests/capnp/run checks the 2 KiB bound and that
 * nothing in lib/capnp recurses. (The recursive walk this replaces took 200
 * to 320 bytes per nesting level: 12.5 to 20 KiB at the default limit.)
 *
 * Charges. Following a pointer reads its object through the typed readers
 * (read.c, list.c), which charge the traversal budget: a struct's data and
 * pointer words, a list's words (a composite list's tag included), a list
 * of zero-sized elements one word per element, and every object at least
 * one word.
 *
 * Work bound. The loop below does one step per pointer slot visited and one
 * per object finished, plus one for the starting pointer. Every slot visited
 * is a word of an object charged when it was read (a struct is charged at
 * least its pointer count, a pointer list its count, a composite list at
 * least count x pointers per element), and a frame is pushed only for an
 * object with at least one slot, so
 *     steps <= 2 x words charged + 1
 * (capnp_walk() reports both; the tests and the fuzz target check it). A
 * copy also does one memcpy per element of a composite list with both data
 * and pointers, at most one per word charged.
 *
 * Honest messages. Call a message honest when no two objects it reaches
 * overlap (nothing is shared) and it has no list of zero-sized elements.
 * Every message capnp_builder writes is honest save for such lists. A walk
 * of an honest message with W words in its segments charges at most 2W - 1:
 * each object o is charged at most size(o) + 1 words; the objects are
 * disjoint and none contains the root pointer, so their sizes sum to at most
 * W - 1; each is reached through its own non-null pointer word, so there
 * are at most W of them. A framed message of B bytes has B/8 >= W + 1 (the
 * segment table is at least a word), so the charge is below
 * CAPNP_WALK_FACTOR x B/8: capnp_limits_for_size(B, CAPNP_WALK_FACTOR) accepts
 * every honest message. A list of n zero-sized elements adds up to n words
 * more while taking at most one: such lists are charged as the C++
 * implementation charges them, so a proportional budget admits only about
 * as many zero-sized elements as the message has words. */
#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"
#include "lib/mem.h"

/* walk_frame.seg of the starting pointer's segment (message segments are
 * 0 .. nsegs - 1). */
#define SEG_START CAPNP_MAX_SEGMENTS

/* An object whose pointer slots are being visited: `left` slots remain,
 * `nptrs` per element, and `gap` data words lie between one element's last
 * slot and the next element's first (a composite list's data section; 0 for
 * structs and pointer lists). `slot` is the next slot's word index in
 * segment `seg`. */
struct walk_frame {
	uint32_t slot;
	uint32_t left;
	uint16_t nptrs;
	uint16_t k; /* slots left in the current element */
	uint16_t gap;
	uint8_t seg;
};
_Static_assert(sizeof(struct walk_frame) == 16, "a walk frame is 16 bytes");

struct walker {
	struct capnp_msg *msg;
	const uint8_t *start, *start_end; /* segment of the starting pointer */
	struct capnp_builder *b;          /* copy: the destination; NULL: validation */
	/* Copy: per frame, the arena word index of a slot's twin minus the
	 * slot's word index (source and copy have the same layout). */
	int32_t *delta;
	int32_t depth;                    /* nesting levels left for the starting pointer */
	uint32_t sp;                      /* frames in use */
	uint64_t steps;
	struct walk_frame stack[CAPNP_WALK_MAX_NESTING];
};
_Static_assert(CAPNP_WALK_MAX_NESTING >= CAPNP_DEFAULT_NESTING,
               "the walks follow the default nesting limit in full");
_Static_assert(sizeof(struct walker) <= 1100,
               "the walk's explicit stack stays within the 2 KiB the walks may use");

/* Segment i of the walk: returns its base and sets *end. */
static const uint8_t *seg_at(const struct walker *w, unsigned i, const uint8_t **end)
{
	if (i == SEG_START) {
		*end = w->start_end;
		return w->start;
	}
	*end = w->msg->segs[i].base + (size_t)w->msg->segs[i].words * 8;
	return w->msg->segs[i].base;
}

/* Index of the segment [base, end) holding an object reached from segment
 * `from` (the same one unless the pointer was far). Objects live in the
 * starting segment or in a message segment: nothing else is reachable. */
static uint8_t seg_index(const struct walker *w, const uint8_t *base, const uint8_t *end,
                         uint8_t from)
{
	const uint8_t *e;
	if (seg_at(w, from, &e) == base && e == end)
		return from;
	for (uint32_t i = 0; w->msg && i < w->msg->nsegs; i++)
		if (seg_at(w, i, &e) == base && e == end)
			return (uint8_t)i;
	return SEG_START;
}

/* Pushes a frame for `slots` pointer slots, nptrs per element and gap data
 * words apart, starting at slot in segment seg (at dst in the copy). */
static int push(struct walker *w, uint8_t seg, const uint8_t *base, const uint8_t *slot,
                const uint8_t *dst, uint32_t slots, uint16_t nptrs, uint16_t gap)
{
	/* Cannot happen (an object is read only while depth is left, and the
	 * depth is clamped to the stack's size); checked so the array bound
	 * does not rest on that argument alone. */
	if (w->sp >= CAPNP_WALK_MAX_NESTING)
		return capnp_fail(w->msg, CAPNP_ERR_NESTING_LIMIT);
	struct walk_frame *f = &w->stack[w->sp];
	f->slot = (uint32_t)((slot - base) / 8);
	if (dst)
		w->delta[w->sp] = (int32_t)((dst - w->b->buf) / 8 - (int64_t)f->slot);
	w->sp++;
	f->left = slots;
	f->nptrs = nptrs;
	f->k = nptrs;
	f->gap = gap;
	f->seg = seg;
	return CAPNP_OK;
}

/* Moves f to its next slot. */
static void next_slot(struct walk_frame *f)
{
	f->left--;
	f->slot++;
	if (--f->k == 0) {
		f->k = f->nptrs;
		f->slot += f->gap;
	}
}

/* Reads the struct q points to; when copying, allocates its twin at the
 * slot dst and copies its data. Pushes a frame for its pointers. */
static int visit_struct(struct walker *w, const struct capnp_ptr *q, uint8_t from, uint8_t *dst)
{
	struct capnp_struct s;
	int err = capnp_ptr_struct(*q, &s, NULL);
	if (err)
		return err;
	uint8_t *dptrs = NULL;
	if (dst) {
		struct capnp_pb slot = { w->b, dst };
		struct capnp_sb d = capnp_pb_init_struct(slot, (uint16_t)(s.data_bytes / 8), s.nptrs);
		if (!d.data)
			return w->b->err;
		memcpy(d.data, s.data, s.data_bytes);
		dptrs = d.ptrs;
	}
	if (s.nptrs == 0)
		return CAPNP_OK;
	return push(w, seg_index(w, s.seg, s.seg_end, from), s.seg, s.ptrs, dptrs, s.nptrs,
	            s.nptrs, 0);
}

/* Copy: allocates the twin of l at the slot dst and copies its data (its
 * pointers are copied slot by slot). Returns the twin's first element, or
 * NULL with the builder's error recorded. */
static uint8_t *copy_list_body(struct capnp_builder *b, uint8_t *dst, const struct capnp_list *l)
{
	struct capnp_pb slot = { b, dst };
	if (l->esize != CAPNP_ELEM_COMPOSITE) {
		struct capnp_lb d = capnp_pb_init_list(slot, (enum capnp_elem)l->esize, l->count);
		if (d.elems && l->nptrs == 0)
			memcpy(d.elems, l->elems, ((uint64_t)l->count * l->step_bits + 7) / 8);
		return d.elems;
	}
	uint32_t dw = l->data_bits / 64;
	struct capnp_lb d = capnp_pb_init_struct_list(slot, l->count, (uint16_t)dw, l->nptrs);
	if (!d.elems || dw == 0)
		return d.elems;
	if (l->nptrs == 0) {
		memcpy(d.elems, l->elems, (size_t)l->count * dw * 8);
		return d.elems;
	}
	for (uint32_t i = 0; i < l->count; i++) {
		size_t at = (size_t)i * (l->step_bits / 8);
		memcpy(d.elems + at, l->elems + at, (size_t)dw * 8);
	}
	return d.elems;
}

/* Reads the list q points to (copying it into the slot dst when copying)
 * and pushes a frame for its elements' pointers. */
static int visit_list(struct walker *w, const struct capnp_ptr *q, uint8_t from, uint8_t *dst)
{
	struct capnp_list l;
	int err = capnp_ptr_list(*q, CAPNP_ELEM_VOID, &l, NULL);
	if (err)
		return err;
	uint8_t *delems = NULL;
	if (dst && !(delems = copy_list_body(w->b, dst, &l)))
		return w->b->err;
	if (l.nptrs == 0 || l.count == 0)
		return CAPNP_OK;
	/* A composite list (dw data words, then the pointers, per element) or
	 * a pointer list (dw = 0, one pointer per element). */
	uint16_t dw = (uint16_t)(l.data_bits / 64);
	return push(w, seg_index(w, l.seg, l.seg_end, from), l.seg, l.elems + (size_t)dw * 8,
	            delems ? delems + (size_t)dw * 8 : NULL, l.count * l.nptrs, l.nptrs, dw);
}

static int visit_cap(struct walker *w, const struct capnp_ptr *q, uint8_t *dst)
{
	uint32_t cap;
	int err = capnp_ptr_cap(*q, &cap);
	if (err == CAPNP_OK && dst) {
		struct capnp_pb slot = { w->b, dst };
		err = capnp_pb_set_cap(slot, cap);
	}
	return err;
}

/* Follows the non-null pointer q, found in segment `from`: reads (charges)
 * its object, copies it to the slot dst when copying, and pushes a frame
 * for its pointers. Returns CAPNP_OK or the error (recorded). */
static int visit(struct walker *w, const struct capnp_ptr *q, uint8_t from, uint8_t *dst)
{
	uint64_t word = capnp_load64(q->p);
	int kind;
	switch (CAPNP_PTR_KIND(word)) {
	case CAPNP_WIRE_STRUCT: kind = CAPNP_KIND_STRUCT; break;
	case CAPNP_WIRE_LIST: kind = CAPNP_KIND_LIST; break;
	default: kind = capnp_ptr_kind(*q); break; /* far pointers are resolved */
	}
	switch (kind) {
	case CAPNP_KIND_STRUCT: return visit_struct(w, q, from, dst);
	case CAPNP_KIND_LIST: return visit_list(w, q, from, dst);
	case CAPNP_KIND_CAP: return visit_cap(w, q, dst);
	default: return capnp_fail(w->msg, kind);
	}
}

/* Visits every slot of every frame until the stack is empty or an error. A
 * frame at index i holds slots whose targets have depth - 1 - i levels left. */
static int run(struct walker *w)
{
	while (w->sp > 0) {
		struct walk_frame *f = &w->stack[w->sp - 1];
		w->steps++;
		if (f->left == 0) {
			w->sp--;
			continue;
		}
		const uint8_t *end, *base = seg_at(w, f->seg, &end);
		struct capnp_ptr q = { w->msg, base, end, base + (size_t)f->slot * 8,
			               w->depth - (int32_t)w->sp };
		uint8_t *dst = w->b ? w->b->buf + ((int64_t)f->slot + w->delta[w->sp - 1]) * 8 : NULL;
		uint8_t from = f->seg;
		next_slot(f);
		if (capnp_load64(q.p) == 0)
			continue;
		int err = visit(w, &q, from, dst);
		if (err)
			return err;
	}
	return CAPNP_OK;
}

/* Walks from the non-null pointer p (copying to the slot dst if b, with
 * delta[CAPNP_WALK_MAX_NESTING] for the copy's frames). */
static int walk_from(struct walker *w, struct capnp_ptr p, struct capnp_builder *b,
                     int32_t *delta, uint8_t *dst)
{
	w->msg = p.msg;
	w->start = p.seg;
	w->start_end = p.seg_end;
	w->b = b;
	w->delta = delta;
	w->depth = p.depth < CAPNP_WALK_MAX_NESTING ? p.depth : CAPNP_WALK_MAX_NESTING;
	w->sp = 0;
	w->steps = 1;
	p.depth = w->depth;
	int err = visit(w, &p, SEG_START, dst);
	return err ? err : run(w);
}

int capnp_walk(struct capnp_ptr p, struct capnp_walk_stats *stats)
{
	struct walker w;
	uint64_t before = p.msg ? p.msg->traversal_left : 0;
	w.steps = 0;
	int err = capnp_ptr_is_null(p) ? CAPNP_OK : walk_from(&w, p, NULL, NULL, NULL);
	if (stats) {
		stats->words = p.msg ? before - p.msg->traversal_left : 0;
		stats->steps = w.steps;
	}
	return err;
}

int capnp_msg_validate(struct capnp_msg *m)
{
	if (m->err)
		return m->err;
	if (m->nsegs == 0)
		return capnp_fail(m, CAPNP_ERR_NO_ROOT);
	return capnp_walk(capnp_msg_root(m), NULL);
}

int capnp_pb_copy(struct capnp_pb dst, struct capnp_ptr src)
{
	int kind = capnp_ptr_kind(src);
	if (!dst.slot)
		return dst.b ? dst.b->err : CAPNP_ERR_NULL_BUILDER;
	if (kind < 0)
		return capnp_fail(src.msg, kind);
	if (kind == CAPNP_KIND_NULL) {
		capnp_pb_set_null(dst);
		return CAPNP_OK;
	}
	struct walker w;
	int32_t delta[CAPNP_WALK_MAX_NESTING];
	return walk_from(&w, src, dst.b, delta, dst.slot);
}
