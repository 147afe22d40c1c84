/* Code emission for the compiler: instruction words, operand locations,
 * moves, and forward-jump chains. A full code buffer sets c->err
 * (WASM_ERR_ARENA) and further words are dropped. */
#include "lib/wasm/wasm_compile.h"

void wasm_e_word(struct comp *c, uint32_t w)
{
	if (c->len >= c->cap) {
		c->err = WASM_ERR_ARENA;
		return;
	}
	c->code[c->len++] = w;
}

/* Starts an instruction; returns its position. It is not a producer until
 * the caller says so (last_dst). */
uint32_t wasm_e_op(struct comp *c, enum wasm_op op)
{
	uint32_t pos = c->len;

	c->last_dst = WASM_NONE;
	wasm_e_word(c, (uint32_t)c->h[op]);
	return pos;
}

uint32_t wasm_e_slot(const struct comp *c, uint32_t height)
{
	return c->nlocals + height;
}

static void emit_const(struct comp *c, uint32_t dst, uint8_t type, uint64_t v)
{
	if (type == WASM_I64 || type == WASM_F64) {
		wasm_e_op(c, WASM_OP_CONST64);
		wasm_e_word(c, dst);
		wasm_e_word(c, (uint32_t)v);
		wasm_e_word(c, (uint32_t)(v >> 32));
	} else {
		wasm_e_op(c, WASM_OP_CONST32);
		wasm_e_word(c, dst);
		wasm_e_word(c, (uint32_t)v);
	}
}

uint32_t wasm_e_loc(struct comp *c, struct ventry *e, uint32_t h)
{
	if (e->kind == VK_CONST) {
		uint32_t dst = wasm_e_slot(c, h);

		emit_const(c, dst, e->type, e->val);
		e->kind = VK_SLOT;
		e->loc = dst;
	}
	return e->loc;
}

void wasm_e_move(struct comp *c, const struct ventry *e, uint32_t dst)
{
	if (e->kind == VK_CONST) {
		emit_const(c, dst, e->type, e->val);
	} else if (e->loc != dst) {
		wasm_e_op(c, WASM_OP_COPY);
		wasm_e_word(c, dst);
		wasm_e_word(c, e->loc);
	}
}

void wasm_e_move_result(struct comp *c, const struct ventry *e, uint32_t h, uint32_t dst)
{
	if (c->last_dst != WASM_NONE && e->kind == VK_SLOT && e->loc == wasm_e_slot(c, h) &&
	    c->code[c->last_dst] == e->loc) {
		c->code[c->last_dst] = dst;
		c->last_dst = WASM_NONE;
		return;
	}
	wasm_e_move(c, e, dst);
}

void wasm_e_materialize(struct comp *c, uint32_t from)
{
	bool whole = from <= c->mat_floor;

	if (from < c->mat_floor)
		from = c->mat_floor;
	for (uint32_t i = from; i < c->vh; i++) {
		struct ventry *e = &c->vs[i];
		uint32_t dst = wasm_e_slot(c, i);

		if (e->kind == VK_CONST || e->loc != dst) {
			wasm_e_move(c, e, dst);
			e->kind = VK_SLOT;
			e->loc = dst;
		}
	}
	if (whole)
		c->mat_floor = c->vh;
}

void wasm_e_spill_local(struct comp *c, uint32_t x)
{
	for (uint32_t i = c->mat_floor; i < c->vh; i++) {
		struct ventry *e = &c->vs[i];

		if (e->kind == VK_SLOT && e->loc == x) {
			uint32_t dst = wasm_e_slot(c, i);

			wasm_e_move(c, e, dst);
			e->loc = dst;
		}
	}
}

void wasm_e_jump_to(struct comp *c, struct ctrl *t)
{
	uint32_t pos = c->len;

	if (t->kind == CT_LOOP) {
		wasm_e_word(c, t->target - pos);
	} else {
		wasm_e_word(c, t->pending);
		t->pending = pos + 1;
	}
}

void wasm_e_patch(struct comp *c, uint32_t chain)
{
	while (chain) {
		uint32_t pos = chain - 1;

		if (pos >= c->len)
			return; /* only after a full buffer: c->err is set */
		chain = c->code[pos];
		c->code[pos] = c->len - pos;
	}
	c->last_dst = WASM_NONE;
}

/* i32 comparisons and their compare-and-branch forms: taken when true, and
 * when false (the negated comparison). */
static const struct { uint8_t cmp, br, br_not; } fusable[] = {
	{ WASM_OP_I32_EQ, WASM_OP_BR_I32_EQ, WASM_OP_BR_I32_NE },
	{ WASM_OP_I32_NE, WASM_OP_BR_I32_NE, WASM_OP_BR_I32_EQ },
	{ WASM_OP_I32_LT_S, WASM_OP_BR_I32_LT_S, WASM_OP_BR_I32_GE_S },
	{ WASM_OP_I32_LT_U, WASM_OP_BR_I32_LT_U, WASM_OP_BR_I32_GE_U },
	{ WASM_OP_I32_GT_S, WASM_OP_BR_I32_GT_S, WASM_OP_BR_I32_LE_S },
	{ WASM_OP_I32_GT_U, WASM_OP_BR_I32_GT_U, WASM_OP_BR_I32_LE_U },
	{ WASM_OP_I32_LE_S, WASM_OP_BR_I32_LE_S, WASM_OP_BR_I32_GT_S },
	{ WASM_OP_I32_LE_U, WASM_OP_BR_I32_LE_U, WASM_OP_BR_I32_GT_U },
	{ WASM_OP_I32_GE_S, WASM_OP_BR_I32_GE_S, WASM_OP_BR_I32_LT_S },
	{ WASM_OP_I32_GE_U, WASM_OP_BR_I32_GE_U, WASM_OP_BR_I32_LT_U },
	{ WASM_OP_I32_EQ_RI, WASM_OP_BR_I32_EQ_RI, WASM_OP_BR_I32_NE_RI },
	{ WASM_OP_I32_NE_RI, WASM_OP_BR_I32_NE_RI, WASM_OP_BR_I32_EQ_RI },
	{ WASM_OP_I32_LT_S_RI, WASM_OP_BR_I32_LT_S_RI, WASM_OP_BR_I32_GE_S_RI },
	{ WASM_OP_I32_LT_U_RI, WASM_OP_BR_I32_LT_U_RI, WASM_OP_BR_I32_GE_U_RI },
	{ WASM_OP_I32_GT_S_RI, WASM_OP_BR_I32_GT_S_RI, WASM_OP_BR_I32_LE_S_RI },
	{ WASM_OP_I32_GT_U_RI, WASM_OP_BR_I32_GT_U_RI, WASM_OP_BR_I32_LE_U_RI },
	{ WASM_OP_I32_LE_S_RI, WASM_OP_BR_I32_LE_S_RI, WASM_OP_BR_I32_GT_S_RI },
	{ WASM_OP_I32_LE_U_RI, WASM_OP_BR_I32_LE_U_RI, WASM_OP_BR_I32_GT_U_RI },
	{ WASM_OP_I32_GE_S_RI, WASM_OP_BR_I32_GE_S_RI, WASM_OP_BR_I32_LT_S_RI },
	{ WASM_OP_I32_GE_U_RI, WASM_OP_BR_I32_GE_U_RI, WASM_OP_BR_I32_LT_U_RI },
	{ WASM_OP_I32_EQZ, WASM_OP_BR_UNLESS, WASM_OP_BR_IF },
};

bool wasm_e_fuse_branch(struct comp *c, const struct ventry *cond, uint32_t h, bool when_false)
{
	uint32_t at;

	if (c->last_dst == WASM_NONE || c->last_dst == 0 || cond->kind != VK_SLOT ||
	    cond->loc != wasm_e_slot(c, h) || c->code[c->last_dst] != cond->loc)
		return false;
	at = c->last_dst - 1;
	for (unsigned i = 0; i < sizeof fusable / sizeof fusable[0]; i++) {
		if (c->code[at] != (uint32_t)c->h[fusable[i].cmp])
			continue;
		c->code[at] = (uint32_t)c->h[when_false ? fusable[i].br_not : fusable[i].br];
		if (fusable[i].cmp == WASM_OP_I32_EQZ) {
			c->code[at + 1] = c->code[at + 2];
			c->len = at + 2;
		} else {
			c->code[at + 1] = c->code[at + 2];
			c->code[at + 2] = c->code[at + 3];
			c->len = at + 3;
		}
		c->last_dst = WASM_NONE;
		return true;
	}
	return false;
}
