/* The capability table: insert/lookup/release, stale and forged ids, a full
 * table, generation exhaustion retiring a slot, the fixed lookup order,
 * rights, the reserve/commit/rollback protocol of a move, iteration, and
 * random operations against a plain reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cap_table.h"

#define CAP 64
#define IFACE_CONSOLE 0x1111111111111111ull
#define IFACE_ENDPOINT 0x2222222222222222ull
#define R_READ 1u
#define R_WRITE 2u
#define R_GRANT 4u

static struct cap_slot storage[CAP + 1];
static struct cap_table t;
static int objs[CAP];

/* Initializes over capacity slots with a canary slot right after them. */
static void setup(uint32_t capacity)
{
	memset(storage, 0x5a, sizeof storage);
	cap_table_init(&t, storage, capacity);
}

static void assert_canary(uint32_t capacity)
{
	const uint8_t *p = (const uint8_t *)&storage[capacity];

	for (size_t i = 0; i < sizeof storage[0]; i++)
		assert_int_equal(p[i], 0x5a);
}

static cap_id insert(void *obj, uint64_t iface, uint32_t rights, uint64_t badge)
{
	cap_id id = 0;

	assert_int_equal(cap_table_insert(&t, obj, iface, rights, badge, &id), CAP_OK);
	assert_int_not_equal(id, 0);
	return id;
}

static int lookup(cap_id id, uint64_t iface, uint32_t rights)
{
	struct cap_slot *s = (struct cap_slot *)1;
	int err = cap_table_lookup(&t, id, iface, rights, &s);

	if (err)
		assert_null(s);
	else
		assert_non_null(s);
	return err;
}

/* --- basics --- */

static void test_slot_layout(void **state)
{
	assert_int_equal(sizeof(struct cap_slot), 32);
	assert_int_equal(cap_id_make(1, 0), 0x10000);
	assert_int_equal(cap_id_make(0xffff, 0xffff), 0xffffffffu);
	assert_int_equal(cap_id_index(0x1234abcd), 0xabcd);
	assert_int_equal(cap_id_generation(0x1234abcd), 0x1234);
}

static void test_init(void **state)
{
	uint32_t cur = 0;

	setup(CAP);
	assert_int_equal(t.capacity, CAP);
	assert_int_equal(cap_table_live(&t), 0);
	assert_int_equal(cap_table_next(&t, &cur), -1);
	assert_int_equal(cur, CAP);
	for (uint32_t i = 0; i < CAP; i++) {
		assert_int_equal(storage[i].state, CAP_SLOT_FREE);
		assert_int_equal(storage[i].generation, 1);
		assert_null(storage[i].object);
		assert_int_equal(cap_table_id_at(&t, i), CAP_ID_NONE);
	}
	assert_canary(CAP);
}

static void test_insert_lookup_release(void **state)
{
	struct cap_slot *s, removed;
	cap_id a, b;

	setup(CAP);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ | R_WRITE, 0xbad9e);
	b = insert(&objs[1], IFACE_ENDPOINT, R_GRANT, 7);
	assert_int_equal(a, cap_id_make(1, 0));
	assert_int_equal(b, cap_id_make(1, 1));
	assert_int_equal(cap_table_live(&t), 2);

	assert_int_equal(cap_table_lookup(&t, a, IFACE_CONSOLE, R_READ, &s), CAP_OK);
	assert_ptr_equal(s, &storage[0]);
	assert_ptr_equal(s->object, &objs[0]);
	assert_int_equal(s->interface_id, IFACE_CONSOLE);
	assert_int_equal(s->rights, R_READ | R_WRITE);
	assert_int_equal(s->badge, 0xbad9e);
	assert_int_equal(s->state, CAP_SLOT_LIVE);
	assert_int_equal(s->generation, 1);
	assert_int_equal(lookup(b, IFACE_ENDPOINT, 0), CAP_OK);

	assert_int_equal(cap_table_release(&t, a, &removed), CAP_OK);
	assert_ptr_equal(removed.object, &objs[0]);
	assert_int_equal(removed.interface_id, IFACE_CONSOLE);
	assert_int_equal(removed.rights, R_READ | R_WRITE);
	assert_int_equal(removed.badge, 0xbad9e);
	assert_int_equal(removed.generation, 1);
	assert_int_equal(removed.state, CAP_SLOT_LIVE);
	assert_int_equal(cap_table_live(&t), 1);
	assert_int_equal(storage[0].state, CAP_SLOT_FREE);
	assert_null(storage[0].object);
	assert_int_equal(storage[0].rights, 0);
	assert_int_equal(lookup(a, 0, 0), CAP_ERR_STALE);
	assert_int_equal(lookup(b, IFACE_ENDPOINT, R_GRANT), CAP_OK);
	/* release without a copy */
	assert_int_equal(cap_table_release(&t, b, NULL), CAP_OK);
	assert_int_equal(cap_table_live(&t), 0);
	assert_canary(CAP);
}

static void test_double_release(void **state)
{
	cap_id a;

	setup(CAP);
	a = insert(&objs[0], IFACE_CONSOLE, 0, 0);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_OK);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_ERR_STALE);
	assert_int_equal(cap_table_live(&t), 0);
}

/* A released slot is reused under a new generation; the old id stays stale
 * and never reaches the new occupant. */
static void test_stale_after_reuse(void **state)
{
	struct cap_slot *s;
	cap_id a, b;

	setup(1);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ, 1);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_OK);
	b = insert(&objs[1], IFACE_CONSOLE, R_READ, 2);
	assert_int_equal(cap_id_index(b), cap_id_index(a));
	assert_int_equal(cap_id_generation(b), 2);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_READ), CAP_ERR_STALE);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_ERR_STALE);
	assert_int_equal(cap_table_reserve(&t, a), CAP_ERR_STALE);
	assert_int_equal(cap_table_commit(&t, a, NULL), CAP_ERR_STALE);
	assert_int_equal(cap_table_rollback(&t, a), CAP_ERR_STALE);
	assert_int_equal(cap_table_lookup(&t, b, IFACE_CONSOLE, R_READ, &s), CAP_OK);
	assert_ptr_equal(s->object, &objs[1]);
	assert_int_equal(s->badge, 2);
}

static void test_bad_ids(void **state)
{
	cap_id a;

	setup(8);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ, 0);
	assert_int_equal(lookup(0, 0, 0), CAP_ERR_BAD_ID);
	/* generation 0 with a valid index */
	assert_int_equal(lookup(cap_id_make(0, 0), 0, 0), CAP_ERR_BAD_ID);
	/* index out of range, whatever the generation */
	assert_int_equal(lookup(cap_id_make(1, 8), 0, 0), CAP_ERR_BAD_ID);
	assert_int_equal(lookup(cap_id_make(1, 0xffff), 0, 0), CAP_ERR_BAD_ID);
	assert_int_equal(lookup(0xffffffffu, 0, 0), CAP_ERR_BAD_ID);
	/* a free slot, at the generation its next id will have */
	assert_int_equal(lookup(cap_id_make(1, 5), 0, 0), CAP_ERR_BAD_ID);
	/* a free slot at another generation */
	assert_int_equal(lookup(cap_id_make(2, 5), 0, 0), CAP_ERR_STALE);
	/* every operation decodes the same way */
	assert_int_equal(cap_table_release(&t, cap_id_make(1, 5), NULL), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_reserve(&t, cap_id_make(1, 5)), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_commit(&t, cap_id_make(1, 9), NULL), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_rollback(&t, 0), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_release(&t, cap_id_make(0, 0), NULL), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_live(&t), 1);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0), CAP_OK);
}

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random 32-bit ids resolve only when they equal a live id. */
static void test_forged_ids(void **state)
{
	cap_id live[CAP / 2];
	uint32_t nlive = 0;
	int hits = 0;

	setup(CAP);
	for (int i = 0; i < 200; i++) {
		cap_id id = insert(&objs[i % CAP], IFACE_CONSOLE, R_READ, (uint64_t)i);

		if (rng() % 4 == 0)
			assert_int_equal(cap_table_release(&t, id, NULL), CAP_OK);
		else if (nlive < CAP / 2)
			live[nlive++] = id;
		else
			assert_int_equal(cap_table_release(&t, id, NULL), CAP_OK);
	}
	for (int i = 0; i < 1000000; i++) {
		cap_id id = (cap_id)rng();
		bool is_live = false;
		int err;

		if (i % 1000 == 0)
			id = live[rng() % nlive];
		for (uint32_t k = 0; k < nlive; k++)
			is_live |= live[k] == id;
		err = lookup(id, IFACE_CONSOLE, 0);
		if (is_live) {
			assert_int_equal(err, CAP_OK);
			hits++;
		} else {
			assert_true(err == CAP_ERR_BAD_ID || err == CAP_ERR_STALE);
		}
	}
	assert_true(hits >= 1000);
}

static void test_full(void **state)
{
	cap_id ids[CAP], spare = 0x12345678, again;

	setup(CAP);
	for (int i = 0; i < CAP; i++) {
		assert_false(cap_table_full(&t));
		assert_int_equal(cap_table_free(&t), CAP - i);
		ids[i] = insert(&objs[i], IFACE_CONSOLE, 0, 0);
	}
	assert_int_equal(cap_table_free(&t), 0);
	assert_true(cap_table_full(&t));
	assert_int_equal(cap_table_insert(&t, &objs[0], IFACE_CONSOLE, 0, 0, &spare), CAP_ERR_FULL);
	assert_int_equal(spare, 0x12345678);
	assert_int_equal(cap_table_live(&t), CAP);
	assert_int_equal(cap_table_release(&t, ids[17], NULL), CAP_OK);
	assert_false(cap_table_full(&t));
	again = insert(&objs[17], IFACE_CONSOLE, 0, 0);
	assert_int_equal(cap_id_index(again), 17);
	assert_int_equal(cap_id_generation(again), 2);
	assert_int_equal(cap_table_insert(&t, &objs[0], IFACE_CONSOLE, 0, 0, &spare), CAP_ERR_FULL);
	/* every index was handed out exactly once */
	for (int i = 0; i < CAP; i++)
		for (int j = i + 1; j < CAP; j++)
			assert_int_not_equal(cap_id_index(ids[i]), cap_id_index(ids[j]));
	assert_canary(CAP);
}

static void test_zero_capacity(void **state)
{
	cap_id id = 99;
	uint32_t cur = 0;

	setup(0);
	assert_true(cap_table_full(&t));
	assert_int_equal(cap_table_insert(&t, &objs[0], 1, 0, 0, &id), CAP_ERR_FULL);
	assert_int_equal(id, 99);
	assert_int_equal(lookup(cap_id_make(1, 0), 0, 0), CAP_ERR_BAD_ID);
	assert_int_equal(cap_table_next(&t, &cur), -1);
	assert_int_equal(cap_table_id_at(&t, 0), CAP_ID_NONE);
	assert_canary(0);
}

/* Capacities above 2^16 cannot be addressed by a CapId: clamped. */
static void test_capacity_clamped(void **state)
{
	struct cap_slot *big = malloc((CAP_TABLE_MAX_CAPACITY + 10) * sizeof *big);
	struct cap_table bt;
	cap_id id = 0;

	assert_non_null(big);
	cap_table_init(&bt, big, CAP_TABLE_MAX_CAPACITY + 10);
	assert_int_equal(bt.capacity, CAP_TABLE_MAX_CAPACITY);
	for (uint32_t i = 0; i < CAP_TABLE_MAX_CAPACITY; i++)
		assert_int_equal(cap_table_insert(&bt, NULL, 1, 0, 0, &id), CAP_OK);
	assert_int_equal(id, cap_id_make(1, 0xffff));
	assert_int_equal(cap_table_insert(&bt, NULL, 1, 0, 0, &id), CAP_ERR_FULL);
	assert_int_equal(cap_table_live(&bt), CAP_TABLE_MAX_CAPACITY);
	assert_int_equal(cap_table_release(&bt, cap_id_make(1, 0xffff), NULL), CAP_OK);
	free(big);
}

/* After 65535 uses a slot retires: its generation would wrap to 0. */
static void test_generation_wrap_retires_slot(void **state)
{
	struct cap_slot removed;
	cap_id id = 0, first = 0, last = 0;
	uint32_t cur = 0;

	setup(2);
	for (uint32_t g = 1; g <= 0xffff; g++) {
		id = insert(&objs[0], IFACE_CONSOLE, R_READ, g);
		assert_int_equal(cap_id_index(id), 0);
		assert_int_equal(cap_id_generation(id), g);
		if (g == 1)
			first = id;
		last = id;
		assert_int_equal(cap_table_release(&t, id, &removed), CAP_OK);
		assert_int_equal(removed.badge, g);
	}
	assert_int_equal(storage[0].generation, 0);
	assert_int_equal(storage[0].state, CAP_SLOT_FREE);
	assert_int_equal(lookup(first, 0, 0), CAP_ERR_STALE);
	assert_int_equal(lookup(last, 0, 0), CAP_ERR_STALE);
	assert_int_equal(lookup(cap_id_make(0, 0), 0, 0), CAP_ERR_BAD_ID);
	/* slot 0 is never handed out again; slot 1 still is */
	id = insert(&objs[1], IFACE_CONSOLE, R_READ, 0);
	assert_int_equal(id, cap_id_make(1, 1));
	assert_true(cap_table_full(&t)); /* one live slot, one retired: full */
	assert_int_equal(cap_table_free(&t), 0);
	assert_int_equal(cap_table_insert(&t, &objs[1], IFACE_CONSOLE, 0, 0, &id), CAP_ERR_FULL);
	assert_int_equal(cap_table_live(&t), 1);
	assert_int_equal(cap_table_next(&t, &cur), 1);
	assert_int_equal(cap_table_next(&t, &cur), -1);
	assert_canary(2);
}

/* Retirement through a move's commit works the same way. */
static void test_generation_wrap_by_commit(void **state)
{
	cap_id id = 0;

	setup(1);
	storage[0].generation = 0xfffe; /* white-box: skip most of the generations */
	id = insert(&objs[0], IFACE_CONSOLE, 0, 0);
	assert_int_equal(id, cap_id_make(0xfffe, 0));
	assert_int_equal(cap_table_release(&t, id, NULL), CAP_OK);
	id = insert(&objs[0], IFACE_CONSOLE, 0, 0);
	assert_int_equal(id, cap_id_make(0xffff, 0));
	assert_int_equal(cap_table_reserve(&t, id), CAP_OK);
	assert_int_equal(cap_table_commit(&t, id, NULL), CAP_OK);
	assert_int_equal(cap_table_insert(&t, &objs[0], IFACE_CONSOLE, 0, 0, &id), CAP_ERR_FULL);
	assert_int_equal(cap_table_live(&t), 0);
}

/* --- the lookup order: bad id, stale, free, reserved, interface, rights --- */

static void test_lookup_order(void **state)
{
	cap_id a, old;

	setup(4);
	old = insert(&objs[0], IFACE_CONSOLE, R_READ, 0);
	assert_int_equal(cap_table_release(&t, old, NULL), CAP_OK);
	a = insert(&objs[1], IFACE_ENDPOINT, R_READ, 0);
	assert_int_equal(cap_id_index(a), cap_id_index(old));

	/* stale beats wrong interface and missing rights */
	assert_int_equal(lookup(old, IFACE_CONSOLE, R_READ), CAP_ERR_STALE);
	assert_int_equal(lookup(old, 0x999, R_GRANT), CAP_ERR_STALE);
	/* bad id beats everything */
	assert_int_equal(lookup(cap_id_make(1, 4), 0x999, R_GRANT), CAP_ERR_BAD_ID);
	assert_int_equal(lookup(cap_id_make(1, 3), 0x999, R_GRANT), CAP_ERR_BAD_ID);
	/* wrong interface beats missing rights */
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_GRANT), CAP_ERR_WRONG_INTERFACE);
	assert_int_equal(lookup(a, IFACE_ENDPOINT, R_GRANT), CAP_ERR_RIGHTS);
	assert_int_equal(lookup(a, 0, R_GRANT), CAP_ERR_WRONG_INTERFACE);
	assert_int_equal(lookup(a, IFACE_ENDPOINT, R_READ), CAP_OK);
	assert_int_equal(lookup(a, IFACE_ENDPOINT, 0), CAP_OK);
	/* reserved beats wrong interface and missing rights */
	assert_int_equal(cap_table_reserve(&t, a), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_GRANT), CAP_ERR_RESERVED);
	assert_int_equal(lookup(a, IFACE_ENDPOINT, R_READ), CAP_ERR_RESERVED);
	/* but not stale */
	assert_int_equal(lookup(old, IFACE_ENDPOINT, R_READ), CAP_ERR_STALE);
}

static void test_rights_subset(void **state)
{
	cap_id a;

	setup(4);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ | R_GRANT, 0);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_READ), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_GRANT), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_READ | R_GRANT), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_WRITE), CAP_ERR_RIGHTS);
	assert_int_equal(lookup(a, IFACE_CONSOLE, R_READ | R_WRITE), CAP_ERR_RIGHTS);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0xffffffffu), CAP_ERR_RIGHTS);
	/* no rights at all */
	a = insert(&objs[1], IFACE_CONSOLE, 0, 0);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0), CAP_OK);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0x80000000u), CAP_ERR_RIGHTS);
	/* all rights */
	a = insert(&objs[2], IFACE_CONSOLE, 0xffffffffu, 0);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0xffffffffu), CAP_OK);
}

/* interface 0 in a lookup means any; in a slot it is just a value. */
/* The interface is compared exactly: 0 (what a careless or hostile caller
 * sends) is no wildcard. cap_table_get is the any-interface lookup. */
static void test_interface_exact(void **state)
{
	struct cap_slot *s;
	cap_id a;

	setup(4);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ, 0);
	assert_int_equal(lookup(a, 0, 0), CAP_ERR_WRONG_INTERFACE);
	assert_int_equal(lookup(a, IFACE_CONSOLE + 1, 0), CAP_ERR_WRONG_INTERFACE);
	assert_int_equal(lookup(a, IFACE_CONSOLE, 0), CAP_OK);
	assert_int_equal(cap_table_get(&t, a, &s), CAP_OK);
	assert_ptr_equal(s, &storage[0]);
	assert_int_equal(cap_table_get(&t, cap_id_make(2, 0), &s), CAP_ERR_STALE);
	assert_null(s);
	assert_int_equal(cap_table_reserve(&t, a), CAP_OK);
	assert_int_equal(cap_table_get(&t, a, &s), CAP_ERR_RESERVED);
	assert_null(s);
}

/* --- moves --- */

static void test_reserve_rollback(void **state)
{
	struct cap_slot *s;
	cap_id a;

	setup(4);
	a = insert(&objs[0], IFACE_CONSOLE, R_READ, 5);
	assert_int_equal(cap_table_reserve(&t, a), CAP_OK);
	assert_int_equal(storage[0].state, CAP_SLOT_RESERVED);
	assert_int_equal(cap_table_live(&t), 1);
	assert_int_equal(lookup(a, 0, 0), CAP_ERR_RESERVED);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_ERR_RESERVED);
	assert_int_equal(cap_table_reserve(&t, a), CAP_ERR_RESERVED);
	assert_int_equal(cap_table_id_at(&t, 0), a);
	assert_int_equal(cap_table_rollback(&t, a), CAP_OK);
	assert_int_equal(cap_table_rollback(&t, a), CAP_ERR_NOT_RESERVED);
	assert_int_equal(cap_table_lookup(&t, a, IFACE_CONSOLE, R_READ, &s), CAP_OK);
	assert_int_equal(s->badge, 5);
	assert_int_equal(s->state, CAP_SLOT_LIVE);
	assert_int_equal(cap_table_live(&t), 1);
}

static void test_reserve_commit(void **state)
{
	struct cap_slot removed;
	cap_id a, b;

	setup(4);
	a = insert(&objs[0], IFACE_ENDPOINT, R_READ | R_GRANT, 77);
	assert_int_equal(cap_table_commit(&t, a, &removed), CAP_ERR_NOT_RESERVED);
	assert_int_equal(cap_table_reserve(&t, a), CAP_OK);
	memset(&removed, 0, sizeof removed);
	assert_int_equal(cap_table_commit(&t, a, &removed), CAP_OK);
	assert_ptr_equal(removed.object, &objs[0]);
	assert_int_equal(removed.interface_id, IFACE_ENDPOINT);
	assert_int_equal(removed.rights, R_READ | R_GRANT);
	assert_int_equal(removed.badge, 77);
	assert_int_equal(removed.state, CAP_SLOT_RESERVED);
	assert_int_equal(cap_table_live(&t), 0);
	assert_int_equal(lookup(a, 0, 0), CAP_ERR_STALE);
	assert_int_equal(cap_table_commit(&t, a, NULL), CAP_ERR_STALE);
	assert_int_equal(cap_table_rollback(&t, a), CAP_ERR_STALE);
	/* the slot is reused under the next generation */
	b = insert(&objs[1], IFACE_CONSOLE, 0, 0);
	assert_int_equal(b, cap_id_make(2, 0));
	/* commit without a copy */
	assert_int_equal(cap_table_reserve(&t, b), CAP_OK);
	assert_int_equal(cap_table_commit(&t, b, NULL), CAP_OK);
	assert_int_equal(cap_table_live(&t), 0);
}

/* A reserved slot is neither free nor usable: it stays occupied. */
static void test_reserved_slot_stays_occupied(void **state)
{
	cap_id a, id = 0;
	uint32_t cur = 0;

	setup(1);
	a = insert(&objs[0], IFACE_CONSOLE, 0, 0);
	assert_int_equal(cap_table_reserve(&t, a), CAP_OK);
	assert_int_equal(cap_table_insert(&t, &objs[1], IFACE_CONSOLE, 0, 0, &id), CAP_ERR_FULL);
	assert_int_equal(cap_table_next(&t, &cur), 0);
	assert_int_equal(cap_table_rollback(&t, a), CAP_OK);
	assert_int_equal(cap_table_release(&t, a, NULL), CAP_OK);
	id = insert(&objs[1], IFACE_CONSOLE, 0, 0);
	assert_int_equal(id, cap_id_make(2, 0));
}

/* --- iteration --- */

static void test_next_and_id_at(void **state)
{
	cap_id ids[10];
	uint32_t cur = 0, seen = 0;
	int i;

	setup(CAP);
	for (i = 0; i < 10; i++)
		ids[i] = insert(&objs[i], IFACE_CONSOLE, 0, 0);
	for (i = 0; i < 10; i += 3)
		assert_int_equal(cap_table_release(&t, ids[i], NULL), CAP_OK);
	assert_int_equal(cap_table_reserve(&t, ids[4]), CAP_OK);
	/* occupied: 1 2 4 5 7 8 */
	while ((i = cap_table_next(&t, &cur)) >= 0) {
		assert_true(i % 3 != 0 && i < 10);
		assert_int_equal(cur, (uint32_t)i + 1);
		assert_int_equal(cap_table_id_at(&t, (uint32_t)i), ids[i]);
		seen++;
	}
	assert_int_equal(seen, 6);
	assert_int_equal(seen, cap_table_live(&t));
	assert_int_equal(cur, CAP);
	/* start in the middle, and past the end */
	cur = 5;
	assert_int_equal(cap_table_next(&t, &cur), 5);
	assert_int_equal(cap_table_next(&t, &cur), 7);
	cur = CAP + 100;
	assert_int_equal(cap_table_next(&t, &cur), -1);
	assert_int_equal(cur, CAP);
	assert_int_equal(cap_table_id_at(&t, 0), CAP_ID_NONE);
	assert_int_equal(cap_table_id_at(&t, CAP), CAP_ID_NONE);
	assert_int_equal(cap_table_id_at(&t, UINT32_MAX), CAP_ID_NONE);
}

/* Tearing a table down: release everything found by iteration. */
static void test_teardown_by_iteration(void **state)
{
	uint32_t cur = 0;
	int i;

	setup(CAP);
	for (i = 0; i < CAP; i++)
		insert(&objs[i], IFACE_CONSOLE, 0, 0);
	assert_int_equal(cap_table_reserve(&t, cap_table_id_at(&t, 9)), CAP_OK);
	while ((i = cap_table_next(&t, &cur)) >= 0) {
		cap_id id = cap_table_id_at(&t, (uint32_t)i);

		if (cap_table_release(&t, id, NULL) == CAP_ERR_RESERVED)
			assert_int_equal(cap_table_commit(&t, id, NULL), CAP_OK);
	}
	assert_int_equal(cap_table_live(&t), 0);
}

static void test_strerror(void **state)
{
	for (int e = CAP_OK; e >= CAP_ERR_NOT_RESERVED; e--) {
		const char *s = cap_strerror(e);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
		for (int f = e + 1; f <= CAP_OK; f++)
			assert_string_not_equal(s, cap_strerror(f));
	}
	assert_string_equal(cap_strerror(1), "unknown error");
	assert_string_equal(cap_strerror(CAP_ERR_NOT_RESERVED - 1), "unknown error");
}

/* --- random operations against a reference model --- */

#define MCAP 24

/* The reference: one record per slot and the rules of cap_table.h written
 * out directly. */
struct model_slot {
	int state; /* enum cap_state */
	uint32_t gen; /* 0: retired */
	void *object;
	uint64_t iface, badge;
	uint32_t rights;
};

static struct model_slot model[MCAP];

static int model_resolve(cap_id id)
{
	uint32_t idx = cap_id_index(id), gen = cap_id_generation(id);

	if (gen == 0 || idx >= MCAP)
		return CAP_ERR_BAD_ID;
	if (model[idx].gen != gen)
		return CAP_ERR_STALE;
	return model[idx].state == CAP_SLOT_FREE ? CAP_ERR_BAD_ID : CAP_OK;
}

static int model_lookup(cap_id id, uint64_t iface, uint32_t rights)
{
	int err = model_resolve(id);
	const struct model_slot *m = &model[cap_id_index(id) % MCAP];

	if (err)
		return err;
	if (m->state == CAP_SLOT_RESERVED)
		return CAP_ERR_RESERVED;
	if (m->iface != iface)
		return CAP_ERR_WRONG_INTERFACE;
	return (m->rights & rights) == rights ? CAP_OK : CAP_ERR_RIGHTS;
}

static void model_empty(uint32_t idx)
{
	model[idx].state = CAP_SLOT_FREE;
	model[idx].gen = model[idx].gen == 0xffff ? 0 : model[idx].gen + 1;
}

static bool model_has_free(void)
{
	for (int i = 0; i < MCAP; i++)
		if (model[i].state == CAP_SLOT_FREE && model[i].gen != 0)
			return true;
	return false;
}

/* An id to try: a live one, a recently issued one, or a forged one. */
static cap_id pick_id(const cap_id *issued, int nissued)
{
	uint32_t r = (uint32_t)rng() % 8;
	uint32_t idx = (uint32_t)rng() % (MCAP + 2);

	if (r < 5 && nissued)
		return issued[rng() % (uint64_t)nissued];
	if (r == 5)
		return cap_id_make((uint16_t)(model[idx % MCAP].gen + rng() % 3 - 1), idx);
	return (cap_id)rng();
}

static void check_against_model(void)
{
	uint32_t cur = 0, live = 0, free = 0;
	int next = cap_table_next(&t, &cur);

	for (uint32_t k = 0; k < MCAP; k++) {
		bool occ = model[k].state != CAP_SLOT_FREE;

		live += occ;
		free += !occ && model[k].gen != 0;
		assert_int_equal(storage[k].state, model[k].state);
		assert_int_equal(storage[k].generation, model[k].gen);
		assert_int_equal(cap_table_id_at(&t, k),
		                 occ ? cap_id_make((uint16_t)model[k].gen, k) : CAP_ID_NONE);
		if (occ) {
			assert_int_equal(next, (int)k);
			next = cap_table_next(&t, &cur);
		}
	}
	assert_int_equal(next, -1);
	assert_int_equal(cap_table_live(&t), live);
	assert_int_equal(cap_table_free(&t), free);
	assert_int_equal(cap_table_full(&t), free == 0);
}

static void test_random_against_model(void **state)
{
	static cap_id issued[4096];
	int nissued = 0, total = 0;

	setup(MCAP);
	/* white-box: start some slots near the end of their generations */
	for (int k = 0; k < MCAP; k++) {
		model[k] = (struct model_slot){ .state = CAP_SLOT_FREE, .gen = 1 };
		if (k % 3 == 0)
			model[k].gen = storage[k].generation = (uint16_t)(0xfff0 + k % 8);
	}
	for (int step = 0; step < 200000; step++) {
		cap_id id = pick_id(issued, nissued);
		uint32_t idx = cap_id_index(id);
		uint64_t iface = 1 + rng() % 3;
		uint32_t rights = (uint32_t)rng() % 8;
		struct cap_slot *s, removed;
		int want;

		switch (rng() % 7) {
		case 0:
		case 1: {
			cap_id got = 0;
			void *obj = &objs[step % CAP];
			int err = cap_table_insert(&t, obj, iface, rights, (uint64_t)step, &got);

			if (!model_has_free()) {
				assert_int_equal(err, CAP_ERR_FULL);
				break;
			}
			assert_int_equal(err, CAP_OK);
			idx = cap_id_index(got);
			assert_true(idx < MCAP && model[idx].state == CAP_SLOT_FREE);
			assert_int_equal(cap_id_generation(got), model[idx].gen);
			model[idx] = (struct model_slot){ CAP_SLOT_LIVE, model[idx].gen, obj, iface,
			                                  (uint64_t)step, rights };
			issued[total++ % 4096] = got;
			nissued = total > 4096 ? 4096 : total;
			break;
		}
		case 2:
			if (rng() % 2)
				iface = 0;
			want = model_lookup(id, iface, rights);
			assert_int_equal(lookup(id, iface, rights), want);
			if (want == CAP_OK) {
				cap_table_lookup(&t, id, iface, rights, &s);
				assert_ptr_equal(s, &storage[idx]);
				assert_ptr_equal(s->object, model[idx].object);
				assert_int_equal(s->badge, model[idx].badge);
			}
			break;
		case 3:
			want = model_resolve(id);
			if (want == CAP_OK && model[idx].state == CAP_SLOT_RESERVED)
				want = CAP_ERR_RESERVED;
			assert_int_equal(cap_table_release(&t, id, &removed), want);
			if (want == CAP_OK) {
				assert_ptr_equal(removed.object, model[idx].object);
				assert_int_equal(removed.badge, model[idx].badge);
				model_empty(idx);
			}
			break;
		case 4:
			want = model_resolve(id);
			if (want == CAP_OK && model[idx].state == CAP_SLOT_RESERVED)
				want = CAP_ERR_RESERVED;
			assert_int_equal(cap_table_reserve(&t, id), want);
			if (want == CAP_OK)
				model[idx].state = CAP_SLOT_RESERVED;
			break;
		case 5:
			want = model_resolve(id);
			if (want == CAP_OK && model[idx].state != CAP_SLOT_RESERVED)
				want = CAP_ERR_NOT_RESERVED;
			assert_int_equal(cap_table_commit(&t, id, NULL), want);
			if (want == CAP_OK)
				model_empty(idx);
			break;
		default:
			want = model_resolve(id);
			if (want == CAP_OK && model[idx].state != CAP_SLOT_RESERVED)
				want = CAP_ERR_NOT_RESERVED;
			assert_int_equal(cap_table_rollback(&t, id), want);
			if (want == CAP_OK)
				model[idx].state = CAP_SLOT_LIVE;
			break;
		}
		if (step % 64 == 0)
			check_against_model();
	}
	check_against_model();
	assert_canary(MCAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_layout),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_insert_lookup_release),
		cmocka_unit_test(test_double_release),
		cmocka_unit_test(test_stale_after_reuse),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_forged_ids),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_zero_capacity),
		cmocka_unit_test(test_capacity_clamped),
		cmocka_unit_test(test_generation_wrap_retires_slot),
		cmocka_unit_test(test_generation_wrap_by_commit),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_rights_subset),
		cmocka_unit_test(test_interface_exact),
		cmocka_unit_test(test_reserve_rollback),
		cmocka_unit_test(test_reserve_commit),
		cmocka_unit_test(test_reserved_slot_stays_occupied),
		cmocka_unit_test(test_next_and_id_at),
		cmocka_unit_test(test_teardown_by_iteration),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
