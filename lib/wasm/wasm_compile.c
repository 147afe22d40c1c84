/* The function compiler: one pass over a body that validates it (with the
 * stacks of wasm_validate.c) and emits slot-addressed threaded code
 * (wasm_internal.h). This file has the body setup and the control
 * instructions; wasm_compile_ops.c the rest.
 *
 * Frame layout: slots 0..nparams-1 are the arguments (written by the
 * caller), then the declared locals (zeroed on entry), then one slot per
 * operand stack height. A block's result lives in the slot of the block's
 * entry height; a call's arguments are the callee's first slots, so its frame
 * starts at the first argument's slot. */
#include "lib/mem.h"
#include "lib/wasm/wasm_compile.h"

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

static int read_blocktype(struct comp *c, uint8_t *out)
{
	uint8_t b;

	TRY(wasm_read_u8(&c->r, &b));
	if (b == 0x40) {
		*out = 0;
		return WASM_OK;
	}
	if (!wasm_valtype_ok(b))
		return WASM_ERR_BLOCKTYPE;
	*out = b;
	return WASM_OK;
}

static int op_block(struct comp *c, uint8_t kind)
{
	uint8_t bt;

	TRY(read_blocktype(c, &bt));
	if (!wasm_c_dead(c))
		wasm_e_materialize(c, 0);
	c->last_dst = WASM_NONE; /* a label: no result may be redirected across it */
	TRY(wasm_c_push_ctrl(c, kind, bt));
	if (kind == CT_LOOP) {
		struct ctrl *t = wasm_c_top(c);

		t->target = c->len;
		t->saved_fuel = c->fuel;
		c->fuel = 0;
		if (!t->dead && !c->m->cfg.unmetered) {
			wasm_e_op(c, WASM_OP_LOOP);
			t->fuel_word = c->len;
			wasm_e_word(c, 0);
		}
	}
	return WASM_OK;
}

static int op_if(struct comp *c)
{
	uint8_t bt;
	struct ventry cond;
	uint32_t h, lc = 0;
	bool dead;

	TRY(read_blocktype(c, &bt));
	TRY(wasm_c_pop(c, WASM_I32, &cond, &h));
	dead = wasm_c_dead(c);
	if (!dead) {
		/* operands below are materialized first: then the comparison that
		 * computed cond, if any, is still the last instruction */
		wasm_e_materialize(c, 0);
		if (!wasm_e_fuse_branch(c, &cond, h, true)) {
			lc = wasm_e_loc(c, &cond, h);
			wasm_e_op(c, WASM_OP_BR_UNLESS);
			wasm_e_word(c, lc);
		}
	}
	TRY(wasm_c_push_ctrl(c, CT_IF, bt));
	if (!dead) {
		wasm_c_top(c)->else_jump = c->len + 1;
		wasm_e_word(c, 0);
	}
	return WASM_OK;
}

/* At the end of a frame's reachable code: its result into the frame's slot. */
static void fallthrough_result(struct comp *c, struct ctrl *t)
{
	if (t->result && !wasm_c_dead(c))
		wasm_e_move(c, &c->vs[c->vh - 1], wasm_e_slot(c, t->height));
}

static int op_else(struct comp *c)
{
	struct ctrl *t = wasm_c_top(c);

	if (t->kind != CT_IF || t->has_else)
		return WASM_ERR_OPCODE;
	TRY(wasm_c_check_end(c));
	if (!wasm_c_dead(c)) {
		fallthrough_result(c, t);
		wasm_e_op(c, WASM_OP_JMP);
		wasm_e_jump_to(c, t);
	}
	wasm_e_patch(c, t->else_jump);
	t->else_jump = 0;
	t->has_else = true;
	t->unreachable = false;
	c->vh = t->height;
	if (c->mat_floor > c->vh)
		c->mat_floor = c->vh;
	return WASM_OK;
}

/* The function's end: its result to slot 0 and return. Branches to the
 * function label land here with the result in the frame's first operand
 * slot. */
static void emit_function_end(struct comp *c, struct ctrl *t)
{
	bool live = !wasm_c_dead(c);

	if (t->pending == 0) {
		if (live) {
			if (t->result)
				wasm_e_move_result(c, &c->vs[c->vh - 1], c->vh - 1, 0);
			wasm_e_op(c, WASM_OP_RET);
		}
		return;
	}
	fallthrough_result(c, t);
	wasm_e_patch(c, t->pending);
	if (t->result) {
		struct ventry e = { .type = t->result, .kind = VK_SLOT,
		                    .loc = wasm_e_slot(c, t->height) };

		wasm_e_move(c, &e, 0);
	}
	wasm_e_op(c, WASM_OP_RET);
}

static int op_end(struct comp *c)
{
	struct ctrl *t = wasm_c_top(c);
	struct ctrl done;

	if (t->kind == CT_IF && !t->has_else && t->result)
		return WASM_ERR_TYPE_MISMATCH;
	TRY(wasm_c_check_end(c));
	if (t->kind == CT_FUNC) {
		emit_function_end(c, t);
		c->ch--;
		return WASM_OK;
	}
	fallthrough_result(c, t);
	if (t->kind == CT_LOOP) {
		if (!t->dead && !c->m->cfg.unmetered && t->fuel_word < c->len)
			c->code[t->fuel_word] = c->fuel + 1;
		c->fuel = t->saved_fuel;
	}
	wasm_e_patch(c, t->else_jump);
	wasm_e_patch(c, t->pending);
	done = *t;
	c->ch--;
	c->vh = done.height;
	if (c->mat_floor > c->vh)
		c->mat_floor = c->vh;
	if (done.result)
		TRY(wasm_c_push(c, done.result, VK_SLOT, wasm_e_slot(c, done.height), 0));
	return WASM_OK;
}

/* Pops a branch's value (when the label has one) and puts it back: br_if
 * and br_table leave the stack as it was. */
static int branch_value(struct comp *c, uint8_t type, struct ventry **out)
{
	struct ventry e;
	uint32_t h;

	*out = NULL;
	if (!type)
		return WASM_OK;
	TRY(wasm_c_pop(c, type, &e, &h));
	if (e.type == WASM_UNKNOWN)
		e.type = type;
	TRY(wasm_c_push(c, e.type, e.kind, e.loc, e.val));
	*out = &c->vs[c->vh - 1];
	return WASM_OK;
}

static int read_label(struct comp *c, struct ctrl **t)
{
	uint32_t l;

	TRY(wasm_read_u32(&c->r, &l));
	*t = wasm_c_label(c, l);
	return *t ? WASM_OK : WASM_ERR_UNKNOWN_LABEL;
}

static int op_br(struct comp *c)
{
	struct ctrl *t;
	struct ventry *v;

	TRY(read_label(c, &t));
	TRY(branch_value(c, wasm_c_label_type(t), &v));
	if (!wasm_c_dead(c)) {
		if (v)
			wasm_e_move(c, v, wasm_e_slot(c, t->height));
		wasm_e_op(c, WASM_OP_JMP);
		wasm_e_jump_to(c, t);
	}
	wasm_c_set_unreachable(c);
	return WASM_OK;
}

static int op_br_if(struct comp *c)
{
	struct ctrl *t;
	struct ventry cond, *v;
	uint32_t h, lc;

	TRY(read_label(c, &t));
	TRY(wasm_c_pop(c, WASM_I32, &cond, &h));
	TRY(branch_value(c, wasm_c_label_type(t), &v));
	if (wasm_c_dead(c))
		return WASM_OK;
	if (!v && wasm_e_fuse_branch(c, &cond, h, false)) {
		wasm_e_jump_to(c, t);
		return WASM_OK;
	}
	lc = wasm_e_loc(c, &cond, h);
	if (v) {
		uint32_t src = wasm_e_loc(c, v, c->vh - 1);

		wasm_e_op(c, WASM_OP_BR_IF_COPY);
		wasm_e_word(c, lc);
		wasm_e_word(c, src);
		wasm_e_word(c, wasm_e_slot(c, t->height));
	} else {
		wasm_e_op(c, WASM_OP_BR_IF);
		wasm_e_word(c, lc);
	}
	wasm_e_jump_to(c, t);
	return WASM_OK;
}

/* br_table: the label list is read three times: its syntax first (a
 * malformed body must not be reported as invalid), then to type-check, then
 * to emit. */
static int op_br_table(struct comp *c)
{
	struct wasm_reader save;
	struct ctrl *t, *def;
	struct ventry idx, *v;
	uint32_t n, h, li, l, src = 0;
	uint8_t type;

	TRY(wasm_read_count(&c->r, 1, &n));
	save = c->r;
	for (uint32_t i = 0; i <= n; i++)
		TRY(wasm_read_u32(&c->r, &l));
	c->r = save;
	for (uint32_t i = 0; i < n; i++)
		TRY(read_label(c, &t));
	TRY(read_label(c, &def));
	type = wasm_c_label_type(def);
	c->r = save;
	for (uint32_t i = 0; i < n; i++) {
		TRY(read_label(c, &t));
		if (wasm_c_label_type(t) != type)
			return WASM_ERR_TYPE_MISMATCH;
	}
	TRY(read_label(c, &def));
	TRY(wasm_c_pop(c, WASM_I32, &idx, &h));
	TRY(branch_value(c, type, &v));
	if (!wasm_c_dead(c)) {
		struct wasm_reader end = c->r;

		li = wasm_e_loc(c, &idx, h);
		if (v)
			src = wasm_e_loc(c, v, c->vh - 1);
		wasm_e_op(c, v ? WASM_OP_BR_TABLE_COPY : WASM_OP_BR_TABLE);
		wasm_e_word(c, li);
		if (v)
			wasm_e_word(c, src);
		wasm_e_word(c, n);
		c->r = save;
		for (uint32_t i = 0; i <= n; i++) {
			TRY(read_label(c, &t));
			wasm_e_jump_to(c, t);
			if (v)
				wasm_e_word(c, wasm_e_slot(c, t->height));
		}
		c->r = end;
	}
	wasm_c_set_unreachable(c);
	return WASM_OK;
}

static int op_return(struct comp *c)
{
	struct ventry *v;

	TRY(branch_value(c, c->cs[0].result, &v));
	if (!wasm_c_dead(c)) {
		if (v)
			wasm_e_move_result(c, v, c->vh - 1, 0);
		wasm_e_op(c, WASM_OP_RET);
	}
	wasm_c_set_unreachable(c);
	return WASM_OK;
}

/* Pops a call's arguments (type ft) into the slots from the first
 * argument's up, emits op with its immediate, then pushes the result. */
static int emit_call(struct comp *c, const struct wasm_functype *ft, enum wasm_op op,
                     uint32_t imm, const struct ventry *idx, uint32_t idx_h)
{
	uint32_t base;

	for (uint32_t i = ft->nparams; i-- > 0;) {
		struct ventry e;
		uint32_t h;

		TRY(wasm_c_pop(c, ft->params[i], &e, &h));
	}
	base = c->vh;
	if (!wasm_c_dead(c)) {
		struct ventry ix = idx ? *idx : (struct ventry){ 0 };
		uint32_t li = idx ? wasm_e_loc(c, &ix, idx_h) : 0;

		c->vh += ft->nparams; /* the popped arguments are still in vs */
		wasm_e_materialize(c, base);
		c->vh = base;
		wasm_e_op(c, op);
		wasm_e_word(c, imm);
		wasm_e_word(c, wasm_e_slot(c, base));
		if (idx)
			wasm_e_word(c, li);
	}
	if (ft->nresults)
		TRY(wasm_c_push(c, ft->results[0], VK_SLOT, wasm_e_slot(c, base), 0));
	return WASM_OK;
}

static int op_call(struct comp *c)
{
	uint32_t f;

	TRY(wasm_read_u32(&c->r, &f));
	if (f >= c->m->nfuncs)
		return WASM_ERR_UNKNOWN_FUNC;
	return emit_call(c, &c->m->types[c->m->func_types[f]], WASM_OP_CALL, f, NULL, 0);
}

static int op_call_indirect(struct comp *c)
{
	uint32_t ti, h;
	uint8_t zero;
	struct ventry idx;

	TRY(wasm_read_u32(&c->r, &ti));
	TRY(wasm_read_u8(&c->r, &zero));
	if (zero != 0)
		return WASM_ERR_ZERO_FLAG;
	if (!c->m->has_table)
		return WASM_ERR_UNKNOWN_TABLE;
	if (ti >= c->m->ntypes)
		return WASM_ERR_UNKNOWN_TYPE;
	TRY(wasm_c_pop(c, WASM_I32, &idx, &h));
	return emit_call(c, &c->m->types[ti], WASM_OP_CALL_INDIRECT, ti, &idx, h);
}

static int op_drop_select(struct comp *c, uint8_t op)
{
	struct ventry a, b, cond;
	uint32_t ha, hb, hc, dst;

	if (op == 0x1a)
		return wasm_c_pop(c, 0, &a, &ha);
	TRY(wasm_c_pop(c, WASM_I32, &cond, &hc));
	TRY(wasm_c_pop(c, 0, &b, &hb));
	TRY(wasm_c_pop(c, 0, &a, &ha));
	if (a.type && b.type && a.type != b.type)
		return WASM_ERR_TYPE_MISMATCH;
	if (!a.type)
		a.type = b.type;
	dst = wasm_e_slot(c, ha);
	if (!wasm_c_dead(c)) {
		uint32_t la = wasm_e_loc(c, &a, ha), lb = wasm_e_loc(c, &b, hb);
		uint32_t lc = wasm_e_loc(c, &cond, hc);

		wasm_e_op(c, WASM_OP_SELECT);
		c->last_dst = c->len;
		wasm_e_word(c, dst);
		wasm_e_word(c, la);
		wasm_e_word(c, lb);
		wasm_e_word(c, lc);
	}
	return wasm_c_push(c, a.type, VK_SLOT, dst, 0);
}

/* One instruction; *done when the function's final end was read. */
static int compile_insn(struct comp *c, bool *done)
{
	uint8_t op;

	TRY(wasm_read_u8(&c->r, &op));
	c->fuel++;
	switch (op) {
	case 0x00:
		if (!wasm_c_dead(c))
			wasm_e_op(c, WASM_OP_UNREACHABLE);
		wasm_c_set_unreachable(c);
		return WASM_OK;
	case 0x01: return WASM_OK;
	case 0x02: return op_block(c, CT_BLOCK);
	case 0x03: return op_block(c, CT_LOOP);
	case 0x04: return op_if(c);
	case 0x05: return op_else(c);
	case 0x0b:
		TRY(op_end(c));
		*done = c->ch == 0;
		return WASM_OK;
	case 0x0c: return op_br(c);
	case 0x0d: return op_br_if(c);
	case 0x0e: return op_br_table(c);
	case 0x0f: return op_return(c);
	case 0x10: return op_call(c);
	case 0x11: return op_call_indirect(c);
	case 0x1a: case 0x1b: return op_drop_select(c, op);
	case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
	case 0x41: case 0x42: case 0x43: case 0x44:
		return wasm_c_variable(c, op);
	default:
		break;
	}
	if (op >= 0x28 && op <= 0x40)
		return wasm_c_memory(c, op);
	if (op >= 0x45 && op <= 0xbf)
		return wasm_c_numeric(c, op);
	return WASM_ERR_OPCODE;
}

/* Reads the local declarations into local_types (scratch), params first. */
static int read_locals(struct comp *c, struct wasm_arena *a)
{
	struct wasm_reader save;
	uint32_t ngroups, n;
	uint64_t total = c->ft->nparams;
	uint8_t t;

	TRY(wasm_read_count(&c->r, 2, &ngroups));
	save = c->r;
	for (uint32_t i = 0; i < ngroups; i++) {
		TRY(wasm_read_u32(&c->r, &n));
		TRY(wasm_read_valtype(&c->r, &t));
		total += n;
		if (total > UINT32_MAX)
			return WASM_ERR_TOO_MANY_LOCALS;
	}
	if (total > c->m->cfg.max_locals)
		return WASM_ERR_LIMIT;
	c->nlocals = (uint32_t)total;
	c->local_types = wasm_arena_scratch(a, c->nlocals + 1);
	if (!c->local_types)
		return WASM_ERR_ARENA;
	memcpy(c->local_types, c->ft->params, c->ft->nparams);
	c->r = save;
	for (uint32_t i = 0, k = c->ft->nparams; i < ngroups; i++) {
		TRY(wasm_read_u32(&c->r, &n));
		TRY(wasm_read_valtype(&c->r, &t));
		memset(c->local_types + k, t, n);
		k += n;
	}
	return WASM_OK;
}

/* Scratch stacks sized from the body: every push and every block consumes
 * at least one byte of it. */
static int setup(struct comp *c, struct wasm_body *b, struct wasm_arena *a)
{
	size_t blen = (size_t)(b->end - c->r.p);

	c->vcap = (uint32_t)blen + 2;
	c->ccap = (uint32_t)blen + 2;
	c->vs = wasm_arena_scratch(a, (size_t)c->vcap * sizeof *c->vs);
	c->cs = wasm_arena_scratch(a, (size_t)c->ccap * sizeof *c->cs);
	if (!c->vs || !c->cs)
		return WASM_ERR_ARENA;
	c->code = (uint32_t *)(a->base + a->lo);
	c->cap = (uint32_t)((a->hi - a->lo) / 4 < UINT32_MAX ? (a->hi - a->lo) / 4 : UINT32_MAX);
	return wasm_c_push_ctrl(c, CT_FUNC, c->ft->nresults ? c->ft->results[0] : 0);
}

static int compile(struct comp *c, struct wasm_body *b, struct wasm_arena *a)
{
	bool done = false;

	TRY(read_locals(c, a));
	if (b->end - c->r.p > (ptrdiff_t)UINT32_MAX / 64)
		return WASM_ERR_LIMIT;
	TRY(setup(c, b, a));
	while (!done) {
		if (c->r.p >= c->r.end)
			return WASM_ERR_END_EXPECTED;
		TRY(compile_insn(c, &done));
		if (c->err)
			return c->err;
	}
	if (c->r.p != c->r.end)
		return WASM_ERR_BODY_SIZE;
	return WASM_OK;
}

int wasm_compile_body(struct wasm_module *m, uint32_t i, struct wasm_arena *a)
{
	struct wasm_body *b = &m->bodies[i];
	struct comp c = { .m = m, .h = wasm_interp_handlers(), .r = { b->start, b->end },
	                  .ft = &m->types[m->func_types[m->nfunc_imports + i]],
	                  .last_dst = WASM_NONE };
	size_t mark = wasm_arena_mark(a);
	int err = compile(&c, b, a);

	wasm_arena_release(a, mark);
	if (err)
		return err;
	b->code = (uint32_t)(c.code - m->code);
	b->frame_slots = c.nlocals + c.max_h + 1;
	b->nlocals = c.nlocals - c.ft->nparams;
	b->fuel = c.fuel + 1;
	m->code_len = b->code + c.len;
	if (!wasm_arena_alloc(a, (size_t)c.len * 4))
		return WASM_ERR_ARENA;
	return WASM_OK;
}
