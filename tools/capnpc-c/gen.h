/* capnpc-c: a `capnp compile` plugin that emits C headers for lib/capnp.
 *
 * capnp runs the plugin in the output directory and writes a
 * CodeGeneratorRequest to its stdin; the plugin decodes it with lib/capnp
 * and writes <file>.h for every requested file. See docs/capnp.md for the
 * generated API. */
#ifndef CAPNPC_C_GEN_H
#define CAPNPC_C_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef CAPNPC_C_SELF_HOSTED
#include "capnp-schema/schema.capnp.h"
#else
#include "tools/capnpc-c/schema_boot.h"
#endif

/* One node of the request, with the C name the generator gave it. */
struct node {
	uint64_t id;
	schema_Node n;
	uint16_t which;   /* enum schema_Node_which */
	char *cname;      /* NULL until named */
	uint64_t file_id; /* file whose tree named it */
	bool is_group;
};

struct gen {
	struct capnp_msg msg;
	schema_CodeGeneratorRequest req;
	struct node *nodes; /* sorted by id */
	size_t nnodes;
	FILE *out;          /* the header body being written */
	uint64_t file_id;   /* the file being generated */
	uint64_t *deps;     /* other files whose types this one uses */
	size_t ndeps;
	bool has_iface;     /* the file declares an interface: include lib/capnp/iface.h */
	char **ifaces;      /* C names of the file's interfaces, for its registry */
	size_t nifaces;
	int errors;
};

/* ---- main.c ---- */
struct node *node_find(struct gen *g, uint64_t id);
/* printf to the current output. */
void out(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a schema the generator cannot handle; generation then fails. */
void gen_error(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies the text into a malloc'd NUL-terminated string. */
char *text_dup(struct capnp_text t);
/* malloc'd printf. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Doc comment of node id (member -1) or of its member i, "" if none. */
struct capnp_text doc_comment(struct gen *g, uint64_t id, int member);
/* Emits a doc comment as a C comment at the given indent, if non-empty. */
void out_doc(struct gen *g, struct capnp_text doc, const char *indent);

/* ---- file.c ---- */
/* Writes the header of one requested file to g->out. */
void generate_file(struct gen *g, schema_CodeGeneratorRequest_RequestedFile rf);

/* ---- names.c ---- */
/* Names every node reachable from every file node in the request. */
void name_all(struct gen *g);
/* The C name of a type node, recording its file as a dependency. */
const char *type_cname(struct gen *g, uint64_t id);
/* The prefix used for file `filename`, malloc'd. */
char *file_prefix(const char *filename);

/* ---- values.c ---- */
/* Emits a C string literal for s[0, len). */
void out_string(struct gen *g, const char *s, size_t len);
/* The raw bits of a primitive Value (0 for pointer kinds and void). */
uint64_t value_bits(schema_Value v);
/* Emits `static const uint64_t name[] = { n, words... };` holding a deep copy
 * of the object p points to; returns false (after reporting) if it is null. */
bool out_blob(struct gen *g, const char *name, struct capnp_ptr p);
/* Emits the value of a non-pointer constant as a C expression. */
void out_prim_literal(struct gen *g, uint16_t which, uint64_t bits);

/* ---- emit_struct.c ---- */
/* Typedefs (pass 1) and accessors (pass 3) of a struct or group node. */
void emit_struct_types(struct gen *g, struct node *nd);
void emit_struct(struct gen *g, struct node *nd);

/* ---- emit_other.c ---- */
void emit_enum(struct gen *g, struct node *nd);
void emit_const(struct gen *g, struct node *nd);

/* ---- emit_iface.c ---- */
/* The id of the $needs annotation (schema/capos.capnp) every method carries. */
#define NEEDS_ANNOTATION_ID UINT64_C(0xd5a2f3c1b0e49a71)
/* An interface's client handle type (pass 1), its id, ordinals and method
 * struct typedefs (pass 3), and its method table, server skeleton and typed
 * clients (pass 4, once every struct accessor exists). */
void emit_interface_types(struct gen *g, struct node *nd);
void emit_interface(struct gen *g, struct node *nd);
void emit_interface_api(struct gen *g, struct node *nd);

/* C type info of a primitive schema type (Type.which). */
struct prim {
	const char *ctype; /* value type in C */
	const char *w;     /* lib/capnp accessor width: bool u8 u16 u32 u64 */
	unsigned elem;     /* enum capnp_elem of a list of it */
};
/* False for pointer types and void. */
bool prim_info(uint16_t which, struct prim *p);

#endif
