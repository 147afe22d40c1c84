/* Internal to lib/capnp: the wire format of pointers.
 *
 * A pointer is one little-endian 64-bit word; bits 0-1 are its kind:
 *   struct: bits 2-31 signed word offset from the end of the pointer to the
 *           data section, 32-47 data words, 48-63 pointer words;
 *   list:   bits 2-31 offset, 32-34 element size (enum capnp_elem), 35-63
 *           element count (for composite lists: words, not counting the tag
 *           word, which is struct-pointer-shaped with the element count in
 *           its offset field);
 *   far:    bit 2 double-far, bits 3-31 landing pad word offset, 32-63
 *           segment id;
 *   other:  bits 2-31 zero for a capability, 32-63 capability index. */
#ifndef CAPOS_LIB_CAPNP_WIRE_H
#define CAPOS_LIB_CAPNP_WIRE_H

#include "lib/capnp/capnp.h"

enum {
	CAPNP_WIRE_STRUCT = 0,
	CAPNP_WIRE_LIST = 1,
	CAPNP_WIRE_FAR = 2,
	CAPNP_WIRE_OTHER = 3,
};

#define CAPNP_PTR_KIND(w) ((unsigned)((w) & 3))
/* Signed 30-bit offset (arithmetic shift of the low 32 bits). */
#define CAPNP_PTR_OFFSET(w) ((int64_t)((int32_t)(uint32_t)(w) >> 2))
#define CAPNP_STRUCT_DW(w) ((uint32_t)(((w) >> 32) & 0xffff))
#define CAPNP_STRUCT_PC(w) ((uint32_t)((w) >> 48))
#define CAPNP_LIST_ESIZE(w) ((unsigned)(((w) >> 32) & 7))
#define CAPNP_LIST_COUNT(w) ((uint32_t)((w) >> 35))

/* Where a resolved pointer's object lives: its describing pointer (tag), its
 * segment, and the word index of its content in that segment (unchecked). */
struct capnp_target {
	uint64_t tag;
	const uint8_t *seg, *seg_end;
	int64_t idx;
};

/* Records err as m's first error (m may be NULL); returns err. */
int capnp_fail(struct capnp_msg *m, int err);
/* Charges words against m's traversal budget: CAPNP_OK or
 * CAPNP_ERR_TRAVERSAL_LIMIT (the budget is then spent). */
int capnp_charge(struct capnp_msg *m, uint64_t words);
/* Follows the far pointer w found at p to its landing pad; as below. */
int capnp_follow_far(const struct capnp_ptr *p, uint64_t w, struct capnp_target *t);

/* Resolves the non-null pointer word w found at p, following a far pointer;
 * returns CAPNP_OK or a far-pointer error (not recorded). */
static inline int capnp_resolve(const struct capnp_ptr *p, uint64_t w, struct capnp_target *t)
{
	if (CAPNP_PTR_KIND(w) == CAPNP_WIRE_FAR)
		return capnp_follow_far(p, w, t);
	t->tag = w;
	t->seg = p->seg;
	t->seg_end = p->seg_end;
	t->idx = (int64_t)((p->p - p->seg) / 8) + 1 + CAPNP_PTR_OFFSET(w);
	return CAPNP_OK;
}

/* Data bits and pointers per element for each non-composite element size. */
static const uint8_t capnp_elem_data_bits[8] = { 0, 1, 8, 16, 32, 64, 0, 0 };
static const uint8_t capnp_elem_ptrs[8] = { 0, 0, 0, 0, 0, 0, 1, 0 };

#endif
