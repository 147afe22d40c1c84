/* Messages produced by the reference `capnp` tool (eval -b, encode), decoded
 * with lib/capnp through the generated accessors. tests/capnp/run makes the
 * inputs; the expected values here mirror tests/capnp/test.capnp and run. */
#include <stdlib.h>

#include "tests/capnp/t.h"
#include "capnp-test/test.capnp.h"
#include "capos/capos.capnp.h"

/* Loads name and initializes m over it; the caller frees the result. */
static uint8_t *open_msg(const char *name, struct capnp_msg *m, const struct capnp_limits *lim)
{
	size_t len;
	uint8_t *buf = t_load(name, &len);
	if (!buf) {
		capnp_msg_init(m, "", 0, lim);
		return NULL;
	}
	CHECK_ERR(capnp_msg_init(m, buf, len, lim), CAPNP_OK);
	return buf;
}

static void check_all_scalars(test_TestAll r)
{
	CHECK(test_TestAll_get_boolField(r));
	CHECK_EQ(test_TestAll_get_int8Field(r), -8);
	CHECK_EQ(test_TestAll_get_int16Field(r), -16);
	CHECK_EQ(test_TestAll_get_int32Field(r), -32);
	CHECK_EQ(test_TestAll_get_int64Field(r), -64);
	CHECK_EQ(test_TestAll_get_uint8Field(r), 8);
	CHECK_EQ(test_TestAll_get_uint16Field(r), 16);
	CHECK_EQ(test_TestAll_get_uint32Field(r), 32);
	CHECK_EQ(test_TestAll_get_uint64Field(r), 64);
	CHECK_EQ(test_TestAll_get_float32Field(r), t_f32(32.5f));
	CHECK_EQ(test_TestAll_get_float64Field(r), t_f64(-64.25));
	CHECK_TEXT(test_TestAll_get_textField(r), "hello, capOS");
	struct capnp_data d = test_TestAll_get_dataField(r);
	CHECK(d.len == 4 && memcmp(d.ptr, "\xde\xad\xbe\xef", 4) == 0);
	test_Inner in = test_TestAll_get_structField(r);
	CHECK_EQ(test_Inner_get_id(in), 1);
	CHECK_TEXT(test_Inner_get_label(in), "one");
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(in)), 2);
	CHECK_TEXT(test_Inner_get_label(test_Inner_get_inner(in)), "two");
	CHECK(!test_Inner_has_inner(test_Inner_get_inner(in)));
	CHECK_EQ(test_TestAll_get_enumField(r), test_Color_green);
	CHECK(!test_TestAll_has_anyField(r));
	CHECK_EQ(test_TestAll_get_widget(r), CAPNP_CAP_NONE);
}

static void check_all_prim_lists(test_TestAll r)
{
	static const bool bools[] = { 1, 0, 1, 1, 0, 0, 0, 0, 1 };
	struct capnp_list l = test_TestAll_get_boolList(r);
	CHECK_EQ(capnp_list_len(&l), 9);
	for (uint32_t i = 0; i < 9; i++)
		CHECK_EQ(capnp_list_bool(&l, i), bools[i]);
	l = test_TestAll_get_int8List(r);
	CHECK(l.count == 3 && (int8_t)capnp_list_u8(&l, 0) == -1 && capnp_list_u8(&l, 1) == 2 &&
	      (int8_t)capnp_list_u8(&l, 2) == -3);
	l = test_TestAll_get_int16List(r);
	CHECK(l.count == 2 && (int16_t)capnp_list_u16(&l, 0) == -300 && capnp_list_u16(&l, 1) == 300);
	l = test_TestAll_get_int32List(r);
	CHECK(l.count == 3 && (int32_t)capnp_list_u32(&l, 0) == -70000 &&
	      capnp_list_u32(&l, 1) == 70000 && capnp_list_u32(&l, 2) == 0);
	l = test_TestAll_get_int64List(r);
	CHECK(l.count == 2 && (int64_t)capnp_list_u64(&l, 0) == -5000000000 &&
	      capnp_list_u64(&l, 1) == 5000000000);
	l = test_TestAll_get_uint8List(r);
	CHECK(l.count == 2 && capnp_list_u8(&l, 0) == 1 && capnp_list_u8(&l, 1) == 255);
	l = test_TestAll_get_uint16List(r);
	CHECK(l.count == 3 && capnp_list_u16(&l, 0) == 65535 && capnp_list_u16(&l, 2) == 1);
	l = test_TestAll_get_uint32List(r);
	CHECK(l.count == 1 && capnp_list_u32(&l, 0) == 4000000000u);
	l = test_TestAll_get_uint64List(r);
	CHECK(l.count == 2 && capnp_list_u64(&l, 0) == UINT64_MAX && capnp_list_u64(&l, 1) == 0);
	l = test_TestAll_get_float32List(r);
	CHECK(l.count == 2 && capnp_list_u32(&l, 0) == t_f32(0.5f) &&
	      capnp_list_u32(&l, 1) == t_f32(-2.0f));
	l = test_TestAll_get_float64List(r);
	CHECK(l.count == 1 && capnp_list_u64(&l, 0) == t_f64(1e100));
	l = test_TestAll_get_enumList(r);
	CHECK(l.count == 2 && capnp_list_u16(&l, 0) == test_Color_blue &&
	      capnp_list_u16(&l, 1) == test_Color_red);
	l = test_TestAll_get_voidList(r);
	CHECK_EQ(l.count, 4);
}

static void check_all_ptr_lists(test_TestAll r)
{
	struct capnp_list l = test_TestAll_get_textList(r);
	CHECK(l.count == 3);
	CHECK_TEXT(capnp_list_text(&l, 0), "alpha");
	CHECK_TEXT(capnp_list_text(&l, 1), "");
	CHECK_TEXT(capnp_list_text(&l, 2), "gamma");
	l = test_TestAll_get_dataList(r);
	CHECK(l.count == 2);
	struct capnp_data d0 = capnp_list_data(&l, 0), d1 = capnp_list_data(&l, 1);
	CHECK(d0.len == 1 && d0.ptr[0] == 0 && d1.len == 2 && d1.ptr[0] == 1 && d1.ptr[1] == 2);
	test_Inner_list sl = test_TestAll_get_structList(r);
	CHECK_EQ(test_Inner_list_len(sl), 3);
	CHECK_EQ(test_Inner_get_id(test_Inner_list_get(sl, 0)), 10);
	CHECK_TEXT(test_Inner_get_label(test_Inner_list_get(sl, 0)), "ten");
	CHECK_EQ(test_Inner_get_id(test_Inner_list_get(sl, 1)), 11);
	CHECK_TEXT(test_Inner_get_label(test_Inner_list_get(sl, 1)), "");
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(test_Inner_list_get(sl, 2))), 13);
	l = test_TestAll_get_listList(r);
	CHECK_EQ(l.count, 3);
	struct capnp_list a = capnp_list_list(&l, 0, CAPNP_ELEM_FOUR);
	struct capnp_list b = capnp_list_list(&l, 1, CAPNP_ELEM_FOUR);
	struct capnp_list c = capnp_list_list(&l, 2, CAPNP_ELEM_FOUR);
	CHECK(a.count == 2 && capnp_list_u32(&a, 0) == 1 && capnp_list_u32(&a, 1) == 2);
	CHECK(b.count == 0 && c.count == 1 && capnp_list_u32(&c, 0) == 3);
}

void check_all_types(struct capnp_msg *m)
{
	test_TestAll r = test_TestAll_root(m);
	check_all_scalars(r);
	check_all_prim_lists(r);
	check_all_ptr_lists(r);
	CHECK_ERR(capnp_msg_error(m), CAPNP_OK);
	CHECK_ERR(capnp_msg_validate(m), CAPNP_OK);
}

/* Sums everything a TestAll reader can reach through generated accessors. */
void read_all_types(struct capnp_msg *m)
{
	volatile uint64_t sink = 0;
	test_TestAll r = test_TestAll_root(m);
	sink += test_TestAll_get_int64Field(r) + test_TestAll_get_uint8Field(r) +
	        test_TestAll_get_float64Field(r) + test_TestAll_get_boolField(r);
	sink += test_TestAll_get_textField(r).len + test_TestAll_get_dataField(r).len;
	test_Inner in = test_TestAll_get_structField(r);
	for (int depth = 0; depth < 8; depth++, in = test_Inner_get_inner(in))
		sink += test_Inner_get_id(in) + test_Inner_get_label(in).str[0];
	struct capnp_list l = test_TestAll_get_boolList(r);
	for (uint32_t i = 0; i < l.count; i++)
		sink += capnp_list_bool(&l, i);
	l = test_TestAll_get_int64List(r);
	for (uint32_t i = 0; i < l.count; i++)
		sink += capnp_list_u64(&l, i);
	l = test_TestAll_get_textList(r);
	for (uint32_t i = 0; i < l.count; i++)
		sink += capnp_list_text(&l, i).len;
	test_Inner_list sl = test_TestAll_get_structList(r);
	for (uint32_t i = 0; i < test_Inner_list_len(sl); i++)
		sink += test_Inner_get_label(test_Inner_list_get(sl, i)).len;
	l = test_TestAll_get_listList(r);
	for (uint32_t i = 0; i < l.count; i++) {
		struct capnp_list e = capnp_list_list(&l, i, CAPNP_ELEM_FOUR);
		for (uint32_t j = 0; j < e.count; j++)
			sink += capnp_list_u32(&e, j);
	}
	sink += test_TestAll_get_widget(r);
	(void)sink;
}

static void check_all_file(const char *name)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg(name, &m, NULL);
	check_all_types(&m);
	free(buf);
}

static void eval_all_types(void) { check_all_file("all-eval.bin"); }
static void encode_all_types(void) { check_all_file("all-encode.bin"); }

static void defaults_absent(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("defaults-empty.bin", &m, NULL);
	test_TestDefaults r = test_TestDefaults_root(&m);
	CHECK(test_TestDefaults_get_boolField(r));
	CHECK_EQ(test_TestDefaults_get_int8Field(r), -123);
	CHECK_EQ(test_TestDefaults_get_int16Field(r), -12345);
	CHECK_EQ(test_TestDefaults_get_int32Field(r), -12345678);
	CHECK_EQ(test_TestDefaults_get_int64Field(r), -123456789012345);
	CHECK_EQ(test_TestDefaults_get_uint8Field(r), 234);
	CHECK_EQ(test_TestDefaults_get_uint16Field(r), 45678);
	CHECK_EQ(test_TestDefaults_get_uint32Field(r), 3456789012u);
	CHECK_EQ(test_TestDefaults_get_uint64Field(r), 12345678901234567890ull);
	CHECK_EQ(test_TestDefaults_get_float32Field(r), t_f32(1234.5f));
	CHECK_EQ(test_TestDefaults_get_float64Field(r), t_f64(-123e45));
	CHECK_EQ(test_TestDefaults_get_int64Min(r), INT64_MIN);
	CHECK_TEXT(test_TestDefaults_get_textField(r), "foo");
	struct capnp_data d = test_TestDefaults_get_dataField(r);
	CHECK(d.len == 3 && memcmp(d.ptr, "bar", 3) == 0);
	test_Inner in = test_TestDefaults_get_structField(r);
	CHECK(!test_TestDefaults_has_structField(r));
	CHECK_EQ(test_Inner_get_id(in), 7);
	CHECK_TEXT(test_Inner_get_label(in), "seven");
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(in)), 8);
	CHECK_EQ(test_TestDefaults_get_enumField(r), test_Color_blue);
	struct capnp_list l = test_TestDefaults_get_int32List(r);
	CHECK(l.count == 3 && capnp_list_u32(&l, 0) == 1 && (int32_t)capnp_list_u32(&l, 1) == -2);
	l = test_TestDefaults_get_textList(r);
	CHECK(l.count == 2);
	CHECK_TEXT(capnp_list_text(&l, 1), "bc");
	test_Inner_list sl = test_TestDefaults_get_structList(r);
	CHECK(test_Inner_list_len(sl) == 2);
	CHECK_TEXT(test_Inner_get_label(test_Inner_list_get(sl, 1)), "two");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

/* Fields explicitly set to zero/empty must not read as their defaults. */
static void defaults_overridden(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("defaults-zero.bin", &m, NULL);
	test_TestDefaults r = test_TestDefaults_root(&m);
	CHECK(!test_TestDefaults_get_boolField(r));
	CHECK_EQ(test_TestDefaults_get_int8Field(r), 0);
	CHECK_EQ(test_TestDefaults_get_int64Field(r), 0);
	CHECK_EQ(test_TestDefaults_get_uint64Field(r), 0);
	CHECK_EQ(test_TestDefaults_get_float32Field(r), 0);
	CHECK_EQ(test_TestDefaults_get_float64Field(r), 0);
	CHECK_EQ(test_TestDefaults_get_int64Min(r), 0);
	CHECK_TEXT(test_TestDefaults_get_textField(r), "");
	CHECK(test_TestDefaults_has_textField(r));
	CHECK_EQ(test_TestDefaults_get_dataField(r).len, 0);
	CHECK_EQ(test_Inner_get_id(test_TestDefaults_get_structField(r)), 0);
	CHECK_EQ(test_TestDefaults_get_enumField(r), test_Color_red);
	CHECK_EQ(test_TestDefaults_get_int32List(r).count, 0);
	CHECK_EQ(test_Inner_list_len(test_TestDefaults_get_structList(r)), 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

static test_TestUnion open_union(const char *name, struct capnp_msg *m, uint8_t **buf)
{
	*buf = open_msg(name, m, NULL);
	return test_TestUnion_root(m);
}

static void unions(void)
{
	struct capnp_msg m;
	uint8_t *buf;
	test_TestUnion u = open_union("union-number.bin", &m, &buf);
	CHECK_EQ(test_TestUnion_which(u), test_TestUnion_which_number);
	CHECK_EQ(test_TestUnion_get_number(u), 12345);
	CHECK_TEXT(test_TestUnion_get_before(u), "b");
	CHECK_EQ(test_TestUnion_named_which(test_TestUnion_get_named(u)), test_TestUnion_named_which_color);
	CHECK_EQ(test_TestUnion_named_get_color(test_TestUnion_get_named(u)), test_Color_blue);
	CHECK_EQ(test_TestUnion_get_after(u), 1);
	free(buf);
	u = open_union("union-text.bin", &m, &buf);
	CHECK_EQ(test_TestUnion_which(u), test_TestUnion_which_text);
	CHECK_TEXT(test_TestUnion_get_text(u), "t");
	CHECK_EQ(test_TestUnion_get_after(u), 77);
	free(buf);
	u = open_union("union-inner.bin", &m, &buf);
	CHECK_EQ(test_TestUnion_which(u), test_TestUnion_which_inner);
	CHECK_EQ(test_Inner_get_id(test_TestUnion_get_inner(u)), 5);
	free(buf);
	u = open_union("union-pair.bin", &m, &buf);
	CHECK_EQ(test_TestUnion_which(u), test_TestUnion_which_pair);
	CHECK_EQ(test_TestUnion_pair_get_left(test_TestUnion_get_pair(u)), -1);
	CHECK_EQ(test_TestUnion_pair_get_right(test_TestUnion_get_pair(u)), 5);
	free(buf);
	u = open_union("union-none.bin", &m, &buf);
	CHECK_EQ(test_TestUnion_which(u), test_TestUnion_which_none);
	CHECK(test_TestUnion_named_get_flag(test_TestUnion_get_named(u)));
	free(buf);
}

static void groups(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("group.bin", &m, NULL);
	test_TestGroup g = test_TestGroup_root(&m);
	CHECK_EQ(test_TestGroup_point_get_x(test_TestGroup_get_point(g)), 1);
	CHECK_EQ(test_TestGroup_point_get_y(test_TestGroup_get_point(g)), -2);
	CHECK_EQ(test_TestGroup_list_group_get_count(test_TestGroup_get_list(g)), 3);
	free(buf);
}

/* An older reader ignores fields it does not know. */
static void old_reader_new_message(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("new.bin", &m, NULL);
	test_TestOld o = test_TestOld_root(&m);
	CHECK_EQ(test_TestOld_get_a(o), 2);
	CHECK_TEXT(test_TestOld_get_b(o), "new");
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

/* A newer reader sees defaults for fields the message predates. */
static void new_reader_old_message(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("old.bin", &m, NULL);
	test_TestNew n = test_TestNew_root(&m);
	CHECK_EQ(test_TestNew_get_a(n), 1);
	CHECK_TEXT(test_TestNew_get_b(n), "old");
	CHECK_EQ(test_TestNew_get_c(n), 42);
	CHECK_TEXT(test_TestNew_get_d(n), "dflt");
	CHECK_EQ(test_Inner_list_len(test_TestNew_get_e(n)), 0);
	CHECK(test_TestNew_get_f(n));
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

static void list_upgrade(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("listold.bin", &m, NULL);
	test_Item_list items = test_ListNew_get_items(test_ListNew_root(&m));
	CHECK_EQ(test_Item_list_len(items), 3);
	for (uint32_t i = 0; i < 3; i++) {
		CHECK_EQ(test_Item_get_value(test_Item_list_get(items, i)), i + 1);
		CHECK_TEXT(test_Item_get_extra(test_Item_list_get(items, i)), "");
	}
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

static void list_downgrade(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("listnew.bin", &m, NULL);
	struct capnp_list l = test_ListOld_get_items(test_ListOld_root(&m));
	CHECK(l.count == 2 && capnp_list_u32(&l, 0) == 7 && capnp_list_u32(&l, 1) == 8);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

/* capnp encode splits a large message into segments joined by far pointers. */
static void multi_segment_far(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("multiseg.bin", &m, NULL);
	CHECK(m.nsegs > 1);
	test_Blob b = test_Blob_root(&m);
	struct capnp_text name = test_Blob_get_name(b);
	CHECK_EQ(name.len, 100000);
	for (uint32_t i = 0; i < name.len; i++)
		if (name.str[i] != 'a') {
			CHECK(name.str[i] == 'a');
			break;
		}
	struct capnp_data p = test_Blob_get_payload(b);
	CHECK_EQ(p.len, 20000);
	for (uint32_t i = 0; i < p.len; i++)
		if (p.ptr[i] != "abcdefghij\n"[i % 11]) {
			CHECK_EQ(p.ptr[i], "abcdefghij\n"[i % 11]);
			break;
		}
	test_Inner_list more = test_Blob_get_more(b);
	CHECK(test_Inner_list_len(more) == 2);
	CHECK_TEXT(test_Inner_get_label(test_Inner_list_get(more, 1)), "x");
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
	free(buf);
}

/* A legitimately deep message: within a raised limit, and rejected by the
 * default one. */
static void deep_nesting(void)
{
	struct capnp_limits lim = { CAPNP_DEFAULT_TRAVERSAL_WORDS, 200 };
	struct capnp_msg m;
	uint8_t *buf = open_msg("deep.bin", &m, &lim);
	test_Nest n = test_Nest_root(&m);
	uint32_t depth = 0;
	while (test_Nest_has_child(n)) {
		n = test_Nest_get_child(n);
		depth++;
	}
	CHECK_EQ(depth, 99);
	CHECK_EQ(test_Nest_get_depth(n), 100);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);
	free(buf);
}

static void manifest_eval(void)
{
	struct capnp_msg m;
	uint8_t *buf = open_msg("manifest.bin", &m, NULL);
	capos_SystemManifest sm = capos_SystemManifest_root(&m);
	CHECK_EQ(capos_SystemManifest_get_schemaVersion(sm), capos_manifestSchemaVersion);
	capos_Binary_list bins = capos_SystemManifest_get_binaries(sm);
	CHECK_EQ(capos_Binary_list_len(bins), 2);
	CHECK_TEXT(capos_Binary_get_path(capos_Binary_list_get(bins, 1)), "bin/logger");
	CHECK_EQ(capos_Binary_get_blake3(capos_Binary_list_get(bins, 1)).len, 32);
	capos_Service_list svcs = capos_SystemManifest_get_services(sm);
	CHECK_EQ(capos_Service_list_len(svcs), 2);
	capos_Service logger = capos_Service_list_get(svcs, 0), app = capos_Service_list_get(svcs, 1);
	CHECK_TEXT(capos_Service_get_name(logger), "logger");
	CHECK_EQ(capos_Service_get_restart(logger), capos_RestartPolicy_onFailure);
	CHECK_EQ(capos_Service_get_restartLimit(logger), 3);
	capos_CapGrant g = capos_CapGrant_list_get(capos_Service_get_caps(logger), 0);
	CHECK_EQ(capos_CapGrant_which(g), capos_CapGrant_which_kernel);
	CHECK_EQ(capos_CapGrant_get_kernel(g), capos_KernelCap_console);
	CHECK_EQ(capos_CapGrant_get_interfaceId(g), capos_Console_ID);
	CHECK_EQ(capos_CapGrant_get_rights(g), capos_rightsAll);
	CHECK_EQ(capos_Export_get_interfaceId(capos_Export_list_get(capos_Service_get_exports(logger), 0)),
	         capos_Console_ID);
	CHECK_EQ(capos_Service_get_restart(app), capos_RestartPolicy_never);
	CHECK_EQ(capos_Service_get_restartLimit(app), 0);
	g = capos_CapGrant_list_get(capos_Service_get_caps(app), 0);
	CHECK_EQ(capos_CapGrant_which(g), capos_CapGrant_which_serviceExport);
	capos_CapGrant_serviceExport se = capos_CapGrant_get_serviceExport(g);
	CHECK_TEXT(capos_CapGrant_serviceExport_get_service(se), "logger");
	CHECK_TEXT(capos_CapGrant_serviceExport_get_export(se), "log");
	CHECK_EQ(capos_CapGrant_get_badge(g), 42);
	CHECK_EQ(capos_CapGrant_get_rights(g), 1);
	struct capnp_list args = capos_Service_get_args(app);
	CHECK(args.count == 2);
	CHECK_TEXT(capnp_list_text(&args, 1), "--verbose");
	CHECK_ERR(capnp_msg_validate(&m), CAPNP_OK);
	free(buf);
}

/* Generated constants carry the schema's values. */
static void constants(void)
{
	CHECK(test_constBool);
	CHECK_EQ(test_constInt8, INT8_MIN);
	CHECK_EQ(test_constInt32, INT32_MIN);
	CHECK_EQ(test_constInt64, INT64_MIN);
	CHECK_EQ(test_constUInt64, UINT64_MAX);
	CHECK_EQ(test_constFloat32, t_f32(1.5f));
	CHECK_EQ(test_constFloat64, t_f64(-0.25));
	CHECK(strcmp(test_constText, "tab\there \"quoted\" ?\?= \\ done") == 0);
	CHECK_EQ(test_constText_LEN, strlen(test_constText));
	CHECK(test_constData_LEN == 4 && memcmp(test_constData, "\x00\x01\xfe\xff", 4) == 0);
	CHECK_EQ(test_constEnum, test_Color_green);
	struct capnp_msg m;
	test_Inner in = test_constInner_read(&m);
	CHECK_EQ(test_Inner_get_id(in), 99);
	CHECK_TEXT(test_Inner_get_label(in), "const");
	CHECK_EQ(test_Inner_get_id(test_Inner_get_inner(in)), 100);
	struct capnp_list l = test_constList_read(&m);
	CHECK(l.count == 3 && capnp_list_u16(&l, 2) == 30);
	CHECK_EQ(capos_FrameAllocator_rightFree, 2);
	CHECK_EQ(capos_Console_write_ORDINAL, 0);
	CHECK_EQ(capos_Console_writeLine_ORDINAL, 1);
	CHECK_EQ(capos_BootPackage_read_ORDINAL, 3);
	CHECK_EQ(capos_BootPackage_METHOD_COUNT, 4);
	CHECK(capos_Console_ID != capos_Null_ID);
}

const struct tcase interop_tests[] = {
	{ "interop/eval-all-types", eval_all_types },
	{ "interop/encode-all-types", encode_all_types },
	{ "interop/defaults-absent", defaults_absent },
	{ "interop/defaults-overridden", defaults_overridden },
	{ "interop/unions", unions },
	{ "interop/groups", groups },
	{ "interop/old-reader-new-message", old_reader_new_message },
	{ "interop/new-reader-old-message", new_reader_old_message },
	{ "interop/list-upgrade-primitive-to-struct", list_upgrade },
	{ "interop/list-downgrade-struct-to-primitive", list_downgrade },
	{ "interop/multi-segment-far-pointers", multi_segment_far },
	{ "interop/deep-nesting-within-limit", deep_nesting },
	{ "interop/manifest-eval", manifest_eval },
	{ "interop/constants", constants },
	{ NULL, NULL },
};
