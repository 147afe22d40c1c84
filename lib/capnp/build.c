/* Cap'n Proto builder: bump allocation in one segment, pointer encoding. */
#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"
#include "lib/mem.h"

static int bfail(struct capnp_builder *b, int err)
{
	if (b->err == CAPNP_OK)
		b->err = err;
	return err;
}

void capnp_builder_init(struct capnp_builder *b, void *buf, size_t bytes)
{
	b->buf = buf;
	/* Pointer offsets are 30-bit signed words: keep the segment smaller. */
	b->cap_words = bytes / 8 > CAPNP_MAX_LIST_COUNT ? CAPNP_MAX_LIST_COUNT : (uint32_t)(bytes / 8);
	b->used = 2;
	b->err = CAPNP_OK;
	if (b->cap_words < 2) {
		b->cap_words = 0;
		b->used = 0;
		bfail(b, CAPNP_ERR_ARENA_FULL);
		return;
	}
	memset(b->buf, 0, 16);
}

size_t capnp_builder_finish(struct capnp_builder *b)
{
	if (b->err)
		return 0;
	uint32_t table[2] = { 0, b->used - 1 }; /* one segment, its size in words */
	capnp_store(b->buf, table, 8);
	return (size_t)b->used * 8;
}

struct capnp_pb capnp_builder_root(struct capnp_builder *b)
{
	struct capnp_pb p = { b, b->cap_words ? b->buf + 8 : NULL };
	return p;
}

/* Allocates words zeroed words; returns their address or NULL (recorded). */
static uint8_t *alloc(struct capnp_builder *b, uint64_t words)
{
	if (words > b->cap_words - b->used) {
		bfail(b, CAPNP_ERR_ARENA_FULL);
		return NULL;
	}
	uint8_t *p = b->buf + (size_t)b->used * 8;
	b->used += (uint32_t)words;
	memset(p, 0, (size_t)words * 8);
	return p;
}

static void store64(uint8_t *p, uint64_t v) { capnp_store(p, &v, 8); }

/* The offset field of a pointer at slot to an object at obj (same segment). */
static uint64_t offset_bits(const uint8_t *slot, const uint8_t *obj)
{
	int64_t off = (obj - (slot + 8)) / 8;
	return (uint64_t)(uint32_t)((int32_t)off << 2);
}

/* True if the slot is usable; a dropped slot records CAPNP_ERR_NULL_BUILDER
 * unless an earlier error explains it. */
static bool slot_ok(struct capnp_pb p)
{
	if (p.slot)
		return true;
	if (p.b)
		bfail(p.b, CAPNP_ERR_NULL_BUILDER);
	return false;
}

struct capnp_sb capnp_pb_init_struct(struct capnp_pb p, uint16_t dw, uint16_t pc)
{
	struct capnp_sb s = { p.b, NULL, NULL, 0, 0 };
	if (!slot_ok(p))
		return s;
	uint8_t *obj = alloc(p.b, (uint64_t)dw + pc);
	if (!obj)
		return s;
	/* A zero-sized struct points just before itself: offset -1 keeps the
	 * word from reading as a null pointer. */
	uint64_t off = dw + pc ? offset_bits(p.slot, obj) : 0xfffffffcu;
	store64(p.slot, off | CAPNP_WIRE_STRUCT | (uint64_t)dw << 32 | (uint64_t)pc << 48);
	s.data = obj;
	s.ptrs = obj + (size_t)dw * 8;
	s.dw = dw;
	s.pc = pc;
	return s;
}

struct capnp_lb capnp_pb_init_list(struct capnp_pb p, enum capnp_elem esize, uint32_t count)
{
	struct capnp_lb l = { .b = p.b };
	if (esize == CAPNP_ELEM_COMPOSITE)
		return capnp_pb_init_struct_list(p, count, 0, 0);
	if (!slot_ok(p))
		return l;
	if (count > CAPNP_MAX_LIST_COUNT || (unsigned)esize > CAPNP_ELEM_POINTER) {
		bfail(p.b, CAPNP_ERR_TOO_LARGE);
		return l;
	}
	uint32_t step = capnp_elem_data_bits[esize] + 64u * capnp_elem_ptrs[esize];
	uint8_t *obj = alloc(p.b, ((uint64_t)count * step + 63) / 64);
	if (!obj)
		return l;
	store64(p.slot, offset_bits(p.slot, obj) | CAPNP_WIRE_LIST | (uint64_t)esize << 32 |
	                    (uint64_t)count << 35);
	l.elems = obj;
	l.count = count;
	l.step_bits = step;
	l.data_bits = capnp_elem_data_bits[esize];
	l.nptrs = capnp_elem_ptrs[esize];
	l.esize = (uint8_t)esize;
	return l;
}

struct capnp_lb capnp_pb_init_struct_list(struct capnp_pb p, uint32_t count, uint16_t dw,
                                          uint16_t pc)
{
	struct capnp_lb l = { .b = p.b };
	if (!slot_ok(p))
		return l;
	uint64_t per = (uint64_t)dw + pc, words = per * count;
	if (count > CAPNP_MAX_LIST_COUNT || words > CAPNP_MAX_LIST_COUNT) {
		bfail(p.b, CAPNP_ERR_TOO_LARGE);
		return l;
	}
	uint8_t *tag = alloc(p.b, words + 1);
	if (!tag)
		return l;
	store64(tag, (uint64_t)count << 2 | CAPNP_WIRE_STRUCT | (uint64_t)dw << 32 |
	                 (uint64_t)pc << 48);
	store64(p.slot, offset_bits(p.slot, tag) | CAPNP_WIRE_LIST |
	                    (uint64_t)CAPNP_ELEM_COMPOSITE << 32 | words << 35);
	l.elems = tag + 8;
	l.count = count;
	l.step_bits = (uint32_t)(per * 64);
	l.data_bits = dw * 64u;
	l.nptrs = pc;
	l.esize = CAPNP_ELEM_COMPOSITE;
	return l;
}

/* A byte list of len + extra bytes holding s[0, len) then zeros. */
static int set_bytes(struct capnp_pb p, const void *s, size_t len, size_t extra)
{
	if (!slot_ok(p))
		return p.b ? p.b->err : CAPNP_ERR_NULL_BUILDER;
	if (len > CAPNP_MAX_LIST_COUNT - extra)
		return bfail(p.b, CAPNP_ERR_TOO_LARGE);
	struct capnp_lb l = capnp_pb_init_list(p, CAPNP_ELEM_BYTE, (uint32_t)(len + extra));
	if (!l.elems)
		return p.b->err;
	if (len)
		memcpy(l.elems, s, len);
	return CAPNP_OK;
}

int capnp_pb_set_text(struct capnp_pb p, const char *s, size_t len)
{
	return set_bytes(p, s, len, 1);
}

int capnp_pb_set_data(struct capnp_pb p, const void *d, size_t len)
{
	return set_bytes(p, d, len, 0);
}

int capnp_pb_set_cap(struct capnp_pb p, uint32_t index)
{
	if (!slot_ok(p))
		return p.b ? p.b->err : CAPNP_ERR_NULL_BUILDER;
	store64(p.slot, (uint64_t)index << 32 | CAPNP_WIRE_OTHER);
	return CAPNP_OK;
}

void capnp_pb_set_null(struct capnp_pb p)
{
	if (slot_ok(p))
		store64(p.slot, 0);
}

uint8_t *capnp_lb_elem(struct capnp_lb l, uint32_t i, uint32_t need_bits)
{
	if (!l.elems) {
		if (l.b)
			bfail(l.b, CAPNP_ERR_NULL_BUILDER);
		return NULL;
	}
	if (i >= l.count) {
		bfail(l.b, CAPNP_ERR_INDEX);
		return NULL;
	}
	if (l.data_bits < need_bits)
		return NULL;
	return l.elems + (uint64_t)i * l.step_bits / 8;
}

struct capnp_sb capnp_lb_struct(struct capnp_lb l, uint32_t i)
{
	struct capnp_sb s = { l.b, NULL, NULL, 0, 0 };
	uint8_t *e = capnp_lb_elem(l, i, 0);
	if (!e || l.esize != CAPNP_ELEM_COMPOSITE)
		return s;
	s.data = e;
	s.dw = (uint16_t)(l.data_bits / 64);
	s.ptrs = e + (size_t)s.dw * 8;
	s.pc = l.nptrs;
	return s;
}

struct capnp_pb capnp_lb_ptr(struct capnp_lb l, uint32_t i)
{
	struct capnp_pb p = { l.b, NULL };
	uint8_t *e = capnp_lb_elem(l, i, 0);
	if (e && l.nptrs > 0)
		p.slot = e + l.data_bits / 8;
	return p;
}
