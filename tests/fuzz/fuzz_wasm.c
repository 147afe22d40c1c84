/* lib/wasm on arbitrary bytes: decode, validate and compile; when that
 * succeeds, instantiate with every import satisfied by a made-up extern of
 * the right type, then call each exported function with zero arguments
 * under a fuel budget. Nothing may crash or trip a sanitizer; errors and
 * traps must be named; the arena is malloc'd at exactly its size, so ASan
 * reports any access outside it. The input is used in place (libFuzzer's
 * buffer is exactly size bytes).
 *
 * Seeds: tests/fuzz/corpus/wasm/ (the bench programs and small modules). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wasm/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define FUEL 20000
#define MAX_IMPORTS 64

struct imports {
	struct wasm_arena *a;
	struct wasm_func funcs[MAX_IMPORTS];
	unsigned nfuncs;
};

/* A host function that returns zero (of whatever its result type is). */
static int host_zero(struct wasm_host_call *call, union wasm_value *args)
{
	uint8_t byte;

	args[0].i64 = 0;
	/* touch the memory API on an address that may or may not be inside */
	if (call->mem)
		(void)wasm_memory_read(call->mem, 65535, &byte, 1);
	return WASM_TRAP_NONE;
}

/* Satisfies any import with a fresh extern of exactly its type. */
static bool resolve(void *ctx, const struct wasm_import *im, struct wasm_extern *out)
{
	struct imports *st = ctx;

	out->kind = im->kind;
	switch (im->kind) {
	case WASM_EXTERN_FUNC:
		return false; /* filled below, needs the module's type: see resolve_func */
	case WASM_EXTERN_TABLE:
		out->u.table = wasm_arena_alloc(st->a, sizeof *out->u.table);
		return out->u.table && wasm_table_init(out->u.table, st->a, &im->limits, 1000) == 0;
	case WASM_EXTERN_MEMORY:
		out->u.memory = wasm_arena_alloc(st->a, sizeof *out->u.memory);
		return out->u.memory && wasm_memory_init(out->u.memory, st->a, &im->limits, 4) == 0;
	default:
		out->u.global = wasm_arena_zalloc(st->a, sizeof *out->u.global);
		if (!out->u.global)
			return false;
		out->u.global->type = im->global;
		return true;
	}
}

struct ctx {
	struct imports st;
	const struct wasm_module *mod;
};

static bool resolve_any(void *p, const struct wasm_import *im, struct wasm_extern *out)
{
	struct ctx *c = p;

	if (im->kind != WASM_EXTERN_FUNC)
		return resolve(&c->st, im, out);
	if (c->st.nfuncs >= MAX_IMPORTS)
		return false;
	out->kind = WASM_EXTERN_FUNC;
	out->u.func = &c->st.funcs[c->st.nfuncs++];
	wasm_host_func_init(out->u.func, &c->mod->types[im->type], host_zero, NULL);
	return true;
}

static void run_exports(struct wasm_instance *inst, struct wasm_machine *m)
{
	const struct wasm_module *mod = inst->mod;
	union wasm_value args[32], res[1];

	memset(args, 0, sizeof args);
	for (uint32_t i = 0; i < mod->nexports && i < 16; i++) {
		const struct wasm_export *e = &mod->exports[i];
		struct wasm_func *f;
		int trap;

		if (e->kind != WASM_EXTERN_FUNC)
			continue;
		f = inst->funcs[e->index];
		if (f->type->nparams > 32)
			continue;
		m->use_fuel = true;
		m->fuel = FUEL;
		trap = wasm_invoke(m, f, args, res);
		CHECK(trap >= 0 && trap < WASM_TRAP_COUNT);
		CHECK(wasm_trap_name(trap) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t asize = 64 * size + (1u << 20) + 4 * WASM_PAGE_SIZE;
	uint8_t *buf = malloc(asize);
	struct wasm_arena a;
	struct wasm_module mod;
	struct wasm_machine m;
	struct wasm_instance inst;
	struct wasm_limits_cfg cfg = { .max_locals = 1000, .max_memory_pages = 4,
	                               .max_table_size = 1000 };
	struct ctx c = { .st.a = &a, .mod = &mod };
	int err, trap;

	if (!buf)
		return 0;
	wasm_arena_init(&a, buf, asize);
	err = wasm_module_load(&mod, data, size, &cfg, &a);
	CHECK(err >= 0 && err < WASM_ERR_COUNT);
	CHECK(wasm_err_name(err) != NULL);
	if (err == WASM_OK && wasm_machine_init(&m, &a, 4096, 64) == WASM_OK) {
		m.use_fuel = true;
		m.fuel = FUEL;
		err = wasm_instantiate(&inst, &mod, resolve_any, &c, &a, &m, &trap);
		CHECK(err >= 0 && err < WASM_ERR_COUNT);
		CHECK(err != WASM_ERR_START_TRAP || (trap > 0 && trap < WASM_TRAP_COUNT));
		if (err == WASM_OK)
			run_exports(&inst, &m);
	}
	free(buf);
	return 0;
}
