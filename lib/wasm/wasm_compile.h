/* The function compiler's state, shared by the validator's stack machinery
 * (wasm_validate.c), code emission (wasm_emit.c) and the opcode loop
 * (wasm_compile.c). Internal to lib/wasm. */
#ifndef CAPOS_LIB_WASM_COMPILE_H
#define CAPOS_LIB_WASM_COMPILE_H

#include "lib/wasm/wasm_internal.h"

#define WASM_NONE 0xffffffffu
#define WASM_UNKNOWN 0 /* the type of a value popped from unreachable code */

/* An operand: where its value lives at run time. SLOT: in fp[loc] (its
 * canonical slot base+height, or a local it was read from); CONST: not yet
 * anywhere (written to its canonical slot when a consumer needs a slot). */
enum { VK_SLOT, VK_CONST };

struct ventry {
	uint8_t type, kind;
	uint32_t loc;
	uint64_t val;
};

enum { CT_FUNC, CT_BLOCK, CT_LOOP, CT_IF };

/* A control frame of the validator, with the compiler's jump bookkeeping. */
struct ctrl {
	uint8_t kind, result;        /* result: 0 or a value type */
	bool unreachable, has_else;
	bool dead;                   /* entered from unreachable code: emit nothing */
	uint32_t height;             /* operand stack height at entry */
	uint32_t pending;            /* chain of forward jump words (position+1), 0 = none */
	uint32_t else_jump;          /* IF: the BR_UNLESS jump word + 1 */
	uint32_t target;             /* LOOP: code position of the loop head */
	uint32_t fuel_word, saved_fuel;
};

struct comp {
	struct wasm_module *m;
	const int32_t *h;            /* handler offsets */
	struct wasm_reader r;
	const struct wasm_functype *ft;
	int err;
	/* code, emitted at the arena's bottom */
	uint32_t *code;
	uint32_t len, cap;
	uint32_t last_dst;           /* dst word of the last instruction, if a producer */
	/* locals: params then declared locals; slots 0..nlocals-1 */
	uint8_t *local_types;
	uint32_t nlocals;
	/* operand stack (height h lives in slot nlocals + h) and control stack */
	struct ventry *vs;
	uint32_t vh, vcap, max_h, mat_floor;
	struct ctrl *cs;
	uint32_t ch, ccap;
	uint32_t fuel;               /* instructions since the last charge point */
};

/* wasm_validate.c: the typed operand and control stacks. */
bool wasm_c_dead(const struct comp *c);
struct ctrl *wasm_c_top(struct comp *c);
int wasm_c_push(struct comp *c, uint8_t type, uint8_t kind, uint32_t loc, uint64_t val);
/* Pops one operand of type want (0: any); *h gets its height. */
int wasm_c_pop(struct comp *c, uint8_t want, struct ventry *out, uint32_t *h);
int wasm_c_push_ctrl(struct comp *c, uint8_t kind, uint8_t result);
/* Checks the top frame's results are exactly on the stack (not popped). */
int wasm_c_check_end(struct comp *c);
/* The label at depth l, or NULL. Its arity type: wasm_c_label_type. */
struct ctrl *wasm_c_label(struct comp *c, uint32_t l);
uint8_t wasm_c_label_type(const struct ctrl *t);
/* Marks the rest of the current block unreachable (after br, return, ...). */
void wasm_c_set_unreachable(struct comp *c);

/* wasm_emit.c: code emission. */
uint32_t wasm_e_op(struct comp *c, enum wasm_op op);
void wasm_e_word(struct comp *c, uint32_t w);
uint32_t wasm_e_slot(const struct comp *c, uint32_t height);
/* The slot holding e (at height h), writing a constant there first. */
uint32_t wasm_e_loc(struct comp *c, struct ventry *e, uint32_t h);
/* Emits what puts e's value into slot dst. */
void wasm_e_move(struct comp *c, const struct ventry *e, uint32_t dst);
/* Like wasm_e_move for e at height h; when the instruction just emitted
 * computed e into its canonical slot, that instruction writes dst instead.
 * Only for a dst that no operand still on the stack reads. */
void wasm_e_move_result(struct comp *c, const struct ventry *e, uint32_t h, uint32_t dst);
/* Puts every operand from height `from` up in its canonical slot. */
void wasm_e_materialize(struct comp *c, uint32_t from);
/* Copies out operands that still read local x, before x is written. */
void wasm_e_spill_local(struct comp *c, uint32_t x);
/* A forward jump word to t's end, or a backward one to t's loop head. */
void wasm_e_jump_to(struct comp *c, struct ctrl *t);
/* Resolves a chain of forward jump words to the current position. */
void wasm_e_patch(struct comp *c, uint32_t chain);

/* When cond (popped from height h) was computed by the instruction just
 * emitted, an i32 comparison or eqz, rewrites that instruction in place into
 * a compare-and-branch taken when cond is true (or false, when_false) and
 * leaves c->len at its jump word, still to be written. */
bool wasm_e_fuse_branch(struct comp *c, const struct ventry *cond, uint32_t h, bool when_false);

/* wasm_compile_ops.c: the non-control opcodes. */
int wasm_c_numeric(struct comp *c, uint8_t op);
int wasm_c_memory(struct comp *c, uint8_t op);
int wasm_c_variable(struct comp *c, uint8_t op);

#endif
