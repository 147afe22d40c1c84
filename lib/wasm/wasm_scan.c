/* The syntax of a function body, checked before it is validated: the
 * binary format says a malformed body is malformed even when an earlier
 * instruction in it is also invalid, so every opcode and immediate is
 * decoded first, up to the end that closes the body, which must be its last
 * byte. */
#include "lib/wasm/wasm_internal.h"

#define TRY(e) do { int err_ = (e); if (err_) return err_; } while (0)

static int skip_u32s(struct wasm_reader *r, unsigned n)
{
	uint32_t v;

	for (unsigned i = 0; i < n; i++)
		TRY(wasm_read_u32(r, &v));
	return WASM_OK;
}

static int zero_byte(struct wasm_reader *r)
{
	uint8_t b;

	TRY(wasm_read_u8(r, &b));
	return b == 0 ? WASM_OK : WASM_ERR_ZERO_FLAG;
}

/* The immediates of op; *depth follows block nesting. */
static int skip_immediates(struct wasm_reader *r, uint8_t op, uint32_t *depth)
{
	uint8_t b;
	uint32_t n;
	int32_t v32;
	int64_t v64;
	const uint8_t *raw;

	switch (op) {
	case 0x02: case 0x03: case 0x04:
		TRY(wasm_read_u8(r, &b));
		if (b != 0x40 && !wasm_valtype_ok(b))
			return WASM_ERR_BLOCKTYPE;
		++*depth;
		return WASM_OK;
	case 0x0b:
		--*depth;
		return WASM_OK;
	case 0x00: case 0x01: case 0x05: case 0x0f: case 0x1a: case 0x1b:
		return WASM_OK;
	case 0x0c: case 0x0d: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
		return skip_u32s(r, 1);
	case 0x0e:
		TRY(wasm_read_count(r, 1, &n));
		return skip_u32s(r, n + 1);
	case 0x11:
		TRY(skip_u32s(r, 1));
		return zero_byte(r);
	case 0x3f: case 0x40:
		return zero_byte(r);
	case 0x41: return wasm_read_s32(r, &v32);
	case 0x42: return wasm_read_s64(r, &v64);
	case 0x43: return wasm_read_bytes(r, 4, &raw);
	case 0x44: return wasm_read_bytes(r, 8, &raw);
	default:
		break;
	}
	if (op >= 0x28 && op <= 0x3e)
		return skip_u32s(r, 2);
	if (op >= 0x45 && op <= 0xbf)
		return WASM_OK;
	return WASM_ERR_OPCODE;
}

/* The local declarations: groups of (count, value type) whose counts sum
 * to at most 2^32 - 1. */
static int scan_locals(struct wasm_reader *r)
{
	uint32_t ngroups, n;
	uint64_t total = 0;
	uint8_t t;

	TRY(wasm_read_count(r, 2, &ngroups));
	for (uint32_t i = 0; i < ngroups; i++) {
		TRY(wasm_read_u32(r, &n));
		TRY(wasm_read_valtype(r, &t));
		total += n;
		if (total > UINT32_MAX)
			return WASM_ERR_TOO_MANY_LOCALS;
	}
	return WASM_OK;
}

int wasm_scan_body(const struct wasm_body *b)
{
	struct wasm_reader r = { b->start, b->end };
	uint32_t depth = 1;
	uint8_t op;

	TRY(scan_locals(&r));
	while (depth > 0) {
		if (r.p >= r.end)
			return WASM_ERR_END_EXPECTED;
		TRY(wasm_read_u8(&r, &op));
		TRY(skip_immediates(&r, op, &depth));
	}
	return r.p == r.end ? WASM_OK : WASM_ERR_BODY_SIZE;
}
