/* The compiler's non-control instructions: variables and constants, memory
 * access, and numeric operators (validated, then emitted; see
 * wasm_compile.c for the frame layout). */
#include "lib/wasm/wasm_compile.h"

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

/* True when an operand on the stack still reads local x. */
static bool local_in_use(const struct comp *c, uint32_t x)
{
	for (uint32_t i = c->mat_floor; i < c->vh; i++)
		if (c->vs[i].kind == VK_SLOT && c->vs[i].loc == x)
			return true;
	return false;
}

/* Writes e (at height h) into local x. When e was just computed into its
 * canonical slot by the previous instruction, that instruction writes x
 * instead (no copy). */
static void store_local(struct comp *c, const struct ventry *e, uint32_t h, uint32_t x)
{
	if (!local_in_use(c, x)) {
		wasm_e_move_result(c, e, h, x);
		return;
	}
	wasm_e_spill_local(c, x);
	wasm_e_move(c, e, x);
}

static int op_local(struct comp *c, uint8_t op)
{
	uint32_t x, h;
	struct ventry e;

	TRY(wasm_read_u32(&c->r, &x));
	if (x >= c->nlocals)
		return WASM_ERR_UNKNOWN_LOCAL;
	if (op == 0x20)
		return wasm_c_push(c, c->local_types[x], VK_SLOT, x, 0);
	TRY(wasm_c_pop(c, c->local_types[x], &e, &h));
	if (!wasm_c_dead(c))
		store_local(c, &e, h, x);
	if (op == 0x22)
		return wasm_c_push(c, c->local_types[x], VK_SLOT, x, 0);
	return WASM_OK;
}

static int op_global(struct comp *c, uint8_t op)
{
	uint32_t g, h, dst = wasm_e_slot(c, c->vh);
	struct ventry e;

	TRY(wasm_read_u32(&c->r, &g));
	if (g >= c->m->nglobals)
		return WASM_ERR_UNKNOWN_GLOBAL;
	if (op == 0x23) {
		if (!wasm_c_dead(c)) {
			wasm_e_op(c, WASM_OP_GLOBAL_GET);
			c->last_dst = c->len;
			wasm_e_word(c, dst);
			wasm_e_word(c, g);
		}
		return wasm_c_push(c, c->m->global_types[g].type, VK_SLOT, dst, 0);
	}
	if (!c->m->global_types[g].mut)
		return WASM_ERR_IMMUTABLE_GLOBAL;
	TRY(wasm_c_pop(c, c->m->global_types[g].type, &e, &h));
	if (!wasm_c_dead(c)) {
		uint32_t src = wasm_e_loc(c, &e, h);

		wasm_e_op(c, WASM_OP_GLOBAL_SET);
		wasm_e_word(c, src);
		wasm_e_word(c, g);
	}
	return WASM_OK;
}

static int op_const(struct comp *c, uint8_t op)
{
	int32_t v32;
	int64_t v64;
	const uint8_t *raw;
	uint64_t v = 0;

	switch (op) {
	case 0x41:
		TRY(wasm_read_s32(&c->r, &v32));
		return wasm_c_push(c, WASM_I32, VK_CONST, 0, (uint32_t)v32);
	case 0x42:
		TRY(wasm_read_s64(&c->r, &v64));
		return wasm_c_push(c, WASM_I64, VK_CONST, 0, (uint64_t)v64);
	case 0x43:
		TRY(wasm_read_bytes(&c->r, 4, &raw));
		for (int i = 3; i >= 0; i--)
			v = v << 8 | raw[i];
		return wasm_c_push(c, WASM_F32, VK_CONST, 0, v);
	default:
		TRY(wasm_read_bytes(&c->r, 8, &raw));
		for (int i = 7; i >= 0; i--)
			v = v << 8 | raw[i];
		return wasm_c_push(c, WASM_F64, VK_CONST, 0, v);
	}
}

int wasm_c_variable(struct comp *c, uint8_t op)
{
	if (op <= 0x22)
		return op_local(c, op);
	if (op <= 0x24)
		return op_global(c, op);
	return op_const(c, op);
}

/* Loads and stores 0x28..0x3e: internal op, log2 of the natural alignment,
 * value type. */
static const struct memop { uint8_t op, align, type; } memops[] = {
	{ WASM_OP_LOAD32, 2, WASM_I32 }, { WASM_OP_LOAD64, 3, WASM_I64 },
	{ WASM_OP_LOAD32, 2, WASM_F32 }, { WASM_OP_LOAD64, 3, WASM_F64 },
	{ WASM_OP_I32_LOAD8_S, 0, WASM_I32 }, { WASM_OP_I32_LOAD8_U, 0, WASM_I32 },
	{ WASM_OP_I32_LOAD16_S, 1, WASM_I32 }, { WASM_OP_I32_LOAD16_U, 1, WASM_I32 },
	{ WASM_OP_I64_LOAD8_S, 0, WASM_I64 }, { WASM_OP_I64_LOAD8_U, 0, WASM_I64 },
	{ WASM_OP_I64_LOAD16_S, 1, WASM_I64 }, { WASM_OP_I64_LOAD16_U, 1, WASM_I64 },
	{ WASM_OP_I64_LOAD32_S, 2, WASM_I64 }, { WASM_OP_I64_LOAD32_U, 2, WASM_I64 },
	{ WASM_OP_STORE32, 2, WASM_I32 }, { WASM_OP_STORE64, 3, WASM_I64 },
	{ WASM_OP_STORE32, 2, WASM_F32 }, { WASM_OP_STORE64, 3, WASM_F64 },
	{ WASM_OP_STORE8, 0, WASM_I32 }, { WASM_OP_STORE16, 1, WASM_I32 },
	{ WASM_OP_STORE8, 0, WASM_I64 }, { WASM_OP_STORE16, 1, WASM_I64 },
	{ WASM_OP_STORE32, 2, WASM_I64 },
};

static int op_size_grow(struct comp *c, uint8_t op)
{
	uint8_t zero;
	struct ventry e;
	uint32_t h, src = 0, dst;

	TRY(wasm_read_u8(&c->r, &zero));
	if (zero != 0)
		return WASM_ERR_ZERO_FLAG;
	if (!c->m->has_memory)
		return WASM_ERR_UNKNOWN_MEMORY;
	if (op == 0x40) {
		TRY(wasm_c_pop(c, WASM_I32, &e, &h));
		if (!wasm_c_dead(c))
			src = wasm_e_loc(c, &e, h);
	}
	dst = wasm_e_slot(c, c->vh);
	if (!wasm_c_dead(c)) {
		wasm_e_op(c, op == 0x40 ? WASM_OP_MEM_GROW : WASM_OP_MEM_SIZE);
		c->last_dst = c->len;
		wasm_e_word(c, dst);
		if (op == 0x40)
			wasm_e_word(c, src);
	}
	return wasm_c_push(c, WASM_I32, VK_SLOT, dst, 0);
}

int wasm_c_memory(struct comp *c, uint8_t op)
{
	const struct memop *mo;
	uint32_t align, offset, ha, hv;
	struct ventry addr, val;

	if (op >= 0x3f)
		return op_size_grow(c, op);
	mo = &memops[op - 0x28];
	TRY(wasm_read_u32(&c->r, &align));
	TRY(wasm_read_u32(&c->r, &offset));
	if (!c->m->has_memory)
		return WASM_ERR_UNKNOWN_MEMORY;
	if (align > mo->align)
		return WASM_ERR_ALIGNMENT;
	if (op >= 0x36) {
		TRY(wasm_c_pop(c, mo->type, &val, &hv));
		TRY(wasm_c_pop(c, WASM_I32, &addr, &ha));
		if (!wasm_c_dead(c)) {
			uint32_t la = wasm_e_loc(c, &addr, ha), lv = wasm_e_loc(c, &val, hv);

			wasm_e_op(c, mo->op);
			wasm_e_word(c, la);
			wasm_e_word(c, lv);
			wasm_e_word(c, offset);
		}
		return WASM_OK;
	}
	TRY(wasm_c_pop(c, WASM_I32, &addr, &ha));
	if (!wasm_c_dead(c)) {
		uint32_t la = wasm_e_loc(c, &addr, ha);

		wasm_e_op(c, mo->op);
		c->last_dst = c->len;
		wasm_e_word(c, wasm_e_slot(c, ha));
		wasm_e_word(c, la);
		wasm_e_word(c, offset);
	}
	return wasm_c_push(c, mo->type, VK_SLOT, wasm_e_slot(c, ha), 0);
}

/* The signature of numeric opcode op (0x45..0xbf): arity 1 or 2, operand
 * and result types. */
static void numeric_sig(uint8_t op, unsigned *arity, uint8_t *in, uint8_t *out)
{
	static const uint8_t conv[][2] = { /* 0xa7..0xbf: in, out */
		{ WASM_I64, WASM_I32 }, { WASM_F32, WASM_I32 }, { WASM_F32, WASM_I32 },
		{ WASM_F64, WASM_I32 }, { WASM_F64, WASM_I32 }, { WASM_I32, WASM_I64 },
		{ WASM_I32, WASM_I64 }, { WASM_F32, WASM_I64 }, { WASM_F32, WASM_I64 },
		{ WASM_F64, WASM_I64 }, { WASM_F64, WASM_I64 }, { WASM_I32, WASM_F32 },
		{ WASM_I32, WASM_F32 }, { WASM_I64, WASM_F32 }, { WASM_I64, WASM_F32 },
		{ WASM_F64, WASM_F32 }, { WASM_I32, WASM_F64 }, { WASM_I32, WASM_F64 },
		{ WASM_I64, WASM_F64 }, { WASM_I64, WASM_F64 }, { WASM_F32, WASM_F64 },
		{ WASM_F32, WASM_I32 }, { WASM_F64, WASM_I64 }, { WASM_I32, WASM_F32 },
		{ WASM_I64, WASM_F64 },
	};
	static const struct { uint8_t last, arity, in, out; } ranges[] = {
		{ 0x45, 1, WASM_I32, WASM_I32 }, { 0x4f, 2, WASM_I32, WASM_I32 },
		{ 0x50, 1, WASM_I64, WASM_I32 }, { 0x5a, 2, WASM_I64, WASM_I32 },
		{ 0x60, 2, WASM_F32, WASM_I32 }, { 0x66, 2, WASM_F64, WASM_I32 },
		{ 0x69, 1, WASM_I32, WASM_I32 }, { 0x78, 2, WASM_I32, WASM_I32 },
		{ 0x7b, 1, WASM_I64, WASM_I64 }, { 0x8a, 2, WASM_I64, WASM_I64 },
		{ 0x91, 1, WASM_F32, WASM_F32 }, { 0x98, 2, WASM_F32, WASM_F32 },
		{ 0x9f, 1, WASM_F64, WASM_F64 }, { 0xa6, 2, WASM_F64, WASM_F64 },
	};

	if (op >= 0xa7) {
		*arity = 1;
		*in = conv[op - 0xa7][0];
		*out = conv[op - 0xa7][1];
		return;
	}
	for (unsigned i = 0;; i++) {
		if (op <= ranges[i].last) {
			*arity = ranges[i].arity;
			*in = ranges[i].in;
			*out = ranges[i].out;
			return;
		}
	}
}

/* The op with an immediate right operand for op, or WASM_OP_COUNT. */
static enum wasm_op ri_form(enum wasm_op op)
{
	switch (op) {
	case WASM_OP_I32_ADD: return WASM_OP_I32_ADD_RI;
	case WASM_OP_I32_SUB: return WASM_OP_I32_SUB_RI;
	case WASM_OP_I32_MUL: return WASM_OP_I32_MUL_RI;
	case WASM_OP_I32_AND: return WASM_OP_I32_AND_RI;
	case WASM_OP_I32_OR: return WASM_OP_I32_OR_RI;
	case WASM_OP_I32_XOR: return WASM_OP_I32_XOR_RI;
	case WASM_OP_I32_SHL: return WASM_OP_I32_SHL_RI;
	case WASM_OP_I32_SHR_S: return WASM_OP_I32_SHR_S_RI;
	case WASM_OP_I32_SHR_U: return WASM_OP_I32_SHR_U_RI;
	case WASM_OP_I32_EQ: return WASM_OP_I32_EQ_RI;
	case WASM_OP_I32_NE: return WASM_OP_I32_NE_RI;
	case WASM_OP_I32_LT_S: return WASM_OP_I32_LT_S_RI;
	case WASM_OP_I32_LT_U: return WASM_OP_I32_LT_U_RI;
	case WASM_OP_I32_GT_S: return WASM_OP_I32_GT_S_RI;
	case WASM_OP_I32_GT_U: return WASM_OP_I32_GT_U_RI;
	case WASM_OP_I32_LE_S: return WASM_OP_I32_LE_S_RI;
	case WASM_OP_I32_LE_U: return WASM_OP_I32_LE_U_RI;
	case WASM_OP_I32_GE_S: return WASM_OP_I32_GE_S_RI;
	case WASM_OP_I32_GE_U: return WASM_OP_I32_GE_U_RI;
	case WASM_OP_I64_ADD: return WASM_OP_I64_ADD_RI;
	case WASM_OP_I64_AND: return WASM_OP_I64_AND_RI;
	case WASM_OP_I64_SHL: return WASM_OP_I64_SHL_RI;
	case WASM_OP_I64_SHR_U: return WASM_OP_I64_SHR_U_RI;
	case WASM_OP_I64_MUL: return WASM_OP_I64_MUL_RI;
	default: return WASM_OP_COUNT;
	}
}

static void emit_binary(struct comp *c, enum wasm_op iop, struct ventry *a, uint32_t ha,
                        struct ventry *b, uint32_t hb, uint32_t dst)
{
	enum wasm_op ri = ri_form(iop);
	bool i64 = b->type == WASM_I64;
	int64_t imm = (int64_t)b->val;

	if (ri != WASM_OP_COUNT && b->kind == VK_CONST && a->kind != VK_CONST &&
	    (!i64 || imm == (int32_t)imm)) {
		uint32_t la = wasm_e_loc(c, a, ha);

		wasm_e_op(c, ri);
		c->last_dst = c->len;
		wasm_e_word(c, dst);
		wasm_e_word(c, la);
		wasm_e_word(c, (uint32_t)b->val);
		return;
	}
	uint32_t la = wasm_e_loc(c, a, ha), lb = wasm_e_loc(c, b, hb);

	wasm_e_op(c, iop);
	c->last_dst = c->len;
	wasm_e_word(c, dst);
	wasm_e_word(c, la);
	wasm_e_word(c, lb);
}

int wasm_c_numeric(struct comp *c, uint8_t op)
{
	unsigned arity;
	uint8_t in, out;
	struct ventry a, b;
	uint32_t ha, hb, dst;
	enum wasm_op iop = (enum wasm_op)(WASM_OP_I32_EQZ + (op - 0x45));

	numeric_sig(op, &arity, &in, &out);
	if (arity == 2)
		TRY(wasm_c_pop(c, in, &b, &hb));
	TRY(wasm_c_pop(c, in, &a, &ha));
	dst = wasm_e_slot(c, ha);
	if (op >= 0xbc) /* reinterpret: the same bits under another type */
		return wasm_c_push(c, out, a.kind, a.kind == VK_CONST ? 0 : a.loc, a.val);
	if (!wasm_c_dead(c)) {
		if (arity == 2) {
			emit_binary(c, iop, &a, ha, &b, hb, dst);
		} else {
			uint32_t la = wasm_e_loc(c, &a, ha);

			wasm_e_op(c, iop);
			c->last_dst = c->len;
			wasm_e_word(c, dst);
			wasm_e_word(c, la);
		}
	}
	return wasm_c_push(c, out, VK_SLOT, dst, 0);
}
