/* capnpc-c entry point: read the request, name the nodes, write headers. */
#define _GNU_SOURCE /* vasprintf, open_memstream */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/capnpc-c/gen.h"

void out(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
}

void gen_error(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "capnpc-c: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	g->errors++;
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

char *text_dup(struct capnp_text t)
{
	char *s = malloc((size_t)t.len + 1);
	if (!s)
		abort();
	memcpy(s, t.str, t.len);
	s[t.len] = 0;
	return s;
}

static int cmp_node(const void *a, const void *b)
{
	uint64_t x = ((const struct node *)a)->id, y = ((const struct node *)b)->id;
	return x < y ? -1 : x > y;
}

struct node *node_find(struct gen *g, uint64_t id)
{
	struct node key = { .id = id };
	return bsearch(&key, g->nodes, g->nnodes, sizeof key, cmp_node);
}

struct capnp_text doc_comment(struct gen *g, uint64_t id, int member)
{
	struct capnp_text none = { "", 0 };
	schema_Node_SourceInfo_list infos = schema_CodeGeneratorRequest_get_sourceInfo(g->req);
	for (uint32_t i = 0; i < schema_Node_SourceInfo_list_len(infos); i++) {
		schema_Node_SourceInfo si = schema_Node_SourceInfo_list_get(infos, i);
		if (schema_Node_SourceInfo_get_id(si) != id)
			continue;
		if (member < 0)
			return schema_Node_SourceInfo_get_docComment(si);
		schema_Node_SourceInfo_Member_list ms = schema_Node_SourceInfo_get_members(si);
		if ((uint32_t)member < schema_Node_SourceInfo_Member_list_len(ms))
			return schema_Node_SourceInfo_Member_get_docComment(
				schema_Node_SourceInfo_Member_list_get(ms, (uint32_t)member));
		return none;
	}
	return none;
}

/* Emits doc as a block comment, indented by indent. */
void out_doc(struct gen *g, struct capnp_text doc, const char *indent)
{
	uint32_t len = doc.len;
	while (len && (doc.str[len - 1] == '\n' || doc.str[len - 1] == ' '))
		len--;
	if (!len)
		return;
	out(g, "%s/*", indent);
	bool bol = true;
	for (uint32_t i = 0; i < len; i++) {
		char c = doc.str[i];
		if (bol && i)
			out(g, "%s *", indent);
		if (bol && c != '\n')
			fputc(' ', g->out);
		/* Keep the comment a comment: no "*" "/", no nested "/" "*", no trigraphs. */
		char prev = i > 0 ? doc.str[i - 1] : 0;
		if ((c == '/' && prev == '*') || (c == '*' && prev == '/') || (c == '?' && prev == '?'))
			fputc(' ', g->out);
		fputc(c, g->out);
		bol = c == '\n';
	}
	out(g, " */\n");
}

/* Reads all of stdin into a malloc'd buffer. */
static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *nb = realloc(buf, cap *= 2);
		if (!nb)
			free(buf);
		buf = nb;
	}
	*len = n;
	return buf;
}

static int load_nodes(struct gen *g)
{
	schema_Node_list nodes = schema_CodeGeneratorRequest_get_nodes(g->req);
	g->nnodes = schema_Node_list_len(nodes);
	g->nodes = calloc(g->nnodes ? g->nnodes : 1, sizeof *g->nodes);
	if (!g->nodes)
		abort();
	for (size_t i = 0; i < g->nnodes; i++) {
		struct node *nd = &g->nodes[i];
		nd->n = schema_Node_list_get(nodes, (uint32_t)i);
		nd->id = schema_Node_get_id(nd->n);
		nd->which = schema_Node_which(nd->n);
		nd->is_group = nd->which == schema_Node_which_struct &&
		               schema_Node_struct_get_isGroup(schema_Node_get_struct(nd->n));
	}
	qsort(g->nodes, g->nnodes, sizeof *g->nodes, cmp_node);
	return capnp_msg_error(&g->msg);
}

/* Creates the parent directories of path (relative to the output dir). */
static void make_parents(const char *path)
{
	char *p = strdup(path);
	for (char *s = p; p && (s = strchr(s + 1, '/')); ) {
		*s = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			perror(p);
		*s = '/';
	}
	free(p);
}

/* Names the nodes and writes one header per requested file. */
static void generate_all(struct gen *g)
{
	name_all(g);
	schema_CodeGeneratorRequest_RequestedFile_list files =
		schema_CodeGeneratorRequest_get_requestedFiles(g->req);
	for (uint32_t i = 0; i < schema_CodeGeneratorRequest_RequestedFile_list_len(files); i++) {
		schema_CodeGeneratorRequest_RequestedFile rf =
			schema_CodeGeneratorRequest_RequestedFile_list_get(files, i);
		char *name = text_dup(schema_CodeGeneratorRequest_RequestedFile_get_filename(rf));
		char *path = str_printf("%s.h", name);
		make_parents(path);
		FILE *f = fopen(path, "w");
		if (!f) {
			perror(path);
			g->errors++;
		} else {
			g->out = f;
			generate_file(g, rf);
			if (fclose(f))
				g->errors++;
			if (g->errors || capnp_msg_error(&g->msg))
				remove(path);
		}
		free(name);
		free(path);
	}
}

int main(void)
{
	static struct gen g;
	size_t len;
	uint8_t *buf = read_all(stdin, &len);
	struct capnp_limits lim = { 1ull << 32, 128 };
	if (!buf || capnp_msg_init(&g.msg, buf, len, &lim)) {
		fprintf(stderr, "capnpc-c: bad request: %s\n", capnp_strerror(g.msg.err));
		free(buf);
		return 1;
	}
	g.req = schema_CodeGeneratorRequest_root(&g.msg);
	if (load_nodes(&g))
		g.errors++;
	else
		generate_all(&g);
	if (capnp_msg_error(&g.msg))
		fprintf(stderr, "capnpc-c: malformed request: %s\n", capnp_strerror(g.msg.err));
	for (size_t i = 0; i < g.nnodes; i++)
		free(g.nodes[i].cname);
	free(g.nodes);
	free(g.deps);
	free(buf);
	return g.errors || capnp_msg_error(&g.msg) ? 1 : 0;
}
