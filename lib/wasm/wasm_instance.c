/* Instances: linking imports, allocating tables, memories and globals,
 * segment initialization (all bounds checked before anything is written,
 * as in Wasm 1.0), the start function, exports, invocation, and the
 * bounds-checked memory API for host functions. */
#include "lib/mem.h"
#include "lib/wasm/wasm_internal.h"

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

void wasm_host_func_init(struct wasm_func *f, const struct wasm_functype *type, wasm_host_fn fn,
                         void *ctx)
{
	memset(f, 0, sizeof *f);
	f->type = type;
	f->nparams = type->nparams;
	f->frame_slots = type->nparams > type->nresults ? type->nparams : type->nresults;
	f->host = fn;
	f->ctx = ctx;
}

int wasm_machine_init(struct wasm_machine *m, struct wasm_arena *a, size_t nslots,
                      uint32_t nframes)
{
	memset(m, 0, sizeof *m);
	if (nslots > SIZE_MAX / 8)
		return WASM_ERR_ARENA;
	m->stack = wasm_arena_alloc(a, nslots * 8);
	m->frames = wasm_arena_alloc(a, (size_t)nframes * sizeof *m->frames);
	if (!m->stack || !m->frames)
		return WASM_ERR_ARENA;
	m->nslots = nslots;
	m->nframes = nframes;
	return WASM_OK;
}

/* What is reserved for limits l: min(max or cap, reserve). */
static uint32_t reserve_for(const struct wasm_limits *l, uint32_t cap, uint32_t reserve)
{
	uint32_t max = l->has_max ? l->max : cap;

	return max < reserve ? max : reserve;
}

int wasm_memory_init(struct wasm_memory *mem, struct wasm_arena *a, const struct wasm_limits *l,
                     uint32_t reserve_pages)
{
	uint32_t max = reserve_for(l, WASM_MAX_PAGES, reserve_pages);

	memset(mem, 0, sizeof *mem);
	if (l->min > max)
		return WASM_ERR_LIMIT;
	mem->data = wasm_arena_alloc(a, (size_t)max * WASM_PAGE_SIZE);
	if (!mem->data && max)
		return WASM_ERR_ARENA;
	mem->pages = l->min;
	mem->size = (uint64_t)l->min * WASM_PAGE_SIZE;
	mem->max_pages = max;
	mem->limits = *l;
	memset(mem->data, 0, (size_t)mem->size);
	return WASM_OK;
}

int wasm_table_init(struct wasm_table *t, struct wasm_arena *a, const struct wasm_limits *l,
                    uint32_t reserve)
{
	uint32_t max = reserve_for(l, UINT32_MAX, reserve);

	memset(t, 0, sizeof *t);
	if (l->min > max)
		return WASM_ERR_LIMIT;
	t->elems = wasm_arena_zalloc(a, (size_t)l->min * sizeof *t->elems + 1);
	if (!t->elems)
		return WASM_ERR_ARENA;
	t->size = l->min;
	t->max = l->min;
	t->limits = *l;
	return WASM_OK;
}

int32_t wasm_memory_grow(struct wasm_memory *mem, uint32_t delta)
{
	uint32_t old = mem->pages;

	if (delta > mem->max_pages - mem->pages)
		return -1;
	memset(mem->data + mem->size, 0, (size_t)delta * WASM_PAGE_SIZE);
	mem->pages += delta;
	mem->size = (uint64_t)mem->pages * WASM_PAGE_SIZE;
	return (int32_t)old;
}

bool wasm_memory_read(const struct wasm_memory *mem, uint32_t addr, void *dst, uint32_t len)
{
	if (!mem || (uint64_t)addr + len > mem->size)
		return false;
	memcpy(dst, mem->data + addr, len);
	return true;
}

bool wasm_memory_write(struct wasm_memory *mem, uint32_t addr, const void *src, uint32_t len)
{
	if (!mem || (uint64_t)addr + len > mem->size)
		return false;
	memcpy(mem->data + addr, src, len);
	return true;
}

/* An import of limits want accepts an extern whose current size is cur and
 * declared limits have. */
static bool limits_match(const struct wasm_limits *want, uint32_t cur, const struct wasm_limits *have)
{
	if (cur < want->min)
		return false;
	if (!want->has_max)
		return true;
	return have->has_max && have->max <= want->max;
}

static int check_import(const struct wasm_module *mod, const struct wasm_import *im,
                        const struct wasm_extern *x)
{
	if (x->kind != im->kind)
		return WASM_ERR_INCOMPATIBLE_IMPORT;
	switch (im->kind) {
	case WASM_EXTERN_FUNC:
		return wasm_functype_eq(x->u.func->type, &mod->types[im->type]) ?
		       WASM_OK : WASM_ERR_INCOMPATIBLE_IMPORT;
	case WASM_EXTERN_TABLE:
		return limits_match(&im->limits, x->u.table->size, &x->u.table->limits) ?
		       WASM_OK : WASM_ERR_INCOMPATIBLE_IMPORT;
	case WASM_EXTERN_MEMORY:
		return limits_match(&im->limits, x->u.memory->pages, &x->u.memory->limits) ?
		       WASM_OK : WASM_ERR_INCOMPATIBLE_IMPORT;
	default:
		return x->u.global->type.type == im->global.type &&
		       x->u.global->type.mut == im->global.mut ? WASM_OK :
		       WASM_ERR_INCOMPATIBLE_IMPORT;
	}
}

/* Resolves and type-checks every import into inst's index spaces. */
static int link_imports(struct wasm_instance *inst, wasm_resolve_fn resolve, void *ctx)
{
	const struct wasm_module *mod = inst->mod;
	uint32_t nf = 0, ng = 0;

	for (uint32_t i = 0; i < mod->nimports; i++) {
		const struct wasm_import *im = &mod->imports[i];
		struct wasm_extern x;

		if (!resolve || !resolve(ctx, im, &x))
			return WASM_ERR_UNKNOWN_IMPORT;
		TRY(check_import(mod, im, &x));
		switch (im->kind) {
		case WASM_EXTERN_FUNC: inst->funcs[nf++] = x.u.func; break;
		case WASM_EXTERN_TABLE: inst->table = x.u.table; break;
		case WASM_EXTERN_MEMORY: inst->mem = x.u.memory; break;
		default: inst->globals[ng++] = x.u.global; break;
		}
	}
	return WASM_OK;
}

static int make_funcs(struct wasm_instance *inst, struct wasm_arena *a)
{
	const struct wasm_module *mod = inst->mod;
	uint32_t n = mod->nfuncs - mod->nfunc_imports;
	struct wasm_func *fs = wasm_arena_zalloc(a, (size_t)n * sizeof *fs + 1);

	if (!fs)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < n; i++) {
		const struct wasm_body *b = &mod->bodies[i];
		struct wasm_func *f = &fs[i];

		f->type = &mod->types[mod->func_types[mod->nfunc_imports + i]];
		f->inst = inst;
		f->code = mod->code + b->code;
		f->frame_slots = b->frame_slots;
		f->nparams = f->type->nparams;
		f->nlocals = b->nlocals;
		f->fuel = b->fuel;
		inst->funcs[mod->nfunc_imports + i] = f;
	}
	return WASM_OK;
}

static uint64_t const_value(const struct wasm_instance *inst, const struct wasm_const_expr *e)
{
	if (e->op == 0x23)
		return inst->globals[e->global]->v.i64;
	return e->v.i64;
}

static int make_globals(struct wasm_instance *inst, struct wasm_arena *a)
{
	const struct wasm_module *mod = inst->mod;
	uint32_t n = mod->nglobals - mod->nglobal_imports;
	struct wasm_global *gs = wasm_arena_zalloc(a, (size_t)n * sizeof *gs + 1);

	if (!gs)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < n; i++) {
		gs[i].type = mod->global_types[mod->nglobal_imports + i];
		gs[i].v.i64 = const_value(inst, &mod->global_inits[i]);
		inst->globals[mod->nglobal_imports + i] = &gs[i];
	}
	return WASM_OK;
}

/* Every segment must fit before any is written. */
static int check_segments(const struct wasm_instance *inst)
{
	const struct wasm_module *mod = inst->mod;

	for (uint32_t i = 0; i < mod->nelems; i++) {
		uint64_t off = (uint32_t)const_value(inst, &mod->elems[i].offset);

		if (off + mod->elems[i].count > inst->table->size)
			return WASM_ERR_ELEM_BOUNDS;
	}
	for (uint32_t i = 0; i < mod->ndatas; i++) {
		uint64_t off = (uint32_t)const_value(inst, &mod->datas[i].offset);

		if (off + mod->datas[i].len > inst->mem->size)
			return WASM_ERR_DATA_BOUNDS;
	}
	return WASM_OK;
}

static void write_segments(struct wasm_instance *inst)
{
	const struct wasm_module *mod = inst->mod;

	for (uint32_t i = 0; i < mod->nelems; i++) {
		const struct wasm_elem *e = &mod->elems[i];
		uint32_t off = (uint32_t)const_value(inst, &e->offset);

		for (uint32_t k = 0; k < e->count; k++)
			inst->table->elems[off + k] = inst->funcs[e->funcs[k]];
	}
	for (uint32_t i = 0; i < mod->ndatas; i++) {
		const struct wasm_data *d = &mod->datas[i];

		memcpy(inst->mem->data + (uint32_t)const_value(inst, &d->offset), d->bytes, d->len);
	}
}

/* The module's own table and memory, when it defines them. */
static int make_table_memory(struct wasm_instance *inst, struct wasm_arena *a)
{
	const struct wasm_module *mod = inst->mod;

	if (mod->has_table && !mod->table_imported) {
		inst->table = wasm_arena_alloc(a, sizeof *inst->table);
		if (!inst->table)
			return WASM_ERR_ARENA;
		TRY(wasm_table_init(inst->table, a, &mod->table, mod->cfg.max_table_size));
	}
	if (mod->has_memory && !mod->memory_imported) {
		inst->mem = wasm_arena_alloc(a, sizeof *inst->mem);
		if (!inst->mem)
			return WASM_ERR_ARENA;
		TRY(wasm_memory_init(inst->mem, a, &mod->memory, mod->cfg.max_memory_pages));
	}
	return WASM_OK;
}

int wasm_instantiate(struct wasm_instance *inst, const struct wasm_module *mod,
                     wasm_resolve_fn resolve, void *ctx, struct wasm_arena *a,
                     struct wasm_machine *m, int *trap)
{
	memset(inst, 0, sizeof *inst);
	*trap = WASM_TRAP_NONE;
	inst->mod = mod;
	inst->funcs = wasm_arena_zalloc(a, (size_t)mod->nfuncs * sizeof *inst->funcs + 1);
	inst->globals = wasm_arena_zalloc(a, (size_t)mod->nglobals * sizeof *inst->globals + 1);
	if (!inst->funcs || !inst->globals)
		return WASM_ERR_ARENA;
	TRY(link_imports(inst, resolve, ctx));
	TRY(make_funcs(inst, a));
	TRY(make_globals(inst, a));
	TRY(make_table_memory(inst, a));
	TRY(check_segments(inst));
	write_segments(inst);
	if (mod->has_start) {
		*trap = wasm_invoke(m, inst->funcs[mod->start], NULL, NULL);
		if (*trap)
			return WASM_ERR_START_TRAP;
	}
	return WASM_OK;
}

bool wasm_instance_export(const struct wasm_instance *inst, const char *name, size_t len,
                          struct wasm_extern *out)
{
	const struct wasm_module *mod = inst->mod;

	for (uint32_t i = 0; i < mod->nexports; i++) {
		const struct wasm_export *e = &mod->exports[i];

		if (e->name.len != len || memcmp(e->name.ptr, name, len) != 0)
			continue;
		out->kind = e->kind;
		switch (e->kind) {
		case WASM_EXTERN_FUNC: out->u.func = inst->funcs[e->index]; break;
		case WASM_EXTERN_TABLE: out->u.table = inst->table; break;
		case WASM_EXTERN_MEMORY: out->u.memory = inst->mem; break;
		default: out->u.global = inst->globals[e->index]; break;
		}
		return true;
	}
	return false;
}

int wasm_invoke(struct wasm_machine *m, struct wasm_func *f, const union wasm_value *args,
                union wasm_value *results)
{
	uint32_t np = f->type->nparams;
	int trap;

	if (f->host) {
		union wasm_value buf[16];
		struct wasm_host_call hc = { f->ctx, NULL, NULL };

		if (np > 16 || f->type->nresults > 16)
			return WASM_TRAP_HOST;
		for (uint32_t i = 0; i < np; i++)
			buf[i] = args[i];
		trap = f->host(&hc, buf);
		if (!trap && f->type->nresults)
			results[0] = buf[0];
		return trap;
	}
	if (f->frame_slots > m->nslots)
		return WASM_TRAP_STACK_EXHAUSTED;
	for (uint32_t i = 0; i < np; i++)
		m->stack[i] = args[i].i64;
	trap = wasm_interp_run(m, f);
	if (!trap && f->type->nresults)
		results[0].i64 = m->stack[0];
	return trap;
}
