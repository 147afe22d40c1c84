/* Cap'n Proto reader: segment table, pointer resolution, struct/list/text.
 *
 * Every position is computed as a word index inside its segment, checked
 * against the segment size, and only then turned into an address, so no
 * out-of-bounds pointer is ever formed. */
#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"

/* Records err as m's first error (if m has none yet); returns err. */
int capnp_fail(struct capnp_msg *m, int err)
{
	if (m && m->err == CAPNP_OK)
		m->err = err;
	return err;
}

/* Charges words against m's traversal limit. Returns CAPNP_OK or
 * CAPNP_ERR_TRAVERSAL_LIMIT (and then the budget is spent). */
int capnp_charge(struct capnp_msg *m, uint64_t words)
{
	if (!m)
		return CAPNP_OK;
	if (words > m->traversal_left) {
		m->traversal_left = 0;
		return capnp_fail(m, CAPNP_ERR_TRAVERSAL_LIMIT);
	}
	m->traversal_left -= words;
	return CAPNP_OK;
}

static void msg_reset(struct capnp_msg *m, const struct capnp_limits *limits)
{
	m->nsegs = 0;
	m->err = CAPNP_OK;
	m->size_bytes = 0;
	m->traversal_left = limits ? limits->traversal_words : CAPNP_DEFAULT_TRAVERSAL_WORDS;
	m->nesting = limits ? limits->nesting : CAPNP_DEFAULT_NESTING;
}

/* Reads the segment table at buf: u32 (count - 1), count u32 sizes in words,
 * padding to a word boundary, then the segments back to back. */
int capnp_msg_init(struct capnp_msg *m, const void *buf, size_t len,
                   const struct capnp_limits *limits)
{
	const uint8_t *b = buf;
	msg_reset(m, limits);
	if (len < 4)
		return capnp_fail(m, CAPNP_ERR_SEGTABLE_TRUNCATED);
	uint64_t count = (uint64_t)capnp_load32(b) + 1;
	if (count > CAPNP_MAX_SEGMENTS)
		return capnp_fail(m, CAPNP_ERR_SEGMENT_COUNT);
	uint64_t table = ((count + 2) / 2) * 8; /* 4 + 4 * count, rounded up */
	if (len < table)
		return capnp_fail(m, CAPNP_ERR_SEGTABLE_TRUNCATED);
	uint64_t off = table;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t words = capnp_load32(b + 4 + 4 * i);
		if (words * 8 > len - off)
			return capnp_fail(m, CAPNP_ERR_SEGMENT_SIZE);
		m->segs[i].base = b + off;
		m->segs[i].words = (uint32_t)words;
		off += words * 8;
	}
	if (m->segs[0].words == 0)
		return capnp_fail(m, CAPNP_ERR_NO_ROOT);
	if (off > UINT32_MAX)
		return capnp_fail(m, CAPNP_ERR_SEGMENT_SIZE);
	m->nsegs = (uint32_t)count;
	m->size_bytes = (uint32_t)off;
	return CAPNP_OK;
}

/* One unframed segment: used for constants emitted by the code generator. */
int capnp_msg_init_flat(struct capnp_msg *m, const void *words, size_t nwords,
                        const struct capnp_limits *limits)
{
	msg_reset(m, limits);
	if (nwords == 0)
		return capnp_fail(m, CAPNP_ERR_NO_ROOT);
	if (nwords > UINT32_MAX / 8)
		return capnp_fail(m, CAPNP_ERR_SEGMENT_SIZE);
	m->segs[0].base = words;
	m->segs[0].words = (uint32_t)nwords;
	m->nsegs = 1;
	m->size_bytes = (uint32_t)(nwords * 8);
	return CAPNP_OK;
}

struct capnp_ptr capnp_msg_root(struct capnp_msg *m)
{
	struct capnp_ptr p = { m, NULL, NULL, NULL, m->nesting };
	if (m->nsegs > 0) {
		p.seg = m->segs[0].base;
		p.seg_end = p.seg + (size_t)m->segs[0].words * 8;
		p.p = p.seg;
	}
	return p;
}

/* Words in the segment [seg, seg_end). */
static inline uint64_t seg_words(const uint8_t *seg, const uint8_t *seg_end)
{
	return (uint64_t)(seg_end - seg) / 8;
}

/* Follows the far pointer w (read from p) to its landing pad. On success
 * t->tag is the pointer describing the object and t->seg/t->idx where its
 * content starts (t->idx may be out of range; callers check sizes). */
int capnp_follow_far(const struct capnp_ptr *p, uint64_t w, struct capnp_target *t)
{
	struct capnp_msg *m = p->msg;
	uint32_t segid = (uint32_t)(w >> 32);
	uint64_t pad = (w >> 3) & 0x1fffffff;
	bool dbl = (w >> 2) & 1;
	if (!m || segid >= m->nsegs)
		return CAPNP_ERR_FAR_SEGMENT;
	const struct capnp_seg *s = &m->segs[segid];
	if (pad + (dbl ? 2 : 1) > s->words)
		return CAPNP_ERR_FAR_PAD_OOB;
	const uint8_t *padp = s->base + pad * 8;
	uint64_t first = capnp_load64(padp);
	if (!dbl) {
		if (CAPNP_PTR_KIND(first) == CAPNP_WIRE_FAR)
			return CAPNP_ERR_FAR_LOOP;
		t->tag = first;
		t->seg = s->base;
		t->seg_end = s->base + (size_t)s->words * 8;
		t->idx = (int64_t)pad + 1 + CAPNP_PTR_OFFSET(first);
		return CAPNP_OK;
	}
	/* Double far: a far pointer to the content, then a tag word. */
	uint64_t tag = capnp_load64(padp + 8);
	if (CAPNP_PTR_KIND(first) != CAPNP_WIRE_FAR || ((first >> 2) & 1) ||
	    CAPNP_PTR_KIND(tag) == CAPNP_WIRE_FAR || CAPNP_PTR_KIND(tag) == CAPNP_WIRE_OTHER)
		return CAPNP_ERR_FAR_BAD_PAD;
	uint32_t seg2 = (uint32_t)(first >> 32);
	if (seg2 >= m->nsegs)
		return CAPNP_ERR_FAR_SEGMENT;
	t->tag = tag;
	t->seg = m->segs[seg2].base;
	t->seg_end = t->seg + (size_t)m->segs[seg2].words * 8;
	t->idx = (int64_t)((first >> 3) & 0x1fffffff);
	return CAPNP_OK;
}

/* True when words [idx, idx + n) lie inside t's segment. */
static inline bool in_bounds(const struct capnp_target *t, int64_t idx, uint64_t n)
{
	return idx >= 0 && (uint64_t)idx <= seg_words(t->seg, t->seg_end) &&
	       n <= seg_words(t->seg, t->seg_end) - (uint64_t)idx;
}

int capnp_ptr_kind(struct capnp_ptr p)
{
	if (capnp_ptr_is_null(p))
		return CAPNP_KIND_NULL;
	struct capnp_target t;
	int err = capnp_resolve(&p, capnp_load64(p.p), &t);
	if (err)
		return err;
	switch (CAPNP_PTR_KIND(t.tag)) {
	case CAPNP_WIRE_STRUCT: return CAPNP_KIND_STRUCT;
	case CAPNP_WIRE_LIST: return CAPNP_KIND_LIST;
	default:
		return (t.tag & 0xfffffffcu) == 0 ? CAPNP_KIND_CAP : CAPNP_ERR_RESERVED_POINTER;
	}
}

/* A pointer into a trusted default blob { n, words[n] }. */
static struct capnp_ptr default_ptr(const struct capnp_ptr *p, const uint64_t *dflt)
{
	const uint8_t *base = (const uint8_t *)(dflt + 1);
	struct capnp_ptr d = { p->msg, base, base + dflt[0] * 8, base, p->depth };
	return d;
}

static void empty_struct(struct capnp_struct *out, const struct capnp_ptr *p)
{
	*out = (struct capnp_struct){ .msg = p->msg, .depth = p->depth - 1 };
}

/* Validates a non-null struct pointer at p and fills *out. */
static int read_struct(const struct capnp_ptr *p, struct capnp_struct *out)
{
	struct capnp_target t;
	int err = capnp_resolve(p, capnp_load64(p->p), &t);
	if (err)
		return err;
	if (CAPNP_PTR_KIND(t.tag) != CAPNP_WIRE_STRUCT)
		return CAPNP_ERR_WRONG_KIND;
	if (p->depth <= 0)
		return CAPNP_ERR_NESTING_LIMIT;
	uint32_t dw = CAPNP_STRUCT_DW(t.tag), pc = CAPNP_STRUCT_PC(t.tag);
	if (!in_bounds(&t, t.idx, (uint64_t)dw + pc))
		return CAPNP_ERR_STRUCT_OOB;
	err = capnp_charge(p->msg, dw + pc ? dw + pc : 1);
	if (err)
		return err;
	out->msg = p->msg;
	out->seg = t.seg;
	out->seg_end = t.seg_end;
	out->data = t.seg + t.idx * 8;
	out->ptrs = out->data + (size_t)dw * 8;
	out->data_bytes = dw * 8;
	out->nptrs = (uint16_t)pc;
	out->depth = p->depth - 1;
	return CAPNP_OK;
}

/* capnp_ptr_struct() with p by reference. */
static int ptr_struct(const struct capnp_ptr *p, struct capnp_struct *out, const uint64_t *dflt)
{
	int err = CAPNP_OK;
	if (!capnp_ptr_is_null(*p)) {
		err = read_struct(p, out);
		if (err == CAPNP_OK)
			return CAPNP_OK;
		capnp_fail(p->msg, err);
	}
	if (dflt) {
		struct capnp_ptr d = default_ptr(p, dflt);
		if (read_struct(&d, out) == CAPNP_OK)
			return err;
	}
	empty_struct(out, p);
	return err;
}

int capnp_ptr_struct(struct capnp_ptr p, struct capnp_struct *out, const uint64_t *dflt)
{
	return ptr_struct(&p, out, dflt);
}

struct capnp_struct capnp_read_struct(const struct capnp_struct *s, uint32_t idx,
                                      const uint64_t *dflt)
{
	struct capnp_struct out;
	struct capnp_ptr p = capnp_struct_ptr(s, idx);
	ptr_struct(&p, &out, dflt);
	return out;
}

uint32_t capnp_read_cap(const struct capnp_struct *s, uint32_t idx)
{
	uint32_t cap;
	capnp_ptr_cap(capnp_struct_ptr(s, idx), &cap);
	return cap;
}

int capnp_ptr_cap(struct capnp_ptr p, uint32_t *index)
{
	*index = CAPNP_CAP_NONE;
	if (capnp_ptr_is_null(p))
		return CAPNP_OK;
	struct capnp_target t;
	int err = capnp_resolve(&p, capnp_load64(p.p), &t);
	if (err == CAPNP_OK && CAPNP_PTR_KIND(t.tag) != CAPNP_WIRE_OTHER)
		err = CAPNP_ERR_WRONG_KIND;
	if (err == CAPNP_OK && (t.tag & 0xfffffffcu) != 0)
		err = CAPNP_ERR_RESERVED_POINTER;
	if (err)
		return capnp_fail(p.msg, err);
	*index = (uint32_t)(t.tag >> 32);
	return CAPNP_OK;
}

const char *capnp_strerror(int err)
{
	static const char *const names[CAPNP_ERR_COUNT] = {
		"CAPNP_OK", "CAPNP_ERR_SEGTABLE_TRUNCATED", "CAPNP_ERR_SEGMENT_COUNT",
		"CAPNP_ERR_SEGMENT_SIZE", "CAPNP_ERR_NO_ROOT", "CAPNP_ERR_STRUCT_OOB",
		"CAPNP_ERR_LIST_OOB", "CAPNP_ERR_COMPOSITE_TAG", "CAPNP_ERR_FAR_SEGMENT",
		"CAPNP_ERR_FAR_PAD_OOB", "CAPNP_ERR_FAR_LOOP", "CAPNP_ERR_FAR_BAD_PAD",
		"CAPNP_ERR_NESTING_LIMIT", "CAPNP_ERR_TRAVERSAL_LIMIT", "CAPNP_ERR_TEXT_NO_NUL",
		"CAPNP_ERR_WRONG_KIND", "CAPNP_ERR_LIST_ELEMENT", "CAPNP_ERR_RESERVED_POINTER",
		"CAPNP_ERR_INDEX", "CAPNP_ERR_ARENA_FULL", "CAPNP_ERR_TOO_LARGE",
		"CAPNP_ERR_NULL_BUILDER",
	};
	if (err > 0 || err <= -CAPNP_ERR_COUNT)
		return "?";
	return names[-err];
}
