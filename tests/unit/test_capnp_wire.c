/* lib/capnp internals: exact wire encodings the builder writes, the list
 * element compatibility matrix, traversal accounting, error names.
 * (Interop with the capnp tool and hostile inputs: tests/capnp/.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/capnp/capnp.h"
#include "lib/capnp/wire.h"

static uint8_t arena[4096];

static uint64_t word(size_t i)
{
	uint64_t w;
	memcpy(&w, arena + 8 * i, 8);
	return w;
}

static void test_pointer_fields(void **state)
{
	(void)state;
	uint64_t w = 0xfffffffcull | 3ull << 32 | 2ull << 48; /* struct, offset -1 */
	assert_int_equal(CAPNP_PTR_KIND(w), CAPNP_WIRE_STRUCT);
	assert_int_equal(CAPNP_PTR_OFFSET(w), -1);
	assert_int_equal(CAPNP_STRUCT_DW(w), 3);
	assert_int_equal(CAPNP_STRUCT_PC(w), 2);
	uint64_t l = 1 | 5ull << 2 | (uint64_t)CAPNP_ELEM_FOUR << 32 | 7ull << 35;
	assert_int_equal(CAPNP_PTR_KIND(l), CAPNP_WIRE_LIST);
	assert_int_equal(CAPNP_PTR_OFFSET(l), 5);
	assert_int_equal(CAPNP_LIST_ESIZE(l), CAPNP_ELEM_FOUR);
	assert_int_equal(CAPNP_LIST_COUNT(l), 7);
	assert_int_equal(CAPNP_PTR_OFFSET(0x7ffffffcull), 0x1fffffff);
	assert_int_equal(CAPNP_PTR_OFFSET(0x80000000ull), -0x20000000);
}

/* The builder's bytes, word by word, for a small struct with a text and a
 * list: table, root pointer, data, pointers, then the objects in order. */
static void test_builder_exact_words(void **state)
{
	(void)state;
	struct capnp_builder b;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb s = capnp_init_root(&b, 1, 2);
	capnp_set_u32(s, 1, 0xdeadbeef);
	capnp_pb_set_text(capnp_sb_ptr(s, 0), "hi", 2);
	struct capnp_lb l = capnp_pb_init_list(capnp_sb_ptr(s, 1), CAPNP_ELEM_BIT, 10);
	capnp_lb_set_bool(l, 9, true);
	capnp_lb_set_bool(l, 0, true);
	assert_int_equal(capnp_builder_finish(&b), 8 * 7);
	assert_int_equal(word(0), 0 | 6ull << 32);                       /* 1 segment, 6 words */
	assert_int_equal(word(1), 0 | 1ull << 32 | 2ull << 48);          /* root: offset 0 */
	assert_int_equal(word(2), 0xdeadbeefull << 32);                  /* data word */
	assert_int_equal(word(3), (1 << 2 | 1) | 2ull << 32 | 3ull << 35); /* text: +1, 3 bytes */
	assert_int_equal(word(4), (1 << 2 | 1) | 1ull << 32 | 10ull << 35); /* bits: +1, 10 */
	assert_int_equal(word(5), 0x6968);                               /* "hi\0" */
	assert_int_equal(word(6), 0x201);                                /* bits 0 and 9 */
}

static void test_builder_struct_list_tag(void **state)
{
	(void)state;
	struct capnp_builder b;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb s = capnp_init_root(&b, 0, 1);
	struct capnp_lb l = capnp_pb_init_struct_list(capnp_sb_ptr(s, 0), 3, 1, 1);
	capnp_set_u64(capnp_lb_struct(l, 2), 0, 42);
	assert_int_equal(capnp_builder_finish(&b), 8 * 10);
	assert_int_equal(word(2), 1 | (uint64_t)CAPNP_ELEM_COMPOSITE << 32 | 6ull << 35);
	assert_int_equal(word(3), 3 << 2 | 1ull << 32 | 1ull << 48); /* tag: 3 elements */
	assert_int_equal(word(8), 42);
}

/* One list encoded as `enc`, read expecting `want`: accepted or not. */
static int read_as(unsigned enc, enum capnp_elem want)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb s = capnp_init_root(&b, 0, 1);
	if (enc == CAPNP_ELEM_COMPOSITE)
		capnp_pb_init_struct_list(capnp_sb_ptr(s, 0), 2, 1, 1);
	else
		capnp_pb_init_list(capnp_sb_ptr(s, 0), enc, 2);
	size_t n = capnp_builder_finish(&b);
	assert_int_equal(capnp_msg_init(&m, arena, n, NULL), CAPNP_OK);
	struct capnp_ptr root = capnp_msg_root(&m);
	struct capnp_struct r;
	struct capnp_list l;
	assert_int_equal(capnp_ptr_struct(root, &r, NULL), CAPNP_OK);
	return capnp_ptr_list(capnp_struct_ptr(&r, 0), want, &l, NULL);
}

/* Rows: encoded size; columns: expected size (VOID..COMPOSITE). 1 = ok. */
static void test_list_compatibility(void **state)
{
	(void)state;
	static const char ok[8][9] = {
		/* want:  V B 1 2 4 8 P C */
		[0] = "10000001", /* void */
		[1] = "11000000", /* bit: only as bits */
		[2] = "11100001", /* byte */
		[3] = "11110001", /* two bytes */
		[4] = "11111001", /* four bytes */
		[5] = "11111101", /* eight bytes */
		[6] = "10000011", /* pointer */
		[7] = "10111111", /* composite (1 data word, 1 pointer): never as bits */
	};
	for (unsigned enc = 0; enc < 8; enc++)
		for (unsigned want = 0; want < 8; want++) {
			int err = read_as(enc, (enum capnp_elem)want);
			if ((ok[enc][want] == '1') != (err == CAPNP_OK))
				fail_msg("encoded %u read as %u: %s", enc, want, capnp_strerror(err));
			if (err)
				assert_int_equal(err, CAPNP_ERR_LIST_ELEMENT);
		}
}

/* The traversal limit counts each object's words once per read. */
static void test_traversal_accounting(void **state)
{
	(void)state;
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb s = capnp_init_root(&b, 2, 1);
	capnp_pb_init_list(capnp_sb_ptr(s, 0), CAPNP_ELEM_TWO, 9); /* 3 words */
	size_t n = capnp_builder_finish(&b);
	struct capnp_limits lim = { 100, 8 };
	capnp_msg_init(&m, arena, n, &lim);
	struct capnp_struct r;
	capnp_ptr_struct(capnp_msg_root(&m), &r, NULL);
	assert_int_equal(m.traversal_left, 97);
	struct capnp_list l = capnp_read_list(&r, 0, CAPNP_ELEM_TWO, NULL);
	assert_int_equal(l.count, 9);
	assert_int_equal(m.traversal_left, 94);
	struct capnp_walk_stats st;
	assert_int_equal(capnp_walk(capnp_msg_root(&m), &st), CAPNP_OK);
	assert_int_equal(st.words, 6);
	assert_int_equal(st.steps, 3); /* the root, its one slot, its end */
}

/* Every object reached through a pointer costs at least one word, empty
 * ones included; a null pointer costs nothing of its own. */
static void test_every_object_costs_a_word(void **state)
{
	(void)state;
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb s = capnp_init_root(&b, 0, 4);
	capnp_pb_init_list(capnp_sb_ptr(s, 0), CAPNP_ELEM_BYTE, 0);
	capnp_pb_init_list(capnp_sb_ptr(s, 1), CAPNP_ELEM_POINTER, 0);
	capnp_pb_init_struct(capnp_sb_ptr(s, 2), 0, 0);
	size_t n = capnp_builder_finish(&b);
	struct capnp_limits lim = { 100, 8 };
	capnp_msg_init(&m, arena, n, &lim);
	struct capnp_struct r;
	capnp_ptr_struct(capnp_msg_root(&m), &r, NULL);
	assert_int_equal(m.traversal_left, 96);
	assert_int_equal(capnp_read_list(&r, 0, CAPNP_ELEM_BYTE, NULL).count, 0);
	assert_int_equal(m.traversal_left, 95);
	assert_int_equal(capnp_read_list(&r, 1, CAPNP_ELEM_POINTER, NULL).count, 0);
	assert_int_equal(m.traversal_left, 94);
	capnp_read_struct(&r, 2, NULL);
	assert_int_equal(m.traversal_left, 93);
	capnp_read_struct(&r, 3, NULL);
	assert_int_equal(m.traversal_left, 93);
	struct capnp_walk_stats st;
	assert_int_equal(capnp_walk(capnp_msg_root(&m), &st), CAPNP_OK);
	assert_int_equal(st.words, 4 + 3);
	assert_int_equal(st.steps, 1 + 4 + 1);
	assert_int_equal(capnp_msg_error(&m), CAPNP_OK);
}

/* Budgets proportional to the message: words rounded up, saturating. */
static void test_limits_for_size(void **state)
{
	(void)state;
	struct capnp_limits l = capnp_limits_for_size(16, CAPNP_TRAVERSAL_FACTOR);
	assert_int_equal(l.traversal_words, 2 * CAPNP_TRAVERSAL_FACTOR);
	assert_int_equal(l.nesting, CAPNP_DEFAULT_NESTING);
	assert_int_equal(capnp_limits_for_size(0, 4).traversal_words, 0);
	assert_int_equal(capnp_limits_for_size(1, 4).traversal_words, 4);
	assert_int_equal(capnp_limits_for_size(9, 3).traversal_words, 6);
	assert_int_equal(capnp_limits_for_size(64 * 1024, 2).traversal_words, 16 * 1024);
	assert_int_equal(capnp_limits_for_size(SIZE_MAX, 16).traversal_words, UINT64_MAX);
	assert_int_equal(capnp_limits_for_size(SIZE_MAX, 0).traversal_words, 0);
	assert_true(CAPNP_WALK_FACTOR <= CAPNP_TRAVERSAL_FACTOR);
}

static void test_error_names(void **state)
{
	(void)state;
	for (int e = 0; e > -CAPNP_ERR_COUNT; e--) {
		const char *name = capnp_strerror(e);
		assert_true(strncmp(name, "CAPNP_", 6) == 0);
		for (int f = 0; f > e; f--)
			assert_string_not_equal(name, capnp_strerror(f));
	}
	assert_string_equal(capnp_strerror(-CAPNP_ERR_COUNT), "?");
	assert_string_equal(capnp_strerror(1), "?");
}

/* Field reads beyond a struct's sections are defaults, not errors. */
static void test_short_struct_reads_default(void **state)
{
	(void)state;
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	capnp_set_u16(capnp_init_root(&b, 1, 0), 3, 0xabcd);
	capnp_msg_init(&m, arena, capnp_builder_finish(&b), NULL);
	struct capnp_struct r;
	capnp_ptr_struct(capnp_msg_root(&m), &r, NULL);
	assert_int_equal(capnp_get_u16(&r, 3), 0xabcd);
	assert_int_equal(capnp_get_u16(&r, 4), 0);
	assert_int_equal(capnp_get_u64(&r, 1), 0);
	assert_false(capnp_get_bool(&r, 64));
	assert_false(capnp_has_ptr(&r, 0));
	assert_int_equal(capnp_read_text(&r, 5, "dflt", 4).len, 4);
	assert_int_equal(capnp_msg_error(&m), CAPNP_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pointer_fields),
		cmocka_unit_test(test_builder_exact_words),
		cmocka_unit_test(test_builder_struct_list_tag),
		cmocka_unit_test(test_list_compatibility),
		cmocka_unit_test(test_traversal_accounting),
		cmocka_unit_test(test_every_object_costs_a_word),
		cmocka_unit_test(test_limits_for_size),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_short_struct_reads_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
