/* USTAR archive reader (see tar.h).
 *
 * An archive is a sequence of 512-byte header blocks, each followed by the
 * member's data padded to a whole block, and ends with two zero blocks.
 * POSIX numeric fields are octal text: optional leading spaces, digits, then
 * NULs or spaces to the end of the field. */
#include "lib/tar.h"
#include "lib/mem.h"

/* Header field offsets and widths (POSIX.1-1988 ustar). */
enum {
	H_NAME = 0, H_NAME_LEN = 100,
	H_SIZE = 124, H_SIZE_LEN = 12,
	H_CHKSUM = 148, H_CHKSUM_LEN = 8,
	H_TYPEFLAG = 156,
	H_MAGIC = 257,
	H_PREFIX = 345, H_PREFIX_LEN = 155,
};

/* Parses an octal field into *out. False for a field with no digits, a
 * non-octal character, or anything but NULs/spaces after the digits (so
 * also for GNU's base-256 encoding). At most 12 digits: no overflow. */
static bool parse_octal(const uint8_t *f, size_t n, uint64_t *out)
{
	size_t i = 0, digits = 0;
	uint64_t v = 0;

	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++)
		v = v << 3 | (uint64_t)(f[i] - '0');
	for (; i < n; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return false;
	*out = v;
	return digits > 0;
}

static bool is_zero_block(const uint8_t *b)
{
	for (size_t i = 0; i < TAR_BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

/* Returns whether the header's checksum field matches the sum of its bytes
 * with the field itself counted as spaces. Both the POSIX unsigned sum and
 * the historic signed-char sum are accepted, as GNU tar does. */
static bool checksum_ok(const uint8_t *h)
{
	uint64_t want, usum = 0;
	int64_t ssum = 0;

	if (!parse_octal(h + H_CHKSUM, H_CHKSUM_LEN, &want))
		return false;
	for (size_t i = 0; i < TAR_BLOCK; i++) {
		uint8_t c = i >= H_CHKSUM && i < H_CHKSUM + H_CHKSUM_LEN ? ' ' : h[i];

		usum += c;
		ssum += (int8_t)c;
	}
	return want == usum || (ssum >= 0 && want == (uint64_t)ssum);
}

/* Classifies the magic: 1 POSIX ustar (prefix field valid), 0 old GNU
 * ("ustar  ", no prefix field), -1 neither. */
static int ustar_kind(const uint8_t *h)
{
	if (memcmp(h + H_MAGIC, "ustar", 5) != 0)
		return -1;
	if (h[H_MAGIC + 5] == '\0')
		return 1;
	return h[H_MAGIC + 5] == ' ' ? 0 : -1;
}

/* Does the path contain a ".." component? */
static bool has_dotdot(const char *p)
{
	for (;;) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
		while (*p && *p != '/')
			p++;
		if (!*p)
			return false;
		p++;
	}
}

/* Joins prefix and name into e->name and checks the result. Fields that fill
 * their whole width carry no NUL (POSIX allows that); the joined name must
 * still fit in TAR_NAME_MAX with its NUL. */
static int read_name(const uint8_t *h, bool posix, struct tar_entry *e)
{
	size_t nlen = strnlen((const char *)h + H_NAME, H_NAME_LEN);
	size_t plen = posix ? strnlen((const char *)h + H_PREFIX, H_PREFIX_LEN) : 0;
	size_t at = 0;

	if (nlen == 0 || plen + (plen > 0) + nlen >= TAR_NAME_MAX)
		return TAR_ERR_BAD_NAME;
	if (plen) {
		memcpy(e->name, h + H_PREFIX, plen);
		e->name[plen] = '/';
		at = plen + 1;
	}
	memcpy(e->name + at, h + H_NAME, nlen);
	e->name[at + nlen] = '\0';
	if (e->name[0] == '/' || has_dotdot(e->name))
		return TAR_ERR_BAD_NAME;
	return TAR_OK;
}

/* Reads the size field; the data plus its padding must fit in avail bytes. */
static int read_size(const uint8_t *h, size_t avail, uint64_t *size)
{
	uint64_t pad;

	if (!parse_octal(h + H_SIZE, H_SIZE_LEN, size))
		return TAR_ERR_BAD_SIZE;
	pad = (TAR_BLOCK - *size % TAR_BLOCK) % TAR_BLOCK;
	if (*size > avail || pad > avail - *size)
		return TAR_ERR_BAD_SIZE;
	return TAR_OK;
}

/* Checks and decodes the header at h, with avail bytes after it; on success
 * fills *e (data included) and returns the member's padded data length in
 * *skip. */
static int read_header(const uint8_t *h, size_t avail, struct tar_entry *e, uint64_t *skip)
{
	int kind = ustar_kind(h), err;
	char type = (char)h[H_TYPEFLAG];

	if (kind < 0)
		return TAR_ERR_BAD_MAGIC;
	if (!checksum_ok(h))
		return TAR_ERR_BAD_CHECKSUM;
	if (type != '0' && type != '\0' && type != '5')
		return TAR_ERR_UNSUPPORTED;
	if ((err = read_size(h, avail, &e->size)) || (err = read_name(h, kind == 1, e)))
		return err;
	e->type = type == '5' ? '5' : '0';
	e->data = h + TAR_BLOCK;
	*skip = (e->size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	return TAR_OK;
}

/* Is the zero block at offset the end marker: followed by the end of the
 * data or by a second zero block? */
static int end_marker(const uint8_t *a, size_t len, size_t offset)
{
	size_t next = offset + TAR_BLOCK;

	if (next == len)
		return TAR_ERR_NOT_FOUND;
	if (len - next < TAR_BLOCK)
		return TAR_ERR_TRUNCATED;
	return is_zero_block(a + next) ? TAR_ERR_NOT_FOUND : TAR_ERR_BAD_MAGIC;
}

int tar_next(const void *archive, size_t len, size_t *offset, struct tar_entry *e)
{
	const uint8_t *a = archive;
	size_t off = *offset;
	uint64_t skip;
	int err;

	if (off == len)
		return TAR_ERR_NOT_FOUND;
	if (off > len || len - off < TAR_BLOCK)
		return TAR_ERR_TRUNCATED;
	if (is_zero_block(a + off))
		return end_marker(a, len, off);
	if ((err = read_header(a + off, len - off - TAR_BLOCK, e, &skip)))
		return err;
	*offset = off + TAR_BLOCK + (size_t)skip;
	return TAR_OK;
}

int tar_find(const void *archive, size_t len, const char *name, struct tar_entry *e)
{
	size_t offset = 0;
	int err;

	while ((err = tar_next(archive, len, &offset, e)) == TAR_OK)
		if (e->type == '0' && strcmp(e->name, name) == 0)
			return TAR_OK;
	return err;
}

int tar_validate(const void *archive, size_t len, uint32_t *count)
{
	struct tar_entry e;
	size_t offset = 0;
	uint32_t n = 0;
	int err;

	while ((err = tar_next(archive, len, &offset, &e)) == TAR_OK)
		n++;
	if (err != TAR_ERR_NOT_FOUND)
		return err;
	if (count)
		*count = n;
	return TAR_OK;
}

const char *tar_strerror(int err)
{
	switch (err) {
	case TAR_OK: return "ok";
	case TAR_ERR_TRUNCATED: return "truncated archive";
	case TAR_ERR_BAD_MAGIC: return "not a ustar header";
	case TAR_ERR_BAD_CHECKSUM: return "bad header checksum";
	case TAR_ERR_BAD_SIZE: return "bad member size";
	case TAR_ERR_BAD_NAME: return "bad member name";
	case TAR_ERR_NOT_FOUND: return "not found";
	case TAR_ERR_UNSUPPORTED: return "unsupported member type";
	default: return "unknown error";
	}
}
