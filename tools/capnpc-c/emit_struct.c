/* Struct and group accessors.
 *
 * For a struct N (see docs/capnp.md for the whole API):
 *   N, N_builder                  reader and builder value types
 *   N_list, N_list_builder        lists of N: _len, _get / _builder_get
 *   N_root(msg), N_from_ptr(p), N_init_root(builder), N_init_ptr(slot)
 *   N_get_f / N_has_f             field reads (defaults applied)
 *   N_set_f / N_init_f            field writes (union members also set the
 *                                 discriminant); N_which(r) for unions */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

void emit_struct_types(struct gen *g, struct node *nd)
{
	const char *N = nd->cname;
	out(g, "typedef struct { struct capnp_struct s; } %s;\n", N);
	out(g, "typedef struct { struct capnp_sb b; } %s_builder;\n", N);
	if (nd->is_group)
		return;
	out(g, "typedef struct { struct capnp_list l; } %s_list;\n", N);
	out(g, "typedef struct { struct capnp_lb l; } %s_list_builder;\n", N);
	out(g, "static inline uint32_t %s_list_len(%s_list l) { return capnp_list_len(&l.l); }\n",
	    N, N);
	out(g, "static inline %s %s_list_get(%s_list l, uint32_t i)\n"
	       "{ %s r = { capnp_list_struct(&l.l, i) }; return r; }\n", N, N, N, N);
	out(g, "static inline %s_builder %s_list_builder_get(%s_list_builder l, uint32_t i)\n"
	       "{ %s_builder r = { capnp_lb_struct(l.l, i) }; return r; }\n", N, N, N, N);
}

/* What one field accessor needs to know. */
struct field {
	const char *N;     /* struct C name */
	char *name;        /* field name */
	schema_Field f;
	bool in_union;
	uint16_t disc;     /* discriminant value when in_union */
	uint32_t disc_off; /* discriminant offset (u16 units) */
};

/* The statement that sets a union member's discriminant, or "". */
static char *disc_stmt(const struct field *fl)
{
	if (!fl->in_union)
		return str_printf("%s", "");
	return str_printf(" capnp_set_u16(b.b, %u, %u);", fl->disc_off, fl->disc);
}

static void emit_prim(struct gen *g, const struct field *fl, schema_Type t, uint32_t off)
{
	struct prim p;
	uint16_t w = schema_Type_which(t);
	prim_info(w, &p);
	schema_Value dv = schema_Field_slot_get_defaultValue(schema_Field_get_slot(fl->f));
	uint64_t d = value_bits(dv);
	char *ds = disc_stmt(fl);
	const char *N = fl->N, *f = fl->name;
	if (w == schema_Type_which_bool) {
		out(g, "static inline bool %s_get_%s(%s r) { return capnp_get_bool(&r.s, %u)%s; }\n",
		    N, f, N, off, d ? " ^ 1" : "");
		out(g, "static inline void %s_set_%s(%s_builder b, bool v)\n"
		       "{%s capnp_set_bool(b.b, %u, v%s); }\n", N, f, N, ds, off, d ? " ^ 1" : "");
	} else {
		char *mask = d ? str_printf(" ^ UINT%s_C(0x%" PRIx64 ")", p.w + 1, d)
		               : str_printf("%s", "");
		if (d)
			out(g, "static inline %s %s_get_%s(%s r)\n{ return (%s)(capnp_get_%s(&r.s, %u)%s); }\n",
			    p.ctype, N, f, N, p.ctype, p.w, off, mask);
		else
			out(g, "static inline %s %s_get_%s(%s r) { return (%s)capnp_get_%s(&r.s, %u); }\n",
			    p.ctype, N, f, N, p.ctype, p.w, off);
		out(g, "static inline void %s_set_%s(%s_builder b, %s v)\n"
		       "{%s capnp_set_%s(b.b, %u, ", N, f, N, p.ctype, ds, p.w, off);
		if (d)
			out(g, "(uint%s_t)((uint%s_t)v%s)); }\n", p.w + 1, p.w + 1, mask);
		else
			out(g, "(uint%s_t)v); }\n", p.w + 1);
		free(mask);
	}
	free(ds);
}

static void emit_has(struct gen *g, const struct field *fl, uint32_t idx)
{
	out(g, "static inline bool %s_has_%s(%s r) { return capnp_has_ptr(&r.s, %u); }\n",
	    fl->N, fl->name, fl->N, idx);
}

/* Text or data field; defaults are literals. */
static void emit_blob_field(struct gen *g, const struct field *fl, bool text, uint32_t idx)
{
	const char *N = fl->N, *f = fl->name;
	schema_Value dv = schema_Field_slot_get_defaultValue(schema_Field_get_slot(fl->f));
	/* Every pointer member of Value is its pointer 0. */
	struct capnp_ptr dp = schema_Value_get_anyPointer(dv);
	char *ds = disc_stmt(fl);
	emit_has(g, fl, idx);
	if (text) {
		struct capnp_text t = schema_Value_get_text(dv);
		out(g, "static inline struct capnp_text %s_get_%s(%s r)\n"
		       "{ return capnp_read_text(&r.s, %u, ", N, f, N, idx);
		if (capnp_ptr_is_null(dp))
			out(g, "NULL, 0); }\n");
		else {
			out_string(g, t.str, t.len);
			out(g, ", %u); }\n", t.len);
		}
		out(g, "static inline int %s_set_%s(%s_builder b, const char *s, size_t len)\n"
		       "{%s return capnp_pb_set_text(capnp_sb_ptr(b.b, %u), s, len); }\n",
		    N, f, N, ds, idx);
	} else {
		struct capnp_data d = schema_Value_get_data(dv);
		out(g, "static inline struct capnp_data %s_get_%s(%s r)\n"
		       "{ return capnp_read_data(&r.s, %u, ", N, f, N, idx);
		if (capnp_ptr_is_null(dp))
			out(g, "NULL, 0); }\n");
		else {
			out_string(g, (const char *)d.ptr, d.len);
			out(g, ", %u); }\n", d.len);
		}
		out(g, "static inline int %s_set_%s(%s_builder b, const void *d, size_t len)\n"
		       "{%s return capnp_pb_set_data(capnp_sb_ptr(b.b, %u), d, len); }\n",
		    N, f, N, ds, idx);
	}
	free(ds);
}

/* The name of the default blob of a pointer field, or "NULL" (malloc'd). */
static char *default_blob(struct gen *g, const struct field *fl)
{
	schema_Value dv = schema_Field_slot_get_defaultValue(schema_Field_get_slot(fl->f));
	char *name = str_printf("%s_%s_default", fl->N, fl->name);
	if (out_blob(g, name, schema_Value_get_anyPointer(dv)))
		return name;
	free(name);
	return str_printf("NULL");
}

static void emit_struct_field(struct gen *g, const struct field *fl, schema_Type t, uint32_t idx)
{
	const char *N = fl->N, *f = fl->name;
	uint64_t tid = schema_Type_struct_get_typeId(schema_Type_get_struct(t));
	const char *M = type_cname(g, tid);
	struct node *mn = node_find(g, tid);
	schema_Node_struct ms = schema_Node_get_struct(mn ? mn->n : (schema_Node){ { 0 } });
	char *dflt = default_blob(g, fl), *ds = disc_stmt(fl);
	emit_has(g, fl, idx);
	out(g, "static inline %s %s_get_%s(%s r)\n"
	       "{ %s v = { capnp_read_struct(&r.s, %u, %s) }; return v; }\n",
	    M, N, f, N, M, idx, dflt);
	out(g, "static inline %s_builder %s_init_%s(%s_builder b)\n"
	       "{%s %s_builder v = { capnp_pb_init_struct(capnp_sb_ptr(b.b, %u), %u, %u) }; "
	       "return v; }\n",
	    M, N, f, N, ds, M, idx, schema_Node_struct_get_dataWordCount(ms),
	    schema_Node_struct_get_pointerCount(ms));
	free(dflt);
	free(ds);
}

/* List field: lists of structs are typed (M_list), others are capnp_list. */
static void emit_list_field(struct gen *g, const struct field *fl, schema_Type t, uint32_t idx)
{
	const char *N = fl->N, *f = fl->name;
	schema_Type et = schema_Type_list_group_get_elementType(schema_Type_get_list(t));
	uint16_t ew = schema_Type_which(et);
	char *dflt = default_blob(g, fl), *ds = disc_stmt(fl);
	emit_has(g, fl, idx);
	if (ew == schema_Type_which_struct) {
		uint64_t tid = schema_Type_struct_get_typeId(schema_Type_get_struct(et));
		const char *M = type_cname(g, tid);
		struct node *mn = node_find(g, tid);
		schema_Node_struct ms = schema_Node_get_struct(mn ? mn->n : (schema_Node){ { 0 } });
		out(g, "static inline %s_list %s_get_%s(%s r)\n"
		       "{ %s_list v = { capnp_read_list(&r.s, %u, CAPNP_ELEM_COMPOSITE, %s) }; "
		       "return v; }\n", M, N, f, N, M, idx, dflt);
		out(g, "static inline %s_list_builder %s_init_%s(%s_builder b, uint32_t n)\n"
		       "{%s %s_list_builder v = { capnp_pb_init_struct_list(capnp_sb_ptr(b.b, %u), n, "
		       "%u, %u) }; return v; }\n", M, N, f, N, ds, M, idx,
		    schema_Node_struct_get_dataWordCount(ms), schema_Node_struct_get_pointerCount(ms));
	} else {
		struct prim p;
		const char *es = "CAPNP_ELEM_POINTER";
		static const char *const names[] = { "CAPNP_ELEM_VOID", "CAPNP_ELEM_BIT",
			"CAPNP_ELEM_BYTE", "CAPNP_ELEM_TWO", "CAPNP_ELEM_FOUR", "CAPNP_ELEM_EIGHT" };
		if (ew == schema_Type_which_void)
			es = names[0];
		else if (prim_info(ew, &p))
			es = names[p.elem];
		out(g, "static inline struct capnp_list %s_get_%s(%s r)\n"
		       "{ return capnp_read_list(&r.s, %u, %s, %s); }\n", N, f, N, idx, es, dflt);
		out(g, "static inline struct capnp_lb %s_init_%s(%s_builder b, uint32_t n)\n"
		       "{%s return capnp_pb_init_list(capnp_sb_ptr(b.b, %u), %s, n); }\n",
		    N, f, N, ds, idx, es);
	}
	free(dflt);
	free(ds);
}

/* Typed accessors of an interface-typed field: the capability as its
 * interface's handle type, 0 for a null pointer (CapIds are never 0). */
static void emit_cap_field(struct gen *g, const struct field *fl, schema_Type t, uint32_t idx)
{
	const char *N = fl->N, *f = fl->name;
	const char *J = type_cname(g, schema_Type_interface_get_typeId(schema_Type_get_interface(t)));
	char *ds = disc_stmt(fl);
	out(g, "static inline %s %s_get_%s_cap(%s r)\n"
	       "{ uint32_t i = capnp_read_cap(&r.s, %u); %s c = { i == CAPNP_CAP_NONE ? 0 : i }; "
	       "return c; }\n", J, N, f, N, idx, J);
	out(g, "/* A handle with id 0 writes a null pointer. */\n");
	out(g, "static inline int %s_set_%s_cap(%s_builder b, %s c)\n"
	       "{%s struct capnp_pb p = capnp_sb_ptr(b.b, %u);\n"
	       "  if (c.id || !p.slot) return capnp_pb_set_cap(p, c.id);\n"
	       "  capnp_pb_set_null(p); return CAPNP_OK; }\n",
	    N, f, N, J, ds, idx);
	free(ds);
}

static void emit_ptr_field(struct gen *g, const struct field *fl, schema_Type t, uint32_t idx)
{
	const char *N = fl->N, *f = fl->name;
	char *ds = disc_stmt(fl);
	switch (schema_Type_which(t)) {
	case schema_Type_which_text: emit_blob_field(g, fl, true, idx); break;
	case schema_Type_which_data: emit_blob_field(g, fl, false, idx); break;
	case schema_Type_which_struct: emit_struct_field(g, fl, t, idx); break;
	case schema_Type_which_list: emit_list_field(g, fl, t, idx); break;
	case schema_Type_which_interface:
		emit_has(g, fl, idx);
		out(g, "/* %s: index in the message's capability table, CAPNP_CAP_NONE if null. */\n", f);
		out(g, "static inline uint32_t %s_get_%s(%s r) { return capnp_read_cap(&r.s, %u); }\n",
		    N, f, N, idx);
		out(g, "static inline int %s_set_%s(%s_builder b, uint32_t cap)\n"
		       "{%s return capnp_pb_set_cap(capnp_sb_ptr(b.b, %u), cap); }\n",
		    N, f, N, ds, idx);
		emit_cap_field(g, fl, t, idx);
		break;
	default: /* AnyPointer and generic parameters */
		emit_has(g, fl, idx);
		out(g, "static inline struct capnp_ptr %s_get_%s(%s r) { return capnp_struct_ptr(&r.s, %u); }\n",
		    N, f, N, idx);
		out(g, "static inline struct capnp_pb %s_init_%s(%s_builder b)\n"
		       "{%s return capnp_sb_ptr(b.b, %u); }\n", N, f, N, ds, idx);
		break;
	}
	free(ds);
}

static void emit_slot(struct gen *g, const struct field *fl)
{
	schema_Field_slot slot = schema_Field_get_slot(fl->f);
	schema_Type t = schema_Field_slot_get_type(slot);
	uint32_t off = schema_Field_slot_get_offset(slot);
	uint16_t w = schema_Type_which(t);
	struct prim p;
	if (w == schema_Type_which_void) {
		if (fl->in_union) {
			char *ds = disc_stmt(fl);
			out(g, "static inline void %s_set_%s(%s_builder b) {%s }\n", fl->N, fl->name,
			    fl->N, ds);
			free(ds);
		}
	} else if (prim_info(w, &p)) {
		emit_prim(g, fl, t, off);
	} else {
		emit_ptr_field(g, fl, t, off);
	}
}

static void emit_group_field(struct gen *g, const struct field *fl)
{
	uint64_t gid = schema_Field_group_get_typeId(schema_Field_get_group(fl->f));
	const char *G = type_cname(g, gid);
	char *ds = disc_stmt(fl);
	out(g, "static inline %s %s_get_%s(%s r) { %s v = { r.s }; return v; }\n",
	    G, fl->N, fl->name, fl->N, G);
	out(g, "static inline %s_builder %s_init_%s(%s_builder b) {%s %s_builder v = { b.b }; "
	       "return v; }\n", G, fl->N, fl->name, fl->N, ds, G);
	free(ds);
}

/* The union's discriminant values and N_which(). */
static void emit_union(struct gen *g, struct node *nd, schema_Node_struct st)
{
	const char *N = nd->cname;
	schema_Field_list fields = schema_Node_struct_get_fields(st);
	out(g, "enum %s_which {\n", N);
	for (uint32_t i = 0; i < schema_Field_list_len(fields); i++) {
		schema_Field f = schema_Field_list_get(fields, i);
		uint16_t d = schema_Field_get_discriminantValue(f);
		if (d == 0xffff)
			continue;
		char *name = text_dup(schema_Field_get_name(f));
		out(g, "\t%s_which_%s = %u,\n", N, name, d);
		free(name);
	}
	out(g, "};\n");
	out(g, "static inline uint16_t %s_which(%s r) { return capnp_get_u16(&r.s, %u); }\n",
	    N, N, schema_Node_struct_get_discriminantOffset(st));
}

/* Root and pointer entry points of a (non-group) struct. */
static void emit_roots(struct gen *g, const char *N, unsigned dw, unsigned pc)
{
	out(g, "#define %s_DATA_WORDS %u\n#define %s_PTR_COUNT %u\n", N, dw, N, pc);
	out(g, "static inline %s %s_from_ptr(struct capnp_ptr p)\n"
	       "{ %s r; capnp_ptr_struct(p, &r.s, NULL); return r; }\n", N, N, N);
	out(g, "static inline %s %s_root(struct capnp_msg *m) { return %s_from_ptr(capnp_msg_root(m)); }\n",
	    N, N, N);
	out(g, "static inline %s_builder %s_init_ptr(struct capnp_pb p)\n"
	       "{ %s_builder v = { capnp_pb_init_struct(p, %u, %u) }; return v; }\n", N, N, N, dw, pc);
	out(g, "static inline %s_builder %s_init_root(struct capnp_builder *b)\n"
	       "{ return %s_init_ptr(capnp_builder_root(b)); }\n", N, N, N);
}

void emit_struct(struct gen *g, struct node *nd)
{
	const char *N = nd->cname;
	schema_Node_struct st = schema_Node_get_struct(nd->n);
	out(g, "\n");
	out_doc(g, doc_comment(g, nd->id, -1), "");
	out(g, "/* %s %s */\n", nd->is_group ? "group" : "struct", N);
	if (!nd->is_group) {
		out(g, "#define %s_ID UINT64_C(0x%016" PRIx64 ")\n", N, nd->id);
		emit_roots(g, N, schema_Node_struct_get_dataWordCount(st),
		           schema_Node_struct_get_pointerCount(st));
	}
	if (schema_Node_struct_get_discriminantCount(st))
		emit_union(g, nd, st);
	schema_Field_list fields = schema_Node_struct_get_fields(st);
	for (uint32_t i = 0; i < schema_Field_list_len(fields); i++) {
		struct field fl = { .N = N, .f = schema_Field_list_get(fields, i) };
		fl.name = text_dup(schema_Field_get_name(fl.f));
		fl.disc = schema_Field_get_discriminantValue(fl.f);
		fl.in_union = fl.disc != 0xffff;
		fl.disc_off = schema_Node_struct_get_discriminantOffset(st);
		out_doc(g, doc_comment(g, nd->id, (int)i), "");
		if (schema_Field_which(fl.f) == schema_Field_which_group)
			emit_group_field(g, &fl);
		else
			emit_slot(g, &fl);
		free(fl.name);
	}
}
