/* Shared between the parts of lib/wasm (not for embedders): the byte reader,
 * the internal instruction set and the interfaces of the validator, compiler
 * and interpreter. */
#ifndef CAPOS_LIB_WASM_INTERNAL_H
#define CAPOS_LIB_WASM_INTERNAL_H

#include "lib/wasm/wasm.h"

/* ---- reading the binary: every read is length-checked */

struct wasm_reader {
	const uint8_t *p, *end;
};

int wasm_read_u8(struct wasm_reader *r, uint8_t *out);
int wasm_read_u32(struct wasm_reader *r, uint32_t *out);
int wasm_read_s32(struct wasm_reader *r, int32_t *out);
int wasm_read_s64(struct wasm_reader *r, int64_t *out);
int wasm_read_bytes(struct wasm_reader *r, size_t n, const uint8_t **out);
/* A u32 count of items each at least min_size bytes: more than the rest of
 * the reader holds is WASM_ERR_LENGTH (so counts can size allocations). */
int wasm_read_count(struct wasm_reader *r, size_t min_size, uint32_t *out);
int wasm_read_valtype(struct wasm_reader *r, uint8_t *out);
bool wasm_valtype_ok(uint8_t t);

/* ---- internal instructions
 *
 * Code is a stream of 32-bit words: a handler offset (from
 * wasm_interp_handlers) then the operands. Operands name frame slots
 * (indices from the frame pointer), immediates, or jumps (a signed offset
 * from the jump word itself). Layouts, dst first:
 *   unary  dst a          binary dst a b         *_RI  dst a imm
 *   load   dst addr off   store  addr val off
 *   JMP rel  BR_IF cond rel  BR_UNLESS cond rel  BR_IF_COPY cond src dst rel
 *   BR_TABLE idx n (rel)*n+1   BR_TABLE_COPY idx src n (rel dst)*n+1
 *   CALL func argbase  CALL_INDIRECT type argbase idx  RET  LOOP fuel
 *   COPY dst src  CONST32 dst v  CONST64 dst lo hi  SELECT dst a b cond
 *   BR_I32_<cmp> a b rel  BR_I32_<cmp>_RI a imm rel (branch when a <cmp> b)
 *   GLOBAL_GET dst g  GLOBAL_SET src g  MEM_SIZE dst  MEM_GROW dst delta */
#define WASM_OPS(X) \
	X(UNREACHABLE) X(JMP) X(BR_IF) X(BR_UNLESS) X(BR_IF_COPY) X(BR_TABLE) X(BR_TABLE_COPY) \
	X(CALL) X(CALL_INDIRECT) X(RET) X(LOOP) X(COPY) X(CONST32) X(CONST64) X(SELECT) \
	X(GLOBAL_GET) X(GLOBAL_SET) X(MEM_SIZE) X(MEM_GROW) \
	X(LOAD32) X(LOAD64) X(I32_LOAD8_S) X(I32_LOAD8_U) X(I32_LOAD16_S) X(I32_LOAD16_U) \
	X(I64_LOAD8_S) X(I64_LOAD8_U) X(I64_LOAD16_S) X(I64_LOAD16_U) X(I64_LOAD32_S) \
	X(I64_LOAD32_U) X(STORE8) X(STORE16) X(STORE32) X(STORE64) \
	X(I32_EQZ) X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U) \
	X(I32_LE_S) X(I32_LE_U) X(I32_GE_S) X(I32_GE_U) \
	X(I64_EQZ) X(I64_EQ) X(I64_NE) X(I64_LT_S) X(I64_LT_U) X(I64_GT_S) X(I64_GT_U) \
	X(I64_LE_S) X(I64_LE_U) X(I64_GE_S) X(I64_GE_U) \
	X(F32_EQ) X(F32_NE) X(F32_LT) X(F32_GT) X(F32_LE) X(F32_GE) \
	X(F64_EQ) X(F64_NE) X(F64_LT) X(F64_GT) X(F64_LE) X(F64_GE) \
	X(I32_CLZ) X(I32_CTZ) X(I32_POPCNT) X(I32_ADD) X(I32_SUB) X(I32_MUL) X(I32_DIV_S) \
	X(I32_DIV_U) X(I32_REM_S) X(I32_REM_U) X(I32_AND) X(I32_OR) X(I32_XOR) X(I32_SHL) \
	X(I32_SHR_S) X(I32_SHR_U) X(I32_ROTL) X(I32_ROTR) \
	X(I64_CLZ) X(I64_CTZ) X(I64_POPCNT) X(I64_ADD) X(I64_SUB) X(I64_MUL) X(I64_DIV_S) \
	X(I64_DIV_U) X(I64_REM_S) X(I64_REM_U) X(I64_AND) X(I64_OR) X(I64_XOR) X(I64_SHL) \
	X(I64_SHR_S) X(I64_SHR_U) X(I64_ROTL) X(I64_ROTR) \
	X(F32_ABS) X(F32_NEG) X(F32_CEIL) X(F32_FLOOR) X(F32_TRUNC) X(F32_NEAREST) X(F32_SQRT) \
	X(F32_ADD) X(F32_SUB) X(F32_MUL) X(F32_DIV) X(F32_MIN) X(F32_MAX) X(F32_COPYSIGN) \
	X(F64_ABS) X(F64_NEG) X(F64_CEIL) X(F64_FLOOR) X(F64_TRUNC) X(F64_NEAREST) X(F64_SQRT) \
	X(F64_ADD) X(F64_SUB) X(F64_MUL) X(F64_DIV) X(F64_MIN) X(F64_MAX) X(F64_COPYSIGN) \
	X(I32_WRAP_I64) X(I32_TRUNC_F32_S) X(I32_TRUNC_F32_U) X(I32_TRUNC_F64_S) \
	X(I32_TRUNC_F64_U) X(I64_EXTEND_I32_S) X(I64_EXTEND_I32_U) X(I64_TRUNC_F32_S) \
	X(I64_TRUNC_F32_U) X(I64_TRUNC_F64_S) X(I64_TRUNC_F64_U) X(F32_CONVERT_I32_S) \
	X(F32_CONVERT_I32_U) X(F32_CONVERT_I64_S) X(F32_CONVERT_I64_U) X(F32_DEMOTE_F64) \
	X(F64_CONVERT_I32_S) X(F64_CONVERT_I32_U) X(F64_CONVERT_I64_S) X(F64_CONVERT_I64_U) \
	X(F64_PROMOTE_F32) \
	X(I32_ADD_RI) X(I32_SUB_RI) X(I32_AND_RI) X(I32_OR_RI) X(I32_XOR_RI) X(I32_SHL_RI) \
	X(I32_SHR_S_RI) X(I32_SHR_U_RI) X(I32_EQ_RI) X(I32_NE_RI) X(I32_LT_S_RI) X(I32_LT_U_RI) \
	X(I32_GT_S_RI) X(I32_GT_U_RI) X(I32_LE_S_RI) X(I32_LE_U_RI) X(I32_GE_S_RI) X(I32_GE_U_RI) \
	X(I32_MUL_RI) X(I64_ADD_RI) X(I64_AND_RI) X(I64_SHL_RI) X(I64_SHR_U_RI) X(I64_MUL_RI) \
	X(BR_I32_EQ) X(BR_I32_NE) X(BR_I32_LT_S) X(BR_I32_LT_U) X(BR_I32_GT_S) X(BR_I32_GT_U) \
	X(BR_I32_LE_S) X(BR_I32_LE_U) X(BR_I32_GE_S) X(BR_I32_GE_U) \
	X(BR_I32_EQ_RI) X(BR_I32_NE_RI) X(BR_I32_LT_S_RI) X(BR_I32_LT_U_RI) X(BR_I32_GT_S_RI) \
	X(BR_I32_GT_U_RI) X(BR_I32_LE_S_RI) X(BR_I32_LE_U_RI) X(BR_I32_GE_S_RI) X(BR_I32_GE_U_RI)

enum wasm_op {
#define WASM_OP_ENUM(name) WASM_OP_##name,
	WASM_OPS(WASM_OP_ENUM)
#undef WASM_OP_ENUM
	WASM_OP_COUNT
};

/* The handler offset of each op, for the code stream. */
const int32_t *wasm_interp_handlers(void);

/* Runs f on m (args in m->stack[0..), result left in m->stack[0]). */
int wasm_interp_run(struct wasm_machine *m, struct wasm_func *f);

/* Module-level validation after decoding (wasm_module.c); ntables and
 * nmemories count imports and definitions. */
int wasm_module_validate(struct wasm_module *m, uint32_t ntables, uint32_t nmemories);

/* Checks the syntax of a body: local declarations and instructions. */
int wasm_scan_body(const struct wasm_body *b);

/* Validates and compiles defined function i of mod, appending its code to
 * the module's code in a (scratch from the arena's top, released after). */
int wasm_compile_body(struct wasm_module *mod, uint32_t i, struct wasm_arena *a);

/* Scratch from the arena's top: wasm_arena_scratch / _mark / _release. */
void *wasm_arena_scratch(struct wasm_arena *a, size_t n);
size_t wasm_arena_mark(const struct wasm_arena *a);
void wasm_arena_release(struct wasm_arena *a, size_t mark);

#endif
