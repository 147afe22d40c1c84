/* Literal values: primitives, strings, and pointer blobs for defaults and
 * constants. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/capnpc-c/gen.h"

bool prim_info(uint16_t which, struct prim *p)
{
	static const struct prim prims[] = {
		[schema_Type_which_bool] = { "bool", "bool", CAPNP_ELEM_BIT },
		[schema_Type_which_int8] = { "int8_t", "u8", CAPNP_ELEM_BYTE },
		[schema_Type_which_int16] = { "int16_t", "u16", CAPNP_ELEM_TWO },
		[schema_Type_which_int32] = { "int32_t", "u32", CAPNP_ELEM_FOUR },
		[schema_Type_which_int64] = { "int64_t", "u64", CAPNP_ELEM_EIGHT },
		[schema_Type_which_uint8] = { "uint8_t", "u8", CAPNP_ELEM_BYTE },
		[schema_Type_which_uint16] = { "uint16_t", "u16", CAPNP_ELEM_TWO },
		[schema_Type_which_uint32] = { "uint32_t", "u32", CAPNP_ELEM_FOUR },
		[schema_Type_which_uint64] = { "uint64_t", "u64", CAPNP_ELEM_EIGHT },
		/* Floats travel as their IEEE-754 bits: lib/ has no FPU state. */
		[schema_Type_which_float32] = { "uint32_t", "u32", CAPNP_ELEM_FOUR },
		[schema_Type_which_float64] = { "uint64_t", "u64", CAPNP_ELEM_EIGHT },
		[schema_Type_which_enum] = { "uint16_t", "u16", CAPNP_ELEM_TWO },
	};
	if (which >= sizeof prims / sizeof prims[0] || !prims[which].ctype)
		return false;
	*p = prims[which];
	return true;
}

void out_string(struct gen *g, const char *s, size_t len)
{
	fputc('"', g->out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c == '?')
			out(g, "\\%c", c);
		else if (c == '\n')
			out(g, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			out(g, "\\%03o", c);
		else
			fputc(c, g->out);
	}
	fputc('"', g->out);
}

uint64_t value_bits(schema_Value v)
{
	switch (schema_Value_which(v)) {
	case schema_Type_which_bool: return schema_Value_get_bool(v);
	case schema_Type_which_int8: return (uint8_t)schema_Value_get_int8(v);
	case schema_Type_which_int16: return (uint16_t)schema_Value_get_int16(v);
	case schema_Type_which_int32: return (uint32_t)schema_Value_get_int32(v);
	case schema_Type_which_int64: return (uint64_t)schema_Value_get_int64(v);
	case schema_Type_which_uint8: return schema_Value_get_uint8(v);
	case schema_Type_which_uint16: return schema_Value_get_uint16(v);
	case schema_Type_which_uint32: return schema_Value_get_uint32(v);
	case schema_Type_which_uint64: return schema_Value_get_uint64(v);
	case schema_Type_which_float32: return schema_Value_get_float32(v);
	case schema_Type_which_float64: return schema_Value_get_float64(v);
	case schema_Type_which_enum: return schema_Value_get_enum(v);
	default: return 0;
	}
}

/* Emits a primitive of type `which` whose raw bits are `bits`, as an
 * integer constant expression usable in #if (<stdint.h> _C macros). */
void out_prim_literal(struct gen *g, uint16_t which, uint64_t bits)
{
	struct prim p;
	if (!prim_info(which, &p))
		return;
	bool is_signed = which >= schema_Type_which_int8 && which <= schema_Type_which_int64;
	unsigned width = (unsigned)strtoul(p.w + 1, NULL, 10);
	if (which == schema_Type_which_bool) {
		out(g, "%s", bits ? "true" : "false");
	} else if (is_signed && (bits >> (width - 1)) & 1) {
		/* Negative: -(magnitude - 1) - 1 never overflows a literal. */
		uint64_t ext = width == 64 ? bits : bits | ~((UINT64_C(1) << width) - 1);
		out(g, "(-INT%u_C(%" PRIu64 ") - 1)", width, ~ext);
	} else if (is_signed || which == schema_Type_which_enum) {
		out(g, "%sINT%u_C(%" PRIu64 ")", is_signed ? "" : "U", width, bits);
	} else {
		out(g, "UINT%u_C(0x%" PRIx64 ")", width, bits);
	}
}

/* Deep-copies what p points to into a fresh single-segment message and
 * emits its words (root pointer first) as a default blob. */
bool out_blob(struct gen *g, const char *name, struct capnp_ptr p)
{
	if (capnp_ptr_is_null(p))
		return false;
	struct capnp_walk_stats st;
	struct capnp_ptr probe = p;
	uint64_t before = p.msg->traversal_left;
	if (capnp_walk(probe, &st)) {
		gen_error(g, "%s: malformed value", name);
		return false;
	}
	p.msg->traversal_left = before;
	size_t bytes = (size_t)(st.words + 8) * 8 * 2;
	uint8_t *buf = calloc(1, bytes);
	struct capnp_builder b;
	capnp_builder_init(&b, buf, bytes);
	int err = capnp_pb_copy(capnp_builder_root(&b), p);
	size_t size = capnp_builder_finish(&b);
	if (err || !size) {
		gen_error(g, "%s: cannot copy value (%s)", name, capnp_strerror(err ? err : b.err));
		free(buf);
		return false;
	}
	size_t n = size / 8 - 1;
	out(g, "static const uint64_t %s[] __attribute__((unused)) = {\n\tUINT64_C(%zu),", name, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t w;
		memcpy(&w, buf + 8 + i * 8, 8);
		out(g, "%sUINT64_C(0x%016" PRIx64 "),", i % 3 == 0 ? "\n\t" : " ", w);
	}
	out(g, "\n};\n");
	free(buf);
	return true;
}
