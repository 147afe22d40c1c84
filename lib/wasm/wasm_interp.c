/* The interpreter of the internal code (wasm_internal.h): direct threading
 * with computed goto. Each handler reads its operand slots relative to the
 * frame pointer, writes its result slot and jumps to the next handler; no
 * operand stack pointer moves at run time. Calls push a frame record (the
 * return pc, frame pointer and instance) on the machine's frame stack;
 * both that stack and the value slots are bounded and checked on every call,
 * so deep recursion traps (WASM_TRAP_STACK_EXHAUSTED) and the host stack
 * never grows. Every memory access is checked against the current memory
 * size. Fuel is charged on function entry and on every loop iteration. */
#include "lib/mem.h"
#include "lib/wasm/wasm_float.h"
#include "lib/wasm/wasm_internal.h"

/* One copy of run() must exist: handler offsets are label addresses of that
 * copy, so it may be neither inlined into its two callers nor cloned. */
#if defined(__clang__)
#define ONE_COPY __attribute__((noinline))
#else
#define ONE_COPY __attribute__((noipa))
#endif

static int32_t handler_table[WASM_OP_COUNT];
static bool handlers_ready;
static int run(struct wasm_machine *m, struct wasm_func *f, bool init) ONE_COPY;

/* Filled once, by the interpreter itself (labels are local to it). */
const int32_t *wasm_interp_handlers(void)
{
	if (!handlers_ready) {
		run(NULL, NULL, true);
		handlers_ready = true;
	}
	return handler_table;
}

int wasm_interp_run(struct wasm_machine *m, struct wasm_func *f)
{
	return run(m, f, false);
}

#define S(i) fp[pc[i]]
#define U32(i) ((uint32_t)S(i))
#define I32(i) ((int32_t)(uint32_t)S(i))
#define I64(i) ((int64_t)S(i))
#define F32(i) f32_of((uint32_t)S(i))
#define F64(i) f64_of(S(i))
#define NEXT() goto *(const void *)(hbase + (int32_t)*pc)
#define TRAP(t) do { trap = (t); goto out; } while (0)

#define UN(name, n, expr) L_##name: { S(1) = (expr); pc += n; NEXT(); }
#define I32_BIN(name, expr) L_##name: { uint32_t a = U32(2), b = U32(3); \
	S(1) = (uint32_t)(expr); pc += 4; NEXT(); }
#define I32_RI(name, expr) L_##name: { uint32_t a = U32(2), b = pc[3]; \
	S(1) = (uint32_t)(expr); pc += 4; NEXT(); }
#define I64_BIN(name, expr) L_##name: { uint64_t a = S(2), b = S(3); \
	S(1) = (uint64_t)(expr); pc += 4; NEXT(); }
#define I64_RI(name, expr) L_##name: { uint64_t a = S(2), b = (uint64_t)(int64_t)(int32_t)pc[3]; \
	S(1) = (uint64_t)(expr); pc += 4; NEXT(); }
#define F32_BIN(name, expr) L_##name: { float a = F32(2), b = F32(3); \
	S(1) = bits_f32(expr); pc += 4; NEXT(); }
#define F64_BIN(name, expr) L_##name: { double a = F64(2), b = F64(3); \
	S(1) = bits_f64(expr); pc += 4; NEXT(); }
#define F32_CMP(name, expr) L_##name: { float a = F32(2), b = F32(3); \
	S(1) = (uint32_t)(expr); pc += 4; NEXT(); }
#define F64_CMP(name, expr) L_##name: { double a = F64(2), b = F64(3); \
	S(1) = (uint32_t)(expr); pc += 4; NEXT(); }
/* Effective address check: addr + off + size within the memory. */
#define EA(size) uint64_t ea = (uint64_t)U32(2) + pc[3]; \
	if (ea + (size) > msize) TRAP(WASM_TRAP_OOB_MEMORY)
#define LOAD(name, T, conv) L_##name: { T v; EA(sizeof(T)); \
	__builtin_memcpy(&v, mbase + ea, sizeof v); S(1) = (conv); pc += 4; NEXT(); }
#define STORE(name, T) L_##name: { uint64_t ea = (uint64_t)U32(1) + pc[3]; T v = (T)S(2); \
	if (ea + sizeof(T) > msize) TRAP(WASM_TRAP_OOB_MEMORY); \
	__builtin_memcpy(mbase + ea, &v, sizeof v); pc += 4; NEXT(); }
#define BR_CMP(name, expr) L_##name: { uint32_t a = U32(1), b = U32(2); \
	if (expr) { pc = pc + 3 + (int32_t)pc[3]; NEXT(); } pc += 4; NEXT(); }
#define BR_CMP_RI(name, expr) L_##name: { uint32_t a = U32(1), b = pc[2]; \
	if (expr) { pc = pc + 3 + (int32_t)pc[3]; NEXT(); } pc += 4; NEXT(); }
/* Float to integer: NaN is an invalid conversion, out of range an overflow. */
#define TRUNC(name, FT, get, lo_ok, hi_ok, IT, store) L_##name: { FT x = get(2); \
	if (x != x) TRAP(WASM_TRAP_INVALID_CONV); \
	if (!(lo_ok) || !(hi_ok)) TRAP(WASM_TRAP_INT_OVERFLOW); \
	S(1) = (store)(IT)x; pc += 3; NEXT(); }

static int run(struct wasm_machine *m, struct wasm_func *f, bool init)
{
#define WASM_OP_LABEL(name) &&L_##name,
	static const void *const labels[WASM_OP_COUNT] = { WASM_OPS(WASM_OP_LABEL) };
#undef WASM_OP_LABEL
	const char *hbase = (const char *)&&L_UNREACHABLE;
	const uint32_t *pc;
	uint64_t *fp, *stack;
	struct wasm_instance *inst;
	struct wasm_frame *frames;
	uint8_t *mbase = NULL;
	uint64_t msize = 0;
	int64_t fuel;
	uint32_t depth = 0, maxdepth;
	size_t nslots;
	int trap = WASM_TRAP_NONE;
	uint64_t *nfp;

	if (init) {
		for (int i = 0; i < WASM_OP_COUNT; i++)
			handler_table[i] = (int32_t)((const char *)labels[i] - hbase);
		return 0;
	}
	stack = m->stack;
	nslots = m->nslots;
	frames = m->frames;
	maxdepth = m->nframes;
	fuel = m->use_fuel ? m->fuel : INT64_MAX;
	inst = f->inst;
	if (f->frame_slots > nslots)
		return WASM_TRAP_STACK_EXHAUSTED;
	fp = stack;
	if ((fuel -= f->fuel) < 0)
		TRAP(WASM_TRAP_FUEL_EXHAUSTED);
	for (uint32_t i = 0; i < f->nlocals; i++)
		fp[f->nparams + i] = 0;
	pc = f->code;
	goto reload;

do_call:
	/* f: the callee, nfp: its frame (arguments in place), pc: the return pc */
	if (f->host) {
		struct wasm_host_call hc = { f->ctx, inst, inst->mem };

		trap = f->host(&hc, (union wasm_value *)nfp);
		if (trap)
			goto out;
		goto reload;
	}
	if (depth >= maxdepth || (size_t)(nfp - stack) + f->frame_slots > nslots)
		TRAP(WASM_TRAP_STACK_EXHAUSTED);
	if ((fuel -= f->fuel) < 0)
		TRAP(WASM_TRAP_FUEL_EXHAUSTED);
	frames[depth++] = (struct wasm_frame){ pc, fp, inst };
	for (uint32_t i = 0; i < f->nlocals; i++)
		nfp[f->nparams + i] = 0;
	fp = nfp;
	pc = f->code;
	inst = f->inst;
reload:
	mbase = inst->mem ? inst->mem->data : NULL;
	msize = inst->mem ? inst->mem->size : 0;
	NEXT();

L_UNREACHABLE:
	TRAP(WASM_TRAP_UNREACHABLE);
L_JMP:
	pc = pc + 1 + (int32_t)pc[1];
	NEXT();
L_BR_IF:
	if (U32(1)) {
		pc = pc + 2 + (int32_t)pc[2];
		NEXT();
	}
	pc += 3;
	NEXT();
L_BR_UNLESS:
	if (!U32(1)) {
		pc = pc + 2 + (int32_t)pc[2];
		NEXT();
	}
	pc += 3;
	NEXT();
L_BR_IF_COPY:
	if (U32(1)) {
		fp[pc[3]] = S(2);
		pc = pc + 4 + (int32_t)pc[4];
		NEXT();
	}
	pc += 5;
	NEXT();
L_BR_TABLE: {
	uint32_t i = U32(1), n = pc[2];

	pc += 3 + (i < n ? i : n);
	pc += (int32_t)*pc;
	NEXT();
}
L_BR_TABLE_COPY: {
	uint32_t i = U32(1), n = pc[3];
	uint64_t v = S(2);

	pc += 4 + 2 * (i < n ? i : n);
	fp[pc[1]] = v;
	pc += (int32_t)*pc;
	NEXT();
}
L_CALL:
	f = inst->funcs[pc[1]];
	nfp = fp + pc[2];
	pc += 3;
	goto do_call;
L_CALL_INDIRECT: {
	uint32_t i = U32(3);
	struct wasm_table *t = inst->table;

	if (i >= t->size)
		TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
	f = t->elems[i];
	if (!f)
		TRAP(WASM_TRAP_UNINIT_ELEMENT);
	if (!wasm_functype_eq(f->type, &inst->mod->types[pc[1]]))
		TRAP(WASM_TRAP_INDIRECT_TYPE);
	nfp = fp + pc[2];
	pc += 4;
	goto do_call;
}
L_RET:
	if (depth == 0)
		goto out;
	depth--;
	pc = frames[depth].pc;
	fp = frames[depth].fp;
	inst = frames[depth].inst;
	goto reload;
L_LOOP:
	if ((fuel -= pc[1]) < 0)
		TRAP(WASM_TRAP_FUEL_EXHAUSTED);
	pc += 2;
	NEXT();
L_COPY:
	S(1) = S(2);
	pc += 3;
	NEXT();
L_CONST32:
	S(1) = pc[2];
	pc += 3;
	NEXT();
L_CONST64:
	S(1) = (uint64_t)pc[2] | (uint64_t)pc[3] << 32;
	pc += 4;
	NEXT();
L_SELECT:
	S(1) = U32(4) ? S(2) : S(3);
	pc += 5;
	NEXT();
L_GLOBAL_GET:
	S(1) = inst->globals[pc[2]]->v.i64;
	pc += 3;
	NEXT();
L_GLOBAL_SET:
	inst->globals[pc[2]]->v.i64 = S(1);
	pc += 3;
	NEXT();
L_MEM_SIZE:
	S(1) = inst->mem->pages;
	pc += 2;
	NEXT();
L_MEM_GROW:
	S(1) = (uint32_t)wasm_memory_grow(inst->mem, U32(2));
	msize = inst->mem->size;
	pc += 3;
	NEXT();

	LOAD(LOAD32, uint32_t, v)
	LOAD(LOAD64, uint64_t, v)
	LOAD(I32_LOAD8_S, int8_t, (uint32_t)(int32_t)v)
	LOAD(I32_LOAD8_U, uint8_t, v)
	LOAD(I32_LOAD16_S, int16_t, (uint32_t)(int32_t)v)
	LOAD(I32_LOAD16_U, uint16_t, v)
	LOAD(I64_LOAD8_S, int8_t, (uint64_t)(int64_t)v)
	LOAD(I64_LOAD8_U, uint8_t, v)
	LOAD(I64_LOAD16_S, int16_t, (uint64_t)(int64_t)v)
	LOAD(I64_LOAD16_U, uint16_t, v)
	LOAD(I64_LOAD32_S, int32_t, (uint64_t)(int64_t)v)
	LOAD(I64_LOAD32_U, uint32_t, v)
	STORE(STORE8, uint8_t)
	STORE(STORE16, uint16_t)
	STORE(STORE32, uint32_t)
	STORE(STORE64, uint64_t)

	UN(I32_EQZ, 3, (uint32_t)(U32(2) == 0))
	I32_BIN(I32_EQ, a == b) I32_BIN(I32_NE, a != b)
	I32_BIN(I32_LT_S, (int32_t)a < (int32_t)b) I32_BIN(I32_LT_U, a < b)
	I32_BIN(I32_GT_S, (int32_t)a > (int32_t)b) I32_BIN(I32_GT_U, a > b)
	I32_BIN(I32_LE_S, (int32_t)a <= (int32_t)b) I32_BIN(I32_LE_U, a <= b)
	I32_BIN(I32_GE_S, (int32_t)a >= (int32_t)b) I32_BIN(I32_GE_U, a >= b)
	UN(I64_EQZ, 3, (uint32_t)(S(2) == 0))
	I64_BIN(I64_EQ, a == b) I64_BIN(I64_NE, a != b)
	I64_BIN(I64_LT_S, (int64_t)a < (int64_t)b) I64_BIN(I64_LT_U, a < b)
	I64_BIN(I64_GT_S, (int64_t)a > (int64_t)b) I64_BIN(I64_GT_U, a > b)
	I64_BIN(I64_LE_S, (int64_t)a <= (int64_t)b) I64_BIN(I64_LE_U, a <= b)
	I64_BIN(I64_GE_S, (int64_t)a >= (int64_t)b) I64_BIN(I64_GE_U, a >= b)
	F32_CMP(F32_EQ, a == b) F32_CMP(F32_NE, a != b) F32_CMP(F32_LT, a < b)
	F32_CMP(F32_GT, a > b) F32_CMP(F32_LE, a <= b) F32_CMP(F32_GE, a >= b)
	F64_CMP(F64_EQ, a == b) F64_CMP(F64_NE, a != b) F64_CMP(F64_LT, a < b)
	F64_CMP(F64_GT, a > b) F64_CMP(F64_LE, a <= b) F64_CMP(F64_GE, a >= b)

	UN(I32_CLZ, 3, U32(2) ? (uint32_t)__builtin_clz(U32(2)) : 32u)
	UN(I32_CTZ, 3, U32(2) ? (uint32_t)__builtin_ctz(U32(2)) : 32u)
	UN(I32_POPCNT, 3, popcnt32(U32(2)))
	I32_BIN(I32_ADD, a + b) I32_BIN(I32_SUB, a - b) I32_BIN(I32_MUL, a * b)
L_I32_DIV_S: {
	int32_t a = I32(2), b = I32(3);

	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	if (a == INT32_MIN && b == -1)
		TRAP(WASM_TRAP_INT_OVERFLOW);
	S(1) = (uint32_t)(a / b);
	pc += 4;
	NEXT();
}
L_I32_DIV_U:
	if (U32(3) == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = U32(2) / U32(3);
	pc += 4;
	NEXT();
L_I32_REM_S: {
	int32_t a = I32(2), b = I32(3);

	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = b == -1 ? 0 : (uint32_t)(a % b);
	pc += 4;
	NEXT();
}
L_I32_REM_U:
	if (U32(3) == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = U32(2) % U32(3);
	pc += 4;
	NEXT();
	I32_BIN(I32_AND, a & b) I32_BIN(I32_OR, a | b) I32_BIN(I32_XOR, a ^ b)
	I32_BIN(I32_SHL, a << (b & 31)) I32_BIN(I32_SHR_S, (uint32_t)((int32_t)a >> (b & 31)))
	I32_BIN(I32_SHR_U, a >> (b & 31))
	I32_BIN(I32_ROTL, (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)))
	I32_BIN(I32_ROTR, (a >> (b & 31)) | (a << ((32 - (b & 31)) & 31)))

	UN(I64_CLZ, 3, S(2) ? (uint64_t)__builtin_clzll(S(2)) : 64u)
	UN(I64_CTZ, 3, S(2) ? (uint64_t)__builtin_ctzll(S(2)) : 64u)
	UN(I64_POPCNT, 3, popcnt64(S(2)))
	I64_BIN(I64_ADD, a + b) I64_BIN(I64_SUB, a - b) I64_BIN(I64_MUL, a * b)
L_I64_DIV_S: {
	int64_t a = I64(2), b = I64(3);

	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	if (a == INT64_MIN && b == -1)
		TRAP(WASM_TRAP_INT_OVERFLOW);
	S(1) = (uint64_t)(a / b);
	pc += 4;
	NEXT();
}
L_I64_DIV_U:
	if (S(3) == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = S(2) / S(3);
	pc += 4;
	NEXT();
L_I64_REM_S: {
	int64_t a = I64(2), b = I64(3);

	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = b == -1 ? 0 : (uint64_t)(a % b);
	pc += 4;
	NEXT();
}
L_I64_REM_U:
	if (S(3) == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	S(1) = S(2) % S(3);
	pc += 4;
	NEXT();
	I64_BIN(I64_AND, a & b) I64_BIN(I64_OR, a | b) I64_BIN(I64_XOR, a ^ b)
	I64_BIN(I64_SHL, a << (b & 63)) I64_BIN(I64_SHR_S, (uint64_t)((int64_t)a >> (b & 63)))
	I64_BIN(I64_SHR_U, a >> (b & 63))
	I64_BIN(I64_ROTL, (a << (b & 63)) | (a >> ((64 - (b & 63)) & 63)))
	I64_BIN(I64_ROTR, (a >> (b & 63)) | (a << ((64 - (b & 63)) & 63)))

	UN(F32_ABS, 3, U32(2) & 0x7fffffffu)
	UN(F32_NEG, 3, U32(2) ^ 0x80000000u)
	UN(F32_CEIL, 3, bits_f32(f32_ceil(F32(2))))
	UN(F32_FLOOR, 3, bits_f32(f32_floor(F32(2))))
	UN(F32_TRUNC, 3, bits_f32(f32_trunc(F32(2))))
	UN(F32_NEAREST, 3, bits_f32(f32_nearest(F32(2))))
	UN(F32_SQRT, 3, bits_f32(f32_sqrt(F32(2))))
	F32_BIN(F32_ADD, a + b) F32_BIN(F32_SUB, a - b) F32_BIN(F32_MUL, a * b)
	F32_BIN(F32_DIV, a / b) F32_BIN(F32_MIN, f32_min(a, b)) F32_BIN(F32_MAX, f32_max(a, b))
	UN(F32_COPYSIGN, 4, (U32(2) & 0x7fffffffu) | (U32(3) & 0x80000000u))
	UN(F64_ABS, 3, S(2) & ~(1ull << 63))
	UN(F64_NEG, 3, S(2) ^ (1ull << 63))
	UN(F64_CEIL, 3, bits_f64(f64_ceil(F64(2))))
	UN(F64_FLOOR, 3, bits_f64(f64_floor(F64(2))))
	UN(F64_TRUNC, 3, bits_f64(f64_trunc(F64(2))))
	UN(F64_NEAREST, 3, bits_f64(f64_nearest(F64(2))))
	UN(F64_SQRT, 3, bits_f64(f64_sqrt(F64(2))))
	F64_BIN(F64_ADD, a + b) F64_BIN(F64_SUB, a - b) F64_BIN(F64_MUL, a * b)
	F64_BIN(F64_DIV, a / b) F64_BIN(F64_MIN, f64_min(a, b)) F64_BIN(F64_MAX, f64_max(a, b))
	UN(F64_COPYSIGN, 4, (S(2) & ~(1ull << 63)) | (S(3) & (1ull << 63)))

	UN(I32_WRAP_I64, 3, (uint32_t)S(2))
	TRUNC(I32_TRUNC_F32_S, float, F32, x >= -2147483648.0f, x < 2147483648.0f, int32_t, uint32_t)
	TRUNC(I32_TRUNC_F32_U, float, F32, x > -1.0f, x < 4294967296.0f, uint32_t, uint32_t)
	TRUNC(I32_TRUNC_F64_S, double, F64, x > -2147483649.0, x < 2147483648.0, int32_t, uint32_t)
	TRUNC(I32_TRUNC_F64_U, double, F64, x > -1.0, x < 4294967296.0, uint32_t, uint32_t)
	UN(I64_EXTEND_I32_S, 3, (uint64_t)(int64_t)I32(2))
	UN(I64_EXTEND_I32_U, 3, (uint64_t)U32(2))
	TRUNC(I64_TRUNC_F32_S, float, F32, x >= -9223372036854775808.0f, x < 9223372036854775808.0f,
	      int64_t, uint64_t)
	TRUNC(I64_TRUNC_F32_U, float, F32, x > -1.0f, x < 18446744073709551616.0f, uint64_t, uint64_t)
	TRUNC(I64_TRUNC_F64_S, double, F64, x >= -9223372036854775808.0, x < 9223372036854775808.0,
	      int64_t, uint64_t)
	TRUNC(I64_TRUNC_F64_U, double, F64, x > -1.0, x < 18446744073709551616.0, uint64_t, uint64_t)
	UN(F32_CONVERT_I32_S, 3, bits_f32((float)I32(2)))
	UN(F32_CONVERT_I32_U, 3, bits_f32((float)U32(2)))
	UN(F32_CONVERT_I64_S, 3, bits_f32((float)I64(2)))
	UN(F32_CONVERT_I64_U, 3, bits_f32((float)S(2)))
	UN(F32_DEMOTE_F64, 3, bits_f32((float)F64(2)))
	UN(F64_CONVERT_I32_S, 3, bits_f64((double)I32(2)))
	UN(F64_CONVERT_I32_U, 3, bits_f64((double)U32(2)))
	UN(F64_CONVERT_I64_S, 3, bits_f64((double)I64(2)))
	UN(F64_CONVERT_I64_U, 3, bits_f64((double)S(2)))
	UN(F64_PROMOTE_F32, 3, bits_f64((double)F32(2)))

	I32_RI(I32_ADD_RI, a + b) I32_RI(I32_SUB_RI, a - b) I32_RI(I32_MUL_RI, a * b)
	I32_RI(I32_AND_RI, a & b) I32_RI(I32_OR_RI, a | b) I32_RI(I32_XOR_RI, a ^ b)
	I32_RI(I32_SHL_RI, a << (b & 31)) I32_RI(I32_SHR_S_RI, (uint32_t)((int32_t)a >> (b & 31)))
	I32_RI(I32_SHR_U_RI, a >> (b & 31))
	I32_RI(I32_EQ_RI, a == b) I32_RI(I32_NE_RI, a != b)
	I32_RI(I32_LT_S_RI, (int32_t)a < (int32_t)b) I32_RI(I32_LT_U_RI, a < b)
	I32_RI(I32_GT_S_RI, (int32_t)a > (int32_t)b) I32_RI(I32_GT_U_RI, a > b)
	I32_RI(I32_LE_S_RI, (int32_t)a <= (int32_t)b) I32_RI(I32_LE_U_RI, a <= b)
	I32_RI(I32_GE_S_RI, (int32_t)a >= (int32_t)b) I32_RI(I32_GE_U_RI, a >= b)
	I64_RI(I64_ADD_RI, a + b) I64_RI(I64_AND_RI, a & b) I64_RI(I64_MUL_RI, a * b)
	I64_RI(I64_SHL_RI, a << (b & 63)) I64_RI(I64_SHR_U_RI, a >> (b & 63))

	BR_CMP(BR_I32_EQ, a == b) BR_CMP(BR_I32_NE, a != b)
	BR_CMP(BR_I32_LT_S, (int32_t)a < (int32_t)b) BR_CMP(BR_I32_LT_U, a < b)
	BR_CMP(BR_I32_GT_S, (int32_t)a > (int32_t)b) BR_CMP(BR_I32_GT_U, a > b)
	BR_CMP(BR_I32_LE_S, (int32_t)a <= (int32_t)b) BR_CMP(BR_I32_LE_U, a <= b)
	BR_CMP(BR_I32_GE_S, (int32_t)a >= (int32_t)b) BR_CMP(BR_I32_GE_U, a >= b)
	BR_CMP_RI(BR_I32_EQ_RI, a == b) BR_CMP_RI(BR_I32_NE_RI, a != b)
	BR_CMP_RI(BR_I32_LT_S_RI, (int32_t)a < (int32_t)b) BR_CMP_RI(BR_I32_LT_U_RI, a < b)
	BR_CMP_RI(BR_I32_GT_S_RI, (int32_t)a > (int32_t)b) BR_CMP_RI(BR_I32_GT_U_RI, a > b)
	BR_CMP_RI(BR_I32_LE_S_RI, (int32_t)a <= (int32_t)b) BR_CMP_RI(BR_I32_LE_U_RI, a <= b)
	BR_CMP_RI(BR_I32_GE_S_RI, (int32_t)a >= (int32_t)b) BR_CMP_RI(BR_I32_GE_U_RI, a >= b)

out:
	if (m->use_fuel)
		m->fuel = fuel;
	return trap;
}
