/* Capability transfer as a transaction over two tables: copy, move, mixed,
 * empty blocks, every prepare error (each leaving the sender untouched),
 * reservations while prepared, abort, the hooks (balance and order), the
 * same table as sender and receiver, the error mapping, and random
 * interleaved transfers against a plain reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cap_transfer.h"

#define TCAP 8
#define NT 3
#define NOBJ 12
#define IF_A 0xaaaa000000000001ull
#define IF_B 0xbbbb000000000002ull
#define IF_C 0xcccc000000000003ull

/* The owner's reference counts, kept by the hooks (and by put/drop). */
struct obj {
	int held, slots;
};

enum { EV_HOLD, EV_UNHOLD, EV_ADDED, EV_REMOVED };
struct ev {
	int kind;
	struct obj *o;
	struct cap_slot slot; /* added, removed */
};

static struct obj objs[NOBJ];
static struct cap_slot st[NT][TCAP + 1]; /* + a canary slot */
static struct cap_table tab[NT];
static struct ev evs[64];
static int nev;

/* Logs one hook call and returns its object's counts. */
static struct obj *ev(void *ctx, int kind, void *object, const struct cap_slot *s)
{
	struct obj *o = object;

	assert_ptr_equal(ctx, objs);
	assert_true(o >= objs && o < objs + NOBJ && nev < 64);
	evs[nev++] = (struct ev){ kind, o, s ? *s : (struct cap_slot){ 0 } };
	return o;
}

static void h_hold(void *ctx, void *object) { ev(ctx, EV_HOLD, object, NULL)->held++; }

static void h_unhold(void *ctx, void *object)
{
	assert_true(ev(ctx, EV_UNHOLD, object, NULL)->held-- > 0);
}

static void h_added(void *ctx, const struct cap_slot *s)
{
	assert_true(s && s->state == CAP_SLOT_LIVE);
	ev(ctx, EV_ADDED, s->object, s)->slots++;
}

static void h_removed(void *ctx, const struct cap_slot *s)
{
	assert_true(s && s->state == CAP_SLOT_RESERVED);
	assert_true(ev(ctx, EV_REMOVED, s->object, s)->slots-- > 0);
}

static const struct cap_transfer_hooks hooks = { h_hold, h_unhold, h_added, h_removed };

static void reset(void)
{
	memset(objs, 0, sizeof objs);
	memset(st, 0x5a, sizeof st);
	nev = 0;
	for (int i = 0; i < NT; i++)
		cap_table_init(&tab[i], st[i], TCAP);
}

static void assert_canaries(void)
{
	for (int t = 0; t < NT; t++) {
		const uint8_t *p = (const uint8_t *)&st[t][TCAP];

		for (size_t i = 0; i < sizeof(struct cap_slot); i++)
			assert_int_equal(p[i], 0x5a);
	}
}

static cap_id put(int t, int o, uint64_t iface, uint32_t rights, uint64_t badge)
{
	cap_id id = 0;

	assert_int_equal(cap_table_insert(&tab[t], &objs[o], iface, rights, badge, &id), CAP_OK);
	objs[o].slots++;
	return id;
}

static void desc(struct capos_transfer *b, cap_id id, uint32_t mode, uint64_t iface)
{
	b->caps[b->count++] = (struct capos_transfer_cap){ id, mode, iface };
}

static int prepare(int t, const struct capos_transfer *b, struct cap_transfer *tx)
{
	return cap_transfer_prepare(&tab[t], b, tx, &hooks, objs);
}

static void commit(int from, int to, struct cap_transfer *tx, struct capos_transfer *out)
{
	cap_transfer_commit(&tab[from], &tab[to], tx, out, &hooks, objs);
	assert_int_equal(tx->n, 0);
}

/* id resolves in table t to exactly this capability. */
static void assert_cap(int t, cap_id id, int o, uint64_t iface, uint32_t rights, uint64_t badge)
{
	struct cap_slot *s = NULL;

	assert_int_equal(cap_table_lookup(&tab[t], id, iface, 0, &s), CAP_OK);
	assert_ptr_equal(s->object, &objs[o]);
	assert_int_equal(s->interface_id, iface);
	assert_int_equal(s->rights, rights);
	assert_int_equal(s->badge, badge);
}

static int count_ev(int kind, const struct obj *o)
{
	int n = 0;

	for (int i = 0; i < nev; i++)
		n += evs[i].kind == kind && (!o || evs[i].o == o);
	return n;
}

/* Every added precedes every removed. */
static void assert_log_sane(void)
{
	int added = 0, all = count_ev(EV_ADDED, NULL);

	for (int i = 0; i < nev; i++) {
		added += evs[i].kind == EV_ADDED;
		if (evs[i].kind == EV_REMOVED)
			assert_int_equal(added, all);
	}
}

/* No transfer pending: per object, as many unholds as holds. */
static void assert_settled(void)
{
	assert_log_sane();
	for (int o = 0; o < NOBJ; o++) {
		assert_int_equal(count_ev(EV_HOLD, &objs[o]), count_ev(EV_UNHOLD, &objs[o]));
		assert_int_equal(objs[o].held, 0);
	}
}

/* --- directed tests --- */

static void test_copy(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;
	struct cap_slot before[TCAP + 1];

	reset();
	cap_id a = put(0, 3, IF_A, 5, 77);
	desc(&b, a, CAPOS_TRANSFER_COPY, IF_A);
	memcpy(before, st[0], sizeof before);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(tx.n, 1);
	assert_false(tx.item[0].move);
	assert_memory_equal(before, st[0], sizeof before); /* a copy reserves nothing */
	assert_int_equal(objs[3].held, 1);
	assert_cap(0, a, 3, IF_A, 5, 77);                  /* still usable */
	commit(0, 1, &tx, &out);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.reserved, 0);
	assert_int_equal(out.caps[0].mode, 0);
	assert_int_equal(out.caps[0].interface_id, IF_A);
	assert_cap(1, out.caps[0].cap, 3, IF_A, 5, 77);
	assert_cap(0, a, 3, IF_A, 5, 77);                  /* the sender keeps it */
	assert_int_equal(objs[3].slots, 2);
	assert_int_equal(nev, 3);
	assert_int_equal(count_ev(EV_ADDED, &objs[3]), 1);
	assert_settled();
}

static void test_move(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;
	struct cap_slot *s = (struct cap_slot *)1;

	reset();
	cap_id a = put(0, 1, IF_B, 3, 9);
	desc(&b, a, CAPOS_TRANSFER_MOVE, IF_B);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_true(tx.item[0].move);
	assert_int_equal(tx.item[0].id, a);
	/* while prepared the slot is reserved: unusable, unreleasable */
	assert_int_equal(st[0][cap_id_index(a)].state, CAP_SLOT_RESERVED);
	assert_int_equal(cap_table_lookup(&tab[0], a, IF_B, 0, &s), CAP_ERR_RESERVED);
	assert_null(s);
	assert_int_equal(cap_table_release(&tab[0], a, NULL), CAP_ERR_RESERVED);
	assert_int_equal(cap_table_reserve(&tab[0], a), CAP_ERR_RESERVED);
	struct cap_transfer tx2;
	assert_int_equal(prepare(0, &b, &tx2), CAPOS_E_RESERVED_CAP);
	assert_int_equal(cap_table_free(&tab[0]), TCAP - 1);
	commit(0, 1, &tx, &out);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.caps[0].interface_id, IF_B);
	assert_cap(1, out.caps[0].cap, 1, IF_B, 3, 9);
	assert_int_equal(cap_table_lookup(&tab[0], a, IF_B, 0, &s), CAP_ERR_STALE);
	assert_int_equal(cap_table_live(&tab[0]), 0);
	assert_int_equal(objs[1].slots, 1);
	assert_int_equal(count_ev(EV_ADDED, NULL), 1);
	assert_int_equal(count_ev(EV_REMOVED, &objs[1]), 1);
	for (int i = 0; i < nev; i++)
		if (evs[i].kind == EV_REMOVED) /* the removed slot as it was */
			assert_true(evs[i].slot.object == &objs[1] && evs[i].slot.badge == 9);
	assert_settled();
}

/* Copies, a move, the same capability copied twice; the result written over
 * the request block (as a RETURN's is). */
static void test_mixed(void **state)
{
	struct capos_transfer b = { 0 };
	struct cap_transfer tx;
	struct cap_slot *s;

	reset();
	cap_id x = put(0, 0, IF_A, 1, 10), y = put(0, 1, IF_B, 2, 20), z = put(0, 2, IF_C, 4, 30);
	desc(&b, x, CAPOS_TRANSFER_COPY, IF_A);
	desc(&b, y, CAPOS_TRANSFER_MOVE, IF_B);
	desc(&b, z, CAPOS_TRANSFER_COPY, IF_C);
	desc(&b, x, CAPOS_TRANSFER_COPY, IF_A);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(tx.n, 4);
	assert_int_equal(objs[0].held, 2);
	assert_int_equal(cap_table_lookup(&tab[0], x, IF_A, 1, &s), CAP_OK);
	assert_int_equal(cap_table_lookup(&tab[0], z, IF_C, 4, &s), CAP_OK);
	assert_int_equal(cap_table_lookup(&tab[0], y, IF_B, 0, &s), CAP_ERR_RESERVED);
	commit(0, 2, &tx, &b);
	assert_int_equal(b.count, 4);
	assert_cap(2, b.caps[0].cap, 0, IF_A, 1, 10);
	assert_cap(2, b.caps[1].cap, 1, IF_B, 2, 20);
	assert_cap(2, b.caps[2].cap, 2, IF_C, 4, 30);
	assert_cap(2, b.caps[3].cap, 0, IF_A, 1, 10);
	assert_int_not_equal(b.caps[0].cap, b.caps[3].cap);
	assert_int_equal(b.caps[1].interface_id, IF_B);
	assert_int_equal(b.caps[1].mode, 0);
	assert_cap(0, x, 0, IF_A, 1, 10);
	assert_cap(0, z, 2, IF_C, 4, 30);
	assert_int_equal(cap_table_get(&tab[0], y, &s), CAP_ERR_STALE);
	assert_true(objs[0].slots == 3 && objs[1].slots == 1 && objs[2].slots == 2);
	assert_true(count_ev(EV_ADDED, NULL) == 4 && count_ev(EV_REMOVED, NULL) == 1);
	assert_settled();
}

static void test_count_zero(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;
	struct cap_slot before[NT][TCAP + 1];

	reset();
	put(0, 0, IF_A, 1, 1);
	memcpy(before, st, sizeof st);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(tx.n, 0);
	memset(&out, 0xff, sizeof out);
	commit(0, 1, &tx, &out);
	assert_int_equal(out.count, 0);
	assert_int_equal(out.reserved, 0);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	cap_transfer_abort(&tab[0], &tx, &hooks, objs);
	assert_int_equal(nev, 0);
	assert_memory_equal(before, st, sizeof st);
}

static void test_prepare_errors(void **state)
{
	struct cap_transfer tx, other;
	struct capos_transfer ob = { 0 };

	reset();
	cap_id c0 = put(0, 0, IF_A, 7, 1), c1 = put(0, 1, IF_B, 7, 2), c2 = put(0, 2, IF_C, 7, 3);
	cap_id gone = put(0, 3, IF_A, 7, 4);
	assert_int_equal(cap_table_release(&tab[0], gone, NULL), CAP_OK);
	cap_id reused = put(0, 4, IF_A, 7, 5); /* takes gone's slot, next generation */
	assert_int_equal(cap_id_index(reused), cap_id_index(gone));
	desc(&ob, c2, CAPOS_TRANSFER_MOVE, IF_C); /* another pending move holds c2 */
	assert_int_equal(prepare(0, &ob, &other), CAPOS_OK);
	assert_int_equal(nev, 1);

	const struct {
		uint32_t count, reserved;
		struct capos_transfer_cap caps[CAPOS_TRANSFER_MAX];
		int want;
	} cases[] = {
		{ 5, 0, { { c0, 1, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ UINT32_MAX, 0, { { c0, 0, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 1, 1, { { c0, 0, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 1, 0x80000000u, { { c0, 1, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 2, 0, { { c0, 1, IF_A }, { c1, 2, IF_B } }, CAPOS_E_BAD_ARGUMENT },
		{ 1, 0, { { c1, UINT32_MAX, IF_B } }, CAPOS_E_BAD_ARGUMENT },
		{ 2, 0, { { c0, 1, IF_A }, { c0, 1, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 3, 0, { { c1, 0, IF_B }, { c0, 0, IF_A }, { c0, 1, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 2, 0, { { c0, 1, IF_A }, { c0, 0, IF_A } }, CAPOS_E_BAD_ARGUMENT },
		{ 2, 0, { { c0, 1, IF_A }, { 0, 0, IF_A } }, CAPOS_E_BAD_CAP },
		{ 2, 0, { { c0, 1, IF_A }, { cap_id_make(1, TCAP), 0, IF_A } }, CAPOS_E_BAD_CAP },
		{ 2, 0, { { c0, 1, IF_A }, { cap_id_make(1, 6), 0, IF_A } }, CAPOS_E_BAD_CAP },
		{ 2, 0, { { c0, 1, IF_A }, { gone, 0, IF_A } }, CAPOS_E_STALE_CAP },
		{ 2, 0, { { c0, 1, IF_A }, { cap_id_make(9, 1), 1, IF_B } }, CAPOS_E_STALE_CAP },
		{ 2, 0, { { c0, 1, IF_A }, { c1, 0, IF_A } }, CAPOS_E_WRONG_INTERFACE },
		{ 2, 0, { { c1, 1, IF_B }, { c0, 1, 0 } }, CAPOS_E_WRONG_INTERFACE },
		{ 2, 0, { { c0, 1, IF_A }, { c2, 0, IF_C } }, CAPOS_E_RESERVED_CAP },
		{ 1, 0, { { c2, 1, IF_C } }, CAPOS_E_RESERVED_CAP },
		{ 2, 0, { { c2, 0, IF_A }, { c0, 1, IF_A } }, CAPOS_E_RESERVED_CAP }, /* RESERVED before interface */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct capos_transfer b = { cases[i].count, cases[i].reserved, { { 0 } } };
		struct cap_slot before[TCAP + 1];
		struct cap_table tbefore = tab[0];
		struct obj obefore[NOBJ];

		memcpy(obefore, objs, sizeof objs);
		memcpy(b.caps, cases[i].caps, sizeof b.caps);
		memcpy(before, st[0], sizeof before);
		tx.n = 99;
		assert_int_equal(prepare(0, &b, &tx), cases[i].want);
		assert_int_equal(tx.n, 0);
		assert_memory_equal(before, st[0], sizeof before);
		assert_memory_equal(&tbefore, &tab[0], sizeof tbefore);
		assert_int_equal(nev, 1); /* no hold at all */
		assert_memory_equal(obefore, objs, sizeof objs);
	}
	assert_cap(0, c0, 0, IF_A, 7, 1);
	assert_cap(0, reused, 4, IF_A, 7, 5);
	cap_transfer_abort(&tab[0], &other, &hooks, objs);
	assert_cap(0, c2, 2, IF_C, 7, 3);
	assert_settled();
}

/* A copied slot stays usable while prepared, even released: the hold keeps
 * the object and the commit still delivers the capability as prepared. */
static void test_copy_survives_sender_release(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;

	reset();
	cap_id a = put(0, 5, IF_A, 6, 66);
	desc(&b, a, CAPOS_TRANSFER_COPY, IF_A);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(cap_table_release(&tab[0], a, NULL), CAP_OK);
	objs[5].slots--;
	assert_int_equal(objs[5].held + objs[5].slots, 1); /* kept alive by the hold */
	commit(0, 1, &tx, &out);
	assert_cap(1, out.caps[0].cap, 5, IF_A, 6, 66);
	assert_int_equal(objs[5].slots, 1);
	assert_settled();
}

static void test_abort_restores(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;
	struct cap_slot before[TCAP + 1];

	reset();
	cap_id a = put(0, 0, IF_A, 1, 1), c = put(0, 1, IF_B, 2, 2), m = put(0, 2, IF_C, 3, 3);
	desc(&b, a, CAPOS_TRANSFER_MOVE, IF_A);
	desc(&b, c, CAPOS_TRANSFER_COPY, IF_B);
	desc(&b, m, CAPOS_TRANSFER_MOVE, IF_C);
	struct cap_table tbefore = tab[0];
	memcpy(before, st[0], sizeof before);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(st[0][cap_id_index(m)].state, CAP_SLOT_RESERVED);
	cap_transfer_abort(&tab[0], &tx, &hooks, objs);
	assert_int_equal(tx.n, 0);
	assert_memory_equal(before, st[0], sizeof before);
	assert_memory_equal(&tbefore, &tab[0], sizeof tbefore);
	assert_int_equal(nev, 6);
	assert_int_equal(count_ev(EV_UNHOLD, NULL), 3);
	assert_settled();
	assert_int_equal(cap_table_live(&tab[1]), 0);
	/* the same ids work again */
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	commit(0, 1, &tx, &out);
	assert_cap(1, out.caps[2].cap, 2, IF_C, 3, 3);
	assert_int_equal(cap_table_live(&tab[0]), 1);
}

/* The hooks' order: holds first, every added (one per inserted slot, the
 * slot as inserted) before any removed (one per moved slot). */
static void test_hook_events(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;

	reset();
	cap_id a = put(0, 0, IF_A, 1, 11), c = put(0, 1, IF_B, 2, 22), d = put(0, 0, IF_C, 3, 33);
	desc(&b, a, CAPOS_TRANSFER_MOVE, IF_A);
	desc(&b, c, CAPOS_TRANSFER_COPY, IF_B);
	desc(&b, d, CAPOS_TRANSFER_MOVE, IF_C);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(nev, 3);
	assert_int_equal(count_ev(EV_HOLD, &objs[0]), 2);
	commit(0, 1, &tx, &out);
	assert_int_equal(nev, 3 + 3 + 2 + 3);
	assert_true(count_ev(EV_ADDED, &objs[0]) == 2 && count_ev(EV_ADDED, &objs[1]) == 1);
	assert_true(count_ev(EV_REMOVED, &objs[0]) == 2 && count_ev(EV_REMOVED, &objs[1]) == 0);
	/* the object's count (held + slots) never reaches zero on the way */
	int cnt[2] = { 2, 1 };
	for (int i = 0; i < nev; i++) {
		int o = (int)(evs[i].o - objs);
		cnt[o] += evs[i].kind == EV_HOLD || evs[i].kind == EV_ADDED ? 1 : -1;
		assert_true(cnt[o] > 0);
	}
	assert_settled();
}

static void test_same_table(void **state)
{
	struct capos_transfer b = { 0 }, out;
	struct cap_transfer tx;
	struct cap_slot *s;

	reset();
	cap_id a = put(0, 0, IF_A, 1, 5);
	desc(&b, a, CAPOS_TRANSFER_COPY, IF_A);
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	commit(0, 0, &tx, &out);
	assert_int_not_equal(out.caps[0].cap, a);
	assert_cap(0, a, 0, IF_A, 1, 5);
	assert_cap(0, out.caps[0].cap, 0, IF_A, 1, 5);
	assert_int_equal(objs[0].slots, 2);
	/* fill the table so a move has exactly one free slot to land in */
	for (int i = 2; i < TCAP; i++)
		put(0, 1, IF_B, 0, (uint64_t)i);
	assert_int_equal(cap_table_release(&tab[0], out.caps[0].cap, NULL), CAP_OK);
	objs[0].slots--;
	assert_int_equal(cap_table_free(&tab[0]), 1);
	b.caps[0].mode = CAPOS_TRANSFER_MOVE;
	nev = 0;
	assert_int_equal(prepare(0, &b, &tx), CAPOS_OK);
	assert_int_equal(cap_table_free(&tab[0]), 1); /* the reserved slot is not free */
	commit(0, 0, &tx, &out);
	assert_int_not_equal(cap_id_index(out.caps[0].cap), cap_id_index(a));
	assert_cap(0, out.caps[0].cap, 0, IF_A, 1, 5);
	assert_int_equal(cap_table_get(&tab[0], a, &s), CAP_ERR_STALE);
	assert_int_equal(cap_table_live(&tab[0]), TCAP - 1);
	assert_int_equal(objs[0].slots, 1);
	assert_int_equal(count_ev(EV_ADDED, NULL), 1);
	assert_int_equal(count_ev(EV_REMOVED, NULL), 1);
	assert_settled();
}

static void test_error_mapping(void **state)
{
	assert_int_equal(cap_capos_error(CAP_OK), CAPOS_OK);
	assert_int_equal(cap_capos_error(CAP_ERR_BAD_ID), CAPOS_E_BAD_CAP);
	assert_int_equal(cap_capos_error(CAP_ERR_STALE), CAPOS_E_STALE_CAP);
	assert_int_equal(cap_capos_error(CAP_ERR_WRONG_INTERFACE), CAPOS_E_WRONG_INTERFACE);
	assert_int_equal(cap_capos_error(CAP_ERR_RIGHTS), CAPOS_E_PERMISSION_DENIED);
	assert_int_equal(cap_capos_error(CAP_ERR_FULL), CAPOS_E_TABLE_FULL);
	assert_int_equal(cap_capos_error(CAP_ERR_RESERVED), CAPOS_E_RESERVED_CAP);
	assert_int_equal(cap_capos_error(CAP_ERR_NOT_RESERVED), CAPOS_E_BAD_CAP);
	assert_int_equal(cap_capos_error(-100), CAPOS_E_BAD_CAP);
}

/* --- random interleaved transfers against a reference model --- */

#define NPEND 3
#define STEPS 60000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A capability as the model sees it; state FREE with gen 0 is retired. */
struct mcap {
	int state, obj;
	uint32_t gen, rights;
	uint64_t iface, badge;
};

struct pending {
	bool used;
	int from;
	uint32_t n;
	struct cap_transfer tx;
	cap_id id[CAPOS_TRANSFER_MAX];
	bool move[CAPOS_TRANSFER_MAX];
	struct mcap cap[CAPOS_TRANSFER_MAX];
};

static struct mcap ms[NT][TCAP];
static struct pending pend[NPEND];
static struct mcap expect[NT * TCAP]; /* the expected multiset of all capabilities */
static int nexpect;
static const uint64_t ifaces[] = { IF_A, IF_B, IF_C };

static int capos_of(int cap_err) /* written out independently of the code under test */
{
	return cap_err == CAP_ERR_STALE ? CAPOS_E_STALE_CAP
	     : cap_err == CAP_ERR_RESERVED ? CAPOS_E_RESERVED_CAP
	     : cap_err == CAP_ERR_WRONG_INTERFACE ? CAPOS_E_WRONG_INTERFACE
	     : cap_err ? CAPOS_E_BAD_CAP : CAPOS_OK;
}

static int model_get(int t, cap_id id)
{
	uint32_t idx = cap_id_index(id), gen = cap_id_generation(id);

	if (gen == 0 || idx >= TCAP)
		return CAP_ERR_BAD_ID;
	if (ms[t][idx].gen != gen)
		return CAP_ERR_STALE;
	if (ms[t][idx].state == CAP_SLOT_FREE)
		return CAP_ERR_BAD_ID;
	return ms[t][idx].state == CAP_SLOT_RESERVED ? CAP_ERR_RESERVED : CAP_OK;
}

static int model_prepare(int t, const struct capos_transfer *b)
{
	if (b->count > CAPOS_TRANSFER_MAX || b->reserved)
		return CAPOS_E_BAD_ARGUMENT;
	for (uint32_t i = 0; i < b->count; i++) {
		if (b->caps[i].mode > CAPOS_TRANSFER_MOVE)
			return CAPOS_E_BAD_ARGUMENT;
		for (uint32_t j = 0; j < b->count; j++)
			if (j != i && b->caps[j].cap == b->caps[i].cap && b->caps[i].mode == CAPOS_TRANSFER_MOVE)
				return CAPOS_E_BAD_ARGUMENT;
	}
	for (uint32_t i = 0; i < b->count; i++) {
		int err = model_get(t, b->caps[i].cap);

		if (!err && ms[t][cap_id_index(b->caps[i].cap)].iface != b->caps[i].interface_id)
			err = CAP_ERR_WRONG_INTERFACE;
		if (err)
			return capos_of(err);
	}
	return CAPOS_OK;
}

static uint32_t model_free(int t)
{
	uint32_t n = 0;

	for (int k = 0; k < TCAP; k++)
		n += ms[t][k].state == CAP_SLOT_FREE && ms[t][k].gen != 0;
	return n;
}

static void model_empty(int t, uint32_t k)
{
	ms[t][k].state = CAP_SLOT_FREE;
	ms[t][k].gen = ms[t][k].gen == 0xffff ? 0 : ms[t][k].gen + 1;
}

#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
static int cmp_cap(const void *pa, const void *pb)
{
	const struct mcap *a = pa, *b = pb;

	CMP(obj); CMP(iface); CMP(rights); CMP(badge);
	return 0;
}

static struct mcap tuple(int obj, uint64_t iface, uint32_t rights, uint64_t badge)
{
	return (struct mcap){ .obj = obj, .iface = iface, .rights = rights, .badge = badge };
}

static void expect_remove(const struct mcap *c)
{
	for (int i = 0; i < nexpect; i++)
		if (!cmp_cap(&expect[i], c)) {
			expect[i] = expect[--nexpect];
			return;
		}
	fail_msg("capability not in the expected multiset");
}

/* An id to name in a descriptor for table t: mostly an occupied slot's
 * (live or reserved), else stale, never issued, forged, or another table's. */
static cap_id pick_id(int t)
{
	uint32_t r = (uint32_t)(rng() % 16), k = (uint32_t)(rng() % TCAP);

	for (int p = 0; r < 5 && p < NPEND; p++) /* a pending move's */
		for (uint32_t i = 0; pend[p].used && pend[p].from == t && i < pend[p].n; i++)
			if (pend[p].move[i])
				return pend[p].id[i];
	if (r < 2)
		t = (int)(rng() % NT);
	if (r < 12) {
		for (int i = 0; i < TCAP; i++, k = (k + 1) % TCAP)
			if (ms[t][k].state != CAP_SLOT_FREE)
				return cap_id_make((uint16_t)ms[t][k].gen, k);
		return cap_id_make((uint16_t)ms[t][k].gen, k);
	}
	if (r < 14)
		return cap_id_make((uint16_t)(ms[t][k].gen + (r & 1 ? 1 : -1)), k);
	if (r == 14)
		return cap_id_make((uint16_t)(1 + k % 4), TCAP + (uint32_t)(rng() % 3));
	return (cap_id)rng();
}

static void check_model(void)
{
	struct mcap real[NT * TCAP];
	int nreal = 0, slots[NOBJ] = { 0 }, held[NOBJ] = { 0 }, moves = 0, reserved = 0;
	bool any = false;

	for (int p = 0; p < NPEND; p++) {
		if (!pend[p].used)
			continue;
		any = true;
		for (uint32_t i = 0; i < pend[p].n; i++) {
			held[pend[p].cap[i].obj]++;
			if (!pend[p].move[i])
				continue;
			moves++;
			/* the moved slot is reserved, under the prepared id */
			struct cap_slot *s = &st[pend[p].from][cap_id_index(pend[p].id[i])];
			assert_int_equal(s->state, CAP_SLOT_RESERVED);
			assert_int_equal(s->generation, cap_id_generation(pend[p].id[i]));
		}
	}
	for (int t = 0; t < NT; t++) {
		for (int k = 0; k < TCAP; k++) {
			const struct cap_slot *s = &st[t][k];
			const struct mcap *m = &ms[t][k];

			assert_int_equal(s->state, m->state);
			assert_int_equal(s->generation, m->gen);
			if (s->state == CAP_SLOT_FREE)
				continue;
			reserved += s->state == CAP_SLOT_RESERVED;
			assert_ptr_equal(s->object, &objs[m->obj]);
			assert_int_equal(s->interface_id, m->iface);
			assert_int_equal(s->rights, m->rights);
			assert_int_equal(s->badge, m->badge);
			slots[m->obj]++;
			real[nreal++] = tuple(m->obj, s->interface_id, s->rights, s->badge);
		}
		assert_int_equal(cap_table_free(&tab[t]), model_free(t));
	}
	assert_int_equal(reserved, moves); /* reserved slots: exactly the pending moves */
	for (int o = 0; o < NOBJ; o++) {
		assert_int_equal(objs[o].slots, slots[o]);
		assert_int_equal(objs[o].held, held[o]);
		if (!any)
			assert_int_equal(objs[o].held, 0);
	}
	/* never lost, never duplicated */
	assert_int_equal(nreal, nexpect);
	qsort(real, (size_t)nreal, sizeof real[0], cmp_cap);
	qsort(expect, (size_t)nexpect, sizeof expect[0], cmp_cap);
	for (int i = 0; i < nreal; i++)
		assert_int_equal(cmp_cap(&real[i], &expect[i]), 0);
	assert_canaries();
}

static void step_prepare(struct pending *p, int *stats)
{
	struct capos_transfer b = { 0 };
	int f = (int)(rng() % NT);
	uint32_t r = (uint32_t)(rng() % 40);

	b.count = r == 0 ? CAPOS_TRANSFER_MAX + 1 + (uint32_t)(rng() % 3) : r == 1 ? (uint32_t)rng() : (uint32_t)(rng() % 5);
	b.reserved = rng() % 40 == 0 ? (uint32_t)rng() | 1 : 0;
	for (uint32_t i = 0; i < CAPOS_TRANSFER_MAX; i++) {
		cap_id id = pick_id(f);
		uint32_t idx = cap_id_index(id) % TCAP;
		uint64_t iface = rng() % 10 ? ms[f][idx].iface : rng() % 4 ? ifaces[rng() % 3] : 0;
		uint32_t mode = rng() % 40 == 0 ? (uint32_t)rng() | 2 : (uint32_t)(rng() % 2);

		b.caps[i] = (struct capos_transfer_cap){ id, mode, iface };
	}
	int want = model_prepare(f, &b);
	struct cap_slot before[NT][TCAP + 1];
	struct obj obefore[NOBJ];

	memcpy(before, st, sizeof st);
	memcpy(obefore, objs, sizeof objs);
	nev = 0;
	assert_int_equal(prepare(f, &b, &p->tx), want);
	stats[-want]++;
	if (want) {
		assert_int_equal(p->tx.n, 0);
		assert_memory_equal(before, st, sizeof st);
		assert_memory_equal(obefore, objs, sizeof objs);
		assert_int_equal(nev, 0);
		return;
	}
	*p = (struct pending){ .used = true, .from = f, .n = b.count, .tx = p->tx };
	assert_int_equal(p->tx.n, b.count);
	assert_int_equal(count_ev(EV_HOLD, NULL), (int)b.count);
	assert_int_equal(nev, (int)b.count);
	for (uint32_t i = 0; i < b.count; i++) {
		uint32_t k = cap_id_index(b.caps[i].cap);

		p->id[i] = b.caps[i].cap;
		p->move[i] = b.caps[i].mode == CAPOS_TRANSFER_MOVE;
		p->cap[i] = ms[f][k];
		assert_int_equal(p->tx.item[i].id, p->id[i]);
		assert_int_equal(p->tx.item[i].move, p->move[i]);
		if (p->move[i])
			ms[f][k].state = CAP_SLOT_RESERVED;
	}
}

static void step_commit(struct pending *p, int to)
{
	struct capos_transfer out;
	int adds[NOBJ] = { 0 }, rems[NOBJ] = { 0 };

	memset(&out, 0xee, sizeof out);
	nev = 0;
	commit(p->from, to, &p->tx, &out);
	assert_int_equal(out.count, p->n);
	assert_int_equal(out.reserved, 0);
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t k = cap_id_index(out.caps[i].cap);
		const struct mcap *c = &p->cap[i];

		assert_int_equal(out.caps[i].mode, 0);
		assert_int_equal(out.caps[i].interface_id, c->iface);
		assert_true(k < TCAP);
		assert_int_equal(ms[to][k].state, CAP_SLOT_FREE);
		assert_int_equal(cap_id_generation(out.caps[i].cap), ms[to][k].gen);
		ms[to][k] = (struct mcap){ CAP_SLOT_LIVE, c->obj, ms[to][k].gen, c->rights, c->iface, c->badge };
		adds[c->obj]++;
		if (!p->move[i])
			expect[nexpect++] = tuple(c->obj, c->iface, c->rights, c->badge);
	}
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->move[i]) {
			model_empty(p->from, cap_id_index(p->id[i]));
			rems[p->cap[i].obj]++;
		}
	}
	for (int o = 0; o < NOBJ; o++) {
		assert_int_equal(count_ev(EV_ADDED, &objs[o]), adds[o]);
		assert_int_equal(count_ev(EV_REMOVED, &objs[o]), rems[o]);
		assert_int_equal(count_ev(EV_UNHOLD, &objs[o]), adds[o]);
	}
	assert_int_equal(count_ev(EV_HOLD, NULL), 0);
	assert_log_sane();
	p->used = false;
}

static void step_abort(struct pending *p)
{
	nev = 0;
	cap_transfer_abort(&tab[p->from], &p->tx, &hooks, objs);
	assert_int_equal(p->tx.n, 0);
	assert_int_equal(nev, (int)p->n);
	assert_int_equal(count_ev(EV_UNHOLD, NULL), (int)p->n);
	for (uint32_t i = 0; i < p->n; i++)
		if (p->move[i])
			ms[p->from][cap_id_index(p->id[i])].state = CAP_SLOT_LIVE;
	p->used = false;
}

static void test_random_against_model(void **state)
{
	int stats[32] = { 0 }, commits = 0, aborts = 0, max_pending = 0, self = 0;

	reset();
	memset(pend, 0, sizeof pend);
	nexpect = 0;
	for (int t = 0; t < NT; t++) {
		for (int k = 0; k < TCAP; k++)
			ms[t][k] = (struct mcap){ .state = CAP_SLOT_FREE, .gen = 1 };
		/* white-box: one slot per table near the end of its generations,
		 * so retired slots shrink cap_table_free */
		ms[t][t + 1].gen = st[t][t + 1].generation = 0xfff8;
	}
	for (int step = 0; step < STEPS; step++) {
		int t = (int)(rng() % NT), np = 0;
		struct pending *p = &pend[rng() % NPEND];
		uint32_t op = (uint32_t)(rng() % 20);

		for (int i = 0; i < NPEND; i++)
			np += pend[i].used;
		max_pending = np > max_pending ? np : max_pending;
		if (op < 4) {
			int o = (int)(rng() % NOBJ);
			uint64_t x = rng(); /* one draw: the same run whatever the argument order */
			struct mcap c = tuple(o, ifaces[x % 3], (uint32_t)(x >> 8) % 4, (x >> 16) % 4);
			cap_id id = 0;
			int err = cap_table_insert(&tab[t], &objs[o], c.iface, c.rights, c.badge, &id);

			if (!model_free(t)) {
				assert_int_equal(err, CAP_ERR_FULL);
			} else {
				uint32_t k = cap_id_index(id);
				assert_int_equal(err, CAP_OK);
				assert_true(k < TCAP && ms[t][k].state == CAP_SLOT_FREE);
				assert_int_equal(cap_id_generation(id), ms[t][k].gen);
				c.state = CAP_SLOT_LIVE;
				c.gen = ms[t][k].gen;
				ms[t][k] = c;
				objs[o].slots++;
				expect[nexpect++] = c;
			}
		} else if (op < 6) {
			cap_id id = pick_id(t);
			struct cap_slot removed;
			int want = model_get(t, id);

			assert_int_equal(cap_table_release(&tab[t], id, &removed), want);
			if (!want) {
				uint32_t k = cap_id_index(id);
				assert_ptr_equal(removed.object, &objs[ms[t][k].obj]);
				objs[ms[t][k].obj].slots--;
				expect_remove(&ms[t][k]);
				model_empty(t, k);
			}
		} else if (op < 13 && !p->used) {
			step_prepare(p, stats);
		} else if (p->used && op < 17 && cap_table_free(&tab[t]) >= p->n) {
			self += t == p->from;
			step_commit(p, t);
			commits++;
		} else if (p->used) {
			step_abort(p);
			aborts++;
		}
		check_model();
	}
	for (int i = 0; i < NPEND; i++)
		if (pend[i].used)
			step_abort(&pend[i]);
	check_model();
	/* the run reached every outcome */
	assert_true(commits > 2000 && aborts > 1000 && self > 200 && max_pending == NPEND);
	assert_true(stats[-CAPOS_E_BAD_ARGUMENT] > 100 && stats[-CAPOS_E_BAD_CAP] > 100);
	assert_true(stats[-CAPOS_E_STALE_CAP] > 100 && stats[-CAPOS_E_WRONG_INTERFACE] > 100);
	assert_true(stats[-CAPOS_E_RESERVED_CAP] > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_count_zero),
		cmocka_unit_test(test_prepare_errors),
		cmocka_unit_test(test_copy_survives_sender_release),
		cmocka_unit_test(test_abort_restores),
		cmocka_unit_test(test_hook_events),
		cmocka_unit_test(test_same_table),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
