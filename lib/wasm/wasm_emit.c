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
