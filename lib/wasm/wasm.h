/* WebAssembly 1.0 (MVP): binary decoder, validator, compiler to an internal
 * slot-addressed threaded code, and its interpreter.
 *
 * Everything lives in arenas the caller provides (struct wasm_arena); the
 * library never allocates otherwise. A module is decoded, validated and
 * compiled by wasm_module_load, which keeps pointers into the caller's bytes:
 * they must outlive the module. An instance (wasm_instantiate) binds a module
 * to its imports, resolved by the embedder's callback. Code runs on a
 * machine (struct wasm_machine): a bounded value stack and call-frame stack
 * from an arena, and an optional fuel budget. Running out of either is a trap,
 * never a host stack overflow. All failures are named: enum wasm_err for
 * load/link errors (wasm_err_name), enum wasm_trap for traps (wasm_trap_name).
 * Freestanding: needs SSE2 floating point (x86_64 user space or host). */
#ifndef CAPOS_LIB_WASM_H
#define CAPOS_LIB_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u

/* Value types, as encoded in the binary format. */
enum wasm_valtype { WASM_I32 = 0x7f, WASM_I64 = 0x7e, WASM_F32 = 0x7d, WASM_F64 = 0x7c };

/* External kinds (import/export descriptors). */
enum wasm_extern_kind { WASM_EXTERN_FUNC = 0, WASM_EXTERN_TABLE = 1, WASM_EXTERN_MEMORY = 2,
                        WASM_EXTERN_GLOBAL = 3 };

/* Load and link errors. Malformed (decoding) errors come first, then invalid
 * (validation), then link errors, then resources; see wasm_err_class. */
enum wasm_err {
	WASM_OK = 0,
	/* malformed: the bytes are not a module */
	WASM_ERR_UNEXPECTED_END,     /* a read past the end of the module or a section */
	WASM_ERR_MAGIC,              /* not \0asm */
	WASM_ERR_VERSION,            /* version is not 1 */
	WASM_ERR_SECTION_ID,         /* unknown section id */
	WASM_ERR_SECTION_ORDER,      /* a non-custom section out of order or repeated */
	WASM_ERR_SECTION_SIZE,       /* a section's contents do not fill its size */
	WASM_ERR_LEB_TOO_LONG,       /* LEB128 longer than its type allows */
	WASM_ERR_LEB_TOO_LARGE,      /* LEB128 unused bits not zero / sign */
	WASM_ERR_UTF8,               /* a name is not valid UTF-8 */
	WASM_ERR_VALTYPE,            /* unknown value type byte */
	WASM_ERR_FUNC_FORM,          /* type entry is not 0x60 */
	WASM_ERR_IMPORT_KIND,        /* import descriptor kind > 3 */
	WASM_ERR_EXPORT_KIND,        /* export descriptor kind > 3 */
	WASM_ERR_ELEM_TYPE,          /* table element type is not funcref */
	WASM_ERR_LIMITS_FLAG,        /* limits flag is not 0 or 1 */
	WASM_ERR_MUTABILITY,         /* global mutability is not 0 or 1 */
	WASM_ERR_FUNC_CODE_COUNT,    /* function and code sections disagree in length */
	WASM_ERR_TOO_MANY_LOCALS,    /* local declarations sum past 2^32 */
	WASM_ERR_ZERO_FLAG,          /* a reserved byte (memory/table index) is not 0 */
	WASM_ERR_OPCODE,             /* unknown opcode */
	WASM_ERR_END_EXPECTED,       /* a body or constant expression lacks its end */
	WASM_ERR_BODY_SIZE,          /* bytes after a function body's final end */
	WASM_ERR_LENGTH,             /* a count or length beyond its section */
	WASM_ERR_BLOCKTYPE,          /* block type neither 0x40 nor a value type */
	/* invalid: a well-formed module that breaks a validation rule */
	WASM_ERR_TYPE_MISMATCH,      /* operand or result types do not match */
	WASM_ERR_UNKNOWN_TYPE,       /* type index out of range */
	WASM_ERR_UNKNOWN_FUNC,       /* function index out of range */
	WASM_ERR_UNKNOWN_TABLE,      /* table index out of range, or no table */
	WASM_ERR_UNKNOWN_MEMORY,     /* memory index out of range, or no memory */
	WASM_ERR_UNKNOWN_GLOBAL,     /* global index out of range */
	WASM_ERR_UNKNOWN_LOCAL,      /* local index out of range */
	WASM_ERR_UNKNOWN_LABEL,      /* branch depth out of range */
	WASM_ERR_MULTIPLE_TABLES,    /* more than one table */
	WASM_ERR_MULTIPLE_MEMORIES,  /* more than one memory */
	WASM_ERR_MEMORY_PAGES,       /* memory limits above 65536 pages */
	WASM_ERR_LIMITS,             /* limits minimum above maximum */
	WASM_ERR_ALIGNMENT,          /* alignment larger than natural */
	WASM_ERR_IMMUTABLE_GLOBAL,   /* global.set of an immutable global */
	WASM_ERR_CONST_EXPR,         /* constant expression required */
	WASM_ERR_START,              /* start function is not [] -> [] */
	WASM_ERR_DUPLICATE_EXPORT,   /* two exports with one name */
	WASM_ERR_RESULT_ARITY,       /* a function type with more than one result */
	/* unlinkable: imports or segments do not fit */
	WASM_ERR_UNKNOWN_IMPORT,     /* the resolver has nothing of that name */
	WASM_ERR_INCOMPATIBLE_IMPORT,/* the resolved extern has another type */
	WASM_ERR_ELEM_BOUNDS,        /* an element segment does not fit the table */
	WASM_ERR_DATA_BOUNDS,        /* a data segment does not fit the memory */
	/* uninstantiable */
	WASM_ERR_START_TRAP,         /* the start function trapped */
	/* resources */
	WASM_ERR_ARENA,              /* the arena is full */
	WASM_ERR_LIMIT,              /* an implementation limit (wasm_limits) */
	WASM_ERR_COUNT
};

enum wasm_err_class { WASM_CLASS_OK, WASM_CLASS_MALFORMED, WASM_CLASS_INVALID,
                      WASM_CLASS_UNLINKABLE, WASM_CLASS_TRAPPED, WASM_CLASS_RESOURCE };

/* Traps: how a run of wasm code ends when it does not return. */
enum wasm_trap {
	WASM_TRAP_NONE = 0,
	WASM_TRAP_UNREACHABLE,       /* unreachable executed */
	WASM_TRAP_DIV_ZERO,          /* integer divide by zero */
	WASM_TRAP_INT_OVERFLOW,      /* integer overflow (INT_MIN / -1) */
	WASM_TRAP_INVALID_CONV,      /* invalid conversion to integer */
	WASM_TRAP_OOB_MEMORY,        /* out of bounds memory access */
	WASM_TRAP_UNDEFINED_ELEMENT, /* call_indirect index past the table */
	WASM_TRAP_UNINIT_ELEMENT,    /* call_indirect of an empty table slot */
	WASM_TRAP_INDIRECT_TYPE,     /* indirect call type mismatch */
	WASM_TRAP_STACK_EXHAUSTED,   /* call stack exhausted (frames or value slots) */
	WASM_TRAP_FUEL_EXHAUSTED,    /* the fuel budget ran out */
	WASM_TRAP_HOST,              /* a host function failed */
	WASM_TRAP_COUNT
};

/* A static English name ("type mismatch"); "unknown error" outside the enum. */
const char *wasm_err_name(int err);
/* Which kind of failure err is. */
enum wasm_err_class wasm_err_class(int err);
/* A static English name ("integer divide by zero"). */
const char *wasm_trap_name(int trap);

/* A value in a slot: f32/i32 use the low 32 bits. Floats are kept as bits. */
union wasm_value {
	uint32_t i32;
	uint64_t i64;
	float f32;
	double f64;
};

/* A bump arena from both ends: lasting objects from the bottom, scratch from
 * the top (released by wasm_arena_scratch_reset). Contents are not zeroed. */
struct wasm_arena {
	uint8_t *base;
	size_t size, lo, hi;
};

/* Makes an arena over buf[0..size). */
void wasm_arena_init(struct wasm_arena *a, void *buf, size_t size);
/* n bytes aligned to 16 from the bottom, or NULL when full. */
void *wasm_arena_alloc(struct wasm_arena *a, size_t n);
/* Like wasm_arena_alloc, zero-filled. */
void *wasm_arena_zalloc(struct wasm_arena *a, size_t n);

struct wasm_name {
	const uint8_t *ptr;
	uint32_t len;
};

/* A function signature; params/results point at value type bytes. */
struct wasm_functype {
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
};

struct wasm_limits {
	uint32_t min, max;
	bool has_max;
};

struct wasm_globaltype {
	uint8_t type;
	bool mut;
};

/* A constant expression: one *.const or a global.get. */
struct wasm_const_expr {
	uint8_t op;
	uint32_t global;
	union wasm_value v;
};

struct wasm_import {
	struct wasm_name module, field;
	uint8_t kind;
	uint32_t type;               /* FUNC: type index */
	struct wasm_limits limits;   /* TABLE, MEMORY */
	struct wasm_globaltype global;
};

struct wasm_export {
	struct wasm_name name;
	uint8_t kind;
	uint32_t index;
};

struct wasm_elem {
	struct wasm_const_expr offset;
	uint32_t count;
	uint32_t *funcs;
};

struct wasm_data {
	struct wasm_const_expr offset;
	const uint8_t *bytes;
	uint32_t len;
};

/* A defined function: its body bytes, then what the compiler made of it. */
struct wasm_body {
	const uint8_t *start, *end;  /* local declarations + expression */
	uint32_t code;               /* offset of its first instruction in module code */
	uint32_t frame_slots;        /* params + locals + deepest operand stack */
	uint32_t nlocals;            /* locals after the params (zeroed on entry) */
	uint32_t fuel;               /* fuel charged on entry */
};

/* Implementation limits checked while loading (0 = the default). */
struct wasm_limits_cfg {
	uint32_t max_locals;         /* per function, params included (default 50000) */
	uint32_t max_memory_pages;   /* memory reserved per instance (default 256) */
	uint32_t max_table_size;     /* table slots reserved (default 100000) */
	bool unmetered;              /* no fuel charge per loop iteration: fuel then
	                                bounds calls only, not the run time */
};

struct wasm_module {
	uint32_t ntypes, nimports, nfuncs, nfunc_imports, nglobals, nglobal_imports;
	uint32_t nexports, nelems, ndatas;
	struct wasm_functype *types;
	struct wasm_import *imports;
	uint32_t *func_types;        /* type index of each function, imports first */
	struct wasm_body *bodies;    /* [nfuncs - nfunc_imports] */
	struct wasm_globaltype *global_types; /* imports first */
	struct wasm_const_expr *global_inits; /* [nglobals - nglobal_imports] */
	struct wasm_export *exports;
	struct wasm_elem *elems;
	struct wasm_data *datas;
	bool has_table, table_imported, has_memory, memory_imported, has_start;
	struct wasm_limits table, memory;
	uint32_t start;
	uint32_t *code;              /* compiled code of every body */
	uint32_t code_len;
	struct wasm_limits_cfg cfg;
};

struct wasm_instance;
struct wasm_memory;

/* What a host function sees of its call. */
struct wasm_host_call {
	void *ctx;                   /* the ctx given to wasm_host_func_init */
	struct wasm_instance *caller;
	struct wasm_memory *mem;     /* the caller's memory, or NULL */
};

/* A host function: args[0..nparams) in, results written to args[0..nresults).
 * Returns WASM_TRAP_NONE or a trap (usually WASM_TRAP_HOST). */
typedef int (*wasm_host_fn)(struct wasm_host_call *call, union wasm_value *args);

/* A function of an instance, or of the host. */
struct wasm_func {
	const struct wasm_functype *type;
	struct wasm_instance *inst;  /* NULL for host functions */
	const uint32_t *code;
	uint32_t frame_slots, nparams, nlocals, fuel;
	wasm_host_fn host;
	void *ctx;
};

struct wasm_table {
	struct wasm_func **elems;
	uint32_t size, max;          /* max: what is reserved */
	struct wasm_limits limits;   /* as declared */
};

struct wasm_memory {
	uint8_t *data;
	uint64_t size;               /* bytes: pages * WASM_PAGE_SIZE */
	uint32_t pages, max_pages;   /* max_pages: reserved, never above declared max */
	struct wasm_limits limits;
};

struct wasm_global {
	union wasm_value v;
	struct wasm_globaltype type;
};

/* One import binding, filled by the embedder's resolver. */
struct wasm_extern {
	uint8_t kind;
	union {
		struct wasm_func *func;
		struct wasm_table *table;
		struct wasm_memory *memory;
		struct wasm_global *global;
	} u;
};

/* Resolves one import; returns false when there is nothing of that name. */
typedef bool (*wasm_resolve_fn)(void *ctx, const struct wasm_import *imp, struct wasm_extern *out);

struct wasm_instance {
	const struct wasm_module *mod;
	struct wasm_func **funcs;    /* every function, imports first */
	struct wasm_global **globals;
	struct wasm_table *table;
	struct wasm_memory *mem;
};

/* The run-time stacks: slots for values, frames for calls. */
struct wasm_frame {
	const uint32_t *pc;
	uint64_t *fp;
	struct wasm_instance *inst;
};

struct wasm_machine {
	uint64_t *stack;
	size_t nslots;
	struct wasm_frame *frames;
	uint32_t nframes;
	bool use_fuel;
	int64_t fuel;                /* remaining, when use_fuel */
};

/* Decodes, validates and compiles bytes[0..len) into *mod, allocating from a.
 * The bytes must outlive the module. cfg may be NULL. Returns WASM_OK or the
 * first error found: all sections are decoded before any body is validated. */
int wasm_module_load(struct wasm_module *mod, const uint8_t *bytes, size_t len,
                     const struct wasm_limits_cfg *cfg, struct wasm_arena *a);

/* Function types equal in parameters and results. */
bool wasm_functype_eq(const struct wasm_functype *a, const struct wasm_functype *b);

/* Makes a host function. */
void wasm_host_func_init(struct wasm_func *f, const struct wasm_functype *type, wasm_host_fn fn,
                         void *ctx);

/* Makes a machine with nslots value slots and nframes call frames from a.
 * Returns WASM_OK or WASM_ERR_ARENA. */
int wasm_machine_init(struct wasm_machine *m, struct wasm_arena *a, size_t nslots,
                      uint32_t nframes);

/* Links mod to its imports (resolve, ctx), allocates its table, memory and
 * globals from a, checks every segment fits, then writes them and runs the
 * start function on m. Returns WASM_OK, a link/resource error, or
 * WASM_ERR_START_TRAP with *trap set when the start function traps: the
 * segments are then written (a shared table or memory keeps them) but the
 * instance should not be used. */
int wasm_instantiate(struct wasm_instance *inst, const struct wasm_module *mod,
                     wasm_resolve_fn resolve, void *ctx, struct wasm_arena *a,
                     struct wasm_machine *m, int *trap);

/* Finds the export called name[0..len); false when there is none. */
bool wasm_instance_export(const struct wasm_instance *inst, const char *name, size_t len,
                          struct wasm_extern *out);

/* Calls f with args (f->type->nparams of them) on m; writes the result (if
 * any) to results[0]. Returns WASM_TRAP_NONE or the trap. Not reentrant: a
 * host function must not invoke wasm code on the machine that called it. */
int wasm_invoke(struct wasm_machine *m, struct wasm_func *f, const union wasm_value *args,
                union wasm_value *results);

/* Bounds-checked access to linear memory for host functions: true when
 * [addr, addr+len) is inside mem. */
bool wasm_memory_read(const struct wasm_memory *mem, uint32_t addr, void *dst, uint32_t len);
bool wasm_memory_write(struct wasm_memory *mem, uint32_t addr, const void *src, uint32_t len);
/* Grows mem by delta pages (zeroed); returns the old page count or -1. */
int32_t wasm_memory_grow(struct wasm_memory *mem, uint32_t delta);

/* Makes a memory of limits l (min pages zeroed) reserving
 * min(l's max or 65536, reserve_pages) pages from a. WASM_OK, WASM_ERR_LIMIT
 * when min is above that, or WASM_ERR_ARENA. */
int wasm_memory_init(struct wasm_memory *mem, struct wasm_arena *a, const struct wasm_limits *l,
                     uint32_t reserve_pages);
/* Makes a table of limits l (empty slots), reserving like wasm_memory_init. */
int wasm_table_init(struct wasm_table *t, struct wasm_arena *a, const struct wasm_limits *l,
                    uint32_t reserve);

#endif
