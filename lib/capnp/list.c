/* Cap'n Proto reader: lists, text, data, and list elements. */
#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"

/* Checks that elements of data_bits data and nptrs pointers can be read as
 * expect (the C++ implementation's compatibility rules: a struct list may be
 * read as a list of its first field and vice versa, bit lists only as bits). */
static int check_compatible(unsigned esize, enum capnp_elem expect, uint32_t data_bits,
                            uint32_t nptrs)
{
	if (esize == CAPNP_ELEM_BIT && expect != CAPNP_ELEM_BIT && expect != CAPNP_ELEM_VOID)
		return CAPNP_ERR_LIST_ELEMENT;
	if (esize == CAPNP_ELEM_COMPOSITE && expect == CAPNP_ELEM_BIT)
		return CAPNP_ERR_LIST_ELEMENT;
	if (expect == CAPNP_ELEM_COMPOSITE || expect == CAPNP_ELEM_VOID)
		return CAPNP_OK;
	if (data_bits < capnp_elem_data_bits[expect] || nptrs < capnp_elem_ptrs[expect])
		return CAPNP_ERR_LIST_ELEMENT;
	return CAPNP_OK;
}

/* Inline composite: t.idx is the tag word, followed by `words` words.
 * Fills *out (except the common fields) and the traversal *cost. */
static int read_composite(const struct capnp_target *t, struct capnp_list *out, uint64_t *cost)
{
	uint64_t words = CAPNP_LIST_COUNT(t->tag);
	uint64_t segw = (uint64_t)(t->seg_end - t->seg) / 8;
	if (t->idx < 0 || (uint64_t)t->idx >= segw || words > segw - (uint64_t)t->idx - 1)
		return CAPNP_ERR_LIST_OOB;
	const uint8_t *tagp = t->seg + t->idx * 8;
	uint64_t tag = capnp_load64(tagp);
	if (CAPNP_PTR_KIND(tag) != CAPNP_WIRE_STRUCT)
		return CAPNP_ERR_COMPOSITE_TAG;
	uint64_t count = (uint32_t)tag >> 2;
	uint32_t dw = CAPNP_STRUCT_DW(tag), pc = CAPNP_STRUCT_PC(tag);
	uint64_t per = (uint64_t)dw + pc;
	if (count * per > words)
		return CAPNP_ERR_COMPOSITE_TAG;
	out->elems = tagp + 8;
	out->count = (uint32_t)count;
	out->step_bits = (uint32_t)(per * 64);
	out->data_bits = dw * 64;
	out->nptrs = (uint16_t)pc;
	/* Zero-sized elements cost a word each: a tiny message must not make a
	 * reader loop 2^29 times. */
	*cost = per == 0 && count > words + 1 ? count : words + 1;
	return CAPNP_OK;
}

/* A list of non-composite elements starting at word t.idx. As above. */
static int read_flat(const struct capnp_target *t, unsigned esize, struct capnp_list *out,
                     uint64_t *cost)
{
	uint64_t count = CAPNP_LIST_COUNT(t->tag);
	uint32_t step = capnp_elem_data_bits[esize] + 64u * capnp_elem_ptrs[esize];
	uint64_t words = (count * step + 63) / 64;
	uint64_t segw = (uint64_t)(t->seg_end - t->seg) / 8;
	if (t->idx < 0 || (uint64_t)t->idx > segw || words > segw - (uint64_t)t->idx)
		return CAPNP_ERR_LIST_OOB;
	out->elems = t->seg + t->idx * 8;
	out->count = (uint32_t)count;
	out->step_bits = step;
	out->data_bits = capnp_elem_data_bits[esize];
	out->nptrs = capnp_elem_ptrs[esize];
	*cost = step == 0 ? count : words;
	return CAPNP_OK;
}

/* Validates the non-null list pointer at p and fills *out. */
static int read_list(const struct capnp_ptr *p, enum capnp_elem expect, struct capnp_list *out)
{
	struct capnp_target t;
	int err = capnp_resolve(p, capnp_load64(p->p), &t);
	if (err)
		return err;
	if (CAPNP_PTR_KIND(t.tag) != CAPNP_WIRE_LIST)
		return CAPNP_ERR_WRONG_KIND;
	if (p->depth <= 0)
		return CAPNP_ERR_NESTING_LIMIT;
	unsigned esize = CAPNP_LIST_ESIZE(t.tag);
	uint64_t cost;
	if (esize == CAPNP_ELEM_COMPOSITE)
		err = read_composite(&t, out, &cost);
	else
		err = read_flat(&t, esize, out, &cost);
	if (err == CAPNP_OK)
		err = check_compatible(esize, expect, out->data_bits, out->nptrs);
	/* Every object costs at least a word (an empty list too), so the budget
	 * also bounds how many pointers a reader follows. */
	if (err == CAPNP_OK)
		err = capnp_charge(p->msg, cost ? cost : 1);
	if (err)
		return err;
	out->msg = p->msg;
	out->seg = t.seg;
	out->seg_end = t.seg_end;
	out->esize = (uint8_t)esize;
	out->depth = p->depth - 1;
	return CAPNP_OK;
}

static void empty_list(struct capnp_list *out, const struct capnp_ptr *p)
{
	*out = (struct capnp_list){ .msg = p->msg, .depth = p->depth - 1 };
}

/* capnp_ptr_list() with p by reference. */
static int ptr_list(const struct capnp_ptr *p, enum capnp_elem expect, struct capnp_list *out,
                    const uint64_t *dflt)
{
	int err = CAPNP_OK;
	if (!capnp_ptr_is_null(*p)) {
		err = read_list(p, expect, out);
		if (err == CAPNP_OK)
			return CAPNP_OK;
		capnp_fail(p->msg, err);
	}
	if (dflt) {
		const uint8_t *base = (const uint8_t *)(dflt + 1);
		struct capnp_ptr d = { p->msg, base, base + dflt[0] * 8, base, p->depth };
		if (read_list(&d, expect, out) == CAPNP_OK)
			return err;
	}
	empty_list(out, p);
	return err;
}

int capnp_ptr_list(struct capnp_ptr p, enum capnp_elem expect, struct capnp_list *out,
                   const uint64_t *dflt)
{
	return ptr_list(&p, expect, out, dflt);
}

struct capnp_list capnp_read_list(const struct capnp_struct *s, uint32_t idx,
                                  enum capnp_elem expect, const uint64_t *dflt)
{
	struct capnp_list out;
	struct capnp_ptr p = capnp_struct_ptr(s, idx);
	ptr_list(&p, expect, &out, dflt);
	return out;
}

/* Reads the non-null byte list at p (text and data share it): exactly
 * byte elements, as the C++ implementation requires. */
static int read_bytes(const struct capnp_ptr *p, struct capnp_list *l)
{
	int err = read_list(p, CAPNP_ELEM_BYTE, l);
	if (err == CAPNP_OK && l->esize != CAPNP_ELEM_BYTE)
		err = CAPNP_ERR_LIST_ELEMENT;
	return err;
}

/* capnp_ptr_text() with p by reference. */
static int ptr_text(const struct capnp_ptr *p, struct capnp_text *out, const char *dflt,
                    uint32_t dlen)
{
	out->str = dflt ? dflt : "";
	out->len = dflt ? dlen : 0;
	if (capnp_ptr_is_null(*p))
		return CAPNP_OK;
	struct capnp_list l;
	int err = read_bytes(p, &l);
	if (err == CAPNP_OK && (l.count == 0 || l.elems[l.count - 1] != 0))
		err = CAPNP_ERR_TEXT_NO_NUL;
	if (err)
		return capnp_fail(p->msg, err);
	out->str = (const char *)l.elems;
	out->len = l.count - 1;
	return CAPNP_OK;
}

/* capnp_ptr_data() with p by reference. */
static int ptr_data(const struct capnp_ptr *p, struct capnp_data *out, const void *dflt,
                    uint32_t dlen)
{
	out->ptr = dflt;
	out->len = dflt ? dlen : 0;
	if (capnp_ptr_is_null(*p))
		return CAPNP_OK;
	struct capnp_list l;
	int err = read_bytes(p, &l);
	if (err)
		return capnp_fail(p->msg, err);
	out->ptr = l.count ? l.elems : NULL;
	out->len = l.count;
	return CAPNP_OK;
}

int capnp_ptr_text(struct capnp_ptr p, struct capnp_text *out, const char *dflt, uint32_t dlen)
{
	return ptr_text(&p, out, dflt, dlen);
}

int capnp_ptr_data(struct capnp_ptr p, struct capnp_data *out, const void *dflt, uint32_t dlen)
{
	return ptr_data(&p, out, dflt, dlen);
}

struct capnp_text capnp_read_text(const struct capnp_struct *s, uint32_t idx,
                                  const char *dflt, uint32_t dlen)
{
	struct capnp_text out;
	struct capnp_ptr p = capnp_struct_ptr(s, idx);
	ptr_text(&p, &out, dflt, dlen);
	return out;
}

struct capnp_data capnp_read_data(const struct capnp_struct *s, uint32_t idx,
                                  const void *dflt, uint32_t dlen)
{
	struct capnp_data out;
	struct capnp_ptr p = capnp_struct_ptr(s, idx);
	ptr_data(&p, &out, dflt, dlen);
	return out;
}

int capnp_list_index_error(const struct capnp_list *l)
{
	return capnp_fail(l->msg, CAPNP_ERR_INDEX);
}

struct capnp_struct capnp_list_struct(const struct capnp_list *l, uint32_t i)
{
	struct capnp_struct s = { .msg = l->msg, .depth = l->depth };
	if (i >= l->count) {
		capnp_list_index_error(l);
		return s;
	}
	s.seg = l->seg;
	s.seg_end = l->seg_end;
	s.data = l->elems + (uint64_t)i * l->step_bits / 8;
	s.data_bytes = l->data_bits / 8;
	s.ptrs = s.data + l->data_bits / 8;
	s.nptrs = l->nptrs;
	return s;
}

struct capnp_ptr capnp_list_ptr(const struct capnp_list *l, uint32_t i)
{
	struct capnp_struct s = capnp_list_struct(l, i);
	return capnp_struct_ptr(&s, 0);
}

struct capnp_text capnp_list_text(const struct capnp_list *l, uint32_t i)
{
	struct capnp_text out;
	capnp_ptr_text(capnp_list_ptr(l, i), &out, NULL, 0);
	return out;
}

struct capnp_data capnp_list_data(const struct capnp_list *l, uint32_t i)
{
	struct capnp_data out;
	capnp_ptr_data(capnp_list_ptr(l, i), &out, NULL, 0);
	return out;
}

struct capnp_list capnp_list_list(const struct capnp_list *l, uint32_t i, enum capnp_elem expect)
{
	struct capnp_list out;
	capnp_ptr_list(capnp_list_ptr(l, i), expect, &out, NULL);
	return out;
}
