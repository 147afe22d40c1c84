/* The whole-message walks (capnp_walk, capnp_msg_validate, capnp_pb_copy):
 * bounded stack whatever the depth, the nesting limit exactly, and work
 * bounded by a traversal budget proportional to the message's size.
 *
 * Every walk here goes through walk(), which checks the work bound that
 * lib/capnp/walk.c proves: steps <= 2 * words charged + 1. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "tests/capnp/t.h"
#include "capnp-test/test.capnp.h"
#include "capos/capos.capnp.h"

/* The current message, in an exactly-sized heap block (ASan watches). */
static uint8_t *cur;
static size_t cur_len;

static void free_cur(void)
{
	free(cur);
	cur = NULL;
}

/* Makes cur a copy of buf[0, len). */
static void set_cur(const uint8_t *buf, size_t len)
{
	static bool registered;
	if (!registered)
		registered = atexit(free_cur) == 0;
	free(cur);
	cur = malloc(len ? len : 1);
	memcpy(cur, buf, len);
	cur_len = len;
}

/* Frames one segment of n words into cur and opens it with lim. */
static struct capnp_msg *open_words(struct capnp_msg *m, const uint64_t *words, uint32_t n,
                                    const struct capnp_limits *lim)
{
	static uint8_t buf[1 << 16];
	const uint64_t *segs[] = { words };
	size_t len = t_frame(buf, sizeof buf, segs, &n, 1);
	set_cur(buf, len);
	CHECK_ERR(capnp_msg_init(m, cur, len, lim), CAPNP_OK);
	return m;
}

/* Opens the framed message buf[0, len) (copied into cur) with lim. */
static struct capnp_msg *open_buf(struct capnp_msg *m, const uint8_t *buf, size_t len,
                                  const struct capnp_limits *lim)
{
	set_cur(buf, len);
	CHECK_ERR(capnp_msg_init(m, cur, len, lim), CAPNP_OK);
	return m;
}

/* Walks m from its root; checks the work bound and that the error is the
 * message's sticky error. */
static int walk(struct capnp_msg *m, struct capnp_walk_stats *st)
{
	int err = capnp_walk(capnp_msg_root(m), st);
	if (st->steps > 2 * st->words + 1)
		t_fail(__FILE__, __LINE__, "%llu steps for %llu words charged",
		       (unsigned long long)st->steps, (unsigned long long)st->words);
	CHECK_ERR(capnp_msg_error(m), err);
	return err;
}

/* The limits a kernel receiver passes for the current message. */
static struct capnp_limits kernel_limits(size_t len)
{
	return capnp_limits_for_size(len, CAPNP_TRAVERSAL_FACTOR);
}

/* ---- nesting ---- */

/* 16 bytes: a segment table and one struct pointer whose one pointer is
 * itself. Endlessly deep, one word big. */
static void self_pointer_16_bytes(void)
{
	const uint64_t words[] = { w_struct(-1, 0, 1) };
	struct capnp_msg m;
	struct capnp_walk_stats st;
	open_words(&m, words, 1, NULL);
	CHECK_EQ(cur_len, 16);
	/* Default limits: the nesting limit, after one word per level. */
	CHECK_ERR(walk(&m, &st), CAPNP_ERR_NESTING_LIMIT);
	CHECK_EQ(st.words, CAPNP_DEFAULT_NESTING);
	CHECK_EQ(st.steps, CAPNP_DEFAULT_NESTING + 1);
	/* A kernel's budget for 16 bytes (8 words) runs out first. */
	struct capnp_limits lim = kernel_limits(16);
	CHECK_EQ(lim.traversal_words, 8);
	open_words(&m, words, 1, &lim);
	CHECK_ERR(walk(&m, &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK_EQ(st.words, 8);
	CHECK(st.steps <= 2 * 8 + 1);
	/* A raised nesting limit does not deepen the walk. */
	lim = (struct capnp_limits){ CAPNP_DEFAULT_TRAVERSAL_WORDS, INT32_MAX };
	open_words(&m, words, 1, &lim);
	CHECK_ERR(walk(&m, &st), CAPNP_ERR_NESTING_LIMIT);
	CHECK_EQ(st.words, CAPNP_WALK_MAX_NESTING);
}

/* A chain of n pointers, each level's object holding the next pointer:
 * structs, or (mixed) structs, one-pointer lists and one-struct composite
 * lists in turn. Returns the message length in buf. */
static size_t build_chain(uint8_t *buf, size_t cap, int n, bool mixed)
{
	struct capnp_builder b;
	capnp_builder_init(&b, buf, cap);
	struct capnp_pb slot = capnp_builder_root(&b);
	for (int i = 0; i < n; i++) {
		struct capnp_sb s;
		struct capnp_lb l;
		switch (mixed ? i % 3 : 0) {
		case 0:
			s = capnp_pb_init_struct(slot, 1, 1);
			capnp_set_u64(s, 0, (uint64_t)i);
			slot = capnp_sb_ptr(s, 0);
			break;
		case 1:
			l = capnp_pb_init_list(slot, CAPNP_ELEM_POINTER, 1);
			slot = capnp_lb_ptr(l, 0);
			break;
		default:
			l = capnp_pb_init_struct_list(slot, 1, 1, 1);
			s = capnp_lb_struct(l, 0);
			capnp_set_u64(s, 0, (uint64_t)i);
			slot = capnp_sb_ptr(s, 0);
			break;
		}
	}
	size_t len = capnp_builder_finish(&b);
	CHECK(len > 0);
	return len;
}

/* Walks a chain of n levels under nesting limit `nesting`. */
static int walk_chain(int n, bool mixed, int32_t nesting)
{
	static uint8_t buf[1 << 14];
	size_t len = build_chain(buf, sizeof buf, n, mixed);
	struct capnp_limits lim = { CAPNP_DEFAULT_TRAVERSAL_WORDS, nesting };
	struct capnp_msg m;
	struct capnp_walk_stats st;
	return walk(open_buf(&m, buf, len, &lim), &st);
}

/* Exactly `nesting` levels are accepted and one more refused, for chains of
 * structs and of mixed kinds (a list costs a level like a struct). */
static void nesting_exact_limit(void)
{
	static const int32_t limits[] = { 1, 2, 3, 4, 63, CAPNP_DEFAULT_NESTING };
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		for (int mixed = 0; mixed < 2; mixed++) {
			int32_t n = limits[i];
			CHECK_ERR(walk_chain(n, mixed, n), CAPNP_OK);
			CHECK_ERR(walk_chain(n + 1, mixed, n), CAPNP_ERR_NESTING_LIMIT);
		}
	}
	CHECK_ERR(walk_chain(5, false, 0), CAPNP_ERR_NESTING_LIMIT);
}

/* A raised nesting limit applies to the typed readers; the walks stop at
 * CAPNP_WALK_MAX_NESTING, their stack's size. */
static void walk_depth_is_capped(void)
{
	const int32_t max = CAPNP_WALK_MAX_NESTING;
	CHECK_ERR(walk_chain(max, true, 200), CAPNP_OK);
	CHECK_ERR(walk_chain(max + 1, true, 200), CAPNP_ERR_NESTING_LIMIT);
	CHECK_ERR(walk_chain(max + 1, false, 200), CAPNP_ERR_NESTING_LIMIT);
	/* The typed readers follow all max + 1 levels under the raised limit. */
	static uint8_t buf[1 << 14];
	size_t len = build_chain(buf, sizeof buf, max + 1, false);
	struct capnp_limits lim = { CAPNP_DEFAULT_TRAVERSAL_WORDS, 200 };
	struct capnp_msg m;
	struct capnp_ptr p = capnp_msg_root(open_buf(&m, buf, len, &lim));
	int levels = 0;
	struct capnp_struct s;
	while (!capnp_ptr_is_null(p) && capnp_ptr_struct(p, &s, NULL) == CAPNP_OK) {
		levels++;
		p = capnp_struct_ptr(&s, 0);
	}
	CHECK_EQ(levels, max + 1);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
}

/* Deep-copies m's root into arena[0, cap); returns the copy's length or 0. */
static size_t copy_root(struct capnp_msg *m, uint8_t *arena, size_t cap, int want)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, cap);
	CHECK_ERR(capnp_pb_copy(capnp_builder_root(&b), capnp_msg_root(m)), want);
	return want == CAPNP_OK ? capnp_builder_finish(&b) : 0;
}

/* The copy walks the same way: a chain as deep as allowed is copied word
 * for word (the builder lays it out in the same order), one more level
 * is refused. */
static void copy_depth(void)
{
	static uint8_t buf[1 << 14], out[1 << 14];
	struct capnp_limits lim = { CAPNP_DEFAULT_TRAVERSAL_WORDS, 200 };
	struct capnp_msg m;
	for (int mixed = 0; mixed < 2; mixed++) {
		size_t len = build_chain(buf, sizeof buf, CAPNP_WALK_MAX_NESTING, mixed);
		size_t n = copy_root(open_buf(&m, buf, len, &lim), out, sizeof out, CAPNP_OK);
		CHECK_EQ(n, len);
		CHECK(memcmp(out, buf, len) == 0);
		len = build_chain(buf, sizeof buf, CAPNP_WALK_MAX_NESTING + 1, mixed);
		copy_root(open_buf(&m, buf, len, &lim), out, sizeof out, CAPNP_ERR_NESTING_LIMIT);
	}
	const uint64_t self[] = { w_struct(-1, 0, 1) };
	lim.nesting = INT32_MAX;
	copy_root(open_words(&m, self, 1, &lim), out, sizeof out, CAPNP_ERR_NESTING_LIMIT);
}

/* ---- stack ---- */

#define STACK_BYTES (256 * 1024)
#define PAINT 0xa5

struct stack_job {
	void (*fn)(void *);
	void *arg;
};

static void *stack_thread(void *a)
{
	struct stack_job *j = a;
	j->fn(j->arg);
	return NULL;
}

/* Lowest byte of stk[0, n) that is no longer PAINT (n if none). */
__attribute__((no_sanitize("address"))) static size_t first_used(const volatile uint8_t *stk, size_t n)
{
	size_t i = 0;
	while (i < n && stk[i] == PAINT)
		i++;
	return i;
}

/* Bytes of stack fn(arg) touched, run on a fresh painted thread stack with
 * a guard page below it (so runaway recursion faults instead of
 * scribbling). Includes the thread's start-up, the same for every call. */
static size_t stack_used(void (*fn)(void *), void *arg)
{
	long page = 4096;
	uint8_t *map = mmap(NULL, STACK_BYTES + page, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map, page, PROT_NONE) != 0) {
		t_fail(__FILE__, __LINE__, "cannot map a test stack");
		return 0;
	}
	uint8_t *stk = map + page;
	memset(stk, PAINT, STACK_BYTES);
	pthread_attr_t attr;
	pthread_t t;
	struct stack_job j = { fn, arg };
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, stk, STACK_BYTES);
	if (pthread_create(&t, &attr, stack_thread, &j) != 0 || pthread_join(t, NULL) != 0)
		t_fail(__FILE__, __LINE__, "cannot run the test thread");
	pthread_attr_destroy(&attr);
	size_t used = STACK_BYTES - first_used(stk, STACK_BYTES);
	munmap(map, STACK_BYTES + page);
	return used;
}

struct stack_case {
	const uint8_t *buf;
	size_t len;
	int32_t nesting;
	bool copy;
	int err;
};

static void stack_case_run(void *a)
{
	static uint8_t out[1 << 14];
	struct stack_case *c = a;
	struct capnp_limits lim = { CAPNP_DEFAULT_TRAVERSAL_WORDS, c->nesting };
	struct capnp_msg m;
	capnp_msg_init(&m, c->buf, c->len, &lim);
	if (!c->copy) {
		c->err = capnp_msg_validate(&m);
		return;
	}
	struct capnp_builder b;
	capnp_builder_init(&b, out, sizeof out);
	c->err = capnp_pb_copy(capnp_builder_root(&b), capnp_msg_root(&m));
}

/* Stack used by validating (or copying) a chain of n levels. */
static size_t chain_stack(int n, bool mixed, bool copy, int32_t nesting, int want)
{
	static uint8_t buf[1 << 14];
	struct stack_case c = { buf, build_chain(buf, sizeof buf, n, mixed), nesting, copy, 0 };
	size_t used = stack_used(stack_case_run, &c);
	CHECK_ERR(c.err, want);
	return used;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* The stack a walk uses does not grow with the message's depth: a 64-deep
 * message takes what a 3-deep one with the same kinds of objects does, and
 * an endlessly deep one under an unlimited nesting limit (which a recursive
 * walk follows into the guard page) what refusals at depth 2 do. The
 * shallow runs take the same code paths as the deep ones: the paths differ
 * in stack (the sanitizers' error paths most). */
static void stack_independent_of_depth(void)
{
	const uint64_t self[] = { 1ull << 32, w_struct(-1, 0, 1) }; /* framed, 16 bytes */
	const int nest = CAPNP_DEFAULT_NESTING;
	for (int copy = 0; copy < 2; copy++) {
		/* Warm up: lazy symbol binding runs on the first calls' stack. */
		chain_stack(3, true, copy, nest, CAPNP_OK);
		chain_stack(2, false, copy, 1, CAPNP_ERR_NESTING_LIMIT);
		chain_stack(2, true, copy, 1, CAPNP_ERR_NESTING_LIMIT);
		/* Every kind of object, then refusals of a struct and of a list. */
		size_t ok3 = chain_stack(3, true, copy, nest, CAPNP_OK);
		size_t err2 = max_size(ok3, chain_stack(2, false, copy, 1, CAPNP_ERR_NESTING_LIMIT));
		err2 = max_size(err2, chain_stack(2, true, copy, 1, CAPNP_ERR_NESTING_LIMIT));
		size_t ok64 = chain_stack(nest, true, copy, nest, CAPNP_OK);
		size_t err65 = chain_stack(CAPNP_WALK_MAX_NESTING + 1, true, copy, INT32_MAX,
		                           CAPNP_ERR_NESTING_LIMIT);
		struct stack_case c = { (const uint8_t *)self, sizeof self, INT32_MAX, copy, 0 };
		size_t endless = stack_used(stack_case_run, &c);
		CHECK_ERR(c.err, CAPNP_ERR_NESTING_LIMIT);
		printf("    %s: stack %zu bytes at depth 3, %zu at 64; refusing: %zu at depth 2, "
		       "%zu at 65, %zu endless (thread start-up included)\n",
		       copy ? "copy" : "validate", ok3, ok64, err2, err65, endless);
		CHECK(ok64 <= ok3 + 256);
		CHECK(err65 <= err2 + 256);
		CHECK(endless <= err2 + 256);
	}
}

/* ---- traversal budget ---- */

/* 368 bytes shaped as a DAG: a struct whose 8 pointers all point at one
 * pointer list, whose 8 pointers all point at one struct, and so on for 5
 * levels, down to one 4-word struct: 45 words that read as 168,520. */
static size_t build_dag(uint64_t *w)
{
	size_t n = 0;
	w[n++] = w_struct(0, 0, 8); /* root: the first level starts at word 1 */
	for (int level = 0; level < 5; level++) {
		size_t next = n + 8; /* the next level's first word */
		for (int i = 0; i < 8; i++) {
			int32_t off = (int32_t)(next - (n + 1));
			if (level == 4)
				w[n] = w_struct(off, 4, 0);
			else if (level % 2 == 0)
				w[n] = w_list(off, CAPNP_ELEM_POINTER, 8);
			else
				w[n] = w_struct(off, 0, 8);
			n++;
		}
	}
	for (int i = 0; i < 4; i++)
		w[n++] = 0x1111111111111111ull * (uint64_t)(i + 1);
	return n;
}

/* The same 45 words with nothing shared: 8 pointers to 8 distinct structs. */
static size_t build_tree(uint64_t *w)
{
	size_t n = 0;
	w[n++] = w_struct(0, 0, 8);
	size_t next = 9;
	for (int i = 0; i < 8; i++) {
		uint16_t dw = i == 7 ? 8 : 4;
		w[n] = w_struct((int32_t)(next - (n + 1)), dw, 0);
		n++;
		next += dw;
	}
	for (; n < next; n++)
		w[n] = 0x0101010101010101ull * n;
	return n;
}

static void dag_refused_under_proportional_budget(void)
{
	static uint64_t dag[64], tree[64];
	uint32_t nd = (uint32_t)build_dag(dag), nt = (uint32_t)build_tree(tree);
	CHECK_EQ(nd, 45);
	CHECK_EQ(nt, 45);
	struct capnp_msg m;
	struct capnp_walk_stats st;
	/* The default budget lets the DAG through, 168,520 words later... */
	CHECK_ERR(walk(open_words(&m, dag, nd, NULL), &st), CAPNP_OK);
	CHECK_EQ(cur_len, 368);
	CHECK_EQ(st.words, 8 + 64 + 512 + 4096 + 32768 + 32768 * 4);
	/* ...a budget proportional to its size stops it at once... */
	struct capnp_limits lim = kernel_limits(368);
	CHECK_EQ(lim.traversal_words, 4 * 46);
	CHECK_ERR(walk(open_words(&m, dag, nd, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK_EQ(st.words, lim.traversal_words);
	CHECK(st.steps <= 2 * lim.traversal_words + 1);
	lim = capnp_limits_for_size(368, CAPNP_WALK_FACTOR);
	CHECK_ERR(walk(open_words(&m, dag, nd, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	/* ...and lets an honest message of the same size through. */
	CHECK_ERR(walk(open_words(&m, tree, nt, &lim), &st), CAPNP_OK);
	CHECK_EQ(cur_len, 368);
	CHECK_EQ(st.words, 8 + 7 * 4 + 8);
	lim = kernel_limits(368);
	CHECK_ERR(walk(open_words(&m, tree, nt, &lim), &st), CAPNP_OK);
}

/* A struct whose 16 pointers share one list of 16 null pointers: every null
 * slot visited is a word charged. */
static void shared_null_pointer_list(void)
{
	uint64_t w[1 + 16 + 16] = { w_struct(0, 0, 16) };
	for (int i = 0; i < 16; i++)
		w[1 + i] = w_list(16 - 1 - i, CAPNP_ELEM_POINTER, 16);
	struct capnp_msg m;
	struct capnp_walk_stats st;
	CHECK_ERR(walk(open_words(&m, w, 33, NULL), &st), CAPNP_OK);
	CHECK_EQ(st.words, 16 + 16 * 16);
	/* the root, 16 slots, 16 x (16 slots + done), the root's done */
	CHECK_EQ(st.steps, 1 + 16 + 16 * 17 + 1);
	struct capnp_limits lim = kernel_limits(cur_len);
	CHECK_ERR(walk(open_words(&m, w, 33, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK(st.steps <= 2 * lim.traversal_words + 1);
}

/* Zero-sized elements take no bytes and cost a word each; refused at once
 * when they do not fit, whether reached once or through a shared list. */
static void zero_sized_elements_charged(void)
{
	struct capnp_msg m;
	struct capnp_walk_stats st;
	const uint64_t voids[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_VOID, CAPNP_MAX_LIST_COUNT) };
	CHECK_ERR(walk(open_words(&m, voids, 2, NULL), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK_EQ(st.steps, 2);
	const uint64_t empties[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_COMPOSITE, 0),
		w_struct(CAPNP_MAX_LIST_COUNT, 0, 0) };
	CHECK_ERR(walk(open_words(&m, empties, 3, NULL), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK_EQ(st.steps, 2);
	/* 8 pointers to one list of 1000 voids: 8000 words from 11. */
	uint64_t shared[1 + 8] = { w_struct(0, 0, 8) };
	for (int i = 0; i < 8; i++)
		shared[1 + i] = w_list(7 - i, CAPNP_ELEM_VOID, 1000);
	CHECK_ERR(walk(open_words(&m, shared, 9, NULL), &st), CAPNP_OK);
	CHECK_EQ(st.words, 8 + 8 * 1000);
	struct capnp_limits lim = kernel_limits(cur_len);
	CHECK_ERR(walk(open_words(&m, shared, 9, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	CHECK(st.steps <= 2 * lim.traversal_words + 1);
	/* A short List(Void) fits the slack of a proportional budget: 24 bytes
	 * under factor 2 are 6 words, the root struct costs 1, so 5 voids. */
	lim = capnp_limits_for_size(24, CAPNP_WALK_FACTOR);
	const uint64_t five[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_VOID, 5) };
	CHECK_ERR(walk(open_words(&m, five, 2, &lim), &st), CAPNP_OK);
	const uint64_t six[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_VOID, 6) };
	CHECK_ERR(walk(open_words(&m, six, 2, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
}

/* The worst honest message: pointers to empty objects, each charged a word
 * beyond the pointer word that reaches it. Within CAPNP_WALK_FACTOR, not
 * within 1: the factor is as small as it can be. */
static void honest_worst_case(void)
{
	static uint8_t buf[1 << 14];
	for (int empty_lists = 0; empty_lists < 2; empty_lists++) {
		struct capnp_builder b;
		capnp_builder_init(&b, buf, sizeof buf);
		struct capnp_sb root = capnp_init_root(&b, 0, 1);
		struct capnp_lb l = capnp_pb_init_list(capnp_sb_ptr(root, 0), CAPNP_ELEM_POINTER, 500);
		for (uint32_t i = 0; i < 500; i++) {
			if (empty_lists)
				capnp_pb_init_list(capnp_lb_ptr(l, i), CAPNP_ELEM_BYTE, 0);
			else
				capnp_pb_init_struct(capnp_lb_ptr(l, i), 0, 0);
		}
		size_t len = capnp_builder_finish(&b);
		CHECK_EQ(len, 8 * (1 + 1 + 1 + 500));
		struct capnp_msg m;
		struct capnp_walk_stats st;
		struct capnp_limits lim = capnp_limits_for_size(len, CAPNP_WALK_FACTOR);
		CHECK_ERR(walk(open_buf(&m, buf, len, &lim), &st), CAPNP_OK);
		CHECK_EQ(st.words, 1 + 500 + 500);
		CHECK(st.words <= 2 * (len / 8 - 1) - 1); /* the bound walk.c proves */
		lim = capnp_limits_for_size(len, 1);
		CHECK_ERR(walk(open_buf(&m, buf, len, &lim), &st), CAPNP_ERR_TRAVERSAL_LIMIT);
	}
}

/* A manifest-sized SystemManifest, as tests/capnp/bench.c builds. */
static size_t build_big_manifest(uint8_t *buf, size_t cap, int services, int grants)
{
	struct capnp_builder b;
	capnp_builder_init(&b, buf, cap);
	capos_SystemManifest_builder sm = capos_SystemManifest_init_root(&b);
	capos_SystemManifest_set_schemaVersion(sm, capos_manifestSchemaVersion);
	capos_Binary_list_builder bins = capos_SystemManifest_init_binaries(sm, (uint32_t)services);
	capos_Service_list_builder svcs = capos_SystemManifest_init_services(sm, (uint32_t)services);
	for (int i = 0; i < services; i++) {
		char name[32];
		snprintf(name, sizeof name, "bin/service-%02d", i);
		capos_Binary_builder bin = capos_Binary_list_builder_get(bins, (uint32_t)i);
		capos_Binary_set_name(bin, name + 4, strlen(name + 4));
		capos_Binary_set_path(bin, name, strlen(name));
		capos_Binary_set_blake3(bin, name, 32);
		capos_Service_builder s = capos_Service_list_builder_get(svcs, (uint32_t)i);
		capos_Service_set_name(s, name + 4, strlen(name + 4));
		capos_Service_set_binary(s, name + 4, strlen(name + 4));
		capos_CapGrant_list_builder caps = capos_Service_init_caps(s, (uint32_t)grants);
		for (int g = 0; g < grants; g++) {
			capos_CapGrant_builder cg = capos_CapGrant_list_builder_get(caps, (uint32_t)g);
			capos_CapGrant_set_name(cg, "console", 7);
			capos_CapGrant_set_interfaceId(cg, capos_Console_ID);
			capos_CapGrant_serviceExport_builder se = capos_CapGrant_init_serviceExport(cg);
			capos_CapGrant_serviceExport_set_service(se, "logger", 6);
			capos_CapGrant_serviceExport_set_export(se, "log", 3);
		}
		capos_Export_builder e = capos_Export_list_builder_get(capos_Service_init_exports(s, 1), 0);
		capos_Export_set_name(e, "log", 3);
		struct capnp_lb args = capos_Service_init_args(s, 2);
		capnp_pb_set_text(capnp_lb_ptr(args, 0), name, strlen(name));
		capnp_pb_set_text(capnp_lb_ptr(args, 1), "", 0);
	}
	return capnp_builder_finish(&b);
}

/* Validates buf[0, len) under the walk factor and the kernel's, and as a
 * kernel receiver would then read it; returns the words the walk charged. */
static uint64_t honest_passes(const uint8_t *buf, size_t len, const char *what)
{
	struct capnp_msg m;
	struct capnp_walk_stats st;
	struct capnp_limits lim = capnp_limits_for_size(len, CAPNP_WALK_FACTOR);
	int err = walk(open_buf(&m, buf, len, &lim), &st);
	if (err != CAPNP_OK)
		t_fail(__FILE__, __LINE__, "%s: %s under factor %u", what, capnp_strerror(err),
		       CAPNP_WALK_FACTOR);
	printf("    %s: %zu bytes, walk charged %llu words, %llu steps\n", what, len,
	       (unsigned long long)st.words, (unsigned long long)st.steps);
	lim = kernel_limits(len);
	CHECK_ERR(capnp_msg_validate(open_buf(&m, buf, len, &lim)), CAPNP_OK);
	return st.words;
}

/* Honest messages, small and manifest-sized, from the capnp tool and from
 * the builder, validate under the proportional budget, and a receiver
 * validating under CAPNP_TRAVERSAL_FACTOR can still read every field. */
static void honest_messages_pass(void)
{
	static uint8_t buf[1 << 18];
	size_t len = build_big_manifest(buf, sizeof buf, 64, 8);
	CHECK(len > 32 * 1024);
	uint64_t words = honest_passes(buf, len, "SystemManifest, 64 services x 8 grants");
	CHECK(words <= len / 8);
	static const char *const files[] = { "manifest.bin", "multiseg.bin", "all-eval.bin" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		uint8_t *in = t_load(files[i], &len);
		if (in)
			honest_passes(in, len, files[i]);
		free(in);
	}
	/* A receiver: validate, then read everything under what is left. */
	len = build_big_manifest(buf, sizeof buf, 64, 8);
	struct capnp_limits lim = kernel_limits(len);
	struct capnp_msg m;
	CHECK_ERR(capnp_msg_validate(open_buf(&m, buf, len, &lim)), CAPNP_OK);
	capos_Service_list svcs = capos_SystemManifest_get_services(capos_SystemManifest_root(&m));
	uint32_t grants = 0;
	for (uint32_t i = 0; i < capos_Service_list_len(svcs); i++) {
		capos_Service s = capos_Service_list_get(svcs, i);
		CHECK(capos_Service_get_name(s).len == 10);
		capos_CapGrant_list caps = capos_Service_get_caps(s);
		for (uint32_t g = 0; g < capos_CapGrant_list_len(caps); g++) {
			capos_CapGrant cg = capos_CapGrant_list_get(caps, g);
			grants += capos_CapGrant_get_name(cg).len == 7;
			capos_CapGrant_serviceExport se = capos_CapGrant_get_serviceExport(cg);
			CHECK(capos_CapGrant_serviceExport_get_export(se).len == 3);
		}
		struct capnp_list args = capos_Service_get_args(s);
		CHECK(capnp_list_text(&args, 0).len == 14);
	}
	CHECK_EQ(grants, 64 * 8);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
}

const struct tcase walk_tests[] = {
	{ "walk/self-pointer-16-bytes", self_pointer_16_bytes },
	{ "walk/nesting-exact-limit", nesting_exact_limit },
	{ "walk/depth-capped-at-stack-size", walk_depth_is_capped },
	{ "walk/copy-depth", copy_depth },
	{ "walk/stack-independent-of-depth", stack_independent_of_depth },
	{ "walk/dag-refused-under-proportional-budget", dag_refused_under_proportional_budget },
	{ "walk/shared-null-pointer-list", shared_null_pointer_list },
	{ "walk/zero-sized-elements-charged", zero_sized_elements_charged },
	{ "walk/honest-worst-case-within-factor", honest_worst_case },
	{ "walk/honest-messages-pass", honest_messages_pass },
	{ NULL, NULL },
};
