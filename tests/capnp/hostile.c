/* Hostile messages: each must be rejected with its own error code, with
 * every read staying inside the buffer (each message lives in an exactly
 * sized heap block, so ASan reports any stray byte). */
#include <stdlib.h>

#include "tests/capnp/t.h"
#include "capnp-test/test.capnp.h"

/* The current message: framed into an exactly-sized heap block. */
static uint8_t *cur;

static struct capnp_msg *open_bytes(struct capnp_msg *m, const void *bytes, size_t len,
                                    const struct capnp_limits *lim, int want_init)
{
	free(cur);
	cur = malloc(len ? len : 1);
	memcpy(cur, bytes, len);
	CHECK_ERR(capnp_msg_init(m, cur, len, lim), want_init);
	return m;
}

/* One segment of n words. */
static struct capnp_msg *open_seg(struct capnp_msg *m, const uint64_t *words, uint32_t n,
                                  const struct capnp_limits *lim)
{
	uint8_t buf[4096];
	const uint64_t *segs[] = { words };
	size_t len = t_frame(buf, sizeof buf, segs, &n, 1);
	return open_bytes(m, buf, len, lim, CAPNP_OK);
}

/* Walks the whole message and expects err from both the walk and the
 * message's sticky error. */
static void expect_walk(struct capnp_msg *m, int err)
{
	CHECK_ERR(capnp_msg_validate(m), err);
	CHECK_ERR(capnp_msg_error(m), err);
}

static void truncated_segment_table(void)
{
	struct capnp_msg m;
	open_bytes(&m, "", 0, NULL, CAPNP_ERR_SEGTABLE_TRUNCATED);
	open_bytes(&m, "\0\0\0", 3, NULL, CAPNP_ERR_SEGTABLE_TRUNCATED);
	/* Two segments need a 16-byte table; 12 bytes given. */
	open_bytes(&m, "\1\0\0\0\0\0\0\0\0\0\0\0", 12, NULL, CAPNP_ERR_SEGTABLE_TRUNCATED);
	/* A failed message reads as empty, never crashing the accessors. */
	CHECK_EQ(test_Inner_get_id(test_Inner_root(&m)), 0);
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_ERR_SEGTABLE_TRUNCATED);
}

static void segment_count_overflow(void)
{
	struct capnp_msg m;
	uint8_t buf[16] = { 0xff, 0xff, 0xff, 0xff }; /* 2^32 segments: wraps in 32 bits */
	open_bytes(&m, buf, sizeof buf, NULL, CAPNP_ERR_SEGMENT_COUNT);
	buf[0] = CAPNP_MAX_SEGMENTS, buf[1] = buf[2] = buf[3] = 0; /* one too many */
	open_bytes(&m, buf, sizeof buf, NULL, CAPNP_ERR_SEGMENT_COUNT);
}

static void segment_size_overflow(void)
{
	struct capnp_msg m;
	uint8_t buf[24] = { 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff }; /* 2^32 - 1 words */
	open_bytes(&m, buf, sizeof buf, NULL, CAPNP_ERR_SEGMENT_SIZE);
	uint32_t big[2] = { 0, 0x20000000 }; /* 2^32 bytes: overflows 32-bit byte math */
	memcpy(buf, big, 8);
	open_bytes(&m, buf, sizeof buf, NULL, CAPNP_ERR_SEGMENT_SIZE);
	/* Each segment fits alone, both together do not. */
	uint32_t two[4] = { 1, 2, 2, 0 };
	uint8_t b2[48] = { 0 };
	memcpy(b2, two, 16);
	open_bytes(&m, b2, 16 + 24, NULL, CAPNP_ERR_SEGMENT_SIZE);
}

static void empty_first_segment(void)
{
	struct capnp_msg m;
	open_bytes(&m, "\0\0\0\0\0\0\0\0", 8, NULL, CAPNP_ERR_NO_ROOT);
}

static void struct_pointer_oob(void)
{
	struct capnp_msg m;
	const uint64_t past_end[] = { w_struct(1, 1, 0), 0 };
	test_Inner r = test_Inner_root(open_seg(&m, past_end, 2, NULL));
	CHECK_EQ(test_Inner_get_id(r), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_STRUCT_OOB);
	const uint64_t before_start[] = { w_struct(-2, 1, 0), 0 };
	expect_walk(open_seg(&m, before_start, 2, NULL), CAPNP_ERR_STRUCT_OOB);
	const uint64_t huge[] = { w_struct(0, 0xffff, 0xffff), 0 };
	expect_walk(open_seg(&m, huge, 2, NULL), CAPNP_ERR_STRUCT_OOB);
	const uint64_t far_off[] = { w_struct(0x1fffffff, 1, 0), 0 };
	expect_walk(open_seg(&m, far_off, 2, NULL), CAPNP_ERR_STRUCT_OOB);
}

static void list_pointer_oob(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_EIGHT, 1000), 0 };
	expect_walk(open_seg(&m, words, 3, NULL), CAPNP_ERR_LIST_OOB);
	const uint64_t bytes[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_BYTE, 9), 0 };
	expect_walk(open_seg(&m, bytes, 3, NULL), CAPNP_ERR_LIST_OOB);
	const uint64_t neg[] = { w_struct(0, 0, 1), w_list(-5, CAPNP_ELEM_BYTE, 1), 0 };
	expect_walk(open_seg(&m, neg, 3, NULL), CAPNP_ERR_LIST_OOB);
	const uint64_t comp[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_COMPOSITE, 2),
		w_struct(2, 1, 0), 0 };
	expect_walk(open_seg(&m, comp, 4, NULL), CAPNP_ERR_LIST_OOB);
	/* Through the generated accessor: the list reads as empty. */
	const uint64_t texts[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_POINTER, 50), 0 };
	test_ListOld r = test_ListOld_root(open_seg(&m, texts, 3, NULL));
	CHECK_EQ(test_ListOld_get_items(r).count, 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_LIST_OOB);
}

static void composite_tag(void)
{
	struct capnp_msg m;
	const uint64_t not_struct[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_COMPOSITE, 1),
		w_list(1, CAPNP_ELEM_BYTE, 0), 0 };
	expect_walk(open_seg(&m, not_struct, 4, NULL), CAPNP_ERR_COMPOSITE_TAG);
	/* 3 elements of 1 word claimed in a 2-word list. */
	const uint64_t overrun[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_COMPOSITE, 2),
		w_struct(3, 1, 0), 0, 0 };
	expect_walk(open_seg(&m, overrun, 5, NULL), CAPNP_ERR_COMPOSITE_TAG);
}

static void far_pointer_loop(void)
{
	struct capnp_msg m;
	const uint64_t self[] = { w_far(false, 0, 0) }; /* lands on itself */
	expect_walk(open_seg(&m, self, 1, NULL), CAPNP_ERR_FAR_LOOP);
	/* Segment 0's root lands in segment 1 on a far pointer back to 0. */
	const uint64_t s0[] = { w_far(false, 0, 1) }, s1[] = { w_far(false, 0, 0) };
	const uint64_t *segs[] = { s0, s1 };
	const uint32_t sizes[] = { 1, 1 };
	uint8_t buf[64];
	size_t len = t_frame(buf, sizeof buf, segs, sizes, 2);
	test_Inner r = test_Inner_root(open_bytes(&m, buf, len, NULL, CAPNP_OK));
	CHECK_EQ(test_Inner_get_id(r), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_FAR_LOOP);
}

static void far_pointer_bad_segment(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_far(false, 0, 5) };
	expect_walk(open_seg(&m, words, 1, NULL), CAPNP_ERR_FAR_SEGMENT);
	/* Double far whose pad points into a missing segment. */
	const uint64_t dbl[] = { w_far(true, 1, 0), w_far(false, 0, 9), w_struct(0, 1, 0) };
	expect_walk(open_seg(&m, dbl, 3, NULL), CAPNP_ERR_FAR_SEGMENT);
}

static void far_pad_oob(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_far(false, 7, 0) };
	expect_walk(open_seg(&m, words, 1, NULL), CAPNP_ERR_FAR_PAD_OOB);
	const uint64_t dbl[] = { w_far(true, 1, 0), 0 }; /* a 2-word pad at the last word */
	expect_walk(open_seg(&m, dbl, 2, NULL), CAPNP_ERR_FAR_PAD_OOB);
	const uint64_t top[] = { w_far(false, 0x1fffffff, 0) };
	expect_walk(open_seg(&m, top, 1, NULL), CAPNP_ERR_FAR_PAD_OOB);
}

static void double_far_bad_pad(void)
{
	struct capnp_msg m;
	const uint64_t not_far[] = { w_far(true, 1, 0), w_struct(0, 1, 0), w_struct(0, 1, 0), 0 };
	expect_walk(open_seg(&m, not_far, 4, NULL), CAPNP_ERR_FAR_BAD_PAD);
	const uint64_t nested[] = { w_far(true, 1, 0), w_far(true, 1, 0), w_struct(0, 1, 0), 0 };
	expect_walk(open_seg(&m, nested, 4, NULL), CAPNP_ERR_FAR_BAD_PAD);
	const uint64_t far_tag[] = { w_far(true, 1, 0), w_far(false, 3, 0), w_far(false, 0, 0), 0 };
	expect_walk(open_seg(&m, far_tag, 4, NULL), CAPNP_ERR_FAR_BAD_PAD);
	/* A double-far's content must still fit: 2 data words at the last word. */
	const uint64_t big[] = { w_far(true, 1, 0), w_far(false, 3, 0), w_struct(0, 2, 0), 0 };
	expect_walk(open_seg(&m, big, 4, NULL), CAPNP_ERR_STRUCT_OOB);
}

/* A struct whose pointer points at itself: infinitely deep. */
static void nesting_limit_cycle(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 1, 1), 5, w_struct(-2, 1, 1) };
	expect_walk(open_seg(&m, words, 3, NULL), CAPNP_ERR_NESTING_LIMIT);
	test_Nest n = test_Nest_root(open_seg(&m, words, 3, NULL));
	int steps = 0;
	while (test_Nest_has_child(n) && steps < 1000) {
		n = test_Nest_get_child(n);
		steps++;
	}
	CHECK(steps <= CAPNP_DEFAULT_NESTING);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_NESTING_LIMIT);
}

static void nesting_limit_deep_message(void)
{
	size_t len;
	uint8_t *buf = t_load("deep.bin", &len);
	struct capnp_msg m;
	if (buf)
		expect_walk(open_bytes(&m, buf, len, NULL, CAPNP_OK), CAPNP_ERR_NESTING_LIMIT);
	free(buf);
}

/* 2^29 - 1 void elements take no bytes but count as words. */
static void traversal_void_list(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_VOID, CAPNP_MAX_LIST_COUNT) };
	expect_walk(open_seg(&m, words, 2, NULL), CAPNP_ERR_TRAVERSAL_LIMIT);
}

static void traversal_zero_sized_structs(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 0, 3), 0, 0, w_list(0, CAPNP_ELEM_COMPOSITE, 0),
		w_struct(CAPNP_MAX_LIST_COUNT, 0, 0) };
	test_Inner_list l = test_Blob_get_more(test_Blob_root(open_seg(&m, words, 5, NULL)));
	CHECK_EQ(test_Inner_list_len(l), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_TRAVERSAL_LIMIT);
}

/* 100 pointers to one 400-word list: 40000 words read from 500. */
static void traversal_amplification(void)
{
	static uint64_t words[1 + 1 + 100 + 400];
	words[0] = w_struct(0, 0, 1);
	words[1] = w_list(0, CAPNP_ELEM_POINTER, 100);
	for (int i = 0; i < 100; i++)
		words[2 + i] = w_list(99 - i, CAPNP_ELEM_EIGHT, 400);
	struct capnp_limits lim = { 10000, 64 };
	struct capnp_msg m;
	expect_walk(open_seg(&m, words, 502, &lim), CAPNP_ERR_TRAVERSAL_LIMIT);
	lim.traversal_words = 50000;
	expect_walk(open_seg(&m, words, 502, &lim), CAPNP_OK);
}

static void text_without_nul(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 1, 2), 1, w_list(1, CAPNP_ELEM_BYTE, 3), 0, 0x636261 };
	test_Inner r = test_Inner_root(open_seg(&m, words, 5, NULL));
	CHECK_TEXT(test_Inner_get_label(r), "");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_TEXT_NO_NUL);
	const uint64_t empty[] = { w_struct(0, 1, 2), 1, w_list(0, CAPNP_ELEM_BYTE, 0), 0 };
	r = test_Inner_root(open_seg(&m, empty, 4, NULL));
	CHECK_TEXT(test_Inner_get_label(r), "");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_TEXT_NO_NUL);
}

static void wrong_pointer_kind(void)
{
	struct capnp_msg m;
	/* Inner.inner (a struct) holds a list; Inner.label (text) a struct. */
	const uint64_t words[] = { w_struct(0, 1, 2), 1, w_struct(1, 0, 0), w_list(0, CAPNP_ELEM_BYTE, 0) };
	test_Inner r = test_Inner_root(open_seg(&m, words, 4, NULL));
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(r)), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_WRONG_KIND);
	r = test_Inner_root(open_seg(&m, words, 4, NULL));
	CHECK_TEXT(test_Inner_get_label(r), "");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_WRONG_KIND);
	/* A capability where a list is expected. */
	const uint64_t cap[] = { w_struct(0, 0, 1), w_cap(0) };
	CHECK_EQ(test_ListOld_get_items(test_ListOld_root(open_seg(&m, cap, 2, NULL))).count, 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_WRONG_KIND);
}

static void list_element_mismatch(void)
{
	struct capnp_msg m;
	/* ListOld.items is List(UInt32); these are bytes. */
	const uint64_t bytes[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_BYTE, 3), 0x030201 };
	CHECK_EQ(test_ListOld_get_items(test_ListOld_root(open_seg(&m, bytes, 3, NULL))).count, 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_LIST_ELEMENT);
	/* Text must be bytes, not 16-bit elements. */
	const uint64_t wide[] = { w_struct(0, 1, 2), 0, w_list(1, CAPNP_ELEM_TWO, 2), 0, 0x61 };
	CHECK_TEXT(test_Inner_get_label(test_Inner_root(open_seg(&m, wide, 5, NULL))), "");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_LIST_ELEMENT);
	/* A bit list cannot be read as a list of structs. */
	const uint64_t bits[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_BIT, 3), 5 };
	CHECK_EQ(test_Item_list_len(test_ListNew_get_items(test_ListNew_root(open_seg(&m, bits, 3, NULL)))), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_LIST_ELEMENT);
}

static void reserved_other_pointer(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 0, 1), w_cap(3) | 4 };
	expect_walk(open_seg(&m, words, 2, NULL), CAPNP_ERR_RESERVED_POINTER);
	test_TestAll r = test_TestAll_root(open_seg(&m, words, 2, NULL));
	CHECK_EQ(capnp_read_cap(&r.s, 0), CAPNP_CAP_NONE);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_RESERVED_POINTER);
}

static void index_out_of_range(void)
{
	struct capnp_msg m;
	const uint64_t words[] = { w_struct(0, 0, 1), w_list(0, CAPNP_ELEM_FOUR, 1), 7 };
	struct capnp_list l = test_ListOld_get_items(test_ListOld_root(open_seg(&m, words, 3, NULL)));
	CHECK_EQ(capnp_list_u32(&l, 0), 7);
	CHECK_EQ(capnp_list_u32(&l, 1), 0);
	CHECK_EQ(capnp_list_u64(&l, 0), 0); /* wider than the elements: zero, no over-read */
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_INDEX);
}

/* Every single-byte corruption of a valid message: whatever the error, no
 * read leaves the buffer and nothing crashes (ASan/UBSan watch). */
static void corruptions_stay_in_bounds(void)
{
	size_t len;
	uint8_t *orig = t_load("all-eval.bin", &len);
	for (size_t i = 0; orig && i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct capnp_msg m;
			free(cur);
			cur = malloc(len);
			memcpy(cur, orig, len);
			cur[i] ^= (uint8_t)(1u << bit);
			if (capnp_msg_init(&m, cur, len, NULL) == CAPNP_OK) {
				capnp_msg_validate(&m);
				m.err = CAPNP_OK;
				m.traversal_left = CAPNP_DEFAULT_TRAVERSAL_WORDS;
				read_all_types(&m);
			}
		}
	}
	free(orig);
	free(cur);
	cur = NULL;
}

const struct tcase hostile_tests[] = {
	{ "hostile/truncated-segment-table", truncated_segment_table },
	{ "hostile/segment-count-overflow", segment_count_overflow },
	{ "hostile/segment-size-overflow", segment_size_overflow },
	{ "hostile/empty-first-segment", empty_first_segment },
	{ "hostile/struct-pointer-out-of-bounds", struct_pointer_oob },
	{ "hostile/list-pointer-out-of-bounds", list_pointer_oob },
	{ "hostile/composite-tag-malformed", composite_tag },
	{ "hostile/far-pointer-loop", far_pointer_loop },
	{ "hostile/far-pointer-bad-segment", far_pointer_bad_segment },
	{ "hostile/far-pointer-pad-out-of-bounds", far_pad_oob },
	{ "hostile/double-far-bad-landing-pad", double_far_bad_pad },
	{ "hostile/nesting-limit-pointer-cycle", nesting_limit_cycle },
	{ "hostile/nesting-limit-deep-message", nesting_limit_deep_message },
	{ "hostile/traversal-limit-void-list", traversal_void_list },
	{ "hostile/traversal-limit-zero-sized-structs", traversal_zero_sized_structs },
	{ "hostile/traversal-limit-amplification", traversal_amplification },
	{ "hostile/text-without-nul", text_without_nul },
	{ "hostile/wrong-pointer-kind", wrong_pointer_kind },
	{ "hostile/list-element-size-mismatch", list_element_mismatch },
	{ "hostile/reserved-other-pointer", reserved_other_pointer },
	{ "hostile/list-index-out-of-range", index_out_of_range },
	{ "hostile/corruptions-stay-in-bounds", corruptions_stay_in_bounds },
	{ NULL, NULL },
};
