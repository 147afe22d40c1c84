/* One generated header: four passes over the file's node tree (typedefs,
 * enums, accessors/constants/interface ids, then interface method tables,
 * dispatch and clients), so every type is declared before any accessor uses
 * it and every accessor before the dispatch and clients that call it,
 * whatever the schema's declaration order. */
#define _GNU_SOURCE /* vasprintf, open_memstream */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

enum pass { PASS_TYPES, PASS_ENUMS, PASS_DEFS, PASS_IFACES };

static void visit(struct gen *g, uint64_t id, enum pass pass);

static void visit_children(struct gen *g, struct node *nd, enum pass pass)
{
	schema_Node_NestedNode_list nested = schema_Node_get_nestedNodes(nd->n);
	for (uint32_t i = 0; i < schema_Node_NestedNode_list_len(nested); i++)
		visit(g, schema_Node_NestedNode_get_id(schema_Node_NestedNode_list_get(nested, i)),
		      pass);
	if (nd->which == schema_Node_which_struct) {
		schema_Field_list fs = schema_Node_struct_get_fields(schema_Node_get_struct(nd->n));
		for (uint32_t i = 0; i < schema_Field_list_len(fs); i++) {
			schema_Field f = schema_Field_list_get(fs, i);
			if (schema_Field_which(f) == schema_Field_which_group)
				visit(g, schema_Field_group_get_typeId(schema_Field_get_group(f)), pass);
		}
	}
	if (nd->which == schema_Node_which_interface) {
		schema_Method_list ms = schema_Node_interface_get_methods(schema_Node_get_interface(nd->n));
		for (uint32_t i = 0; i < schema_Method_list_len(ms); i++) {
			schema_Method m = schema_Method_list_get(ms, i);
			uint64_t ids[2] = { schema_Method_get_paramStructType(m),
			                    schema_Method_get_resultStructType(m) };
			for (int k = 0; k < 2; k++) {
				struct node *p = node_find(g, ids[k]);
				if (p && schema_Node_get_scopeId(p->n) == 0 && p->file_id == g->file_id)
					visit(g, ids[k], pass);
			}
		}
	}
}

/* Emits node id's part for this pass, then its children's. */
static void visit(struct gen *g, uint64_t id, enum pass pass)
{
	struct node *nd = node_find(g, id);
	if (!nd || !nd->cname)
		return;
	if (schema_Node_get_isGeneric(nd->n) && pass == PASS_TYPES)
		fprintf(stderr, "capnpc-c: note: %s is generic; its parameters read as AnyPointer\n",
		        nd->cname);
	switch (nd->which) {
	case schema_Node_which_struct:
		if (pass == PASS_TYPES)
			emit_struct_types(g, nd);
		else if (pass == PASS_DEFS)
			emit_struct(g, nd);
		break;
	case schema_Node_which_enum:
		if (pass == PASS_ENUMS)
			emit_enum(g, nd);
		break;
	case schema_Node_which_const:
		if (pass == PASS_DEFS)
			emit_const(g, nd);
		break;
	case schema_Node_which_interface:
		if (pass == PASS_TYPES)
			emit_interface_types(g, nd);
		else if (pass == PASS_DEFS)
			emit_interface(g, nd);
		else if (pass == PASS_IFACES)
			emit_interface_api(g, nd);
		break;
	default:
		break;
	}
	visit_children(g, nd, pass);
}

/* The include line for another generated file this one depends on. */
static void out_include(struct gen *g, FILE *f, schema_CodeGeneratorRequest_RequestedFile rf,
                        uint64_t dep)
{
	schema_CodeGeneratorRequest_RequestedFile_Import_list im =
		schema_CodeGeneratorRequest_RequestedFile_get_imports(rf);
	for (uint32_t i = 0; i < schema_CodeGeneratorRequest_RequestedFile_Import_list_len(im); i++) {
		schema_CodeGeneratorRequest_RequestedFile_Import x =
			schema_CodeGeneratorRequest_RequestedFile_Import_list_get(im, i);
		if (schema_CodeGeneratorRequest_RequestedFile_Import_get_id(x) != dep)
			continue;
		struct capnp_text name = schema_CodeGeneratorRequest_RequestedFile_Import_get_name(x);
		const char *s = name.str;
		while (*s == '/')
			s++;
		fprintf(f, "#include \"%s.h\"\n", s);
		return;
	}
	gen_error(g, "type from file @0x%016llx used but not imported", (unsigned long long)dep);
}

/* Every interface of the file in one table, so a server (the kernel's ring
 * checking a call forwarded to an endpoint) can find a method table by id:
 * <prefix>_interfaces[<PREFIX>_INTERFACE_COUNT]. */
static void emit_registry(struct gen *g, schema_CodeGeneratorRequest_RequestedFile rf)
{
	if (!g->nifaces)
		return;
	char *fname = text_dup(schema_CodeGeneratorRequest_RequestedFile_get_filename(rf));
	char *prefix = file_prefix(fname);
	char *upper = str_printf("%s", prefix);
	for (char *c = upper; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	out(g, "\n/* Every interface of this file, in declaration order. */\n");
	out(g, "#define %s_INTERFACE_COUNT %zuu\n", upper, g->nifaces);
	out(g, "static const struct capnp_interface *const %s_interfaces[%zu] __attribute__((unused)) = {\n",
	    prefix, g->nifaces);
	for (size_t i = 0; i < g->nifaces; i++)
		out(g, "\t&%s_interface,\n", g->ifaces[i]);
	out(g, "};\n");
	free(g->ifaces);
	g->ifaces = NULL;
	g->nifaces = 0;
	free(upper);
	free(prefix);
	free(fname);
}

void generate_file(struct gen *g, schema_CodeGeneratorRequest_RequestedFile rf)
{
	FILE *real = g->out;
	char *body = NULL;
	size_t blen = 0;
	g->out = open_memstream(&body, &blen);
	if (!g->out)
		abort();
	g->file_id = schema_CodeGeneratorRequest_RequestedFile_get_id(rf);
	g->ndeps = 0;
	g->has_iface = false;
	for (enum pass p = PASS_TYPES; p <= PASS_IFACES; p++) {
		struct node *file = node_find(g, g->file_id);
		if (file)
			visit_children(g, file, p);
	}
	emit_registry(g, rf);
	struct capnp_text doc = doc_comment(g, g->file_id, -1);
	fclose(g->out);
	g->out = real;

	char *fname = text_dup(schema_CodeGeneratorRequest_RequestedFile_get_filename(rf));
	char *guard = str_printf("CAPNP_GEN_%s_H", fname);
	for (char *c = guard; *c; c++)
		*c = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
	fprintf(real, "/* Generated by capnpc-c from %s. Do not edit. */\n", fname);
	out_doc(g, doc, "");
	fprintf(real, "#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stddef.h>\n"
	              "#include <stdint.h>\n\n#include \"lib/capnp/capnp.h\"\n", guard, guard);
	if (g->has_iface)
		fprintf(real, "#include \"lib/capnp/iface.h\"\n");
	for (size_t i = 0; i < g->ndeps; i++)
		out_include(g, real, rf, g->deps[i]);
	fwrite(body, 1, blen, real);
	fprintf(real, "\n#endif\n");
	free(body);
	free(fname);
	free(guard);
}
