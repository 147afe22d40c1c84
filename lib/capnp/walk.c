/* Schema-less traversal of a message: validation and deep copy.
 *
 * Recursion is bounded by the reader's nesting limit: every level follows a
 * pointer, which costs one level of depth. */
#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"
#include "lib/mem.h"

static int walk_ptr(struct capnp_ptr p);

static int walk_struct(const struct capnp_struct *s)
{
	for (uint32_t i = 0; i < s->nptrs; i++) {
		int err = walk_ptr(capnp_struct_ptr(s, i));
		if (err)
			return err;
	}
	return CAPNP_OK;
}

static int walk_list(const struct capnp_list *l)
{
	if (l->nptrs == 0)
		return CAPNP_OK;
	for (uint32_t i = 0; i < l->count; i++) {
		struct capnp_struct s = capnp_list_struct(l, i);
		int err = walk_struct(&s);
		if (err)
			return err;
	}
	return CAPNP_OK;
}

/* The kind of the non-null pointer at p; only far pointers need resolving. */
static int kind_of(const struct capnp_ptr *p, uint64_t w)
{
	switch (CAPNP_PTR_KIND(w)) {
	case CAPNP_WIRE_STRUCT: return CAPNP_KIND_STRUCT;
	case CAPNP_WIRE_LIST: return CAPNP_KIND_LIST;
	default: return capnp_ptr_kind(*p);
	}
}

/* Reads the object at p and everything below it. */
static int walk_ptr(struct capnp_ptr p)
{
	struct capnp_struct s;
	struct capnp_list l;
	uint32_t cap;
	uint64_t w = p.p ? capnp_load64(p.p) : 0;
	if (w == 0)
		return CAPNP_OK;
	int err, kind = kind_of(&p, w);
	switch (kind) {
	case CAPNP_KIND_STRUCT:
		err = capnp_ptr_struct(p, &s, NULL);
		return err ? err : walk_struct(&s);
	case CAPNP_KIND_LIST:
		err = capnp_ptr_list(p, CAPNP_ELEM_VOID, &l, NULL);
		return err ? err : walk_list(&l);
	case CAPNP_KIND_CAP:
		return capnp_ptr_cap(p, &cap);
	default:
		return capnp_fail(p.msg, kind);
	}
}

int capnp_walk(struct capnp_ptr p, uint64_t *words)
{
	uint64_t before = p.msg ? p.msg->traversal_left : 0;
	int err = walk_ptr(p);
	if (words)
		*words = p.msg ? before - p.msg->traversal_left : 0;
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

/* ---- deep copy ---- */

static int copy_fields(struct capnp_sb d, const struct capnp_struct *s)
{
	if (s->data_bytes)
		memcpy(d.data, s->data, s->data_bytes);
	for (uint32_t i = 0; i < s->nptrs; i++) {
		int err = capnp_pb_copy(capnp_sb_ptr(d, i), capnp_struct_ptr(s, i));
		if (err)
			return err;
	}
	return CAPNP_OK;
}

static int copy_struct(struct capnp_pb dst, struct capnp_ptr src)
{
	struct capnp_struct s;
	int err = capnp_ptr_struct(src, &s, NULL);
	if (err)
		return err;
	struct capnp_sb d = capnp_pb_init_struct(dst, (uint16_t)((s.data_bytes + 7) / 8), s.nptrs);
	if (!d.data)
		return dst.b->err;
	return copy_fields(d, &s);
}

static int copy_composite(struct capnp_pb dst, const struct capnp_list *l)
{
	struct capnp_lb d = capnp_pb_init_struct_list(dst, l->count, (uint16_t)(l->data_bits / 64),
	                                              l->nptrs);
	if (!d.elems)
		return dst.b->err;
	for (uint32_t i = 0; i < l->count; i++) {
		struct capnp_struct s = capnp_list_struct(l, i);
		int err = copy_fields(capnp_lb_struct(d, i), &s);
		if (err)
			return err;
	}
	return CAPNP_OK;
}

static int copy_list(struct capnp_pb dst, struct capnp_ptr src)
{
	struct capnp_list l;
	int err = capnp_ptr_list(src, CAPNP_ELEM_VOID, &l, NULL);
	if (err)
		return err;
	if (l.esize == CAPNP_ELEM_COMPOSITE)
		return copy_composite(dst, &l);
	struct capnp_lb d = capnp_pb_init_list(dst, l.esize, l.count);
	if (!d.elems)
		return dst.b->err;
	if (l.esize != CAPNP_ELEM_POINTER) {
		memcpy(d.elems, l.elems, ((uint64_t)l.count * l.step_bits + 7) / 8);
		return CAPNP_OK;
	}
	for (uint32_t i = 0; i < l.count; i++) {
		err = capnp_pb_copy(capnp_lb_ptr(d, i), capnp_list_ptr(&l, i));
		if (err)
			return err;
	}
	return CAPNP_OK;
}

int capnp_pb_copy(struct capnp_pb dst, struct capnp_ptr src)
{
	uint32_t cap;
	int err, kind = capnp_ptr_kind(src);
	if (!dst.slot)
		return dst.b ? dst.b->err : CAPNP_ERR_NULL_BUILDER;
	switch (kind) {
	case CAPNP_KIND_NULL:
		capnp_pb_set_null(dst);
		return CAPNP_OK;
	case CAPNP_KIND_STRUCT:
		return copy_struct(dst, src);
	case CAPNP_KIND_LIST:
		return copy_list(dst, src);
	case CAPNP_KIND_CAP:
		err = capnp_ptr_cap(src, &cap);
		return err ? err : capnp_pb_set_cap(dst, cap);
	default:
		return capnp_fail(src.msg, kind);
	}
}
