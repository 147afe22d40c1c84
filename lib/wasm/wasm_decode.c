/* The binary decoder (see wasm.h): reads every section of a module into a
 * struct wasm_module, checking only the syntax of the binary format. The
 * validation rules that look across sections are in wasm_module.c, function
 * bodies are validated as they are compiled (wasm_compile.c).
 *
 * Check order: magic, version, then sections in file order; inside a section
 * its fields in order. The first failure is returned. */
#include "lib/mem.h"
#include "lib/wasm/wasm_internal.h"

enum { SEC_CUSTOM, SEC_TYPE, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL,
       SEC_EXPORT, SEC_START, SEC_ELEM, SEC_CODE, SEC_DATA, SEC_LAST = SEC_DATA };

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

/* Decoding state beyond the module itself. */
struct decoder {
	struct wasm_module *m;
	struct wasm_arena *a;
	uint32_t ntables, nmemories, ncodes;
	bool has_func_section;
	uint32_t ndefined;           /* from the function section */
	uint32_t *defined_types;
};

static void *alloc_array(struct wasm_arena *a, uint32_t n, size_t size)
{
	static uint64_t empty;

	if (n == 0)
		return &empty;
	return wasm_arena_alloc(a, (size_t)n * size);
}

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates, or
 * code points above U+10FFFF). */
static bool utf8_ok(const uint8_t *s, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t len, cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
		else return false;
		if (len > n - i)
			return false;
		for (uint32_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static int read_name(struct wasm_reader *r, struct wasm_name *out)
{
	uint32_t n;

	TRY(wasm_read_u32(r, &n));
	if (n > (size_t)(r->end - r->p))
		return WASM_ERR_UNEXPECTED_END;
	out->ptr = r->p;
	out->len = n;
	r->p += n;
	return utf8_ok(out->ptr, n) ? WASM_OK : WASM_ERR_UTF8;
}

static int read_limits(struct wasm_reader *r, struct wasm_limits *out)
{
	uint8_t flag;

	TRY(wasm_read_u8(r, &flag));
	if (flag > 1)
		return WASM_ERR_LIMITS_FLAG;
	TRY(wasm_read_u32(r, &out->min));
	out->has_max = flag == 1;
	out->max = 0;
	if (out->has_max)
		TRY(wasm_read_u32(r, &out->max));
	return WASM_OK;
}

static int read_table_type(struct wasm_reader *r, struct wasm_limits *out)
{
	uint8_t elem;

	TRY(wasm_read_u8(r, &elem));
	if (elem != 0x70)
		return WASM_ERR_ELEM_TYPE;
	return read_limits(r, out);
}

static int read_global_type(struct wasm_reader *r, struct wasm_globaltype *out)
{
	uint8_t mut;

	TRY(wasm_read_valtype(r, &out->type));
	TRY(wasm_read_u8(r, &mut));
	if (mut > 1)
		return WASM_ERR_MUTABILITY;
	out->mut = mut == 1;
	return WASM_OK;
}

/* A constant expression: exactly one constant instruction and end. Other
 * instructions are a validation error (constant expression required), two
 * values or none a type mismatch; the decoder stops at either. */
static int read_const_expr(struct wasm_reader *r, struct wasm_const_expr *out)
{
	uint8_t op;
	int32_t v32;
	int64_t v64;
	const uint8_t *raw;

	out->v.i64 = 0;
	out->global = 0;
	TRY(wasm_read_u8(r, &op));
	out->op = op;
	switch (op) {
	case 0x41: TRY(wasm_read_s32(r, &v32)); out->v.i32 = (uint32_t)v32; break;
	case 0x42: TRY(wasm_read_s64(r, &v64)); out->v.i64 = (uint64_t)v64; break;
	case 0x43: TRY(wasm_read_bytes(r, 4, &raw)); out->v.i32 = (uint32_t)raw[0] |
		(uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24; break;
	case 0x44: TRY(wasm_read_bytes(r, 8, &raw));
		out->v.i64 = 0;
		for (int i = 7; i >= 0; i--)
			out->v.i64 = out->v.i64 << 8 | raw[i];
		break;
	case 0x23: TRY(wasm_read_u32(r, &out->global)); break;
	case 0x0b: return WASM_ERR_TYPE_MISMATCH;
	default: return WASM_ERR_CONST_EXPR;
	}
	TRY(wasm_read_u8(r, &op));
	if (op == 0x0b)
		return WASM_OK;
	if (op == 0x41 || op == 0x42 || op == 0x43 || op == 0x44 || op == 0x23)
		return WASM_ERR_TYPE_MISMATCH;
	return WASM_ERR_CONST_EXPR;
}

static int sec_type(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 3, &m->ntypes));
	m->types = alloc_array(d->a, m->ntypes, sizeof *m->types);
	if (!m->types)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->ntypes; i++) {
		struct wasm_functype *t = &m->types[i];
		uint8_t form, vt;

		TRY(wasm_read_u8(r, &form));
		if (form != 0x60)
			return WASM_ERR_FUNC_FORM;
		TRY(wasm_read_count(r, 1, &t->nparams));
		t->params = r->p;
		for (uint32_t k = 0; k < t->nparams; k++)
			TRY(wasm_read_valtype(r, &vt));
		TRY(wasm_read_count(r, 1, &t->nresults));
		t->results = r->p;
		for (uint32_t k = 0; k < t->nresults; k++)
			TRY(wasm_read_valtype(r, &vt));
	}
	return WASM_OK;
}

static int read_import(struct decoder *d, struct wasm_reader *r, struct wasm_import *im)
{
	TRY(read_name(r, &im->module));
	TRY(read_name(r, &im->field));
	TRY(wasm_read_u8(r, &im->kind));
	switch (im->kind) {
	case WASM_EXTERN_FUNC:
		d->m->nfunc_imports++;
		return wasm_read_u32(r, &im->type);
	case WASM_EXTERN_TABLE:
		d->ntables++;
		return read_table_type(r, &im->limits);
	case WASM_EXTERN_MEMORY:
		d->nmemories++;
		return read_limits(r, &im->limits);
	case WASM_EXTERN_GLOBAL:
		d->m->nglobal_imports++;
		return read_global_type(r, &im->global);
	default:
		return WASM_ERR_IMPORT_KIND;
	}
}

static int sec_import(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 4, &m->nimports));
	m->imports = alloc_array(d->a, m->nimports, sizeof *m->imports);
	if (!m->imports)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->nimports; i++) {
		memset(&m->imports[i], 0, sizeof m->imports[i]);
		TRY(read_import(d, r, &m->imports[i]));
	}
	return WASM_OK;
}

static int sec_func(struct decoder *d, struct wasm_reader *r)
{
	TRY(wasm_read_count(r, 1, &d->ndefined));
	d->has_func_section = true;
	d->defined_types = alloc_array(d->a, d->ndefined, sizeof(uint32_t));
	if (!d->defined_types)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < d->ndefined; i++)
		TRY(wasm_read_u32(r, &d->defined_types[i]));
	return WASM_OK;
}

static int sec_table(struct decoder *d, struct wasm_reader *r)
{
	uint32_t n;
	struct wasm_limits l;

	TRY(wasm_read_count(r, 3, &n));
	for (uint32_t i = 0; i < n; i++) {
		TRY(read_table_type(r, &l));
		if (d->ntables++ == 0)
			d->m->table = l;
	}
	return WASM_OK;
}

static int sec_memory(struct decoder *d, struct wasm_reader *r)
{
	uint32_t n;
	struct wasm_limits l;

	TRY(wasm_read_count(r, 2, &n));
	for (uint32_t i = 0; i < n; i++) {
		TRY(read_limits(r, &l));
		if (d->nmemories++ == 0)
			d->m->memory = l;
	}
	return WASM_OK;
}

static int sec_global(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;
	uint32_t n;

	TRY(wasm_read_count(r, 3, &n));
	m->nglobals = m->nglobal_imports + n;
	m->global_types = alloc_array(d->a, m->nglobals, sizeof *m->global_types);
	m->global_inits = alloc_array(d->a, n, sizeof *m->global_inits);
	if (!m->global_types || !m->global_inits)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0, g = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_GLOBAL)
			m->global_types[g++] = m->imports[i].global;
	for (uint32_t i = 0; i < n; i++) {
		TRY(read_global_type(r, &m->global_types[m->nglobal_imports + i]));
		TRY(read_const_expr(r, &m->global_inits[i]));
	}
	return WASM_OK;
}

static int sec_export(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 3, &m->nexports));
	m->exports = alloc_array(d->a, m->nexports, sizeof *m->exports);
	if (!m->exports)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct wasm_export *e = &m->exports[i];

		TRY(read_name(r, &e->name));
		TRY(wasm_read_u8(r, &e->kind));
		if (e->kind > WASM_EXTERN_GLOBAL)
			return WASM_ERR_EXPORT_KIND;
		TRY(wasm_read_u32(r, &e->index));
	}
	return WASM_OK;
}

static int sec_start(struct decoder *d, struct wasm_reader *r)
{
	d->m->has_start = true;
	return wasm_read_u32(r, &d->m->start);
}

static int sec_elem(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 3, &m->nelems));
	m->elems = alloc_array(d->a, m->nelems, sizeof *m->elems);
	if (!m->elems)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->nelems; i++) {
		struct wasm_elem *e = &m->elems[i];
		uint32_t table;

		TRY(wasm_read_u32(r, &table));
		if (table != 0)
			return WASM_ERR_UNKNOWN_TABLE;
		TRY(read_const_expr(r, &e->offset));
		TRY(wasm_read_count(r, 1, &e->count));
		e->funcs = alloc_array(d->a, e->count, sizeof(uint32_t));
		if (!e->funcs)
			return WASM_ERR_ARENA;
		for (uint32_t k = 0; k < e->count; k++)
			TRY(wasm_read_u32(r, &e->funcs[k]));
	}
	return WASM_OK;
}

static int sec_code(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 1, &d->ncodes));
	if (d->ncodes != d->ndefined)
		return WASM_ERR_FUNC_CODE_COUNT;
	m->bodies = alloc_array(d->a, d->ncodes, sizeof *m->bodies);
	if (!m->bodies)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < d->ncodes; i++) {
		uint32_t size;
		const uint8_t *p;

		TRY(wasm_read_u32(r, &size));
		TRY(wasm_read_bytes(r, size, &p));
		memset(&m->bodies[i], 0, sizeof m->bodies[i]);
		m->bodies[i].start = p;
		m->bodies[i].end = p + size;
	}
	return WASM_OK;
}

static int sec_data(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_module *m = d->m;

	TRY(wasm_read_count(r, 3, &m->ndatas));
	m->datas = alloc_array(d->a, m->ndatas, sizeof *m->datas);
	if (!m->datas)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->ndatas; i++) {
		struct wasm_data *s = &m->datas[i];
		uint32_t mem;

		TRY(wasm_read_u32(r, &mem));
		if (mem != 0)
			return WASM_ERR_UNKNOWN_MEMORY;
		TRY(read_const_expr(r, &s->offset));
		TRY(wasm_read_u32(r, &s->len));
		TRY(wasm_read_bytes(r, s->len, &s->bytes));
	}
	return WASM_OK;
}

static int sec_custom(struct decoder *d, struct wasm_reader *r)
{
	struct wasm_name name;

	TRY(read_name(r, &name));
	r->p = r->end;
	return WASM_OK;
}

typedef int (*section_fn)(struct decoder *d, struct wasm_reader *r);

static const section_fn sections[SEC_LAST + 1] = {
	sec_custom, sec_type, sec_import, sec_func, sec_table, sec_memory, sec_global,
	sec_export, sec_start, sec_elem, sec_code, sec_data,
};

/* Fills func_types (imports first) once every section is read. */
static int finish_funcs(struct decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t f = 0;

	if (!d->has_func_section && d->ncodes)
		return WASM_ERR_FUNC_CODE_COUNT;
	if (d->ncodes != d->ndefined)
		return WASM_ERR_FUNC_CODE_COUNT;
	m->nfuncs = m->nfunc_imports + d->ndefined;
	m->func_types = alloc_array(d->a, m->nfuncs, sizeof(uint32_t));
	if (!m->func_types)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_FUNC)
			m->func_types[f++] = m->imports[i].type;
	for (uint32_t i = 0; i < d->ndefined; i++)
		m->func_types[f++] = d->defined_types[i];
	if (!m->bodies)
		m->bodies = alloc_array(d->a, 0, sizeof *m->bodies);
	return WASM_OK;
}

/* Fills global_types for imports when there is no global section. */
static int finish_globals(struct decoder *d)
{
	struct wasm_module *m = d->m;

	if (m->global_types)
		return WASM_OK;
	m->nglobals = m->nglobal_imports;
	m->global_types = alloc_array(d->a, m->nglobals, sizeof *m->global_types);
	m->global_inits = alloc_array(d->a, 0, sizeof *m->global_inits);
	if (!m->global_types || !m->global_inits)
		return WASM_ERR_ARENA;
	for (uint32_t i = 0, g = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_GLOBAL)
			m->global_types[g++] = m->imports[i].global;
	return WASM_OK;
}

static int read_sections(struct decoder *d, struct wasm_reader *r)
{
	uint8_t last = 0;

	while (r->p < r->end) {
		uint8_t id;
		uint32_t size;
		struct wasm_reader sec;

		TRY(wasm_read_u8(r, &id));
		if (id > SEC_LAST)
			return WASM_ERR_SECTION_ID;
		TRY(wasm_read_u32(r, &size));
		if (size > (size_t)(r->end - r->p))
			return WASM_ERR_UNEXPECTED_END;
		if (id != SEC_CUSTOM) {
			if (id <= last)
				return WASM_ERR_SECTION_ORDER;
			last = id;
		}
		sec.p = r->p;
		sec.end = r->p + size;
		TRY(sections[id](d, &sec));
		if (sec.p != sec.end)
			return WASM_ERR_SECTION_SIZE;
		r->p = sec.end;
	}
	return WASM_OK;
}

/* Decodes the module's sections into m (syntax only). */
static int decode(struct wasm_module *m, const uint8_t *bytes, size_t len, struct wasm_arena *a)
{
	static const uint8_t magic[4] = { 0, 'a', 's', 'm' }, version[4] = { 1, 0, 0, 0 };
	struct decoder d = { .m = m, .a = a };
	struct wasm_reader r = { bytes, bytes + len };

	if (len < 4 || memcmp(bytes, magic, 4) != 0)
		return WASM_ERR_MAGIC;
	if (len < 8 || memcmp(bytes + 4, version, 4) != 0)
		return WASM_ERR_VERSION;
	r.p += 8;
	TRY(read_sections(&d, &r));
	TRY(finish_funcs(&d));
	for (uint32_t i = 0; i < d.ndefined; i++)
		TRY(wasm_scan_body(&m->bodies[i]));
	TRY(finish_globals(&d));
	return wasm_module_validate(m, d.ntables, d.nmemories);
}

int wasm_module_load(struct wasm_module *m, const uint8_t *bytes, size_t len,
                     const struct wasm_limits_cfg *cfg, struct wasm_arena *a)
{
	memset(m, 0, sizeof *m);
	if (cfg)
		m->cfg = *cfg;
	if (!m->cfg.max_locals)
		m->cfg.max_locals = 50000;
	if (!m->cfg.max_memory_pages)
		m->cfg.max_memory_pages = 256;
	if (!m->cfg.max_table_size)
		m->cfg.max_table_size = 100000;
	TRY(decode(m, bytes, len, a));
	m->code = (uint32_t *)(a->base + a->lo);
	for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
		TRY(wasm_compile_body(m, i, a));
	return WASM_OK;
}
