/* Names of load/link errors and traps (the spec's wording where it has one). */
#include "lib/wasm/wasm.h"

static const char *const err_names[WASM_ERR_COUNT] = {
	[WASM_OK] = "ok",
	[WASM_ERR_UNEXPECTED_END] = "unexpected end",
	[WASM_ERR_MAGIC] = "magic header not detected",
	[WASM_ERR_VERSION] = "unknown binary version",
	[WASM_ERR_SECTION_ID] = "malformed section id",
	[WASM_ERR_SECTION_ORDER] = "unexpected content after last section",
	[WASM_ERR_SECTION_SIZE] = "section size mismatch",
	[WASM_ERR_LEB_TOO_LONG] = "integer representation too long",
	[WASM_ERR_LEB_TOO_LARGE] = "integer too large",
	[WASM_ERR_UTF8] = "malformed UTF-8 encoding",
	[WASM_ERR_VALTYPE] = "invalid value type",
	[WASM_ERR_FUNC_FORM] = "malformed function type",
	[WASM_ERR_IMPORT_KIND] = "malformed import kind",
	[WASM_ERR_EXPORT_KIND] = "malformed export kind",
	[WASM_ERR_ELEM_TYPE] = "malformed element type",
	[WASM_ERR_LIMITS_FLAG] = "integer too large (limits flag)",
	[WASM_ERR_MUTABILITY] = "malformed mutability",
	[WASM_ERR_FUNC_CODE_COUNT] = "function and code section have inconsistent lengths",
	[WASM_ERR_TOO_MANY_LOCALS] = "too many locals",
	[WASM_ERR_ZERO_FLAG] = "zero flag expected",
	[WASM_ERR_OPCODE] = "illegal opcode",
	[WASM_ERR_END_EXPECTED] = "END opcode expected",
	[WASM_ERR_BODY_SIZE] = "function body size mismatch",
	[WASM_ERR_LENGTH] = "length out of bounds",
	[WASM_ERR_BLOCKTYPE] = "malformed block type",
	[WASM_ERR_TYPE_MISMATCH] = "type mismatch",
	[WASM_ERR_UNKNOWN_TYPE] = "unknown type",
	[WASM_ERR_UNKNOWN_FUNC] = "unknown function",
	[WASM_ERR_UNKNOWN_TABLE] = "unknown table",
	[WASM_ERR_UNKNOWN_MEMORY] = "unknown memory",
	[WASM_ERR_UNKNOWN_GLOBAL] = "unknown global",
	[WASM_ERR_UNKNOWN_LOCAL] = "unknown local",
	[WASM_ERR_UNKNOWN_LABEL] = "unknown label",
	[WASM_ERR_MULTIPLE_TABLES] = "multiple tables",
	[WASM_ERR_MULTIPLE_MEMORIES] = "multiple memories",
	[WASM_ERR_MEMORY_PAGES] = "memory size must be at most 65536 pages (4GiB)",
	[WASM_ERR_LIMITS] = "size minimum must not be greater than maximum",
	[WASM_ERR_ALIGNMENT] = "alignment must not be larger than natural",
	[WASM_ERR_IMMUTABLE_GLOBAL] = "global is immutable",
	[WASM_ERR_CONST_EXPR] = "constant expression required",
	[WASM_ERR_START] = "start function must have type [] -> []",
	[WASM_ERR_DUPLICATE_EXPORT] = "duplicate export name",
	[WASM_ERR_RESULT_ARITY] = "invalid result arity",
	[WASM_ERR_UNKNOWN_IMPORT] = "unknown import",
	[WASM_ERR_INCOMPATIBLE_IMPORT] = "incompatible import type",
	[WASM_ERR_ELEM_BOUNDS] = "elements segment does not fit",
	[WASM_ERR_DATA_BOUNDS] = "data segment does not fit",
	[WASM_ERR_START_TRAP] = "start function trapped",
	[WASM_ERR_ARENA] = "out of arena memory",
	[WASM_ERR_LIMIT] = "implementation limit exceeded",
};

static const char *const trap_names[WASM_TRAP_COUNT] = {
	[WASM_TRAP_NONE] = "no trap",
	[WASM_TRAP_UNREACHABLE] = "unreachable",
	[WASM_TRAP_DIV_ZERO] = "integer divide by zero",
	[WASM_TRAP_INT_OVERFLOW] = "integer overflow",
	[WASM_TRAP_INVALID_CONV] = "invalid conversion to integer",
	[WASM_TRAP_OOB_MEMORY] = "out of bounds memory access",
	[WASM_TRAP_UNDEFINED_ELEMENT] = "undefined element",
	[WASM_TRAP_UNINIT_ELEMENT] = "uninitialized element",
	[WASM_TRAP_INDIRECT_TYPE] = "indirect call type mismatch",
	[WASM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
	[WASM_TRAP_FUEL_EXHAUSTED] = "fuel exhausted",
	[WASM_TRAP_HOST] = "host function failed",
};

const char *wasm_err_name(int err)
{
	if (err < 0 || err >= WASM_ERR_COUNT)
		return "unknown error";
	return err_names[err];
}

enum wasm_err_class wasm_err_class(int err)
{
	if (err == WASM_OK)
		return WASM_CLASS_OK;
	if (err < WASM_ERR_TYPE_MISMATCH)
		return WASM_CLASS_MALFORMED;
	if (err < WASM_ERR_UNKNOWN_IMPORT)
		return WASM_CLASS_INVALID;
	if (err < WASM_ERR_START_TRAP)
		return WASM_CLASS_UNLINKABLE;
	if (err == WASM_ERR_START_TRAP)
		return WASM_CLASS_TRAPPED;
	return WASM_CLASS_RESOURCE;
}

const char *wasm_trap_name(int trap)
{
	if (trap < 0 || trap >= WASM_TRAP_COUNT)
		return "unknown trap";
	return trap_names[trap];
}
