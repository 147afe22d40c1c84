/* Cap'n Proto builder: writes a single-segment framed message into a
 * caller-provided arena. Included by lib/capnp/capnp.h.
 *
 * Objects are bump-allocated and zeroed in the arena; nothing is ever freed
 * (re-initializing a pointer abandons the old object). When the arena runs
 * out, the builder records CAPNP_ERR_ARENA_FULL and every later write is
 * dropped, so a sequence of writes is checked once, at capnp_builder_finish().
 * Builders of struct/list/pointer (sb/lb/pb) are small values that point into
 * the arena; a failed one has NULL pointers and ignores writes. */
#ifndef CAPOS_LIB_CAPNP_BUILD_H
#define CAPOS_LIB_CAPNP_BUILD_H

#include "lib/capnp/capnp.h"

struct capnp_builder {
	uint8_t *buf;       /* arena: word 0 is the segment table, word 1 the root */
	uint32_t cap_words; /* arena size in words */
	uint32_t used;      /* words allocated so far, table included */
	int32_t err;        /* first error (sticky), CAPNP_OK if none */
};

/* A struct being built: dw data words at data, then pc pointers at ptrs. */
struct capnp_sb {
	struct capnp_builder *b;
	uint8_t *data;
	uint8_t *ptrs;
	uint16_t dw, pc;
};

/* A list being built; element layout as in struct capnp_list. */
struct capnp_lb {
	struct capnp_builder *b;
	uint8_t *elems;
	uint32_t count;
	uint32_t step_bits;
	uint32_t data_bits;
	uint16_t nptrs;
	uint8_t esize;
};

/* A pointer slot to be filled. */
struct capnp_pb {
	struct capnp_builder *b;
	uint8_t *slot;
};

/* Starts a message in buf[0, bytes) (any alignment). Needs 16 bytes for the
 * segment table and root pointer; less records CAPNP_ERR_ARENA_FULL. */
void capnp_builder_init(struct capnp_builder *b, void *buf, size_t bytes);

/* Writes the segment table. Returns the message size in bytes (the message
 * is buf[0, size)), or 0 if any write failed (see capnp_builder_error()). */
size_t capnp_builder_finish(struct capnp_builder *b);

static inline int capnp_builder_error(const struct capnp_builder *b) { return b->err; }

/* The root pointer slot. */
struct capnp_pb capnp_builder_root(struct capnp_builder *b);

/* Pointer slots: allocate an object and point the slot at it. */
struct capnp_sb capnp_pb_init_struct(struct capnp_pb p, uint16_t dw, uint16_t pc);
struct capnp_lb capnp_pb_init_list(struct capnp_pb p, enum capnp_elem esize, uint32_t count);
struct capnp_lb capnp_pb_init_struct_list(struct capnp_pb p, uint32_t count, uint16_t dw,
                                          uint16_t pc);
/* Text s[0, len) plus a NUL; s need not be NUL-terminated. */
int capnp_pb_set_text(struct capnp_pb p, const char *s, size_t len);
int capnp_pb_set_data(struct capnp_pb p, const void *d, size_t len);
int capnp_pb_set_cap(struct capnp_pb p, uint32_t index);
void capnp_pb_set_null(struct capnp_pb p);
/* Deep-copies what src points to (lib/capnp/walk.c). Returns CAPNP_OK, a
 * reader error (recorded in src's message) or a builder error. */
int capnp_pb_copy(struct capnp_pb p, struct capnp_ptr src);

static inline struct capnp_sb capnp_init_root(struct capnp_builder *b, uint16_t dw, uint16_t pc)
{
	return capnp_pb_init_struct(capnp_builder_root(b), dw, pc);
}

/* The idx-th pointer slot of a struct (a dropped slot beyond its pointers). */
static inline struct capnp_pb capnp_sb_ptr(struct capnp_sb s, uint32_t idx)
{
	struct capnp_pb p = { s.b, NULL };
	if (s.ptrs && idx < s.pc)
		p.slot = s.ptrs + (size_t)idx * 8;
	return p;
}

/* Field writes: off in units of the field's size; writes outside the data
 * section are dropped (the generated code never makes them). */
static inline void capnp_store(uint8_t *p, const void *v, size_t n) { __builtin_memcpy(p, v, n); }

static inline void capnp_set_bool(struct capnp_sb s, uint32_t bit, bool v)
{
	if (bit / 8 < (uint32_t)s.dw * 8 && s.data) {
		uint8_t m = (uint8_t)(1u << (bit % 8));
		s.data[bit / 8] = (uint8_t)(v ? s.data[bit / 8] | m : s.data[bit / 8] & ~m);
	}
}
static inline void capnp_set_u8(struct capnp_sb s, uint32_t off, uint8_t v)
{
	if (off < (uint32_t)s.dw * 8 && s.data)
		s.data[off] = v;
}
static inline void capnp_set_u16(struct capnp_sb s, uint32_t off, uint16_t v)
{
	if ((uint64_t)off * 2 + 2 <= (uint32_t)s.dw * 8 && s.data)
		capnp_store(s.data + (size_t)off * 2, &v, 2);
}
static inline void capnp_set_u32(struct capnp_sb s, uint32_t off, uint32_t v)
{
	if ((uint64_t)off * 4 + 4 <= (uint32_t)s.dw * 8 && s.data)
		capnp_store(s.data + (size_t)off * 4, &v, 4);
}
static inline void capnp_set_u64(struct capnp_sb s, uint32_t off, uint64_t v)
{
	if ((uint64_t)off * 8 + 8 <= (uint32_t)s.dw * 8 && s.data)
		capnp_store(s.data + (size_t)off * 8, &v, 8);
}

/* List elements: an index out of range records CAPNP_ERR_INDEX. */
uint8_t *capnp_lb_elem(struct capnp_lb l, uint32_t i, uint32_t need_bits);

static inline void capnp_lb_set_bool(struct capnp_lb l, uint32_t i, bool v)
{
	uint8_t *e = capnp_lb_elem(l, i, 1);
	if (e) {
		uint8_t m = (uint8_t)(1u << (((uint64_t)i * l.step_bits) % 8));
		*e = (uint8_t)(v ? *e | m : *e & ~m);
	}
}
static inline void capnp_lb_set_u8(struct capnp_lb l, uint32_t i, uint8_t v)
{
	uint8_t *e = capnp_lb_elem(l, i, 8);
	if (e)
		*e = v;
}
static inline void capnp_lb_set_u16(struct capnp_lb l, uint32_t i, uint16_t v)
{
	uint8_t *e = capnp_lb_elem(l, i, 16);
	if (e)
		capnp_store(e, &v, 2);
}
static inline void capnp_lb_set_u32(struct capnp_lb l, uint32_t i, uint32_t v)
{
	uint8_t *e = capnp_lb_elem(l, i, 32);
	if (e)
		capnp_store(e, &v, 4);
}
static inline void capnp_lb_set_u64(struct capnp_lb l, uint32_t i, uint64_t v)
{
	uint8_t *e = capnp_lb_elem(l, i, 64);
	if (e)
		capnp_store(e, &v, 8);
}

/* Element i of a struct list; element i's pointer slot of a pointer list. */
struct capnp_sb capnp_lb_struct(struct capnp_lb l, uint32_t i);
struct capnp_pb capnp_lb_ptr(struct capnp_lb l, uint32_t i);

#endif
