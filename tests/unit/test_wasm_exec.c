/* Running wasm code: each named trap, fuel, call stack exhaustion, memory
 * growth up to the reserved limit, host imports and the bounds-checked
 * memory API, and each named link error of wasm_instantiate. Modules are
 * put together section by section from byte strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/wasm/wasm.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1
#define HDR "\0asm\1\0\0\0"

static uint8_t mod[512], arena_buf[8 << 20];
static size_t mod_len;
static struct wasm_arena arena;
static struct wasm_module module;
static struct wasm_machine machine;
static struct wasm_instance instance;

static void put(const uint8_t *b, size_t n)
{
	memcpy(mod + mod_len, b, n);
	mod_len += n;
}

/* Appends section id with contents b[0..n) (n < 128). */
static void section(uint8_t id, const uint8_t *b, size_t n)
{
	uint8_t h[2] = { id, (uint8_t)n };

	put(h, 2);
	put(b, n);
}

/* A code section with one body (locals declarations included). */
static void code1(const uint8_t *body, size_t n)
{
	uint8_t h[4] = { 0x0a, (uint8_t)(n + 2), 1, (uint8_t)n };

	put(h, 4);
	put(body, n);
}

static void begin(void)
{
	mod_len = 0;
	put(S(HDR));
}

static int load(void)
{
	struct wasm_limits_cfg cfg = { .max_memory_pages = 4 };

	wasm_arena_init(&arena, arena_buf, sizeof arena_buf);
	return wasm_module_load(&module, mod, mod_len, &cfg, &arena);
}

static bool no_imports(void *ctx, const struct wasm_import *im, struct wasm_extern *out)
{
	return false;
}

static int instantiate(wasm_resolve_fn resolve, void *ctx)
{
	int trap;
	int err = wasm_machine_init(&machine, &arena, 4096, 100);

	assert_int_equal(err, WASM_OK);
	return wasm_instantiate(&instance, &module, resolve ? resolve : no_imports, ctx, &arena,
	                        &machine, &trap);
}

/* Loads and instantiates the module built so far, then runs export "run". */
static int run(union wasm_value *args, union wasm_value *res)
{
	struct wasm_extern x;
	union wasm_value none[1] = { { 0 } };

	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_OK);
	assert_true(wasm_instance_export(&instance, "run", 3, &x));
	assert_int_equal(x.kind, WASM_EXTERN_FUNC);
	return wasm_invoke(&machine, x.u.func, args ? args : none, res ? res : none);
}

/* type 0 = [] -> [i32] (or ttype), function 0 of type 0 exported as "run",
 * optional memory of 1 page (max 2), then body. */
static void one_func(const uint8_t *ttype, size_t tlen, bool memory, const uint8_t *body, size_t n)
{
	begin();
	section(1, ttype, tlen);
	section(3, S("\1\0"));
	if (memory)
		section(5, S("\1\1\1\2"));
	section(7, S("\1\3run\0\0"));
	code1(body, n);
}

#define T_I32 "\1\x60\0\1\x7f"
#define T_VOID "\1\x60\0\0"

static void expect_trap(const uint8_t *type, size_t tlen, bool memory, const uint8_t *body, size_t n,
                        int want)
{
	one_func(type, tlen, memory, body, n);
	assert_int_equal(run(NULL, NULL), want);
	assert_string_not_equal(wasm_trap_name(want), "unknown trap");
}

static void trap_unreachable(void **state)
{
	expect_trap(S(T_VOID), false, S("\0\x00\x0b"), WASM_TRAP_UNREACHABLE);
}

static void trap_div_zero(void **state)
{
	expect_trap(S(T_I32), false, S("\0\x41\1\x41\0\x6d\x0b"), WASM_TRAP_DIV_ZERO);
}

static void trap_int_overflow(void **state)
{
	expect_trap(S(T_I32), false, S("\0\x41\x80\x80\x80\x80\x78\x41\x7f\x6d\x0b"),
	            WASM_TRAP_INT_OVERFLOW);
}

static void trap_invalid_conv(void **state)
{
	expect_trap(S(T_I32), false, S("\0\x43\0\0\xc0\x7f\xa8\x0b"), WASM_TRAP_INVALID_CONV);
}

static void trap_oob_memory(void **state)
{
	/* i32.load at 65533 of a one-page memory: the last 3 bytes are in, the 4th not */
	expect_trap(S(T_I32), true, S("\0\x41\xfd\xff\3\x28\2\0\x0b"), WASM_TRAP_OOB_MEMORY);
}

static void trap_stack_exhausted(void **state)
{
	expect_trap(S(T_VOID), false, S("\0\x10\0\x0b"), WASM_TRAP_STACK_EXHAUSTED);
}

static void trap_fuel_exhausted(void **state)
{
	struct wasm_extern x;

	one_func(S(T_VOID), false, S("\0\x03\x40\x0c\0\x0b\x0b"));
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_OK);
	assert_true(wasm_instance_export(&instance, "run", 3, &x));
	machine.use_fuel = true;
	machine.fuel = 100000;
	assert_int_equal(wasm_invoke(&machine, x.u.func, NULL, NULL), WASM_TRAP_FUEL_EXHAUSTED);
	assert_true(machine.fuel < 0);
}

/* A table of 2 slots holding f1 ([] -> []) at 0; run ([] -> [i32]) calls
 * index idx through type 0. */
static int call_indirect_at(uint8_t idx)
{
	uint8_t body[] = { 0, 0x41, idx, 0x11, 0, 0, 0x0b };

	begin();
	section(1, S("\2\x60\0\1\x7f\x60\0\0"));
	section(3, S("\2\0\1"));
	section(4, S("\1\x70\0\2"));
	section(7, S("\1\3run\0\0"));
	section(9, S("\1\0\x41\0\x0b\1\1"));
	put(S("\x0a\x0c\2"));
	put((const uint8_t[]){ sizeof body }, 1);
	put(body, sizeof body);
	put(S("\2\0\x0b"));
	return run(NULL, NULL);
}

static void trap_undefined_element(void **state)
{
	assert_int_equal(call_indirect_at(5), WASM_TRAP_UNDEFINED_ELEMENT);
}

static void trap_uninit_element(void **state)
{
	assert_int_equal(call_indirect_at(1), WASM_TRAP_UNINIT_ELEMENT);
}

static void trap_indirect_type(void **state)
{
	assert_int_equal(call_indirect_at(0), WASM_TRAP_INDIRECT_TYPE);
}

static void returns_value(void **state)
{
	union wasm_value res[1];

	one_func(S(T_I32), false, S("\0\x41\x2a\x0b"));
	assert_int_equal(run(NULL, res), WASM_TRAP_NONE);
	assert_int_equal(res[0].i32, 42);
}

/* memory.grow: to the declared max (2 pages) and not beyond. */
static void memory_grow_limit(void **state)
{
	union wasm_value res[1];

	/* (memory.grow 1) + (memory.grow 1): 1 + -1 = 0 */
	one_func(S(T_I32), true, S("\0\x41\1\x40\0\x41\1\x40\0\x6a\x0b"));
	assert_int_equal(run(NULL, res), WASM_TRAP_NONE);
	assert_int_equal(res[0].i32, 0);
	assert_int_equal(instance.mem->pages, 2);
}

static int host_add(struct wasm_host_call *call, union wasm_value *args)
{
	uint8_t b = 0;

	/* the caller's memory, bounds-checked: byte 0 is in, 2 pages are not */
	if (!wasm_memory_read(call->mem, 0, &b, 1) || wasm_memory_read(call->mem, 65536, &b, 1))
		return WASM_TRAP_HOST;
	if (!wasm_memory_write(call->mem, 4, &b, 1) || wasm_memory_write(call->mem, 65535, &b, 2))
		return WASM_TRAP_HOST;
	args[0].i32 = args[0].i32 + 1000;
	return WASM_TRAP_NONE;
}

static const uint8_t i32_t[] = { WASM_I32 };
static const struct wasm_functype host_type = { 1, 1, i32_t, i32_t };
static struct wasm_func host_fn;

static bool resolve_host(void *ctx, const struct wasm_import *im, struct wasm_extern *out)
{
	if (im->field.len != 1 || im->field.ptr[0] != 'h')
		return false;
	out->kind = WASM_EXTERN_FUNC;
	out->u.func = ctx;
	return true;
}

/* run(x) = h(x) for the import env.h; type (i32) -> i32, one memory page. */
static void host_module(void)
{
	begin();
	section(1, S("\1\x60\1\x7f\1\x7f"));
	section(2, S("\1\3env\1h\0\0"));
	section(3, S("\1\0"));
	section(5, S("\1\0\1"));
	section(7, S("\1\3run\0\1"));
	code1(S("\0\x20\0\x10\0\x0b"));
}

static void host_import(void **state)
{
	struct wasm_extern x;
	union wasm_value arg = { .i32 = 5 }, res;

	wasm_host_func_init(&host_fn, &host_type, host_add, NULL);
	host_module();
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(resolve_host, &host_fn), WASM_OK);
	assert_true(wasm_instance_export(&instance, "run", 3, &x));
	assert_int_equal(wasm_invoke(&machine, x.u.func, &arg, &res), WASM_TRAP_NONE);
	assert_int_equal(res.i32, 1005);
}

static void link_unknown_import(void **state)
{
	host_module();
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_ERR_UNKNOWN_IMPORT);
	assert_int_equal(wasm_err_class(WASM_ERR_UNKNOWN_IMPORT), WASM_CLASS_UNLINKABLE);
}

static void link_incompatible_import(void **state)
{
	static const struct wasm_functype other = { 0, 1, NULL, i32_t };

	wasm_host_func_init(&host_fn, &other, host_add, NULL);
	host_module();
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(resolve_host, &host_fn), WASM_ERR_INCOMPATIBLE_IMPORT);
}

static void link_elem_bounds(void **state)
{
	begin();
	section(1, S(T_VOID));
	section(3, S("\1\0"));
	section(4, S("\1\x70\0\1"));
	section(9, S("\1\0\x41\1\x0b\1\0"));
	code1(S("\0\x0b"));
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_ERR_ELEM_BOUNDS);
}

static void link_data_bounds(void **state)
{
	begin();
	section(5, S("\1\0\1"));
	section(11, S("\1\0\x41\xff\xff\3\x0b\2ab"));
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_ERR_DATA_BOUNDS);
}

static void start_trap(void **state)
{
	begin();
	section(1, S(T_VOID));
	section(3, S("\1\0"));
	section(8, S("\0"));
	code1(S("\0\x00\x0b"));
	assert_int_equal(load(), WASM_OK);
	assert_int_equal(instantiate(NULL, NULL), WASM_ERR_START_TRAP);
	assert_int_equal(wasm_err_class(WASM_ERR_START_TRAP), WASM_CLASS_TRAPPED);
}

/* A memory larger than what the embedder lets it reserve is refused. */
static void memory_reserve_limit(void **state)
{
	struct wasm_memory mem;
	struct wasm_limits l = { 3, 0, false };

	wasm_arena_init(&arena, arena_buf, sizeof arena_buf);
	assert_int_equal(wasm_memory_init(&mem, &arena, &l, 2), WASM_ERR_LIMIT);
	l.min = 1;
	assert_int_equal(wasm_memory_init(&mem, &arena, &l, 2), WASM_OK);
	assert_int_equal(wasm_memory_grow(&mem, 1), 1);
	assert_int_equal(wasm_memory_grow(&mem, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(returns_value),
		cmocka_unit_test(trap_unreachable),
		cmocka_unit_test(trap_div_zero),
		cmocka_unit_test(trap_int_overflow),
		cmocka_unit_test(trap_invalid_conv),
		cmocka_unit_test(trap_oob_memory),
		cmocka_unit_test(trap_stack_exhausted),
		cmocka_unit_test(trap_fuel_exhausted),
		cmocka_unit_test(trap_undefined_element),
		cmocka_unit_test(trap_uninit_element),
		cmocka_unit_test(trap_indirect_type),
		cmocka_unit_test(memory_grow_limit),
		cmocka_unit_test(host_import),
		cmocka_unit_test(link_unknown_import),
		cmocka_unit_test(link_incompatible_import),
		cmocka_unit_test(link_elem_bounds),
		cmocka_unit_test(link_data_bounds),
		cmocka_unit_test(start_trap),
		cmocka_unit_test(memory_reserve_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
