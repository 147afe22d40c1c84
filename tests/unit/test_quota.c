/* Hierarchical quotas (lib/quota): a root, charge and uncharge at and past
 * the limit, overflow-safe sums near UINT64_MAX, carving a child (its limit
 * charged to the parent at once, its own charges never reaching the
 * parent), giving it back (refused while it holds charges and for a root;
 * returns exactly its limit), and random operations on a small tree against
 * a plain reference model. Each test names the invariant it guards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "lib/quota.h"

/* Asserts q's fields. */
static void assert_quota(const struct quota *q, const struct quota *parent, uint64_t limit, uint64_t used)
{
	assert_ptr_equal(q->parent, parent);
	assert_int_equal(q->limit, limit);
	assert_int_equal(q->used, used);
}

/* Invariant: a root has no parent, its limit, nothing used; room is
 * exactly limit - used. */
static void test_root(void **state)
{
	(void)state;
	struct quota r;

	memset(&r, 0xA5, sizeof r);
	quota_init_root(&r, 100);
	assert_quota(&r, NULL, 100, 0);
	assert_int_equal(r.children, 0);
	assert_true(quota_room(&r, 0));
	assert_true(quota_room(&r, 100));
	assert_false(quota_room(&r, 101));
	quota_init_root(&r, 0);
	assert_quota(&r, NULL, 0, 0);
	assert_true(quota_room(&r, 0));
	assert_false(quota_room(&r, 1));
}

/* Invariant: used <= limit always; a charge that would pass the limit
 * (by one byte) changes nothing; the exact boundary is allowed; uncharging
 * more than is held changes nothing. */
static void test_charge_uncharge_boundaries(void **state)
{
	(void)state;
	struct quota r;

	quota_init_root(&r, 100);
	assert_false(quota_charge(&r, 101));
	assert_quota(&r, NULL, 100, 0);
	assert_true(quota_charge(&r, 60));
	assert_false(quota_charge(&r, 41));
	assert_quota(&r, NULL, 100, 60);
	assert_true(quota_room(&r, 40));
	assert_true(quota_charge(&r, 40)); /* exactly full */
	assert_quota(&r, NULL, 100, 100);
	assert_false(quota_room(&r, 1));
	assert_false(quota_charge(&r, 1));
	assert_true(quota_charge(&r, 0));
	assert_quota(&r, NULL, 100, 100);
	assert_false(quota_uncharge(&r, 101));
	assert_quota(&r, NULL, 100, 100);
	assert_true(quota_uncharge(&r, 100));
	assert_quota(&r, NULL, 100, 0);
	assert_false(quota_uncharge(&r, 1));
	assert_true(quota_uncharge(&r, 0));
	assert_quota(&r, NULL, 100, 0);
}

/* Invariant: no sum wraps. A naive "used + bytes <= limit" accepts a
 * charge of UINT64_MAX - 4 on top of 5 (the sum wraps to 0); room must be
 * computed as limit - used. */
static void test_overflow_safe(void **state)
{
	(void)state;
	struct quota r;

	quota_init_root(&r, 10);
	assert_true(quota_charge(&r, 5));
	assert_false(quota_charge(&r, UINT64_MAX));
	assert_false(quota_charge(&r, UINT64_MAX - 4));
	assert_false(quota_room(&r, UINT64_MAX - 3));
	assert_quota(&r, NULL, 10, 5);
	assert_false(quota_uncharge(&r, UINT64_MAX));
	assert_quota(&r, NULL, 10, 5);

	quota_init_root(&r, UINT64_MAX);
	assert_true(quota_charge(&r, UINT64_MAX));
	assert_false(quota_charge(&r, 1));
	assert_quota(&r, NULL, UINT64_MAX, UINT64_MAX);
	assert_true(quota_uncharge(&r, UINT64_MAX - 1));
	assert_quota(&r, NULL, UINT64_MAX, 1);
	assert_false(quota_charge(&r, UINT64_MAX));
	assert_true(quota_charge(&r, UINT64_MAX - 1));

	quota_init_root(&r, UINT64_MAX - 1);
	assert_false(quota_charge(&r, UINT64_MAX));
	assert_quota(&r, NULL, UINT64_MAX - 1, 0);

	struct quota c;
	quota_init_root(&r, UINT64_MAX);
	assert_true(quota_charge(&r, 2));
	assert_false(quota_carve(&r, &c, UINT64_MAX));
	assert_false(quota_carve(&r, &c, UINT64_MAX - 1));
	assert_true(quota_carve(&r, &c, UINT64_MAX - 2));
	assert_quota(&r, NULL, UINT64_MAX, UINT64_MAX);
	assert_true(quota_charge(&c, UINT64_MAX - 2));
}

/* Invariant: carving charges the child's whole limit to the parent at once
 * (exactly up to the parent's room, not a byte more), and the child's own
 * charges and uncharges never touch the parent. A refused carve leaves the
 * child's struct untouched. */
static void test_carve(void **state)
{
	(void)state;
	struct quota r, a, b, before;

	quota_init_root(&r, 1000);
	assert_true(quota_carve(&r, &a, 300));
	assert_quota(&r, NULL, 1000, 300);
	assert_quota(&a, &r, 300, 0);
	assert_true(quota_charge(&a, 300));
	assert_false(quota_charge(&a, 1));
	assert_quota(&r, NULL, 1000, 300);
	assert_true(quota_uncharge(&a, 100));
	assert_quota(&a, &r, 300, 200);
	assert_quota(&r, NULL, 1000, 300);

	assert_true(quota_charge(&r, 100));
	memset(&b, 0x5A, sizeof b);
	before = b;
	assert_false(quota_carve(&r, &b, 601)); /* one byte past the room */
	assert_memory_equal(&b, &before, sizeof b);
	assert_quota(&r, NULL, 1000, 400);
	assert_true(quota_carve(&r, &b, 600)); /* exactly the room */
	assert_quota(&r, NULL, 1000, 1000);
	assert_quota(&b, &r, 600, 0);
	assert_false(quota_charge(&r, 1));
	assert_true(quota_charge(&b, 600));

	/* a child carves a grandchild out of its own limit, not the root's */
	struct quota g;
	assert_true(quota_uncharge(&b, 600));
	assert_true(quota_carve(&b, &g, 250));
	assert_quota(&b, &r, 600, 250);
	assert_quota(&g, &b, 250, 0);
	assert_quota(&r, NULL, 1000, 1000);
	assert_true(quota_charge(&g, 250));
	assert_quota(&b, &r, 600, 250);

	/* a zero-byte child is allowed even from a full parent */
	struct quota z;
	assert_true(quota_carve(&r, &z, 0));
	assert_quota(&z, &r, 0, 0);
	assert_false(quota_charge(&z, 1));
}

/* Invariant: a child goes back only when it holds nothing (its own charges
 * and its children's limits alike) and has a parent; the parent gets back
 * exactly the child's limit; the child is then a spent root (no parent, no
 * limit), so a second give-back is refused. A refused give-back changes
 * neither quota. */
static void test_give_back(void **state)
{
	(void)state;
	struct quota r, a, g;

	quota_init_root(&r, 1000);
	assert_false(quota_give_back(&r));
	assert_quota(&r, NULL, 1000, 0);
	assert_true(quota_charge(&r, 10));
	assert_true(quota_carve(&r, &a, 300));
	assert_true(quota_charge(&a, 1));
	assert_false(quota_give_back(&a));
	assert_quota(&a, &r, 300, 1);
	assert_quota(&r, NULL, 1000, 310);
	assert_true(quota_uncharge(&a, 1));

	assert_true(quota_carve(&a, &g, 20)); /* a child holds a's bytes too */
	assert_false(quota_give_back(&a));
	assert_quota(&a, &r, 300, 20);
	assert_quota(&r, NULL, 1000, 310);
	assert_true(quota_give_back(&g));
	assert_quota(&g, NULL, 0, 0);
	assert_quota(&a, &r, 300, 0);

	assert_true(quota_give_back(&a));
	assert_quota(&r, NULL, 1000, 10);
	assert_quota(&a, NULL, 0, 0);
	assert_false(quota_give_back(&a));
	assert_quota(&r, NULL, 1000, 10);
	assert_false(quota_charge(&a, 1));

	/* the whole of a full root comes back */
	assert_true(quota_carve(&r, &a, 990));
	assert_true(quota_give_back(&a));
	assert_quota(&r, NULL, 1000, 10);
}

/* Regression: a quota whose only child has a zero-byte limit holds
 * nothing, but was given back all the same, leaving the child pointing at
 * a struct its owner would then free or reuse (reused as that child's own
 * child, it made a parent cycle). Invariant: a quota with children, of any
 * size, is not given back; it is once they are. */
static void test_give_back_refused_with_zero_byte_children(void **state)
{
	(void)state;
	struct quota r, a, z;

	quota_init_root(&r, 100);
	assert_true(quota_carve(&r, &a, 10));
	assert_true(quota_carve(&a, &z, 0));
	assert_int_equal(r.children, 1);
	assert_int_equal(a.children, 1);
	assert_quota(&a, &r, 10, 0);
	assert_false(quota_give_back(&a));
	assert_quota(&a, &r, 10, 0);
	assert_quota(&r, NULL, 100, 10);
	assert_int_equal(a.children, 1);
	assert_true(quota_give_back(&z));
	assert_int_equal(a.children, 0);
	assert_true(quota_give_back(&a));
	assert_quota(&r, NULL, 100, 0);
	assert_int_equal(r.children, 0);
	/* white-box: a carve that would overflow the count is refused */
	r.children = UINT32_MAX;
	assert_false(quota_carve(&r, &a, 0));
	assert_quota(&r, NULL, 100, 0);
}

/* Regression: uncharge checked the bytes against used, which includes the
 * children's limits, so a parent could "uncharge" bytes it had carved out
 * and charge them again: here the root would hold 100 directly plus its
 * child's 60 under a limit of 100. Invariant: only bytes charged directly
 * can be uncharged; a subtree never holds more than its root's limit. */
static void test_uncharge_cannot_take_carved_bytes(void **state)
{
	(void)state;
	struct quota r, a;

	quota_init_root(&r, 100);
	assert_true(quota_carve(&r, &a, 60));
	assert_true(quota_charge(&r, 10));
	assert_false(quota_uncharge(&r, 70));
	assert_false(quota_uncharge(&r, 11));
	assert_quota(&r, NULL, 100, 70);
	assert_int_equal(r.carved, 60);
	assert_false(quota_charge(&r, 31));
	assert_true(quota_uncharge(&r, 10));
	assert_false(quota_uncharge(&r, 1));
	assert_true(quota_charge(&a, 60));
	assert_quota(&r, NULL, 100, 60);
	assert_true(quota_uncharge(&a, 60));
	assert_true(quota_give_back(&a));
	assert_quota(&r, NULL, 100, 0);
	assert_int_equal(r.carved, 0);
	assert_true(quota_charge(&r, 100));
}

/* --- random operations against a reference model --- */

#define NQ 8

/* The reference: each quota's parent, limit and the bytes charged to it
 * directly; what it uses is computed from the tree. */
struct model_quota {
	bool live;
	int parent; /* -1: a root */
	uint64_t limit, direct;
};

static struct model_quota model[NQ];
static struct quota qs[NQ];

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t model_children(int i)
{
	uint32_t n = 0;

	for (int j = 0; j < NQ; j++)
		n += model[j].live && model[j].parent == i;
	return n;
}

static uint64_t model_used(int i)
{
	uint64_t used = model[i].direct;

	for (int j = 0; j < NQ; j++)
		if (model[j].live && model[j].parent == i)
			used += model[j].limit;
	return used;
}

/* An amount near something interesting: zero, small, the exact room, one
 * past it, a random share, or near UINT64_MAX. */
static uint64_t pick_amount(uint64_t room)
{
	switch (rng() % 8) {
	case 0: return 0;
	case 1: return rng() % 16;
	case 2: return room;
	case 3: return room + 1;
	case 4: return room ? rng() % room : 0;
	case 5: return UINT64_MAX - rng() % 3;
	case 6: return rng() % 4096;
	default: return rng();
	}
}

/* Every live quota matches the model, and for each: used <= limit, and
 * used == its direct charges + the limits of its live children (carved),
 * and it counts those children. */
static void check_against_model(void)
{
	for (int i = 0; i < NQ; i++) {
		if (!model[i].live)
			continue;
		uint64_t used = model_used(i);
		assert_true(used >= model[i].direct); /* no wrap in the model */
		assert_ptr_equal(qs[i].parent, model[i].parent < 0 ? NULL : &qs[model[i].parent]);
		assert_int_equal(qs[i].limit, model[i].limit);
		assert_int_equal(qs[i].used, used);
		assert_int_equal(qs[i].carved, used - model[i].direct);
		assert_true(qs[i].used <= qs[i].limit);
		assert_int_equal(qs[i].children, model_children(i));
	}
}

static int pick_live(void)
{
	int i = (int)(rng() % NQ);

	for (int k = 0; k < NQ; k++, i = (i + 1) % NQ)
		if (model[i].live)
			return i;
	return -1;
}

static int pick_free(void)
{
	int i = (int)(rng() % NQ);

	for (int k = 0; k < NQ; k++, i = (i + 1) % NQ)
		if (!model[i].live)
			return i;
	return -1;
}

static void random_charge(int i)
{
	uint64_t room = model[i].limit - model_used(i);
	uint64_t b = pick_amount(room);
	bool ok = b <= room;

	assert_int_equal(quota_room(&qs[i], b), ok);
	assert_int_equal(quota_charge(&qs[i], b), ok);
	if (ok)
		model[i].direct += b;
}

/* Uncharges any part of what was charged directly, or more: up to the
 * bytes the quota holds with its children's limits, or past them. */
static void random_uncharge(int i)
{
	uint64_t b = rng() % 4 ? pick_amount(model[i].direct) : pick_amount(model_used(i));
	bool ok = b <= model[i].direct;

	assert_int_equal(quota_uncharge(&qs[i], b), ok);
	if (ok)
		model[i].direct -= b;
}

static void random_carve(int parent)
{
	int child = pick_free();
	if (child < 0)
		return;
	uint64_t room = model[parent].limit - model_used(parent);
	uint64_t limit = pick_amount(room);
	struct quota before = qs[child];
	bool ok = limit <= room;

	assert_int_equal(quota_carve(&qs[parent], &qs[child], limit), ok);
	if (ok)
		model[child] = (struct model_quota){ true, parent, limit, 0 };
	else
		assert_memory_equal(&qs[child], &before, sizeof before);
}

static void random_give_back(int i)
{
	bool ok = model[i].parent >= 0 && model_used(i) == 0 && model_children(i) == 0;
	struct quota before = qs[i];

	assert_int_equal(quota_give_back(&qs[i]), ok);
	if (ok) {
		model[i].live = false;
		assert_quota(&qs[i], NULL, 0, 0);
	} else {
		assert_memory_equal(&qs[i], &before, sizeof before);
	}
}

/* A new root, while there are fewer than two (roots are never given
 * back, so more would crowd out the children). */
static void new_root(void)
{
	int i = pick_free(), roots = 0;

	for (int k = 0; k < NQ; k++)
		roots += model[k].live && model[k].parent < 0;
	if (i < 0 || roots >= 2)
		return;
	uint64_t limit = rng() % 2 ? rng() % 100000 : UINT64_MAX - rng() % 100000;
	quota_init_root(&qs[i], limit);
	model[i] = (struct model_quota){ true, -1, limit, 0 };
}

/* Invariants: the library agrees with the model on every answer and every
 * field (check_against_model) after each of 200,000 random operations on
 * a forest of up to NQ quotas. */
static void test_random_against_model(void **state)
{
	(void)state;
	memset(qs, 0x5A, sizeof qs);
	memset(model, 0, sizeof model);
	new_root();
	for (int step = 0; step < 200000; step++) {
		int i = pick_live();
		uint64_t op = rng() % 16;

		if (i < 0 || op == 0) {
			new_root();
		} else if (op < 5) {
			random_charge(i);
		} else if (op < 9) {
			random_uncharge(i);
		} else if (op < 13) {
			random_carve(i);
		} else {
			random_give_back(i);
		}
		check_against_model();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_charge_uncharge_boundaries),
		cmocka_unit_test(test_overflow_safe),
		cmocka_unit_test(test_carve),
		cmocka_unit_test(test_give_back),
		cmocka_unit_test(test_give_back_refused_with_zero_byte_children),
		cmocka_unit_test(test_uncharge_cannot_take_carved_bytes),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
