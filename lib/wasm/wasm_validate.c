/* The validator's operand and control stacks (the algorithm of the spec's
 * validation appendix): operands carry a type (WASM_UNKNOWN when popped from
 * the polymorphic stack of unreachable code) and, for the compiler, where
 * their value lives. Capacities come from the body length, so a push can
 * only fail on a bug; it is still checked. */
#include "lib/wasm/wasm_compile.h"

bool wasm_c_dead(const struct comp *c)
{
	return c->cs[c->ch - 1].unreachable || c->cs[c->ch - 1].dead;
}

struct ctrl *wasm_c_top(struct comp *c)
{
	return &c->cs[c->ch - 1];
}

int wasm_c_push(struct comp *c, uint8_t type, uint8_t kind, uint32_t loc, uint64_t val)
{
	if (c->vh >= c->vcap)
		return WASM_ERR_LIMIT;
	c->vs[c->vh++] = (struct ventry){ .type = type, .kind = kind, .loc = loc, .val = val };
	if (c->vh > c->max_h)
		c->max_h = c->vh;
	return WASM_OK;
}

/* Pops one operand. At the current frame's height the stack is empty: an
 * error, unless the frame is unreachable, where any type may be popped (the
 * operand is then never used by emitted code). */
int wasm_c_pop(struct comp *c, uint8_t want, struct ventry *out, uint32_t *h)
{
	struct ctrl *t = wasm_c_top(c);

	if (c->vh == t->height) {
		if (!t->unreachable)
			return WASM_ERR_TYPE_MISMATCH;
		*out = (struct ventry){ .type = WASM_UNKNOWN, .kind = VK_SLOT, .loc = 0 };
		*h = c->vh;
		return WASM_OK;
	}
	*out = c->vs[--c->vh];
	*h = c->vh;
	if (c->vh < c->mat_floor)
		c->mat_floor = c->vh;
	if (want && out->type && out->type != want)
		return WASM_ERR_TYPE_MISMATCH;
	return WASM_OK;
}

int wasm_c_push_ctrl(struct comp *c, uint8_t kind, uint8_t result)
{
	bool dead;

	if (c->ch >= c->ccap)
		return WASM_ERR_LIMIT;
	dead = c->ch && wasm_c_dead(c);
	c->cs[c->ch] = (struct ctrl){ .kind = kind, .result = result, .height = c->vh, .dead = dead };
	c->ch++;
	return WASM_OK;
}

/* The stack must hold exactly the frame's results above its height. */
int wasm_c_check_end(struct comp *c)
{
	struct ctrl *t = wasm_c_top(c);
	uint32_t want = t->height + (t->result ? 1 : 0);

	if (t->result) {
		struct ventry e;
		uint32_t h;
		int err = wasm_c_pop(c, t->result, &e, &h);

		if (err)
			return err;
		if (c->vh != t->height)
			return WASM_ERR_TYPE_MISMATCH;
		/* put it back for the caller (a popped unknown becomes a real slot) */
		if (e.type == WASM_UNKNOWN)
			e = (struct ventry){ .type = t->result, .kind = VK_SLOT,
			                     .loc = wasm_e_slot(c, h) };
		c->vs[c->vh++] = e;
		return WASM_OK;
	}
	return c->vh == want ? WASM_OK : WASM_ERR_TYPE_MISMATCH;
}

struct ctrl *wasm_c_label(struct comp *c, uint32_t l)
{
	if (l >= c->ch)
		return NULL;
	return &c->cs[c->ch - 1 - l];
}

uint8_t wasm_c_label_type(const struct ctrl *t)
{
	return t->kind == CT_LOOP ? 0 : t->result;
}

void wasm_c_set_unreachable(struct comp *c)
{
	struct ctrl *t = wasm_c_top(c);

	c->vh = t->height;
	if (c->mat_floor > c->vh)
		c->mat_floor = c->vh;
	t->unreachable = true;
}
