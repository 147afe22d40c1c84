/* libFuzzer target for the Cap'n Proto reader (lib/capnp).
 *
 * Every input is read four ways: a schema-less walk of everything
 * reachable under a fixed budget and under the budget a kernel receiver
 * gives it (capnp_limits_for_size(size, CAPNP_TRAVERSAL_FACTOR)), the
 * generated SystemManifest accessors (what init does with a boot manifest),
 * and the generated accessors of the test schema's TestAll.
 * Invariants checked beyond "no sanitizer report":
 *  - a walk's work is bounded by what it charged: steps <= 2 * words + 1,
 *    and it never charges more than its budget;
 *  - a message that validates can be deep-copied into an arena as large as
 *    the traversal limit, and the copy validates;
 *  - the copy is an honest message (a tree, nothing shared), so its walk
 *    charges at most 2W - 1 words for W words of segment plus one per
 *    zero-sized list element (the bound lib/capnp/walk.c proves), and it
 *    validates under capnp_limits_for_size(its size, CAPNP_WALK_FACTOR)
 *    plus those elements;
 *  - copying is deterministic: copying the copy gives the same bytes;
 *  - errors are sticky and every error code has a name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capnp-test/test.capnp.h"
#include "capos/capos.capnp.h"
#include "lib/capnp/capnp.h"

#define TRAVERSAL (1u << 16)
static const struct capnp_limits limits = { TRAVERSAL, 32 };
/* A copy never allocates more words than the reader was charged for. */
static uint8_t arena1[(TRAVERSAL + 4) * 8], arena2[(TRAVERSAL + 4) * 8];
static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_grant(capos_CapGrant g)
{
	sink += capos_CapGrant_get_name(g).len + capos_CapGrant_get_interfaceId(g);
	sink += capos_CapGrant_get_badge(g) + capos_CapGrant_get_rights(g);
	if (capos_CapGrant_which(g) == capos_CapGrant_which_kernel) {
		sink += capos_CapGrant_get_kernel(g);
	} else {
		capos_CapGrant_serviceExport se = capos_CapGrant_get_serviceExport(g);
		sink += capos_CapGrant_serviceExport_get_service(se).len;
		sink += capos_CapGrant_serviceExport_get_export(se).len;
	}
}

static void walk_service(capos_Service s)
{
	sink += capos_Service_get_name(s).len + capos_Service_get_binary(s).len;
	sink += capos_Service_get_restart(s) + capos_Service_get_restartLimit(s);
	capos_CapGrant_list caps = capos_Service_get_caps(s);
	for (uint32_t i = 0; i < capos_CapGrant_list_len(caps); i++)
		walk_grant(capos_CapGrant_list_get(caps, i));
	capos_Export_list ex = capos_Service_get_exports(s);
	for (uint32_t i = 0; i < capos_Export_list_len(ex); i++) {
		capos_Export e = capos_Export_list_get(ex, i);
		sink += capos_Export_get_name(e).len + capos_Export_get_interfaceId(e);
	}
	struct capnp_list args = capos_Service_get_args(s);
	for (uint32_t i = 0; i < capnp_list_len(&args); i++)
		sink += capnp_list_text(&args, i).len;
}

/* Reads the root as a boot manifest, as init would. */
static void walk_manifest(struct capnp_msg *m)
{
	capos_SystemManifest sm = capos_SystemManifest_root(m);
	sink += capos_SystemManifest_get_schemaVersion(sm);
	capos_Binary_list bins = capos_SystemManifest_get_binaries(sm);
	for (uint32_t i = 0; i < capos_Binary_list_len(bins); i++) {
		capos_Binary b = capos_Binary_list_get(bins, i);
		struct capnp_data d = capos_Binary_get_blake3(b);
		sink += capos_Binary_get_name(b).len + capos_Binary_get_path(b).len + d.len;
		if (d.len)
			sink += d.ptr[d.len - 1];
	}
	capos_Service_list svcs = capos_SystemManifest_get_services(sm);
	for (uint32_t i = 0; i < capos_Service_list_len(svcs); i++)
		walk_service(capos_Service_list_get(svcs, i));
}

/* Reads the root as the test schema's TestAll (every field kind). */
static void walk_test_all(struct capnp_msg *m)
{
	test_TestAll r = test_TestAll_root(m);
	sink += test_TestAll_get_uint64Field(r) + test_TestAll_get_boolField(r);
	struct capnp_text t = test_TestAll_get_textField(r);
	sink += t.len + (uint8_t)t.str[t.len];
	test_Inner in = test_TestAll_get_structField(r);
	for (int d = 0; d < 40; d++, in = test_Inner_get_inner(in))
		sink += test_Inner_get_id(in);
	struct capnp_list l = test_TestAll_get_boolList(r);
	for (uint32_t i = 0; i < l.count; i++)
		sink += capnp_list_bool(&l, i) + capnp_list_u64(&l, i);
	l = test_TestAll_get_textList(r);
	for (uint32_t i = 0; i < l.count; i++)
		sink += capnp_list_text(&l, i).len + capnp_list_data(&l, i).len;
	test_Inner_list sl = test_TestAll_get_structList(r);
	for (uint32_t i = 0; i < test_Inner_list_len(sl); i++)
		sink += test_Inner_get_label(test_Inner_list_get(sl, i)).len;
	l = test_TestAll_get_listList(r);
	for (uint32_t i = 0; i < l.count; i++) {
		struct capnp_list e = capnp_list_list(&l, i, CAPNP_ELEM_FOUR);
		for (uint32_t j = 0; j < e.count; j++)
			sink += capnp_list_u32(&e, j);
	}
	sink += test_TestAll_get_widget(r) + (uint32_t)capnp_ptr_kind(test_TestAll_get_anyField(r));
}

/* Deep-copies m's root into arena; returns the framed size (0: failed). */
static size_t copy_into(struct capnp_msg *m, uint8_t *arena, size_t cap)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, cap);
	m->traversal_left = TRAVERSAL;
	int err = capnp_pb_copy(capnp_builder_root(&b), capnp_msg_root(m));
	if (err != CAPNP_OK)
		abort(); /* it validated: every object is readable and fits */
	return capnp_builder_finish(&b);
}

/* Walks m from its root; checks the work bound; returns the error. */
static int walk_checked(struct capnp_msg *m, uint64_t budget, struct capnp_walk_stats *st)
{
	int err = capnp_walk(capnp_msg_root(m), st);
	if (st->steps > 2 * st->words + 1 || st->words > budget)
		abort();
	if (err != capnp_msg_error(m) || capnp_strerror(err)[0] == '?')
		abort();
	return err;
}

/* Elements of the lists of zero-sized elements reachable from p in an
 * honest message (a tree no deeper than the fuzz nesting limit, so
 * recursion is fine here). */
static uint64_t zero_sized_elems(struct capnp_ptr p)
{
	struct capnp_struct s;
	struct capnp_list l;
	uint64_t n = 0;
	switch (capnp_ptr_kind(p)) {
	case CAPNP_KIND_STRUCT:
		capnp_ptr_struct(p, &s, NULL);
		for (uint32_t i = 0; i < s.nptrs; i++)
			n += zero_sized_elems(capnp_struct_ptr(&s, i));
		return n;
	case CAPNP_KIND_LIST:
		capnp_ptr_list(p, CAPNP_ELEM_VOID, &l, NULL);
		if (l.step_bits == 0)
			return l.count;
		for (uint32_t i = 0; l.nptrs && i < l.count; i++) {
			s = capnp_list_struct(&l, i);
			for (uint32_t j = 0; j < s.nptrs; j++)
				n += zero_sized_elems(capnp_struct_ptr(&s, j));
		}
		return n;
	default:
		return 0;
	}
}

/* The copy arena1[0, n) is honest: check the charge bound and that the
 * proportional budget admits it. */
static void check_honest(size_t n)
{
	struct capnp_msg c;
	struct capnp_limits all = { UINT64_MAX, CAPNP_WALK_MAX_NESTING };
	if (capnp_msg_init(&c, arena1, n, &all))
		abort();
	uint64_t z = zero_sized_elems(capnp_msg_root(&c));
	uint64_t w = n / 8 - 1; /* one segment after a one-word table */
	struct capnp_walk_stats st;
	capnp_msg_init(&c, arena1, n, &all);
	if (walk_checked(&c, UINT64_MAX, &st) != CAPNP_OK || st.words > 2 * w - 1 + z)
		abort();
	struct capnp_limits lim = capnp_limits_for_size(n, CAPNP_WALK_FACTOR);
	lim.traversal_words += z;
	capnp_msg_init(&c, arena1, n, &lim);
	if (capnp_msg_validate(&c) != CAPNP_OK)
		abort();
}

static void check_copy(struct capnp_msg *m)
{
	size_t n1 = copy_into(m, arena1, sizeof arena1);
	struct capnp_msg c;
	if (!n1 || capnp_msg_init(&c, arena1, n1, &limits) || capnp_msg_validate(&c))
		abort();
	check_honest(n1);
	size_t n2 = copy_into(&c, arena2, sizeof arena2);
	if (n2 != n1 || memcmp(arena1, arena2, n1) != 0)
		abort();
}

/* Validates as a kernel receiver does: a budget proportional to the size. */
static void check_proportional(const uint8_t *buf, size_t size)
{
	struct capnp_msg m;
	struct capnp_walk_stats st;
	struct capnp_limits lim = capnp_limits_for_size(size, CAPNP_TRAVERSAL_FACTOR);
	if (capnp_msg_init(&m, buf, size, &lim) == CAPNP_OK)
		walk_checked(&m, lim.traversal_words, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exactly-sized copy, so any over-read is caught by ASan. */
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	struct capnp_msg m;
	struct capnp_walk_stats st;
	check_proportional(buf, size);
	if (capnp_msg_init(&m, buf, size, &limits) == CAPNP_OK) {
		int err = walk_checked(&m, TRAVERSAL, &st);
		if (err == CAPNP_OK)
			check_copy(&m);
		m.err = CAPNP_OK;
		m.traversal_left = TRAVERSAL;
		walk_manifest(&m);
		m.traversal_left = TRAVERSAL;
		walk_test_all(&m);
		if (capnp_strerror(capnp_msg_error(&m))[0] == '?')
			abort();
	}
	free(buf);
	return 0;
}
