/* Length-checked reads of the binary format: bytes, LEB128 integers with the
 * binary format's length and unused-bit rules, value types. */
#include "lib/wasm/wasm_internal.h"

int wasm_read_u8(struct wasm_reader *r, uint8_t *out)
{
	if (r->p >= r->end)
		return WASM_ERR_UNEXPECTED_END;
	*out = *r->p++;
	return WASM_OK;
}

/* Unsigned LEB128 of at most 5 bytes; the last byte may use only 4 bits. */
int wasm_read_u32(struct wasm_reader *r, uint32_t *out)
{
	uint32_t v = 0;

	for (unsigned shift = 0;; shift += 7) {
		uint8_t b;

		if (r->p >= r->end)
			return WASM_ERR_UNEXPECTED_END;
		b = *r->p++;
		if (shift == 28) {
			if (b & 0x80)
				return WASM_ERR_LEB_TOO_LONG;
			if (b & 0x70)
				return WASM_ERR_LEB_TOO_LARGE;
		}
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return WASM_OK;
}

/* Signed LEB128 of at most ceil(bits/7) bytes; the unused bits of the last
 * byte must repeat the sign bit. */
static int read_signed(struct wasm_reader *r, unsigned bits, int64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	for (;;) {
		if (r->p >= r->end)
			return WASM_ERR_UNEXPECTED_END;
		b = *r->p++;
		if (shift + 7 >= bits) {
			/* last byte allowed: bits - shift value bits used */
			unsigned used = bits - shift;
			uint8_t unused = (uint8_t)((b & 0x7f) >> (used - 1)); /* sign bit and above */

			if (b & 0x80)
				return WASM_ERR_LEB_TOO_LONG;
			if (unused != 0 && unused != (0x7f >> (used - 1)))
				return WASM_ERR_LEB_TOO_LARGE;
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	*out = (int64_t)v;
	return WASM_OK;
}

int wasm_read_s32(struct wasm_reader *r, int32_t *out)
{
	int64_t v;
	int err = read_signed(r, 32, &v);

	if (err)
		return err;
	*out = (int32_t)v;
	return WASM_OK;
}

int wasm_read_s64(struct wasm_reader *r, int64_t *out)
{
	return read_signed(r, 64, out);
}

int wasm_read_bytes(struct wasm_reader *r, size_t n, const uint8_t **out)
{
	if (n > (size_t)(r->end - r->p))
		return WASM_ERR_UNEXPECTED_END;
	*out = r->p;
	r->p += n;
	return WASM_OK;
}

int wasm_read_count(struct wasm_reader *r, size_t min_size, uint32_t *out)
{
	int err = wasm_read_u32(r, out);

	if (err)
		return err;
	if (min_size && *out > (size_t)(r->end - r->p) / min_size)
		return WASM_ERR_LENGTH;
	return WASM_OK;
}

bool wasm_valtype_ok(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64;
}

int wasm_read_valtype(struct wasm_reader *r, uint8_t *out)
{
	int err = wasm_read_u8(r, out);

	if (err)
		return err;
	return wasm_valtype_ok(*out) ? WASM_OK : WASM_ERR_VALTYPE;
}
