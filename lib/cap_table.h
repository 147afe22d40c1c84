/* A process's capability table (DESIGN.md section 4).
 *
 * Each slot holds a kernel object reference with the interface it is used
 * through, the rights it carries and a badge. User space names a slot by a
 * CapId that also carries the slot's generation, so an id kept after its
 * slot was released and reused is reported as stale, never resolved to the
 * new occupant. A slot whose generation would wrap to 0 is retired for good,
 * so no (slot, generation) pair is ever issued twice: a table of capacity n
 * issues at most n * 65535 ids in its lifetime.
 *
 * Every operation on an id goes through one lookup with a fixed order
 * (Zircon's): bad id, stale id, free slot, reserved slot, wrong interface,
 * missing rights. Pure logic: the caller owns the storage and serializes
 * calls (the process's capability lock). No allocation, O(1) per operation
 * except init and iteration. */
#ifndef CAPOS_LIB_CAP_TABLE_H
#define CAPOS_LIB_CAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CapId: (generation << 16) | slot index. Generations start at 1, so 0 is
 * never a valid CapId. */
typedef uint32_t cap_id;

#define CAP_ID_INDEX_BITS 16
#define CAP_TABLE_MAX_CAPACITY (1u << CAP_ID_INDEX_BITS)
#define CAP_ID_NONE ((cap_id)0)

static inline cap_id cap_id_make(uint16_t generation, uint32_t index)
{
	return (cap_id)generation << CAP_ID_INDEX_BITS | (index & (CAP_TABLE_MAX_CAPACITY - 1));
}

static inline uint32_t cap_id_index(cap_id id)
{
	return id & (CAP_TABLE_MAX_CAPACITY - 1);
}

static inline uint16_t cap_id_generation(cap_id id)
{
	return (uint16_t)(id >> CAP_ID_INDEX_BITS);
}

enum cap_state {
	CAP_SLOT_FREE = 0,
	CAP_SLOT_LIVE = 1,
	CAP_SLOT_RESERVED = 2, /* move in progress: the sender's slot until commit/rollback */
};

/* One slot. In a FREE slot only generation (0 = retired) and state mean
 * anything; badge links the free list (the next free index). */
struct cap_slot {
	void *object;
	uint64_t interface_id;
	uint64_t badge;
	uint32_t rights;
	uint16_t generation;
	uint8_t state;    /* enum cap_state */
	uint8_t reserved; /* zero */
};
_Static_assert(sizeof(struct cap_slot) == 32, "a capability slot is 32 bytes: 128 per page");

struct cap_table {
	struct cap_slot *slots;
	uint32_t capacity;  /* <= CAP_TABLE_MAX_CAPACITY */
	uint32_t live;      /* LIVE + RESERVED slots */
	uint32_t retired;   /* slots whose generations ran out */
	uint32_t free_hint; /* head of the free list; capacity when it is empty */
};

enum cap_err {
	CAP_OK = 0,
	CAP_ERR_BAD_ID = -1,          /* index out of range, generation 0, or a free slot */
	CAP_ERR_STALE = -2,           /* the slot's generation differs from the id's */
	CAP_ERR_WRONG_INTERFACE = -3,
	CAP_ERR_RIGHTS = -4,          /* (rights & want) != want */
	CAP_ERR_FULL = -5,            /* no free slot (retired slots included) */
	CAP_ERR_RESERVED = -6,        /* the slot is reserved by a pending move */
	CAP_ERR_NOT_RESERVED = -7,    /* commit/rollback of a slot that is not reserved */
};

/* Initializes t over storage[0..capacity) with every slot free at generation
 * 1. A capacity above CAP_TABLE_MAX_CAPACITY is clamped to it. */
void cap_table_init(struct cap_table *t, struct cap_slot *storage, uint32_t capacity);

/* Puts a LIVE capability in a free slot and stores its id in *out. Returns
 * CAP_OK, or CAP_ERR_FULL (*out untouched). */
int cap_table_insert(struct cap_table *t, void *object, uint64_t interface_id, uint32_t rights,
                     uint64_t badge, cap_id *out);

/* Resolves id to its LIVE slot, which must have exactly interface
 * want_interface (there is no wildcard: an id that comes from user space is
 * compared as it is, so 0 never matches a kernel object) and every right in
 * want_rights. Returns CAP_OK with the slot in *out (valid until the slot is
 * released), or the first failing check in the order BAD_ID, STALE, BAD_ID
 * (free slot), RESERVED, WRONG_INTERFACE, RIGHTS, with *out set to NULL. */
int cap_table_lookup(struct cap_table *t, cap_id id, uint64_t want_interface,
                     uint32_t want_rights, struct cap_slot **out);

/* cap_table_lookup without the interface and rights checks, for operations
 * that apply to a capability of any interface (BAD_ID, STALE, BAD_ID,
 * RESERVED). */
int cap_table_get(struct cap_table *t, cap_id id, struct cap_slot **out);

/* Removes a LIVE slot: copies it to *removed (may be NULL), clears it and
 * bumps its generation, retiring it when the generation would wrap to 0.
 * CAP_ERR_RESERVED if a move holds it. The caller drops the object ref. */
int cap_table_release(struct cap_table *t, cap_id id, struct cap_slot *removed);

/* Move support. reserve marks a LIVE slot RESERVED (lookups, release and a
 * second reserve then fail with CAP_ERR_RESERVED); commit releases a
 * RESERVED slot as cap_table_release does (removed->state is RESERVED);
 * rollback makes it LIVE again under the same id. commit and rollback of a
 * LIVE slot fail with CAP_ERR_NOT_RESERVED. */
int cap_table_reserve(struct cap_table *t, cap_id id);
int cap_table_commit(struct cap_table *t, cap_id id, struct cap_slot *removed);
int cap_table_rollback(struct cap_table *t, cap_id id);

/* Iterates occupied (LIVE and RESERVED) slots: returns the lowest index
 * >= *cursor holding one and sets *cursor past it, or returns -1 (with
 * *cursor = capacity) when there is none. Start with *cursor = 0. */
int cap_table_next(const struct cap_table *t, uint32_t *cursor);

/* The id of the occupied slot at index, or CAP_ID_NONE if it is free or out
 * of range (for iteration with cap_table_next, e.g. at process exit). */
cap_id cap_table_id_at(const struct cap_table *t, uint32_t index);

/* Free slots: how many cap_table_insert calls in a row would succeed. */
uint32_t cap_table_free(const struct cap_table *t);

/* True when cap_table_insert would fail with CAP_ERR_FULL. */
bool cap_table_full(const struct cap_table *t);

/* Number of occupied (LIVE and RESERVED) slots. */
uint32_t cap_table_live(const struct cap_table *t);

/* A static English description of err ("unknown error" for other values). */
const char *cap_strerror(int err);

#endif
