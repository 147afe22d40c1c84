/* Enums and constants. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

void emit_enum(struct gen *g, struct node *nd)
{
	const char *N = nd->cname;
	schema_Enumerant_list es = schema_Node_enum_get_enumerants(schema_Node_get_enum(nd->n));
	out(g, "\n");
	out_doc(g, doc_comment(g, nd->id, -1), "");
	out(g, "#define %s_ID UINT64_C(0x%016" PRIx64 ")\n", N, nd->id);
	out(g, "enum %s {\n", N);
	for (uint32_t i = 0; i < schema_Enumerant_list_len(es); i++) {
		char *name = text_dup(schema_Enumerant_get_name(schema_Enumerant_list_get(es, i)));
		out_doc(g, doc_comment(g, nd->id, (int)i), "\t");
		out(g, "\t%s_%s = %u,\n", N, name, i);
		free(name);
	}
	out(g, "};\n");
}

/* A struct or list constant: its blob and a reader over it. */
static void emit_ptr_const(struct gen *g, struct node *nd, schema_Type t, schema_Value v)
{
	const char *N = nd->cname;
	if (!out_blob(g, N, schema_Value_get_anyPointer(v)))
		return;
	uint16_t w = schema_Type_which(t);
	if (w == schema_Type_which_struct) {
		const char *M = type_cname(g, schema_Type_struct_get_typeId(schema_Type_get_struct(t)));
		out(g, "static inline %s %s_read(struct capnp_msg *m)\n"
		       "{ capnp_msg_init_flat(m, %s + 1, %s[0], NULL); return %s_root(m); }\n",
		    M, N, N, N, M);
	} else if (w == schema_Type_which_list) {
		out(g, "static inline struct capnp_list %s_read(struct capnp_msg *m)\n"
		       "{ struct capnp_list l; capnp_msg_init_flat(m, %s + 1, %s[0], NULL);\n"
		       "  capnp_ptr_list(capnp_msg_root(m), CAPNP_ELEM_VOID, &l, NULL); return l; }\n",
		    N, N, N);
	}
}

void emit_const(struct gen *g, struct node *nd)
{
	const char *N = nd->cname;
	schema_Node_const c = schema_Node_get_const(nd->n);
	schema_Type t = schema_Node_const_get_type(c);
	schema_Value v = schema_Node_const_get_value(c);
	uint16_t w = schema_Type_which(t);
	struct prim p;
	out(g, "\n");
	out_doc(g, doc_comment(g, nd->id, -1), "");
	if (prim_info(w, &p)) {
		if (w == schema_Type_which_float32 || w == schema_Type_which_float64)
			out(g, "/* IEEE-754 bits */\n");
		out(g, "#define %s ", N);
		out_prim_literal(g, w, value_bits(v));
		out(g, "\n");
	} else if (w == schema_Type_which_text) {
		struct capnp_text s = schema_Value_get_text(v);
		out(g, "#define %s ", N);
		out_string(g, s.str, s.len);
		out(g, "\n#define %s_LEN %u\n", N, s.len);
	} else if (w == schema_Type_which_data) {
		struct capnp_data d = schema_Value_get_data(v);
		out(g, "static const uint8_t %s[%u] __attribute__((unused)) = {", N, d.len ? d.len : 1);
		for (uint32_t i = 0; i < d.len; i++)
			out(g, "%s0x%02x,", i % 12 ? " " : "\n\t", d.ptr[i]);
		out(g, "%s};\n#define %s_LEN %u\n", d.len ? "\n" : " 0 ", N, d.len);
	} else if (w == schema_Type_which_void || w == schema_Type_which_interface) {
		out(g, "/* %s: a %s constant has no C representation */\n", N,
		    w == schema_Type_which_void ? "Void" : "capability");
	} else {
		emit_ptr_const(g, nd, t, v);
	}
}
