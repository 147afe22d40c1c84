/* Messages built in C. Each is re-read here, and tests/capnp/run decodes
 * the saved files with `capnp decode` and compares the text with capnp's
 * own decoding of the same values. */
#include <stdlib.h>

#include "tests/capnp/t.h"
#include "capnp-test/test.capnp.h"
#include "capos/capos.capnp.h"

#define ARENA (1 << 16)
static uint8_t arena[ARENA];

#define SET_TEXT(fn, b, s) fn(b, s, strlen(s))

static void build_all_scalars(test_TestAll_builder b)
{
	test_TestAll_set_boolField(b, true);
	test_TestAll_set_int8Field(b, -8);
	test_TestAll_set_int16Field(b, -16);
	test_TestAll_set_int32Field(b, -32);
	test_TestAll_set_int64Field(b, -64);
	test_TestAll_set_uint8Field(b, 8);
	test_TestAll_set_uint16Field(b, 16);
	test_TestAll_set_uint32Field(b, 32);
	test_TestAll_set_uint64Field(b, 64);
	test_TestAll_set_float32Field(b, t_f32(32.5f));
	test_TestAll_set_float64Field(b, t_f64(-64.25));
	SET_TEXT(test_TestAll_set_textField, b, "hello, capOS");
	test_TestAll_set_dataField(b, "\xde\xad\xbe\xef", 4);
	test_Inner_builder in = test_TestAll_init_structField(b);
	test_Inner_set_id(in, 1);
	SET_TEXT(test_Inner_set_label, in, "one");
	test_Inner_builder in2 = test_Inner_init_inner(in);
	test_Inner_set_id(in2, 2);
	SET_TEXT(test_Inner_set_label, in2, "two");
	test_TestAll_set_enumField(b, test_Color_green);
}

static void build_all_prim_lists(test_TestAll_builder b)
{
	static const bool bools[] = { 1, 0, 1, 1, 0, 0, 0, 0, 1 };
	struct capnp_lb l = test_TestAll_init_boolList(b, 9);
	for (uint32_t i = 0; i < 9; i++)
		capnp_lb_set_bool(l, i, bools[i]);
	l = test_TestAll_init_int8List(b, 3);
	capnp_lb_set_u8(l, 0, (uint8_t)-1), capnp_lb_set_u8(l, 1, 2), capnp_lb_set_u8(l, 2, (uint8_t)-3);
	l = test_TestAll_init_int16List(b, 2);
	capnp_lb_set_u16(l, 0, (uint16_t)-300), capnp_lb_set_u16(l, 1, 300);
	l = test_TestAll_init_int32List(b, 3);
	capnp_lb_set_u32(l, 0, (uint32_t)-70000), capnp_lb_set_u32(l, 1, 70000);
	l = test_TestAll_init_int64List(b, 2);
	capnp_lb_set_u64(l, 0, (uint64_t)-5000000000), capnp_lb_set_u64(l, 1, 5000000000);
	l = test_TestAll_init_uint8List(b, 2);
	capnp_lb_set_u8(l, 0, 1), capnp_lb_set_u8(l, 1, 255);
	l = test_TestAll_init_uint16List(b, 3);
	capnp_lb_set_u16(l, 0, 65535), capnp_lb_set_u16(l, 2, 1);
	l = test_TestAll_init_uint32List(b, 1);
	capnp_lb_set_u32(l, 0, 4000000000u);
	l = test_TestAll_init_uint64List(b, 2);
	capnp_lb_set_u64(l, 0, UINT64_MAX);
	l = test_TestAll_init_float32List(b, 2);
	capnp_lb_set_u32(l, 0, t_f32(0.5f)), capnp_lb_set_u32(l, 1, t_f32(-2.0f));
	l = test_TestAll_init_float64List(b, 1);
	capnp_lb_set_u64(l, 0, t_f64(1e100));
	l = test_TestAll_init_enumList(b, 2);
	capnp_lb_set_u16(l, 0, test_Color_blue), capnp_lb_set_u16(l, 1, test_Color_red);
	test_TestAll_init_voidList(b, 4);
}

static void build_all_ptr_lists(test_TestAll_builder b)
{
	struct capnp_lb l = test_TestAll_init_textList(b, 3);
	capnp_pb_set_text(capnp_lb_ptr(l, 0), "alpha", 5);
	capnp_pb_set_text(capnp_lb_ptr(l, 1), "", 0);
	capnp_pb_set_text(capnp_lb_ptr(l, 2), "gamma", 5);
	l = test_TestAll_init_dataList(b, 2);
	capnp_pb_set_data(capnp_lb_ptr(l, 0), "\0", 1);
	capnp_pb_set_data(capnp_lb_ptr(l, 1), "\1\2", 2);
	test_Inner_list_builder sl = test_TestAll_init_structList(b, 3);
	test_Inner_set_id(test_Inner_list_builder_get(sl, 0), 10);
	SET_TEXT(test_Inner_set_label, test_Inner_list_builder_get(sl, 0), "ten");
	test_Inner_set_id(test_Inner_list_builder_get(sl, 1), 11);
	test_Inner_set_id(test_Inner_list_builder_get(sl, 2), 12);
	test_Inner_set_id(test_Inner_init_inner(test_Inner_list_builder_get(sl, 2)), 13);
	l = test_TestAll_init_listList(b, 3);
	struct capnp_lb a = capnp_pb_init_list(capnp_lb_ptr(l, 0), CAPNP_ELEM_FOUR, 2);
	capnp_lb_set_u32(a, 0, 1), capnp_lb_set_u32(a, 1, 2);
	capnp_pb_init_list(capnp_lb_ptr(l, 1), CAPNP_ELEM_FOUR, 0);
	capnp_lb_set_u32(capnp_pb_init_list(capnp_lb_ptr(l, 2), CAPNP_ELEM_FOUR, 1), 0, 3);
}

/* Finishes b, saves it as name, and opens it in m (reading from arena). */
static size_t finish(struct capnp_builder *b, const char *name, struct capnp_msg *m)
{
	size_t len = capnp_builder_finish(b);
	CHECK_ERR(capnp_builder_error(b), CAPNP_OK);
	CHECK(len > 0);
	if (name)
		t_save(name, arena, len);
	CHECK_ERR(capnp_msg_init(m, arena, len, NULL), CAPNP_OK);
	return len;
}

static void build_all_types(void)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	test_TestAll_builder r = test_TestAll_init_root(&b);
	build_all_scalars(r);
	build_all_prim_lists(r);
	build_all_ptr_lists(r);
	finish(&b, "built-all.bin", &m);
	check_all_types(&m);
}

/* Writing a field's default value explicitly must read back as written. */
static void build_defaults_zero(void)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	test_TestDefaults_builder r = test_TestDefaults_init_root(&b);
	test_TestDefaults_set_boolField(r, false);
	test_TestDefaults_set_int8Field(r, 0);
	test_TestDefaults_set_int16Field(r, 0);
	test_TestDefaults_set_int32Field(r, 0);
	test_TestDefaults_set_int64Field(r, 0);
	test_TestDefaults_set_uint8Field(r, 0);
	test_TestDefaults_set_uint16Field(r, 0);
	test_TestDefaults_set_uint32Field(r, 0);
	test_TestDefaults_set_uint64Field(r, 0);
	test_TestDefaults_set_float32Field(r, 0);
	test_TestDefaults_set_float64Field(r, 0);
	test_TestDefaults_set_textField(r, "", 0);
	test_TestDefaults_set_dataField(r, "", 0);
	test_TestDefaults_init_structField(r);
	test_TestDefaults_set_enumField(r, test_Color_red);
	test_TestDefaults_init_int32List(r, 0);
	test_TestDefaults_init_textList(r, 0);
	test_TestDefaults_init_structList(r, 0);
	test_TestDefaults_set_int64Min(r, 0);
	finish(&b, "built-defaults-zero.bin", &m);
	test_TestDefaults d = test_TestDefaults_root(&m);
	CHECK(!test_TestDefaults_get_boolField(d));
	CHECK_EQ(test_TestDefaults_get_uint32Field(d), 0);
	CHECK_EQ(test_TestDefaults_get_int64Min(d), 0);
	CHECK_TEXT(test_TestDefaults_get_textField(d), "");
	CHECK_EQ(test_TestDefaults_get_int32List(d).count, 0);
	CHECK_EQ(test_Inner_get_id(test_TestDefaults_get_structField(d)), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
}

static void build_unions(void)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	test_TestUnion_builder u = test_TestUnion_init_root(&b);
	SET_TEXT(test_TestUnion_set_before, u, "b");
	test_TestUnion_set_number(u, 12345);
	test_TestUnion_named_set_color(test_TestUnion_init_named(u), test_Color_blue);
	test_TestUnion_set_after(u, 1);
	finish(&b, "built-union-number.bin", &m);
	CHECK_EQ(test_TestUnion_which(test_TestUnion_root(&m)), test_TestUnion_which_number);

	capnp_builder_init(&b, arena, sizeof arena);
	u = test_TestUnion_init_root(&b);
	test_TestUnion_pair_set_left(test_TestUnion_init_pair(u), -1);
	test_TestUnion_pair_set_right(test_TestUnion_init_pair(u), 5);
	finish(&b, "built-union-pair.bin", &m);
	test_TestUnion r = test_TestUnion_root(&m);
	CHECK_EQ(test_TestUnion_which(r), test_TestUnion_which_pair);
	CHECK_EQ(test_TestUnion_pair_get_right(test_TestUnion_get_pair(r)), 5);
	CHECK_EQ(test_TestUnion_get_after(r), 77);

	capnp_builder_init(&b, arena, sizeof arena);
	u = test_TestUnion_init_root(&b);
	test_TestUnion_set_none(u);
	test_TestUnion_named_set_flag(test_TestUnion_init_named(u), true);
	finish(&b, "built-union-none.bin", &m);
	CHECK(test_TestUnion_named_get_flag(test_TestUnion_get_named(test_TestUnion_root(&m))));
}

static void build_grant(capos_CapGrant_builder g, const char *name, uint64_t iface)
{
	SET_TEXT(capos_CapGrant_set_name, g, name);
	capos_CapGrant_set_interfaceId(g, iface);
}

/* The same manifest as tests/capnp/manifest.capnp, built in C. */
static void build_manifest(void)
{
	static const uint8_t digest[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	capos_SystemManifest_builder sm = capos_SystemManifest_init_root(&b);
	capos_SystemManifest_set_schemaVersion(sm, capos_manifestSchemaVersion);
	capos_Binary_list_builder bins = capos_SystemManifest_init_binaries(sm, 2);
	SET_TEXT(capos_Binary_set_name, capos_Binary_list_builder_get(bins, 0), "app");
	SET_TEXT(capos_Binary_set_path, capos_Binary_list_builder_get(bins, 0), "bin/app");
	SET_TEXT(capos_Binary_set_name, capos_Binary_list_builder_get(bins, 1), "logger");
	SET_TEXT(capos_Binary_set_path, capos_Binary_list_builder_get(bins, 1), "bin/logger");
	capos_Binary_set_blake3(capos_Binary_list_builder_get(bins, 1), digest, sizeof digest);
	capos_Service_list_builder svcs = capos_SystemManifest_init_services(sm, 2);
	capos_Service_builder s = capos_Service_list_builder_get(svcs, 0);
	SET_TEXT(capos_Service_set_name, s, "logger");
	SET_TEXT(capos_Service_set_binary, s, "logger");
	capos_CapGrant_builder g = capos_CapGrant_list_builder_get(capos_Service_init_caps(s, 1), 0);
	build_grant(g, "console", capos_Console_ID);
	capos_CapGrant_set_kernel(g, capos_KernelCap_console);
	capos_Export_builder e = capos_Export_list_builder_get(capos_Service_init_exports(s, 1), 0);
	SET_TEXT(capos_Export_set_name, e, "log");
	capos_Export_set_interfaceId(e, capos_Console_ID);
	capos_Service_set_restart(s, capos_RestartPolicy_onFailure);
	s = capos_Service_list_builder_get(svcs, 1);
	SET_TEXT(capos_Service_set_name, s, "app");
	SET_TEXT(capos_Service_set_binary, s, "app");
	g = capos_CapGrant_list_builder_get(capos_Service_init_caps(s, 1), 0);
	build_grant(g, "log", capos_Console_ID);
	capos_CapGrant_serviceExport_builder se = capos_CapGrant_init_serviceExport(g);
	SET_TEXT(capos_CapGrant_serviceExport_set_service, se, "logger");
	SET_TEXT(capos_CapGrant_serviceExport_set_export, se, "log");
	capos_CapGrant_set_badge(g, 42);
	capos_CapGrant_set_rights(g, 1);
	capos_Service_set_restartLimit(s, 0);
	struct capnp_lb args = capos_Service_init_args(s, 2);
	capnp_pb_set_text(capnp_lb_ptr(args, 0), "app", 3);
	capnp_pb_set_text(capnp_lb_ptr(args, 1), "--verbose", 9);
	finish(&b, "built-manifest.bin", &m);
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
	CHECK_EQ(capos_CapGrant_get_rights(capos_CapGrant_list_get(
		capos_Service_get_caps(capos_Service_list_get(
			capos_SystemManifest_get_services(capos_SystemManifest_root(&m)), 0)), 0)),
		capos_rightsAll);
}

/* capnp_pb_copy flattens a multi-segment message into one segment. */
static void copy_flattens_segments(void)
{
	size_t len;
	uint8_t *in = t_load("multiseg.bin", &len);
	struct capnp_msg src, m;
	capnp_msg_init(&src, in ? in : (const uint8_t *)"", len, NULL);
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	struct capnp_builder b;
	capnp_builder_init(&b, buf, cap);
	CHECK_ERR(capnp_pb_copy(capnp_builder_root(&b), capnp_msg_root(&src)), CAPNP_OK);
	size_t out = capnp_builder_finish(&b);
	CHECK(out > 0);
	t_save("copied-multiseg.bin", buf, out);
	CHECK_ERR(capnp_msg_init(&m, buf, out, NULL), CAPNP_OK);
	CHECK_EQ(m.nsegs, 1);
	CHECK_EQ(test_Blob_get_name(test_Blob_root(&m)).len, 100000);
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
	free(buf);
	free(in);
}

/* Three segments: the root is a double-far pointer (pad in segment 1, struct
 * in segment 2); the struct's `inner` is a single-far pointer back into
 * segment 1. capnp decode must agree (tests/capnp/expect/double-far.txt). */
static void double_far_handbuilt(void)
{
	const uint64_t s0[] = { w_far(true, 0, 1) };
	const uint64_t s1[] = { w_far(false, 0, 2), w_struct(0, 1, 2), w_struct(0, 1, 0), 7 };
	const uint64_t s2[] = { 0x1234, w_list(1, CAPNP_ELEM_BYTE, 4), w_far(false, 2, 1),
		0x726166 /* "far\0" */ };
	const uint64_t *segs[] = { s0, s1, s2 };
	const uint32_t sizes[] = { 1, 4, 4 };
	uint8_t buf[128];
	size_t len = t_frame(buf, sizeof buf, segs, sizes, 3);
	t_save("double-far.bin", buf, len);
	struct capnp_msg m;
	CHECK_ERR(capnp_msg_init(&m, buf, len, NULL), CAPNP_OK);
	test_Inner r = test_Inner_root(&m);
	CHECK_EQ(test_Inner_get_id(r), 0x1234);
	CHECK_TEXT(test_Inner_get_label(r), "far");
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(r)), 7);
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
}

/* Capability pointers and AnyPointer fields. */
static void caps_and_any_pointers(void)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	test_TestAll_builder r = test_TestAll_init_root(&b);
	test_TestAll_set_widget(r, 5);
	test_Inner_set_id(test_Inner_init_ptr(test_TestAll_init_anyField(r)), 9);
	finish(&b, NULL, &m);
	test_TestAll t = test_TestAll_root(&m);
	CHECK_EQ(test_TestAll_get_widget(t), 5);
	CHECK_EQ(capnp_ptr_kind(test_TestAll_get_anyField(t)), CAPNP_KIND_STRUCT);
	CHECK_EQ(test_Inner_get_id(test_Inner_from_ptr(test_TestAll_get_anyField(t))), 9);
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
	/* Reading a capability as text is a kind error. */
	CHECK_TEXT(capnp_read_text(&t.s, 21, NULL, 0), ""); /* the widget slot */
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_WRONG_KIND);
}

/* A zero-sized struct is encoded with offset -1 so it is not null. */
static void zero_sized_struct(void)
{
	struct capnp_builder b;
	struct capnp_msg m;
	capnp_builder_init(&b, arena, sizeof arena);
	capnp_init_root(&b, 0, 0);
	finish(&b, NULL, &m);
	CHECK_EQ(capnp_load64(arena + 8), 0xfffffffcu);
	CHECK_EQ(capnp_ptr_kind(capnp_msg_root(&m)), CAPNP_KIND_STRUCT);
}

/* An exhausted arena drops later writes and never writes past the arena. */
static void arena_full(void)
{
	size_t cap = 64;
	uint8_t *buf = malloc(cap);
	struct capnp_builder b;
	capnp_builder_init(&b, buf, cap);
	test_Inner_builder r = test_Inner_init_root(&b);
	test_Inner_set_id(r, 1);
	CHECK_ERR(test_Inner_set_label(r, "this label does not fit in the arena", 36),
	          CAPNP_ERR_ARENA_FULL);
	test_Inner_builder in = test_Inner_init_inner(r);
	test_Inner_set_id(in, 2);
	test_Inner_init_inner(in);
	CHECK_ERR(capnp_builder_error(&b), CAPNP_ERR_ARENA_FULL);
	CHECK_EQ(capnp_builder_finish(&b), 0);
	capnp_builder_init(&b, buf, 8);
	CHECK_ERR(capnp_builder_error(&b), CAPNP_ERR_ARENA_FULL);
	test_Inner_set_id(test_Inner_init_root(&b), 1);
	CHECK_EQ(capnp_builder_finish(&b), 0);
	free(buf);
}

static void too_large(void)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, sizeof arena);
	struct capnp_sb r = capnp_init_root(&b, 0, 1);
	struct capnp_lb l = capnp_pb_init_list(capnp_sb_ptr(r, 0), CAPNP_ELEM_BYTE, 1u << 29);
	CHECK(l.elems == NULL);
	CHECK_ERR(capnp_builder_error(&b), CAPNP_ERR_TOO_LARGE);
	capnp_builder_init(&b, arena, sizeof arena);
	r = capnp_init_root(&b, 0, 1);
	capnp_pb_init_struct_list(capnp_sb_ptr(r, 0), 1u << 20, 1024, 0);
	CHECK_ERR(capnp_builder_error(&b), CAPNP_ERR_TOO_LARGE);
	capnp_builder_init(&b, arena, sizeof arena);
	r = capnp_init_root(&b, 0, 1);
	capnp_lb_set_u32(capnp_pb_init_list(capnp_sb_ptr(r, 0), CAPNP_ELEM_FOUR, 2), 2, 1);
	CHECK_ERR(capnp_builder_error(&b), CAPNP_ERR_INDEX);
}

const struct tcase build_tests[] = {
	{ "build/all-types", build_all_types },
	{ "build/defaults-written-explicitly", build_defaults_zero },
	{ "build/unions", build_unions },
	{ "build/manifest", build_manifest },
	{ "build/copy-flattens-segments", copy_flattens_segments },
	{ "build/double-far-handbuilt", double_far_handbuilt },
	{ "build/caps-and-any-pointers", caps_and_any_pointers },
	{ "build/zero-sized-struct", zero_sized_struct },
	{ "build/arena-full", arena_full },
	{ "build/too-large", too_large },
	{ NULL, NULL },
};
