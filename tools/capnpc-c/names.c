/* C names for schema nodes.
 *
 * A node is named after its scope path, joined with '_' and prefixed with
 * its file's prefix (the file name up to its first '.'):
 *   capos.capnp: SystemManifest.Service  ->  capos_SystemManifest_Service
 * Cap'n Proto names contain no '_', so path components cannot run together.
 * Groups are named after their field (capos_CapGrant_source); implicit method
 * parameter and result structs after their method (capos_Console_write_Params,
 * capos_Console_write_Results). A group whose name would collide with a name
 * the generator derives from its parent (N_list, N_builder, N_which, N_root)
 * gets the suffix _group (schema_Type_list_group). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

static const char *const reserved[] = { "list", "builder", "which", "root" };

char *file_prefix(const char *filename)
{
	const char *base = strrchr(filename, '/');
	base = base ? base + 1 : filename;
	size_t n = strcspn(base, ".");
	char *p = str_printf("%.*s", (int)n, base);
	for (char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c))
			*c = '_';
	if (isdigit((unsigned char)p[0]) || !p[0]) {
		char *q = str_printf("c%s", p);
		free(p);
		p = q;
	}
	return p;
}

static void name_node(struct gen *g, uint64_t id, char *name, uint64_t file_id);

/* Names the groups of a struct node and the nodes nested in it. */
static void name_struct_members(struct gen *g, struct node *nd, uint64_t file_id)
{
	schema_Field_list fields = schema_Node_struct_get_fields(schema_Node_get_struct(nd->n));
	for (uint32_t i = 0; i < schema_Field_list_len(fields); i++) {
		schema_Field f = schema_Field_list_get(fields, i);
		if (schema_Field_which(f) != schema_Field_which_group)
			continue;
		char *fname = text_dup(schema_Field_get_name(f));
		bool clash = false;
		for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++)
			clash |= strcmp(fname, reserved[r]) == 0;
		uint64_t gid = schema_Field_group_get_typeId(schema_Field_get_group(f));
		name_node(g, gid, str_printf("%s_%s%s", nd->cname, fname, clash ? "_group" : ""),
		          file_id);
		free(fname);
	}
}

/* Names the implicit parameter and result structs of an interface. */
static void name_methods(struct gen *g, struct node *nd, uint64_t file_id)
{
	schema_Method_list ms = schema_Node_interface_get_methods(schema_Node_get_interface(nd->n));
	for (uint32_t i = 0; i < schema_Method_list_len(ms); i++) {
		schema_Method m = schema_Method_list_get(ms, i);
		char *mname = text_dup(schema_Method_get_name(m));
		struct node *p = node_find(g, schema_Method_get_paramStructType(m));
		struct node *r = node_find(g, schema_Method_get_resultStructType(m));
		if (p && !p->cname && schema_Node_get_scopeId(p->n) == 0)
			name_node(g, p->id, str_printf("%s_%s_Params", nd->cname, mname), file_id);
		if (r && !r->cname && schema_Node_get_scopeId(r->n) == 0)
			name_node(g, r->id, str_printf("%s_%s_Results", nd->cname, mname), file_id);
		free(mname);
	}
}

/* Gives node id the name `name` (taking ownership) and names its children. */
static void name_node(struct gen *g, uint64_t id, char *name, uint64_t file_id)
{
	struct node *nd = node_find(g, id);
	if (!nd || nd->cname) {
		free(name);
		return;
	}
	nd->cname = name;
	nd->file_id = file_id;
	schema_Node_NestedNode_list nested = schema_Node_get_nestedNodes(nd->n);
	for (uint32_t i = 0; i < schema_Node_NestedNode_list_len(nested); i++) {
		schema_Node_NestedNode nn = schema_Node_NestedNode_list_get(nested, i);
		char *child = text_dup(schema_Node_NestedNode_get_name(nn));
		name_node(g, schema_Node_NestedNode_get_id(nn), str_printf("%s_%s", name, child),
		          file_id);
		free(child);
	}
	if (nd->which == schema_Node_which_struct)
		name_struct_members(g, nd, file_id);
	if (nd->which == schema_Node_which_interface)
		name_methods(g, nd, file_id);
}

void name_all(struct gen *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		struct node *nd = &g->nodes[i];
		if (nd->which != schema_Node_which_file)
			continue;
		char *path = text_dup(schema_Node_get_displayName(nd->n));
		nd->cname = file_prefix(path);
		nd->file_id = nd->id;
		free(path);
		schema_Node_NestedNode_list nested = schema_Node_get_nestedNodes(nd->n);
		for (uint32_t j = 0; j < schema_Node_NestedNode_list_len(nested); j++) {
			schema_Node_NestedNode nn = schema_Node_NestedNode_list_get(nested, j);
			char *child = text_dup(schema_Node_NestedNode_get_name(nn));
			name_node(g, schema_Node_NestedNode_get_id(nn),
			          str_printf("%s_%s", nd->cname, child), nd->id);
			free(child);
		}
	}
}

const char *type_cname(struct gen *g, uint64_t id)
{
	struct node *nd = node_find(g, id);
	if (!nd || !nd->cname) {
		gen_error(g, "type @0x%016llx is not in the request", (unsigned long long)id);
		return "capnp_unknown";
	}
	if (nd->file_id != g->file_id) {
		bool seen = false;
		for (size_t i = 0; i < g->ndeps; i++)
			seen |= g->deps[i] == nd->file_id;
		if (!seen) {
			g->deps = realloc(g->deps, (g->ndeps + 1) * sizeof *g->deps);
			if (!g->deps)
				abort();
			g->deps[g->ndeps++] = nd->file_id;
		}
	}
	return nd->cname;
}
