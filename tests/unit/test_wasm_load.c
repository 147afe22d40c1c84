/* wasm_module_load on hand-made modules: a valid baseline, then one case
 * per named decoding (malformed) and validation (invalid) error, each
 * checking the exact error and its class. Every module is loaded from a heap
 * copy of exactly its length so ASan catches any read past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/wasm/wasm.h"

#define HDR "\0asm\1\0\0\0"
/* type 0: [] -> [i32]; function 0 of type 0 */
#define T_I32 "\1\5\1\x60\0\1\x7f"
#define F_ONE "\3\2\1\0"
/* a code section holding one body of n bytes (locals count 0 first) */
#define CODE1(size, n) "\x0a" size "\1" n "\0"

struct load_case {
	const char *name;
	const char *bytes;
	size_t len;
	int want;
	struct wasm_limits_cfg cfg;
};

#define CASE(n, b, w) { n, b, sizeof(b) - 1, w, { 0 } }
#define CASE_CFG(n, b, w, ...) { n, b, sizeof(b) - 1, w, { __VA_ARGS__ } }

static const struct load_case cases[] = {
	CASE("valid_const_body", HDR T_I32 F_ONE CODE1("\6", "\4") "\x41\x2a\x0b", WASM_OK),
	CASE("valid_empty_module", HDR, WASM_OK),
	CASE("unexpected_end", HDR "\1", WASM_ERR_UNEXPECTED_END),
	CASE("magic", "\0asn\1\0\0\0", WASM_ERR_MAGIC),
	CASE("version", "\0asm\2\0\0\0", WASM_ERR_VERSION),
	CASE("section_id", HDR "\x0c\0", WASM_ERR_SECTION_ID),
	CASE("section_order", HDR T_I32 T_I32, WASM_ERR_SECTION_ORDER),
	CASE("section_size", HDR "\1\6\1\x60\0\1\x7f\0", WASM_ERR_SECTION_SIZE),
	CASE("leb_too_long", HDR "\1\x85\x80\x80\x80\x80\0", WASM_ERR_LEB_TOO_LONG),
	CASE("leb_too_large", HDR "\1\x85\x80\x80\x80\x10", WASM_ERR_LEB_TOO_LARGE),
	CASE("utf8", HDR "\0\2\1\xff", WASM_ERR_UTF8),
	CASE("valtype", HDR "\1\5\1\x60\1\x7b\0", WASM_ERR_VALTYPE),
	CASE("func_form", HDR "\1\4\1\x61\0\0", WASM_ERR_FUNC_FORM),
	CASE("import_kind", HDR "\2\6\1\1m\1f\4", WASM_ERR_IMPORT_KIND),
	CASE("export_kind", HDR "\7\5\1\1e\4\0", WASM_ERR_EXPORT_KIND),
	CASE("elem_type", HDR "\4\4\1\x6f\0\1", WASM_ERR_ELEM_TYPE),
	CASE("limits_flag", HDR "\5\3\1\2\1", WASM_ERR_LIMITS_FLAG),
	CASE("mutability", HDR "\6\6\1\x7f\2\x41\0\x0b", WASM_ERR_MUTABILITY),
	CASE("func_code_count", HDR T_I32 F_ONE, WASM_ERR_FUNC_CODE_COUNT),
	CASE("too_many_locals", HDR T_I32 F_ONE "\x0a\x10\1\x0e\2\xff\xff\xff\xff\x0f\x7f"
	     "\xff\xff\xff\xff\x0f\x7f\x0b", WASM_ERR_TOO_MANY_LOCALS),
	CASE("zero_flag", HDR T_I32 "\3\2\1\0\5\3\1\0\1" CODE1("\6", "\4") "\x3f\1\x0b",
	     WASM_ERR_ZERO_FLAG),
	CASE("opcode", HDR T_I32 F_ONE CODE1("\5", "\3") "\xff\x0b", WASM_ERR_OPCODE),
	CASE("end_expected", HDR T_I32 F_ONE CODE1("\5", "\3") "\x41\x2a", WASM_ERR_END_EXPECTED),
	CASE("body_size", HDR T_I32 F_ONE CODE1("\7", "\5") "\x41\x2a\x0b\x01", WASM_ERR_BODY_SIZE),
	CASE("length", HDR "\1\3\xff\xff\x03", WASM_ERR_LENGTH),
	CASE("blocktype", HDR T_I32 F_ONE CODE1("\7", "\5") "\x02\x00\x0b\x0b", WASM_ERR_BLOCKTYPE),
	CASE("type_mismatch", HDR T_I32 F_ONE CODE1("\6", "\4") "\x42\x2a\x0b", WASM_ERR_TYPE_MISMATCH),
	CASE("unknown_type", HDR T_I32 "\3\2\1\5" CODE1("\6", "\4") "\x41\x2a\x0b",
	     WASM_ERR_UNKNOWN_TYPE),
	CASE("unknown_func", HDR T_I32 F_ONE CODE1("\6", "\4") "\x10\x09\x0b", WASM_ERR_UNKNOWN_FUNC),
	CASE("unknown_table", HDR T_I32 F_ONE CODE1("\x09", "\7") "\x41\0\x11\0\0\x0b",
	     WASM_ERR_UNKNOWN_TABLE),
	CASE("unknown_memory", HDR T_I32 F_ONE CODE1("\x09", "\7") "\x41\0\x28\2\0\x0b",
	     WASM_ERR_UNKNOWN_MEMORY),
	CASE("unknown_global", HDR T_I32 F_ONE CODE1("\6", "\4") "\x23\0\x0b", WASM_ERR_UNKNOWN_GLOBAL),
	CASE("unknown_local", HDR T_I32 F_ONE CODE1("\6", "\4") "\x20\0\x0b", WASM_ERR_UNKNOWN_LOCAL),
	CASE("unknown_label", HDR T_I32 F_ONE CODE1("\6", "\4") "\x0c\5\x0b", WASM_ERR_UNKNOWN_LABEL),
	CASE("multiple_tables", HDR "\4\7\2\x70\0\1\x70\0\1", WASM_ERR_MULTIPLE_TABLES),
	CASE("multiple_memories", HDR "\5\5\2\0\1\0\1", WASM_ERR_MULTIPLE_MEMORIES),
	CASE("memory_pages", HDR "\5\5\1\0\x81\x80\4", WASM_ERR_MEMORY_PAGES),
	CASE("limits", HDR "\5\4\1\1\2\1", WASM_ERR_LIMITS),
	CASE("alignment", HDR T_I32 "\3\2\1\0\5\3\1\0\1" CODE1("\x09", "\7") "\x41\0\x28\3\0\x0b",
	     WASM_ERR_ALIGNMENT),
	CASE("immutable_global", HDR "\1\4\1\x60\0\0" F_ONE "\6\6\1\x7f\0\x41\0\x0b"
	     CODE1("\x08", "\6") "\x41\0\x24\0\x0b", WASM_ERR_IMMUTABLE_GLOBAL),
	CASE("const_expr", HDR "\6\6\1\x7f\0\x01\x0b\x0b", WASM_ERR_CONST_EXPR),
	CASE("start", HDR T_I32 F_ONE "\x08\1\0" CODE1("\6", "\4") "\x41\x2a\x0b", WASM_ERR_START),
	CASE("duplicate_export", HDR T_I32 F_ONE "\7\x09\2\1e\0\0\1e\0\0" CODE1("\6", "\4")
	     "\x41\x2a\x0b", WASM_ERR_DUPLICATE_EXPORT),
	CASE("result_arity", HDR "\1\6\1\x60\0\2\x7f\x7f", WASM_ERR_RESULT_ARITY),
	CASE_CFG("limit_locals", HDR T_I32 F_ONE "\x0a\x08\1\6\1\x0a\x7f\x41\0\x0b", WASM_ERR_LIMIT,
	         .max_locals = 4),
};

static void load_case(void **state)
{
	const struct load_case *c = *state;
	size_t asize = 1 << 20;
	uint8_t *bytes = malloc(c->len ? c->len : 1), *buf = malloc(asize);
	struct wasm_arena a;
	struct wasm_module m;
	int err;

	memcpy(bytes, c->bytes, c->len);
	wasm_arena_init(&a, buf, asize);
	err = wasm_module_load(&m, bytes, c->len, &c->cfg, &a);
	if (err != c->want)
		print_error("%s: got %s, want %s\n", c->name, wasm_err_name(err), wasm_err_name(c->want));
	assert_int_equal(err, c->want);
	assert_string_not_equal(wasm_err_name(err), "unknown error");
	if (c->want >= WASM_ERR_TYPE_MISMATCH && c->want <= WASM_ERR_RESULT_ARITY)
		assert_int_equal(wasm_err_class(err), WASM_CLASS_INVALID);
	else if (c->want != WASM_OK && c->want < WASM_ERR_TYPE_MISMATCH)
		assert_int_equal(wasm_err_class(err), WASM_CLASS_MALFORMED);
	free(bytes);
	free(buf);
}

/* Every error code has its own name. */
static void names_distinct(void **state)
{
	for (int i = 0; i < WASM_ERR_COUNT; i++)
		for (int k = 0; k < i; k++)
			assert_string_not_equal(wasm_err_name(i), wasm_err_name(k));
	for (int i = 0; i < WASM_TRAP_COUNT; i++)
		for (int k = 0; k < i; k++)
			assert_string_not_equal(wasm_trap_name(i), wasm_trap_name(k));
	assert_string_equal(wasm_err_name(WASM_ERR_COUNT), "unknown error");
	assert_string_equal(wasm_trap_name(-1), "unknown trap");
}

/* A module too big for its arena fails by name. */
static void arena_full(void **state)
{
	static const char mod[] = HDR T_I32 F_ONE CODE1("\6", "\4") "\x41\x2a\x0b";
	uint8_t buf[256];
	struct wasm_arena a;
	struct wasm_module m;

	wasm_arena_init(&a, buf, sizeof buf);
	assert_int_equal(wasm_module_load(&m, (const uint8_t *)mod, sizeof mod - 1, NULL, &a),
	                 WASM_ERR_ARENA);
}

int main(void)
{
	enum { N = sizeof cases / sizeof cases[0] };
	struct CMUnitTest tests[N + 2];

	for (unsigned i = 0; i < N; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = load_case,
		                                .initial_state = (void *)&cases[i] };
	tests[N] = (struct CMUnitTest){ .name = "names_distinct", .test_func = names_distinct };
	tests[N + 1] = (struct CMUnitTest){ .name = "arena_full", .test_func = arena_full };
	return _cmocka_run_group_tests("wasm_load", tests, N + 2, NULL, NULL);
}
