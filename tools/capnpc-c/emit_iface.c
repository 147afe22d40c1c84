/* Interfaces. For an interface I (see docs/capnp.md, "Interfaces"):
 *   I                          client handle type: { uint32_t id; } (pass 1)
 *   I_ID, I_METHOD_COUNT, I_m_ORDINAL, I_m_Params/I_m_Results typedefs
 *                              (pass 3)
 *   I_RIGHTS, I_methods[], I_interface       method table (pass 4)
 *   struct I_server, I_dispatch()            server skeleton
 *   I_m_begin(), I_m_call()                  typed clients
 * The last three need every struct accessor, so they come after them. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

/* What pass 4 needs to know about one method. */
struct method {
	char *name;           /* as in the schema */
	char *member;         /* its struct I_server member: name, or name_ for a C keyword */
	uint32_t needs;
	const char *P, *R;    /* C names of the params/results struct nodes */
	uint16_t pdw, pptrs, rdw, rptrs;
	uint32_t results_bytes;
};

/* Names the generator derives from an interface's own: a nested node with
 * one of these names would be defined twice. */
static const char *const derived[] = { "ID", "METHOD_COUNT", "RIGHTS", "methods", "interface",
                                       "server", "dispatch" };

/* Identifiers a struct member cannot be named: C keywords, and the macros of
 * the headers a generated header includes. */
static const char *const c_reserved[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
	"typedef", "union", "unsigned", "void", "volatile", "while", "asm", "typeof", "bool",
	"true", "false", "offsetof",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* "Console" from "capos.capnp:Console" (malloc'd). */
static char *scoped_name(struct node *nd)
{
	char *dn = text_dup(schema_Node_get_displayName(nd->n));
	char *colon = strchr(dn, ':');
	char *s = str_printf("%s", colon ? colon + 1 : dn);
	free(dn);
	return s;
}

void emit_interface_types(struct gen *g, struct node *nd)
{
	const char *I = nd->cname;
	char *where = text_dup(schema_Node_get_displayName(nd->n));
	schema_Node_NestedNode_list nested = schema_Node_get_nestedNodes(nd->n);
	for (uint32_t i = 0; i < schema_Node_NestedNode_list_len(nested); i++) {
		char *name = text_dup(schema_Node_NestedNode_get_name(
			schema_Node_NestedNode_list_get(nested, i)));
		if (in_list(name, derived, sizeof derived / sizeof derived[0]))
			gen_error(g, "%s.%s: clashes with the generated %s_%s", where, name, I, name);
		free(name);
	}
	free(where);
	g->has_iface = true;
	out(g, "/* A capability implementing %s: its CapId (0: none). */\n", I);
	out(g, "typedef struct { uint32_t id; } %s;\n", I);
}

/* Params/results of a method: a typedef when the method names an existing
 * struct (the implicit ones are generated under the method's name). */
static void emit_method_type(struct gen *g, const char *I, const char *m, uint64_t id,
                             const char *which)
{
	struct node *nd = node_find(g, id);
	const char *M = type_cname(g, id);
	char *want = str_printf("%s_%s_%s", I, m, which);
	if (nd && nd->cname && strcmp(nd->cname, want) != 0) {
		out(g, "typedef %s %s;\ntypedef %s_builder %s_builder;\n", M, want, M, want);
		out(g, "#define %s_ID %s_ID\n", want, M);
	}
	free(want);
}

void emit_interface(struct gen *g, struct node *nd)
{
	const char *I = nd->cname;
	schema_Method_list ms = schema_Node_interface_get_methods(schema_Node_get_interface(nd->n));
	out(g, "\n");
	out_doc(g, doc_comment(g, nd->id, -1), "");
	out(g, "/* interface %s */\n", I);
	out(g, "#define %s_ID UINT64_C(0x%016" PRIx64 ")\n", I, nd->id);
	out(g, "#define %s_METHOD_COUNT %u\n", I, schema_Method_list_len(ms));
	for (uint32_t i = 0; i < schema_Method_list_len(ms); i++) {
		schema_Method m = schema_Method_list_get(ms, i);
		char *name = text_dup(schema_Method_get_name(m));
		out_doc(g, doc_comment(g, nd->id, (int)i), "");
		out(g, "#define %s_%s_ORDINAL %u\n", I, name, i);
		emit_method_type(g, I, name, schema_Method_get_paramStructType(m), "Params");
		emit_method_type(g, I, name, schema_Method_get_resultStructType(m), "Results");
		free(name);
	}
}

/* True if every pointer field of struct node nd (groups included) is a
 * capability, which the builder writes inline: then the struct's encoding
 * is exactly its data and pointer sections, whatever the values. */
static bool fields_fixed(struct gen *g, struct node *nd)
{
	schema_Field_list fs = schema_Node_struct_get_fields(schema_Node_get_struct(nd->n));
	for (uint32_t i = 0; i < schema_Field_list_len(fs); i++) {
		schema_Field f = schema_Field_list_get(fs, i);
		if (schema_Field_which(f) == schema_Field_which_group) {
			struct node *gn = node_find(g, schema_Field_group_get_typeId(schema_Field_get_group(f)));
			if (!gn || !fields_fixed(g, gn))
				return false;
			continue;
		}
		schema_Type t = schema_Field_slot_get_type(schema_Field_get_slot(f));
		switch (schema_Type_which(t)) {
		case schema_Type_which_text:
		case schema_Type_which_data:
		case schema_Type_which_list:
		case schema_Type_which_struct:
			return false;
		case schema_Type_which_anyPointer: {
			/* Only the untyped Capability is a capability. */
			schema_Type_anyPointer ap = schema_Type_get_anyPointer(t);
			if (schema_Type_anyPointer_which(ap) != schema_Type_anyPointer_which_unconstrained ||
			    schema_Type_anyPointer_unconstrained_which(
				    schema_Type_anyPointer_get_unconstrained(ap)) !=
			            schema_Type_anyPointer_unconstrained_which_capability)
				return false;
			break;
		}
		default: /* primitives, enums, Void, interfaces */
			break;
		}
	}
	return true;
}

/* The value of the method's $needs into *needs; reports a method without. */
static void method_needs(struct gen *g, struct node *iface, schema_Method m, const char *name,
                         uint32_t *needs)
{
	char *where = text_dup(schema_Node_get_displayName(iface->n));
	schema_Annotation_list as = schema_Method_get_annotations(m);
	bool found = false;
	for (uint32_t i = 0; i < schema_Annotation_list_len(as) && !found; i++) {
		schema_Annotation a = schema_Annotation_list_get(as, i);
		if (schema_Annotation_get_id(a) != NEEDS_ANNOTATION_ID)
			continue;
		schema_Value v = schema_Annotation_get_value(a);
		if (schema_Value_which(v) != schema_Type_which_uint32)
			gen_error(g, "%s.%s: $needs (annotation @0x%016" PRIx64 ") must be a UInt32",
			          where, name, NEEDS_ANNOTATION_ID);
		*needs = schema_Value_get_uint32(v);
		found = true;
	}
	if (!found)
		gen_error(g, "%s.%s: method has no $needs annotation (@0x%016" PRIx64 "): every "
		          "method must name the rights it needs (schema/capos.capnp)",
		          where, name, NEEDS_ANNOTATION_ID);
	free(where);
}

/* Fills m from method sm of interface nd. */
static void load_method(struct gen *g, struct node *nd, schema_Method sm, struct method *m)
{
	m->name = text_dup(schema_Method_get_name(sm));
	bool kw = in_list(m->name, c_reserved, sizeof c_reserved / sizeof c_reserved[0]);
	m->member = str_printf("%s%s", m->name, kw ? "_" : "");
	method_needs(g, nd, sm, m->name, &m->needs);
	uint64_t pid = schema_Method_get_paramStructType(sm), rid = schema_Method_get_resultStructType(sm);
	m->P = type_cname(g, pid);
	m->R = type_cname(g, rid);
	struct node *p = node_find(g, pid), *r = node_find(g, rid);
	if (p) {
		schema_Node_struct ps = schema_Node_get_struct(p->n);
		m->pdw = schema_Node_struct_get_dataWordCount(ps);
		m->pptrs = schema_Node_struct_get_pointerCount(ps);
	}
	if (r) {
		schema_Node_struct rs = schema_Node_get_struct(r->n);
		m->rdw = schema_Node_struct_get_dataWordCount(rs);
		m->rptrs = schema_Node_struct_get_pointerCount(rs);
		/* What capnp_builder_finish() makes of it: the one-segment
		 * table, the root pointer, then the struct. */
		if (fields_fixed(g, r))
			m->results_bytes = 16 + 8 * ((uint32_t)m->rdw + m->rptrs);
	}
}

/* OR of the interface's right<Name> constants (which must be UInt32). */
static uint32_t declared_rights(struct gen *g, struct node *nd)
{
	uint32_t rights = 0;
	char *where = text_dup(schema_Node_get_displayName(nd->n));
	schema_Node_NestedNode_list nested = schema_Node_get_nestedNodes(nd->n);
	for (uint32_t i = 0; i < schema_Node_NestedNode_list_len(nested); i++) {
		schema_Node_NestedNode nn = schema_Node_NestedNode_list_get(nested, i);
		char *name = text_dup(schema_Node_NestedNode_get_name(nn));
		struct node *c = node_find(g, schema_Node_NestedNode_get_id(nn));
		if (c && c->which == schema_Node_which_const && strncmp(name, "right", 5) == 0 &&
		    isupper((unsigned char)name[5])) {
			schema_Node_const k = schema_Node_get_const(c->n);
			if (schema_Type_which(schema_Node_const_get_type(k)) != schema_Type_which_uint32)
				gen_error(g, "%s.%s: a rights constant must be a UInt32", where, name);
			rights |= schema_Value_get_uint32(schema_Node_const_get_value(k));
		}
		free(name);
	}
	free(where);
	return rights;
}

static void emit_table(struct gen *g, struct node *nd, const struct method *ms, uint32_t n,
                       uint32_t rights)
{
	const char *I = nd->cname;
	out(g, "\n/* %s: method table, server skeleton, typed clients (lib/capnp/iface.h) */\n", I);
	out(g, "#define %s_RIGHTS 0x%" PRIx32 "u\n", I, rights);
	if (n) {
		out(g, "static const struct capnp_method %s_methods[%u] __attribute__((unused)) = {\n"
		       "\t/* name, needs, results_bytes, params data words/ptrs, results data words/ptrs */\n",
		    I, n);
		for (uint32_t i = 0; i < n; i++) {
			out(g, "\t{ ");
			out_string(g, ms[i].name, strlen(ms[i].name));
			out(g, ", 0x%" PRIx32 "u, %" PRIu32 ", %u, %u, %u, %u },\n", ms[i].needs,
			    ms[i].results_bytes, ms[i].pdw, ms[i].pptrs, ms[i].rdw, ms[i].rptrs);
		}
		out(g, "};\n");
	}
	char *sn = scoped_name(nd);
	out(g, "static const struct capnp_interface %s_interface __attribute__((unused)) = {\n\t", I);
	out_string(g, sn, strlen(sn));
	out(g, ", %s_ID, %s_RIGHTS, %s_METHOD_COUNT, %s%s,\n};\n", I, I, I, n ? I : "NULL",
	    n ? "_methods" : "");
	free(sn);
}

static void emit_server(struct gen *g, const char *I, const struct method *ms, uint32_t n)
{
	if (!n) {
		out(g, "struct %s_server; /* no methods */\n", I);
	} else {
		out(g, "/* A server of %s: one handler per method, in ordinal order. A handler\n"
		       " * returns CAPOS_OK (results built) or a negative CAPOS_E_* code. */\n", I);
		out(g, "struct %s_server {\n", I);
		for (uint32_t i = 0; i < n; i++)
			out(g, "\tint (*%s)(void *self, struct capnp_call *call, %s_%s_Params params,\n"
			       "\t\t%s_%s_Results_builder results);\n",
			    ms[i].member, I, ms[i].name, I, ms[i].name);
		out(g, "};\n");
	}
	out(g, "/* Decodes call->params as the method's Params, initialises the results root\n"
	       " * and calls the handler for call->method. CAPOS_E_NO_SUCH_METHOD for an\n"
	       " * ordinal past the table or a NULL handler; CAPOS_E_TOO_BIG, before the\n"
	       " * handler runs, if the results root does not fit the arena. */\n");
	out(g, "static inline int %s_dispatch(const struct %s_server *srv, void *self, "
	       "struct capnp_call *call)\n{\n", I, I);
	if (!n)
		out(g, "\t(void)srv;\n\t(void)self;\n\t(void)call;\n");
	else
		out(g, "\tswitch (call->method) {\n");
	for (uint32_t i = 0; i < n; i++) {
		const struct method *m = &ms[i];
		out(g, "\tcase %s_%s_ORDINAL: {\n", I, m->name);
		out(g, "\t\tif (!srv->%s)\n\t\t\tbreak;\n", m->member);
		out(g, "\t\t%s_%s_Params p = %s_root(call->params);\n", I, m->name, m->P);
		out(g, "\t\t%s_%s_Results_builder r = %s_init_root(call->results);\n", I, m->name, m->R);
		out(g, "\t\tif (capnp_builder_error(call->results))\n\t\t\treturn CAPOS_E_TOO_BIG;\n");
		out(g, "\t\treturn srv->%s(self, call, p, r);\n\t}\n", m->member);
	}
	if (n)
		out(g, "\t}\n");
	out(g, "\treturn CAPOS_E_NO_SUCH_METHOD;\n}\n");
}

static void emit_clients(struct gen *g, const char *I, const struct method *ms, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *m = ms[i].name;
		out(g, "/* Starts the params of %s in cl's buffer. */\n", m);
		out(g, "static inline %s_%s_Params_builder %s_%s_begin(struct capnp_client *cl)\n"
		       "{ return %s_init_ptr(capnp_client_begin(cl)); }\n", I, m, I, m, ms[i].P);
		out(g, "/* Sends %s (the params from _begin, else an empty message) and opens the\n"
		       " * results. Returns their length or a negative CAPOS_E_* code. */\n", m);
		out(g, "static inline int %s_%s_call(%s cap, struct capnp_client *cl, %s_%s_Results *out)\n"
		       "{ return capnp_client_call(cl, cap.id, %s_ID, %s_%s_ORDINAL, out ? &out->s : NULL); }\n",
		    I, m, I, I, m, I, I, m);
	}
}

void emit_interface_api(struct gen *g, struct node *nd)
{
	schema_Node_interface in = schema_Node_get_interface(nd->n);
	schema_Method_list sms = schema_Node_interface_get_methods(in);
	uint32_t n = schema_Method_list_len(sms);
	if (schema_Superclass_list_len(schema_Node_interface_get_superclasses(in)))
		fprintf(stderr, "capnpc-c: note: %s extends other interfaces; its table holds only "
		        "its own methods\n", nd->cname);
	struct method *ms = calloc(n ? n : 1, sizeof *ms);
	if (!ms)
		abort();
	uint32_t rights = declared_rights(g, nd);
	for (uint32_t i = 0; i < n; i++) {
		load_method(g, nd, schema_Method_list_get(sms, i), &ms[i]);
		rights |= ms[i].needs;
	}
	emit_table(g, nd, ms, n, rights);
	g->ifaces = realloc(g->ifaces, (g->nifaces + 1) * sizeof *g->ifaces);
	if (!g->ifaces)
		abort();
	g->ifaces[g->nifaces++] = nd->cname;
	emit_server(g, nd->cname, ms, n);
	emit_clients(g, nd->cname, ms, n);
	for (uint32_t i = 0; i < n; i++) {
		free(ms[i].name);
		free(ms[i].member);
	}
	free(ms);
}
