/* Module-level validation (everything but function bodies), run after the
 * whole module is decoded, in section order: types, imports, functions,
 * tables, memories, globals, exports, start, elements, data. */
#include "lib/mem.h"
#include "lib/wasm/wasm_internal.h"

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

bool wasm_functype_eq(const struct wasm_functype *a, const struct wasm_functype *b)
{
	if (a == b)
		return true;
	if (a->nparams != b->nparams || a->nresults != b->nresults)
		return false;
	return (a->nparams == 0 || memcmp(a->params, b->params, a->nparams) == 0) &&
	       (a->nresults == 0 || memcmp(a->results, b->results, a->nresults) == 0);
}

static int check_memory_limits(const struct wasm_limits *l)
{
	if (l->min > WASM_MAX_PAGES || (l->has_max && l->max > WASM_MAX_PAGES))
		return WASM_ERR_MEMORY_PAGES;
	if (l->has_max && l->min > l->max)
		return WASM_ERR_LIMITS;
	return WASM_OK;
}

static int check_table_limits(const struct wasm_limits *l)
{
	return l->has_max && l->min > l->max ? WASM_ERR_LIMITS : WASM_OK;
}

/* The type of constant expression e, which may read only imported immutable
 * globals (Wasm 1.0). */
static int const_expr_type(const struct wasm_module *m, const struct wasm_const_expr *e,
                           uint8_t *type)
{
	switch (e->op) {
	case 0x41: *type = WASM_I32; return WASM_OK;
	case 0x42: *type = WASM_I64; return WASM_OK;
	case 0x43: *type = WASM_F32; return WASM_OK;
	case 0x44: *type = WASM_F64; return WASM_OK;
	default: break;
	}
	if (e->global >= m->nglobal_imports)
		return WASM_ERR_UNKNOWN_GLOBAL;
	if (m->global_types[e->global].mut)
		return WASM_ERR_CONST_EXPR;
	*type = m->global_types[e->global].type;
	return WASM_OK;
}

static int check_const_expr(const struct wasm_module *m, const struct wasm_const_expr *e,
                            uint8_t want)
{
	uint8_t t;

	TRY(const_expr_type(m, e, &t));
	return t == want ? WASM_OK : WASM_ERR_TYPE_MISMATCH;
}

static int check_imports(struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];

		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			if (im->type >= m->ntypes)
				return WASM_ERR_UNKNOWN_TYPE;
			break;
		case WASM_EXTERN_TABLE:
			TRY(check_table_limits(&im->limits));
			m->table = im->limits;
			m->table_imported = true;
			break;
		case WASM_EXTERN_MEMORY:
			TRY(check_memory_limits(&im->limits));
			m->memory = im->limits;
			m->memory_imported = true;
			break;
		default:
			break;
		}
	}
	return WASM_OK;
}

static int check_types_and_funcs(const struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->ntypes; i++)
		if (m->types[i].nresults > 1)
			return WASM_ERR_RESULT_ARITY;
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (m->func_types[i] >= m->ntypes)
			return WASM_ERR_UNKNOWN_TYPE;
	return WASM_OK;
}

static bool name_eq(const struct wasm_name *a, const struct wasm_name *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static int check_exports(const struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];

		if (e->kind == WASM_EXTERN_FUNC && e->index >= m->nfuncs)
			return WASM_ERR_UNKNOWN_FUNC;
		if (e->kind == WASM_EXTERN_TABLE && (e->index != 0 || !m->has_table))
			return WASM_ERR_UNKNOWN_TABLE;
		if (e->kind == WASM_EXTERN_MEMORY && (e->index != 0 || !m->has_memory))
			return WASM_ERR_UNKNOWN_MEMORY;
		if (e->kind == WASM_EXTERN_GLOBAL && e->index >= m->nglobals)
			return WASM_ERR_UNKNOWN_GLOBAL;
		for (uint32_t k = 0; k < i; k++)
			if (name_eq(&m->exports[k].name, &e->name))
				return WASM_ERR_DUPLICATE_EXPORT;
	}
	return WASM_OK;
}

static int check_start(const struct wasm_module *m)
{
	const struct wasm_functype *t;

	if (!m->has_start)
		return WASM_OK;
	if (m->start >= m->nfuncs)
		return WASM_ERR_UNKNOWN_FUNC;
	t = &m->types[m->func_types[m->start]];
	return t->nparams == 0 && t->nresults == 0 ? WASM_OK : WASM_ERR_START;
}

static int check_segments(const struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->nelems; i++) {
		if (!m->has_table)
			return WASM_ERR_UNKNOWN_TABLE;
		TRY(check_const_expr(m, &m->elems[i].offset, WASM_I32));
		for (uint32_t k = 0; k < m->elems[i].count; k++)
			if (m->elems[i].funcs[k] >= m->nfuncs)
				return WASM_ERR_UNKNOWN_FUNC;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		if (!m->has_memory)
			return WASM_ERR_UNKNOWN_MEMORY;
		TRY(check_const_expr(m, &m->datas[i].offset, WASM_I32));
	}
	return WASM_OK;
}

/* Validates what the decoder read, except function bodies. ntables and
 * nmemories count imports and definitions. */
int wasm_module_validate(struct wasm_module *m, uint32_t ntables, uint32_t nmemories)
{
	TRY(check_types_and_funcs(m));
	TRY(check_imports(m));
	if (ntables > 1)
		return WASM_ERR_MULTIPLE_TABLES;
	if (nmemories > 1)
		return WASM_ERR_MULTIPLE_MEMORIES;
	m->has_table = ntables == 1;
	m->has_memory = nmemories == 1;
	if (m->has_table && !m->table_imported)
		TRY(check_table_limits(&m->table));
	if (m->has_memory && !m->memory_imported)
		TRY(check_memory_limits(&m->memory));
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		TRY(check_const_expr(m, &m->global_inits[i - m->nglobal_imports],
		                     m->global_types[i].type));
	TRY(check_exports(m));
	TRY(check_start(m));
	return check_segments(m);
}
