/* Capability table (see cap_table.h).
 *
 * Free slots form a LIFO list threaded through their badge fields, headed by
 * free_hint, so insert and release are O(1). Retired slots (generation 0)
 * are on no list and stay FREE forever. Every id-taking operation starts
 * with resolve(), which makes the check order the same everywhere. */
#include "lib/cap_table.h"

#define GEN_MAX UINT16_MAX

/* Pushes the free, non-retired slot idx onto the free list. */
static void push_free(struct cap_table *t, uint32_t idx)
{
	t->slots[idx].badge = t->free_hint;
	t->free_hint = idx;
}

void cap_table_init(struct cap_table *t, struct cap_slot *storage, uint32_t capacity)
{
	if (capacity > CAP_TABLE_MAX_CAPACITY)
		capacity = CAP_TABLE_MAX_CAPACITY;
	t->slots = storage;
	t->capacity = capacity;
	t->live = 0;
	t->retired = 0;
	t->free_hint = capacity;
	for (uint32_t i = capacity; i-- > 0;) {
		storage[i] = (struct cap_slot){ .generation = 1, .state = CAP_SLOT_FREE };
		push_free(t, i);
	}
}

int cap_table_insert(struct cap_table *t, void *object, uint64_t interface_id, uint32_t rights,
                     uint64_t badge, cap_id *out)
{
	uint32_t idx = t->free_hint;
	struct cap_slot *s;

	if (idx >= t->capacity)
		return CAP_ERR_FULL;
	s = &t->slots[idx];
	t->free_hint = (uint32_t)s->badge;
	s->object = object;
	s->interface_id = interface_id;
	s->badge = badge;
	s->rights = rights;
	s->state = CAP_SLOT_LIVE;
	s->reserved = 0;
	t->live++;
	*out = cap_id_make(s->generation, idx);
	return CAP_OK;
}

/* Decodes id to its occupied slot (LIVE or RESERVED): BAD_ID for an index
 * out of range or generation 0, STALE for a generation mismatch, BAD_ID for
 * a free slot of the id's generation (an id not issued yet). */
static int resolve(const struct cap_table *t, cap_id id, struct cap_slot **out)
{
	uint32_t idx = cap_id_index(id);
	uint16_t gen = cap_id_generation(id);
	struct cap_slot *s;

	if (gen == 0 || idx >= t->capacity)
		return CAP_ERR_BAD_ID;
	s = &t->slots[idx];
	if (s->generation != gen)
		return CAP_ERR_STALE;
	if (s->state == CAP_SLOT_FREE)
		return CAP_ERR_BAD_ID;
	*out = s;
	return CAP_OK;
}

int cap_table_get(struct cap_table *t, cap_id id, struct cap_slot **out)
{
	struct cap_slot *s = NULL;
	int err = resolve(t, id, &s);

	*out = NULL;
	if (err)
		return err;
	if (s->state == CAP_SLOT_RESERVED)
		return CAP_ERR_RESERVED;
	*out = s;
	return CAP_OK;
}

int cap_table_lookup(struct cap_table *t, cap_id id, uint64_t want_interface,
                     uint32_t want_rights, struct cap_slot **out)
{
	int err = cap_table_get(t, id, out);

	if (err)
		return err;
	if ((*out)->interface_id != want_interface)
		err = CAP_ERR_WRONG_INTERFACE;
	else if (((*out)->rights & want_rights) != want_rights)
		err = CAP_ERR_RIGHTS;
	if (err)
		*out = NULL;
	return err;
}

/* Empties the occupied slot s: copies it out, bumps the generation and
 * either frees it for reuse or retires it. */
static void empty_slot(struct cap_table *t, struct cap_slot *s, struct cap_slot *removed)
{
	uint16_t gen = s->generation;

	if (removed)
		*removed = *s;
	*s = (struct cap_slot){ .state = CAP_SLOT_FREE };
	t->live--;
	if (gen == GEN_MAX) {
		t->retired++;
		return; /* generation 0: retired, on no list */
	}
	s->generation = (uint16_t)(gen + 1);
	push_free(t, (uint32_t)(s - t->slots));
}

/* Resolves id to a LIVE slot for release and reserve: a reserved slot is
 * busy with a pending move. */
static int resolve_live(const struct cap_table *t, cap_id id, struct cap_slot **out)
{
	int err = resolve(t, id, out);

	if (err)
		return err;
	return (*out)->state == CAP_SLOT_RESERVED ? CAP_ERR_RESERVED : CAP_OK;
}

int cap_table_release(struct cap_table *t, cap_id id, struct cap_slot *removed)
{
	struct cap_slot *s = NULL;
	int err = resolve_live(t, id, &s);

	if (err)
		return err;
	empty_slot(t, s, removed);
	return CAP_OK;
}

int cap_table_reserve(struct cap_table *t, cap_id id)
{
	struct cap_slot *s = NULL;
	int err = resolve_live(t, id, &s);

	if (err)
		return err;
	s->state = CAP_SLOT_RESERVED;
	return CAP_OK;
}

/* Resolves id to a RESERVED slot for commit and rollback. */
static int resolve_reserved(const struct cap_table *t, cap_id id, struct cap_slot **out)
{
	int err = resolve(t, id, out);

	if (err)
		return err;
	return (*out)->state == CAP_SLOT_RESERVED ? CAP_OK : CAP_ERR_NOT_RESERVED;
}

int cap_table_commit(struct cap_table *t, cap_id id, struct cap_slot *removed)
{
	struct cap_slot *s = NULL;
	int err = resolve_reserved(t, id, &s);

	if (err)
		return err;
	empty_slot(t, s, removed);
	return CAP_OK;
}

int cap_table_rollback(struct cap_table *t, cap_id id)
{
	struct cap_slot *s = NULL;
	int err = resolve_reserved(t, id, &s);

	if (err)
		return err;
	s->state = CAP_SLOT_LIVE;
	return CAP_OK;
}

int cap_table_next(const struct cap_table *t, uint32_t *cursor)
{
	for (uint32_t i = *cursor; i < t->capacity; i++) {
		if (t->slots[i].state != CAP_SLOT_FREE) {
			*cursor = i + 1;
			return (int)i;
		}
	}
	*cursor = t->capacity;
	return -1;
}

cap_id cap_table_id_at(const struct cap_table *t, uint32_t index)
{
	if (index >= t->capacity || t->slots[index].state == CAP_SLOT_FREE)
		return CAP_ID_NONE;
	return cap_id_make(t->slots[index].generation, index);
}

uint32_t cap_table_free(const struct cap_table *t) { return t->capacity - t->live - t->retired; }

bool cap_table_full(const struct cap_table *t) { return t->free_hint >= t->capacity; }

uint32_t cap_table_live(const struct cap_table *t)
{
	return t->live;
}

const char *cap_strerror(int err)
{
	switch (err) {
	case CAP_OK: return "ok";
	case CAP_ERR_BAD_ID: return "no such capability";
	case CAP_ERR_STALE: return "stale capability id";
	case CAP_ERR_WRONG_INTERFACE: return "wrong interface";
	case CAP_ERR_RIGHTS: return "missing rights";
	case CAP_ERR_FULL: return "capability table full";
	case CAP_ERR_RESERVED: return "capability reserved by a pending move";
	case CAP_ERR_NOT_RESERVED: return "capability not reserved";
	default: return "unknown error";
	}
}
