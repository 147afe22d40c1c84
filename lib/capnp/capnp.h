/* Cap'n Proto for capOS: a bounds-checked reader and an arena builder for
 * the standard (unpacked) framed encoding.
 *
 * Reader. capnp_msg_init() checks the segment table of a framed message that
 * lives in a caller's buffer; nothing is copied and nothing is allocated.
 * Every pointer is validated when it is followed: it must land inside its
 * segment, far pointers may not chain, the nesting depth and the number of
 * words visited (the traversal limit, which also counts each element of a
 * list of zero-sized elements as one word, and every object as at least one)
 * are bounded. The reader never reads a byte outside the buffer it was
 * given, whatever the bytes say, and nothing in it recurses.
 *
 * Errors are sticky: a failed read records the first error in the message
 * (capnp_msg_error()) and yields the field's default value, so generated
 * accessors can be chained and checked once at the end. Reads past the end
 * of a struct's data or pointer section (a message from an older schema)
 * yield the default too — that is normal schema evolution, not an error.
 *
 * Builder: lib/capnp/capnp_build.h (included below).
 *
 * Freestanding: no allocation, no floating point (float fields are handled
 * as their raw IEEE-754 bits). Little-endian hosts only (x86_64). */
#ifndef CAPOS_LIB_CAPNP_H
#define CAPOS_LIB_CAPNP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lib/capnp assumes a little-endian target"
#endif

/* Most segments a message may have; more is CAPNP_ERR_SEGMENT_COUNT. capOS
 * messages are single-segment; tools may emit a few. */
#define CAPNP_MAX_SEGMENTS 16u
/* Defaults of struct capnp_limits (the C++ implementation's defaults). */
#define CAPNP_DEFAULT_TRAVERSAL_WORDS (8ull * 1024 * 1024)
#define CAPNP_DEFAULT_NESTING 64
/* Deepest nesting the whole-message walks (capnp_walk, capnp_msg_validate,
 * capnp_pb_copy) follow, whatever the limit: their explicit stack has this
 * many frames. Deeper is CAPNP_ERR_NESTING_LIMIT. */
#define CAPNP_WALK_MAX_NESTING 64
/* Traversal budgets proportional to the message (capnp_limits_for_size), in
 * words read per word of message. A whole-message walk of an honest message
 * (no object shared, no list of zero-sized elements) charges less than
 * CAPNP_WALK_FACTOR (proof in lib/capnp/walk.c); CAPNP_TRAVERSAL_FACTOR
 * leaves room for the walk and then one typed read of every object, which
 * is what a receiver that validates and then decodes needs. */
#define CAPNP_WALK_FACTOR 2u
#define CAPNP_TRAVERSAL_FACTOR 4u
/* Encoding limits: list element counts and word counts are 29-bit. */
#define CAPNP_MAX_LIST_COUNT ((1u << 29) - 1)
/* "No capability": what a null interface pointer reads as. */
#define CAPNP_CAP_NONE 0xffffffffu

/* Every rejection has its own code (negative; CAPNP_OK is 0). */
enum capnp_err {
	CAPNP_OK = 0,
	CAPNP_ERR_SEGTABLE_TRUNCATED = -1, /* buffer shorter than its segment table */
	CAPNP_ERR_SEGMENT_COUNT = -2,      /* segment count overflows or exceeds CAPNP_MAX_SEGMENTS */
	CAPNP_ERR_SEGMENT_SIZE = -3,       /* segment sizes overflow or run past the buffer */
	CAPNP_ERR_NO_ROOT = -4,            /* first segment is empty: no root pointer */
	CAPNP_ERR_STRUCT_OOB = -5,         /* struct pointer target outside its segment */
	CAPNP_ERR_LIST_OOB = -6,           /* list pointer target outside its segment */
	CAPNP_ERR_COMPOSITE_TAG = -7,      /* inline-composite tag is not a struct tag, or overruns */
	CAPNP_ERR_FAR_SEGMENT = -8,        /* far pointer names a segment that does not exist */
	CAPNP_ERR_FAR_PAD_OOB = -9,        /* far pointer landing pad outside its segment */
	CAPNP_ERR_FAR_LOOP = -10,          /* landing pad is itself a far pointer (chain or loop) */
	CAPNP_ERR_FAR_BAD_PAD = -11,       /* double-far landing pad malformed */
	CAPNP_ERR_NESTING_LIMIT = -12,     /* pointers nested deeper than the nesting limit */
	CAPNP_ERR_TRAVERSAL_LIMIT = -13,   /* more words visited than the traversal limit */
	CAPNP_ERR_TEXT_NO_NUL = -14,       /* text is empty or not NUL-terminated */
	CAPNP_ERR_WRONG_KIND = -15,        /* pointer kind differs from the field type (e.g. list for struct) */
	CAPNP_ERR_LIST_ELEMENT = -16,      /* list element size incompatible with the element type */
	CAPNP_ERR_RESERVED_POINTER = -17,  /* "other" pointer that is not a capability */
	CAPNP_ERR_INDEX = -18,             /* list index out of range (caller's bug) */
	CAPNP_ERR_ARENA_FULL = -19,        /* builder: the arena is exhausted */
	CAPNP_ERR_TOO_LARGE = -20,         /* builder: object exceeds the encoding's limits */
	CAPNP_ERR_NULL_BUILDER = -21,      /* builder: write through a builder that failed earlier */
};
#define CAPNP_ERR_COUNT 22

/* Encoded list element sizes (the C field of a list pointer). */
enum capnp_elem {
	CAPNP_ELEM_VOID = 0,
	CAPNP_ELEM_BIT = 1,
	CAPNP_ELEM_BYTE = 2,
	CAPNP_ELEM_TWO = 3,
	CAPNP_ELEM_FOUR = 4,
	CAPNP_ELEM_EIGHT = 5,
	CAPNP_ELEM_POINTER = 6,
	CAPNP_ELEM_COMPOSITE = 7,
};

/* What a pointer refers to (capnp_ptr_kind()). */
enum capnp_kind {
	CAPNP_KIND_NULL = 0,
	CAPNP_KIND_STRUCT = 1,
	CAPNP_KIND_LIST = 2,
	CAPNP_KIND_CAP = 3,
};

struct capnp_limits {
	uint64_t traversal_words; /* words the reader may visit in total */
	int32_t nesting;          /* deepest pointer nesting followed */
};

/* Limits for a message of `bytes` bytes (as given to capnp_msg_init, segment
 * table included): factor words of traversal per word of message
 * (saturating) and the default nesting. With CAPNP_TRAVERSAL_FACTOR, the
 * work of validating and reading the message is linear in its size however
 * its pointers are shared. */
static inline struct capnp_limits capnp_limits_for_size(size_t bytes, uint32_t factor)
{
	uint64_t words = (uint64_t)bytes / 8 + (bytes % 8 != 0);
	struct capnp_limits l = { words * factor, CAPNP_DEFAULT_NESTING };
	if (factor != 0 && words > UINT64_MAX / factor)
		l.traversal_words = UINT64_MAX;
	return l;
}

struct capnp_seg {
	const uint8_t *base;
	uint32_t words;
};

/* A message being read. Owns nothing; the buffer must outlive it. */
struct capnp_msg {
	uint32_t nsegs;
	int32_t err;                /* first error seen (sticky), CAPNP_OK if none */
	uint64_t traversal_left;    /* words the reader may still visit */
	int32_t nesting;            /* depth given to the root pointer */
	uint32_t size_bytes;        /* table + segments: bytes the message occupies */
	struct capnp_seg segs[CAPNP_MAX_SEGMENTS];
};

/* The location of a pointer word. p == NULL stands for a null pointer. */
struct capnp_ptr {
	struct capnp_msg *msg;
	const uint8_t *seg, *seg_end; /* segment holding the pointer word */
	const uint8_t *p;
	int32_t depth;                /* nesting levels left for the target */
};

/* A struct being read. A default/empty struct has data_bytes == nptrs == 0. */
struct capnp_struct {
	struct capnp_msg *msg;
	const uint8_t *seg, *seg_end; /* segment holding the struct */
	const uint8_t *data;          /* data section */
	const uint8_t *ptrs;          /* pointer section */
	uint32_t data_bytes;
	uint16_t nptrs;
	int32_t depth;                /* nesting levels left for its pointers' targets */
};

/* A list being read. Elements are step_bits apart; each has data_bits of
 * data followed by nptrs pointers (as encoded, whatever was expected). */
struct capnp_list {
	struct capnp_msg *msg;
	const uint8_t *seg, *seg_end;
	const uint8_t *elems;
	uint32_t count;
	uint32_t step_bits;
	uint32_t data_bits;
	uint16_t nptrs;
	uint8_t esize;                /* enum capnp_elem as encoded */
	int32_t depth;
};

/* Text: str is NUL-terminated, len excludes the NUL. Never NULL. */
struct capnp_text {
	const char *str;
	uint32_t len;
};

/* Data: ptr is NULL only when len == 0. */
struct capnp_data {
	const uint8_t *ptr;
	uint32_t len;
};

/* ---- message ---- */

/* Checks the segment table of the framed message in buf[0, len) and sets up
 * m to read it. limits may be NULL (the defaults). Returns CAPNP_OK or the
 * error, which is also recorded in m; a failed m reads as an empty message. */
int capnp_msg_init(struct capnp_msg *m, const void *buf, size_t len,
                   const struct capnp_limits *limits);

/* Sets up m to read one unframed segment of nwords words (e.g. a generated
 * constant). words must be 8-byte aligned only by convention (loads are
 * unaligned-safe). */
int capnp_msg_init_flat(struct capnp_msg *m, const void *words, size_t nwords,
                        const struct capnp_limits *limits);

static inline int capnp_msg_error(const struct capnp_msg *m) { return m->err; }

/* The root pointer (null pointer if m failed to initialize). */
struct capnp_ptr capnp_msg_root(struct capnp_msg *m);

/* Name of an error code ("CAPNP_ERR_FAR_LOOP"), "CAPNP_OK", or "?". */
const char *capnp_strerror(int err);

/* ---- pointers ---- */

/* Kind of the object p refers to (after following a far pointer), or a
 * negative error if p is malformed. Does not charge the traversal limit. */
int capnp_ptr_kind(struct capnp_ptr p);

/* Reads the struct p points to. A null pointer reads as dflt (a default blob,
 * see below) or as an empty struct when dflt is NULL. On error the error is
 * recorded and *out is the default. Returns CAPNP_OK or the error.
 * A default blob is { n, word[0..n) }: one segment whose word 0 is the root
 * pointer, trusted (emitted by the code generator). */
int capnp_ptr_struct(struct capnp_ptr p, struct capnp_struct *out, const uint64_t *dflt);

/* Reads the list p points to, checking its elements can be read as expect
 * (CAPNP_ELEM_COMPOSITE: as structs, CAPNP_ELEM_VOID: anything). Null reads
 * as dflt or an empty list. Errors as capnp_ptr_struct(). */
int capnp_ptr_list(struct capnp_ptr p, enum capnp_elem expect, struct capnp_list *out,
                   const uint64_t *dflt);

/* Reads text (a NUL-terminated byte list). Null reads as dflt[0, dlen) (dflt
 * must be NUL-terminated) or as "". Errors as capnp_ptr_struct(). */
int capnp_ptr_text(struct capnp_ptr p, struct capnp_text *out, const char *dflt, uint32_t dlen);

/* Reads data (a byte list). Null reads as dflt[0, dlen) or empty. */
int capnp_ptr_data(struct capnp_ptr p, struct capnp_data *out, const void *dflt, uint32_t dlen);

/* Reads a capability pointer's index into the message's capability table;
 * a null pointer reads as CAPNP_CAP_NONE. */
int capnp_ptr_cap(struct capnp_ptr p, uint32_t *index);

static inline bool capnp_ptr_is_null(struct capnp_ptr p)
{
	uint64_t w = 0;
	if (p.p)
		__builtin_memcpy(&w, p.p, 8);
	return w == 0;
}

/* ---- structs: fields ---- */

static inline uint8_t capnp_load8(const uint8_t *p) { return *p; }
static inline uint16_t capnp_load16(const uint8_t *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, 2);
	return v;
}
static inline uint32_t capnp_load32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}
static inline uint64_t capnp_load64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

/* Field reads: off is in units of the field's size (as in the schema); a
 * field beyond the data section reads as 0 (the caller XORs the default). */
static inline bool capnp_get_bool(const struct capnp_struct *s, uint32_t bit)
{
	if (bit / 8 >= s->data_bytes)
		return false;
	return (s->data[bit / 8] >> (bit % 8)) & 1;
}
static inline uint8_t capnp_get_u8(const struct capnp_struct *s, uint32_t off)
{
	return off < s->data_bytes ? capnp_load8(s->data + off) : 0;
}
static inline uint16_t capnp_get_u16(const struct capnp_struct *s, uint32_t off)
{
	return (uint64_t)off * 2 + 2 <= s->data_bytes ? capnp_load16(s->data + (size_t)off * 2) : 0;
}
static inline uint32_t capnp_get_u32(const struct capnp_struct *s, uint32_t off)
{
	return (uint64_t)off * 4 + 4 <= s->data_bytes ? capnp_load32(s->data + (size_t)off * 4) : 0;
}
static inline uint64_t capnp_get_u64(const struct capnp_struct *s, uint32_t off)
{
	return (uint64_t)off * 8 + 8 <= s->data_bytes ? capnp_load64(s->data + (size_t)off * 8) : 0;
}

/* The idx-th pointer of s (a null pointer beyond the pointer section). */
static inline struct capnp_ptr capnp_struct_ptr(const struct capnp_struct *s, uint32_t idx)
{
	struct capnp_ptr p = { s->msg, s->seg, s->seg_end, NULL, s->depth };
	if (idx < s->nptrs)
		p.p = s->ptrs + (size_t)idx * 8;
	return p;
}

static inline bool capnp_has_ptr(const struct capnp_struct *s, uint32_t idx)
{
	return !capnp_ptr_is_null(capnp_struct_ptr(s, idx));
}

/* Pointer-field shorthands used by generated code: the object or default. */
struct capnp_struct capnp_read_struct(const struct capnp_struct *s, uint32_t idx,
                                      const uint64_t *dflt);
struct capnp_list capnp_read_list(const struct capnp_struct *s, uint32_t idx,
                                  enum capnp_elem expect, const uint64_t *dflt);
struct capnp_text capnp_read_text(const struct capnp_struct *s, uint32_t idx,
                                  const char *dflt, uint32_t dlen);
struct capnp_data capnp_read_data(const struct capnp_struct *s, uint32_t idx,
                                  const void *dflt, uint32_t dlen);
uint32_t capnp_read_cap(const struct capnp_struct *s, uint32_t idx);

/* ---- lists: elements ----
 * An index out of range records CAPNP_ERR_INDEX and reads as 0/empty. Reads
 * are bounded by the list's encoded element layout, so asking a byte list
 * for 64-bit elements reads zeros, never past the list. */

static inline uint32_t capnp_list_len(const struct capnp_list *l) { return l->count; }

int capnp_list_index_error(const struct capnp_list *l);

static inline const uint8_t *capnp_list_elem(const struct capnp_list *l, uint32_t i,
                                             uint32_t need_bits)
{
	if (i >= l->count) {
		capnp_list_index_error(l);
		return NULL;
	}
	if (l->data_bits < need_bits)
		return NULL;
	return l->elems + (uint64_t)i * l->step_bits / 8;
}

static inline bool capnp_list_bool(const struct capnp_list *l, uint32_t i)
{
	const uint8_t *e = capnp_list_elem(l, i, 1);
	uint64_t bit = (uint64_t)i * l->step_bits;
	return e ? (*e >> (bit % 8)) & 1 : false;
}
static inline uint8_t capnp_list_u8(const struct capnp_list *l, uint32_t i)
{
	const uint8_t *e = capnp_list_elem(l, i, 8);
	return e ? capnp_load8(e) : 0;
}
static inline uint16_t capnp_list_u16(const struct capnp_list *l, uint32_t i)
{
	const uint8_t *e = capnp_list_elem(l, i, 16);
	return e ? capnp_load16(e) : 0;
}
static inline uint32_t capnp_list_u32(const struct capnp_list *l, uint32_t i)
{
	const uint8_t *e = capnp_list_elem(l, i, 32);
	return e ? capnp_load32(e) : 0;
}
static inline uint64_t capnp_list_u64(const struct capnp_list *l, uint32_t i)
{
	const uint8_t *e = capnp_list_elem(l, i, 64);
	return e ? capnp_load64(e) : 0;
}

/* Element i as a struct (its data and pointers as encoded). */
struct capnp_struct capnp_list_struct(const struct capnp_list *l, uint32_t i);
/* Element i's first pointer (null if the elements have no pointers). */
struct capnp_ptr capnp_list_ptr(const struct capnp_list *l, uint32_t i);
struct capnp_text capnp_list_text(const struct capnp_list *l, uint32_t i);
struct capnp_data capnp_list_data(const struct capnp_list *l, uint32_t i);
struct capnp_list capnp_list_list(const struct capnp_list *l, uint32_t i, enum capnp_elem expect);

/* ---- whole-message traversal (lib/capnp/walk.c) ---- */

/* What a walk cost: the traversal budget it charged, and its loop steps
 * (pointer slots visited + objects finished + 1). Always
 * steps <= 2 * words + 1 (lib/capnp/walk.c). */
struct capnp_walk_stats {
	uint64_t words;
	uint64_t steps;
};

/* Follows every pointer reachable from p, checking each as the typed readers
 * would, charging the message's traversal budget, at most
 * CAPNP_WALK_MAX_NESTING levels deep. No recursion: under 2 KiB of stack,
 * callees included, whatever the message. Returns CAPNP_OK or the first
 * error (also recorded in the message). *stats, if non-NULL, receives what
 * the walk cost. */
int capnp_walk(struct capnp_ptr p, struct capnp_walk_stats *stats);

/* capnp_walk() from the root: the message is fully well-formed. The budget
 * it charges is spent (later reads share what is left). */
int capnp_msg_validate(struct capnp_msg *m);

#include "lib/capnp/capnp_build.h"

#endif
