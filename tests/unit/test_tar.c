/* The USTAR reader on archives built member by member with a helper that
 * writes headers byte for byte as GNU tar --format=ustar does (checked
 * against the GNU-tar-made fuzz seeds), on those seeds themselves, and on
 * every malformation with its exact error code. Every call reads a heap copy
 * of exactly the archive's length so ASan catches reads past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "lib/tar.h"

#define B TAR_BLOCK
#define MTIME 1700000000u
#define SEEDS "tests/fuzz/corpus/tar/"

static uint8_t ar[1 << 16];
static size_t ar_len;
static uint8_t *copy;
static struct tar_entry e;

/* --- the archive builder --- */

static void ar_begin(void)
{
	memset(ar, 0, sizeof ar);
	ar_len = 0;
}

/* Writes v as GNU tar does: zero-padded octal filling the field but its last
 * byte, which is NUL. */
static void put_octal(size_t off, size_t width, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof tmp, "%0*llo", (int)(width - 1), (unsigned long long)v);
	memcpy(ar + off, tmp, width - 1);
	ar[off + width - 1] = '\0';
}

/* Recomputes the checksum of the header at h as GNU tar writes it: six
 * octal digits, NUL, space. */
static void fix_checksum(size_t h)
{
	unsigned sum = 0;
	char tmp[8];

	memset(ar + h + 148, ' ', 8);
	for (size_t i = 0; i < B; i++)
		sum += ar[h + i];
	snprintf(tmp, sizeof tmp, "%06o", sum);
	memcpy(ar + h + 148, tmp, 6);
	ar[h + 154] = '\0';
	ar[h + 155] = ' ';
}

/* Where GNU tar splits a long ustar path: the last '/' among the first 156
 * characters (a trailing '/' excluded); 0 if there is none. */
static size_t gnu_split(const char *path, size_t len)
{
	size_t i;

	if (len > 156)
		len = 156;
	else if (path[len - 1] == '/')
		len--;
	for (i = len - 1; i > 0; i--)
		if (path[i] == '/')
			break;
	return i;
}

/* Stores path in the name field, or split across prefix and name when it is
 * longer than 100 characters. */
static void put_path(size_t h, const char *path)
{
	size_t len = strlen(path), cut;

	if (len <= 100) {
		memcpy(ar + h, path, len);
		return;
	}
	cut = gnu_split(path, len);
	assert_true(cut > 0 && cut <= 155 && len - cut - 1 <= 100);
	memcpy(ar + h + 345, path, cut);
	memcpy(ar + h, path + cut + 1, len - cut - 1);
}

/* Appends a member the way GNU tar --format=ustar writes it (owner and group
 * capos:1000, mtime MTIME); returns its header offset. */
static size_t ar_add_raw(const char *path, char type, const void *data, size_t size)
{
	size_t h = ar_len;

	put_path(h, path);
	put_octal(h + 100, 8, type == '5' ? 0755 : 0644);
	put_octal(h + 108, 8, 1000);
	put_octal(h + 116, 8, 1000);
	put_octal(h + 124, 12, size);
	put_octal(h + 136, 12, MTIME);
	ar[h + 156] = (uint8_t)type;
	memcpy(ar + h + 257, "ustar\0" "00", 8);
	memcpy(ar + h + 265, "capos", 5);
	memcpy(ar + h + 297, "capos", 5);
	put_octal(h + 329, 8, 0);
	put_octal(h + 337, 8, 0);
	fix_checksum(h);
	if (data)
		memcpy(ar + h + B, data, size);
	ar_len = h + B + (size + B - 1) / B * B;
	return h;
}

static size_t ar_file(const char *path, const char *text)
{
	return ar_add_raw(path, '0', text, strlen(text));
}

static size_t ar_dir(const char *path)
{
	return ar_add_raw(path, '5', NULL, 0);
}

/* The end-of-archive marker: two zero blocks. */
static void ar_end(void)
{
	ar_len += 2 * B;
}

/* --- calling the reader on a heap copy --- */

static const uint8_t *fresh_copy(void)
{
	free(copy);
	copy = malloc(ar_len ? ar_len : 1);
	assert_non_null(copy);
	memcpy(copy, ar, ar_len);
	return copy;
}

static int validate(uint32_t *count)
{
	return tar_validate(fresh_copy(), ar_len, count);
}

static int find(const char *name)
{
	memset(&e, 0xa5, sizeof e);
	return tar_find(fresh_copy(), ar_len, name, &e);
}

/* The first member's tar_next result. */
static int first(void)
{
	size_t off = 0;

	memset(&e, 0xa5, sizeof e);
	return tar_next(fresh_copy(), ar_len, &off, &e);
}

/* One file "a" whose header the test then tampers with. */
static size_t one_file(void)
{
	size_t h;

	ar_begin();
	h = ar_file("a", "hello");
	ar_end();
	return h;
}

static void expect_all(int want)
{
	uint32_t count = 777;

	assert_int_equal(first(), want);
	assert_int_equal(validate(&count), want);
	assert_int_equal(count, 777);
	assert_int_equal(find("a"), want);
}

static int teardown(void **state)
{
	free(copy);
	copy = NULL;
	return 0;
}

/* --- GNU tar interoperability --- */

static uint8_t *read_seed(const char *name, size_t *len)
{
	static uint8_t buf[1 << 16];
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, SEEDS "%s", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

static const char D60[] = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
static const char N100[] = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
                           "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";

/* The seeds were made with: tar --format=ustar --owner=capos:1000
 * --group=capos:1000 --mtime=@1700000000 --sort=name -b1 -cf X.tar ... */
static void build_single(void)
{
	ar_begin();
	ar_file("VERSION", "capOS boot package v1\n");
	ar_end();
}

static char big[600];

static void build_tree(void)
{
	memset(big, 'x', sizeof big);
	ar_begin();
	ar_file("VERSION", "capOS boot package v1\n");
	ar_dir("bin/");
	ar_add_raw("bin/init", '0', big, sizeof big);
	ar_dir("etc/");
	ar_file("etc/empty", "");
	ar_end();
}

static char long_dir1[64], long_dir2[128], long_file[160];

static void build_longpath(void)
{
	snprintf(long_dir1, sizeof long_dir1, "%s/", D60);
	snprintf(long_dir2, sizeof long_dir2, "%s/%s/", D60, D60);
	snprintf(long_file, sizeof long_file, "%s/%s/file-with-a-long-name.txt", D60, D60);
	ar_begin();
	ar_dir(long_dir1);
	ar_dir(long_dir2);
	ar_file(long_file, "deep\n");
	ar_end();
}

static void build_name100(void)
{
	ar_begin();
	ar_file(N100, "exactly one hundred\n");
	ar_end();
}

static void build_empty(void)
{
	ar_begin();
	ar_end();
}

/* The helper's archives equal GNU tar's byte for byte. */
static void test_helper_matches_gnu_tar(void **state)
{
	static const struct { const char *seed; void (*build)(void); } cases[] = {
		{ "single.tar", build_single },
		{ "tree.tar", build_tree },
		{ "longpath.tar", build_longpath },
		{ "name100.tar", build_name100 },
		{ "empty.tar", build_empty },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		uint8_t *seed = read_seed(cases[i].seed, &len);

		if (!seed)
			skip();
		cases[i].build();
		assert_int_equal(ar_len, len);
		assert_memory_equal(ar, seed, len);
	}
}

/* Loads a seed into the builder's buffer. */
static bool load_seed(const char *name)
{
	size_t len;
	uint8_t *seed = read_seed(name, &len);

	if (!seed)
		return false;
	memcpy(ar, seed, len);
	ar_len = len;
	return true;
}

static void expect_next(const uint8_t *a, size_t *off, const char *name, char type,
                        const char *text, size_t size)
{
	assert_int_equal(tar_next(a, ar_len, off, &e), TAR_OK);
	assert_string_equal(e.name, name);
	assert_int_equal(e.type, type);
	assert_int_equal(e.size, size);
	if (text)
		assert_memory_equal(e.data, text, size);
	assert_true((const uint8_t *)e.data >= a && (const uint8_t *)e.data + size <= a + ar_len);
}

static void test_gnu_tree(void **state)
{
	size_t off = 0;
	const uint8_t *a;
	uint32_t n;

	if (!load_seed("tree.tar"))
		skip();
	a = fresh_copy();
	memset(big, 'x', sizeof big);
	expect_next(a, &off, "VERSION", '0', "capOS boot package v1\n", 22);
	assert_int_equal(off, 2 * B);
	expect_next(a, &off, "bin/", '5', NULL, 0);
	expect_next(a, &off, "bin/init", '0', big, 600);
	assert_int_equal(off, 6 * B);
	expect_next(a, &off, "etc/", '5', NULL, 0);
	expect_next(a, &off, "etc/empty", '0', NULL, 0);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_NOT_FOUND);
	assert_int_equal(off, 8 * B);
	assert_int_equal(tar_validate(a, ar_len, &n), TAR_OK);
	assert_int_equal(n, 5);
	assert_int_equal(tar_find(a, ar_len, "bin/init", &e), TAR_OK);
	assert_int_equal(e.size, 600);
	assert_ptr_equal(e.data, a + 4 * B);
}

static void test_gnu_longpath(void **state)
{
	size_t off = 0;
	const uint8_t *a;

	if (!load_seed("longpath.tar"))
		skip();
	build_longpath(); /* for the expected names */
	load_seed("longpath.tar");
	a = fresh_copy();
	expect_next(a, &off, long_dir1, '5', NULL, 0);
	expect_next(a, &off, long_dir2, '5', NULL, 0);
	expect_next(a, &off, long_file, '0', "deep\n", 5);
	assert_int_equal(strlen(long_file), 147);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_NOT_FOUND);
}

/* A 100-character name fills its field with no NUL (POSIX allows it). */
static void test_gnu_name100(void **state)
{
	if (!load_seed("name100.tar"))
		skip();
	assert_int_equal(find(N100), TAR_OK);
	assert_int_equal(strlen(e.name), 100);
	assert_int_equal(e.size, 20);
	assert_memory_equal(e.data, "exactly one hundred\n", 20);
}

/* tar --format=gnu ("ustar  " magic): read without the prefix field. */
static void test_gnu_format(void **state)
{
	size_t off = 0;
	const uint8_t *a;
	uint32_t n;

	if (!load_seed("gnu.tar"))
		skip();
	memset(big, 'x', sizeof big);
	a = fresh_copy();
	assert_memory_equal(a + 257, "ustar  \0", 8);
	expect_next(a, &off, "VERSION", '0', "capOS boot package v1\n", 22);
	expect_next(a, &off, "bin/", '5', NULL, 0);
	expect_next(a, &off, "bin/init", '0', big, 600);
	assert_int_equal(tar_validate(a, ar_len, &n), TAR_OK);
	assert_int_equal(n, 3);
}

static void test_gnu_empty(void **state)
{
	uint32_t n = 99;

	if (!load_seed("empty.tar"))
		skip();
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(first(), TAR_ERR_NOT_FOUND);
}

/* A boot-package-shaped archive: the manifest and an init binary (the
 * clang+lld ELF seed) that parses straight out of the archive. */
static void test_gnu_bootpkg(void **state)
{
	struct elf_image im;
	uint32_t n;

	if (!load_seed("bootpkg.tar"))
		skip();
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(find("manifest.bin"), TAR_OK);
	assert_int_equal(e.size, 16);
	assert_int_equal(find("bin/init"), TAR_OK);
	assert_int_equal(e.size, 1192);
	assert_int_equal(elf_parse(e.data, e.size, 0x1000, 0x0000800000000000ull, &im), ELF_OK);
	assert_int_equal(im.entry, 0x201200);
}

/* --- reading --- */

static void test_next_walks_members(void **state)
{
	static char block[B];
	size_t off = 0;
	const uint8_t *a;

	memset(block, 'b', sizeof block);
	ar_begin();
	ar_file("one", "1");
	ar_add_raw("blockful", '0', block, B); /* exactly one block of data */
	ar_file("three", "333");
	ar_end();
	a = fresh_copy();
	expect_next(a, &off, "one", '0', "1", 1);
	assert_int_equal(off, 2 * B);
	expect_next(a, &off, "blockful", '0', block, B);
	assert_int_equal(off, 4 * B);
	expect_next(a, &off, "three", '0', "333", 3);
	assert_int_equal(off, 6 * B);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_NOT_FOUND);
	assert_int_equal(off, 6 * B);
	/* the end is reported again, without moving */
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_NOT_FOUND);
	assert_int_equal(off, 6 * B);
}

/* typeflag '\0' (pre-POSIX regular file) is reported as '0'. */
static void test_nul_typeflag_is_file(void **state)
{
	ar_begin();
	ar_add_raw("old", '\0', "x", 1);
	ar_end();
	assert_int_equal(first(), TAR_OK);
	assert_int_equal(e.type, '0');
	assert_int_equal(find("old"), TAR_OK);
}

static void test_end_forms(void **state)
{
	uint32_t n;

	/* no bytes at all */
	ar_begin();
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(first(), TAR_ERR_NOT_FOUND);
	assert_int_equal(find("a"), TAR_ERR_NOT_FOUND);
	/* data ends right after a member, no marker */
	ar_file("a", "x");
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 1);
	/* a single zero block, then the end */
	ar_len += B;
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 1);
	/* two zero blocks and record padding after them */
	ar_len += 17 * B;
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 1);
	/* whatever follows the marker is not looked at */
	memset(ar + ar_len - B, 0xee, B);
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 1);
}

static void test_find(void **state)
{
	ar_begin();
	ar_dir("d/");
	ar_file("d/x", "first");
	ar_file("d", "not a dir");
	ar_file("d/x", "second");
	ar_end();
	assert_int_equal(find("d/x"), TAR_OK);
	assert_int_equal(e.size, 5);
	assert_memory_equal(e.data, "first", 5);
	assert_int_equal(find("d"), TAR_OK);
	assert_memory_equal(e.data, "not a dir", 9);
	/* directories are never returned; names compare exactly */
	assert_int_equal(find("d/"), TAR_ERR_NOT_FOUND);
	assert_int_equal(find("d/x/"), TAR_ERR_NOT_FOUND);
	assert_int_equal(find("D/x"), TAR_ERR_NOT_FOUND);
	assert_int_equal(find("x"), TAR_ERR_NOT_FOUND);
	assert_int_equal(find(""), TAR_ERR_NOT_FOUND);
}

/* tar_find stops at the match; an error before it is reported. */
static void test_find_stops_at_match(void **state)
{
	size_t h;

	ar_begin();
	ar_file("a", "x");
	h = ar_file("b", "y");
	ar_end();
	ar[h + 257] = 'X';
	assert_int_equal(find("a"), TAR_OK);
	assert_int_equal(find("b"), TAR_ERR_BAD_MAGIC);
	assert_int_equal(find("c"), TAR_ERR_BAD_MAGIC);
	assert_int_equal(validate(NULL), TAR_ERR_BAD_MAGIC);
}

static void test_validate_count_and_null(void **state)
{
	char name[16];
	uint32_t n = 0;

	ar_begin();
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "f%02d", i);
		if (i % 5 == 0)
			ar_dir(name);
		else
			ar_file(name, name);
	}
	ar_end();
	assert_int_equal(validate(&n), TAR_OK);
	assert_int_equal(n, 40);
	assert_int_equal(validate(NULL), TAR_OK);
	assert_int_equal(find("f39"), TAR_OK);
	assert_memory_equal(e.data, "f39", 3);
	assert_int_equal(find("f35"), TAR_ERR_NOT_FOUND); /* a directory */
}

/* Leading spaces, a space terminator, and all twelve size bytes as digits
 * are all valid octal fields. */
static void test_numeric_field_forms(void **state)
{
	size_t h = one_file();

	memcpy(ar + h + 124, "        5 \0\0", 12);
	fix_checksum(h);
	assert_int_equal(first(), TAR_OK);
	assert_int_equal(e.size, 5);
	memcpy(ar + h + 124, "000000000005", 12);
	fix_checksum(h);
	assert_int_equal(first(), TAR_OK);
	assert_int_equal(e.size, 5);
	/* checksum in other spellings: 7 digits + NUL, leading spaces */
	{
		char tmp[16];
		unsigned sum;

		fix_checksum(h);
		sum = (unsigned)strtoul((char *)ar + h + 148, NULL, 8);
		snprintf(tmp, sizeof tmp, "%07o", sum);
		memcpy(ar + h + 148, tmp, 8);
		assert_int_equal(first(), TAR_OK);
		snprintf(tmp, sizeof tmp, "  %5o", sum);
		memcpy(ar + h + 148, tmp, 8);
		assert_int_equal(first(), TAR_OK);
	}
}

/* Both the unsigned and the historic signed byte sum are accepted. */
static void test_checksum_signed_sum(void **state)
{
	size_t h;
	int sum = 0;
	char tmp[8];

	ar_begin();
	h = ar_file("caf\xc3\xa9", "latte");
	ar_end();
	assert_int_equal(first(), TAR_OK);
	assert_string_equal(e.name, "caf\xc3\xa9");
	memset(ar + h + 148, ' ', 8);
	for (size_t i = 0; i < B; i++)
		sum += (int8_t)ar[h + i];
	snprintf(tmp, sizeof tmp, "%06o", sum);
	memcpy(ar + h + 148, tmp, 6);
	ar[h + 154] = '\0';
	assert_int_equal(first(), TAR_OK);
	/* neither sum */
	snprintf(tmp, sizeof tmp, "%06o", sum + 1);
	memcpy(ar + h + 148, tmp, 6);
	assert_int_equal(first(), TAR_ERR_BAD_CHECKSUM);
}

static void test_name_edges_accepted(void **state)
{
	static const char *ok[] = { "...", "a..b", "..a", "a/..b/c", "a/b..", "./a", "a//b",
	                            "a/./b", ".", "x/" };
	char name[TAR_NAME_MAX + 8];
	size_t h;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ar_begin();
		ar_file(ok[i], "x");
		ar_end();
		assert_int_equal(first(), TAR_OK);
		assert_string_equal(e.name, ok[i]);
	}
	/* the longest joined name: 155 + "/" + 99 = 255 characters */
	ar_begin();
	memset(name, 'p', 155);
	name[155] = '/';
	memset(name + 156, 'n', 99);
	name[255] = '\0';
	h = ar_file(name, "x");
	ar_end();
	assert_int_equal(ar[h + 345 + 154], 'p'); /* prefix field full, no NUL */
	assert_int_equal(first(), TAR_OK);
	assert_string_equal(e.name, name);
}

/* In the old GNU format the prefix area holds other fields: ignored. */
static void test_gnu_magic_ignores_prefix(void **state)
{
	size_t h = one_file();

	memcpy(ar + h + 257, "ustar  \0", 8);
	memset(ar + h + 345, '/', 155);
	fix_checksum(h);
	assert_int_equal(first(), TAR_OK);
	assert_string_equal(e.name, "a");
}

/* --- errors --- */

static void test_truncated(void **state)
{
	size_t off;

	ar_begin();
	ar_len = 100;
	memcpy(ar, "a", 1);
	assert_int_equal(validate(NULL), TAR_ERR_TRUNCATED);
	assert_int_equal(first(), TAR_ERR_TRUNCATED);
	ar_len = B - 1;
	assert_int_equal(validate(NULL), TAR_ERR_TRUNCATED);
	/* a partial block after a member */
	ar_begin();
	ar_file("a", "x");
	ar_len += 100;
	assert_int_equal(validate(NULL), TAR_ERR_TRUNCATED);
	assert_int_equal(find("zz"), TAR_ERR_TRUNCATED);
	assert_int_equal(find("a"), TAR_OK);
	/* a zero block followed by a partial one */
	ar_begin();
	ar_file("a", "x");
	ar_len += B + 1;
	assert_int_equal(validate(NULL), TAR_ERR_TRUNCATED);
	/* an offset past the end */
	off = ar_len + B;
	assert_int_equal(tar_next(fresh_copy(), ar_len, &off, &e), TAR_ERR_TRUNCATED);
	assert_int_equal(off, ar_len + B);
	off = SIZE_MAX;
	assert_int_equal(tar_next(copy, ar_len, &off, &e), TAR_ERR_TRUNCATED);
}

static void test_bad_magic(void **state)
{
	static const char *bad[] = { "ustaR\0" "00", "USTAR\0" "00", "ustar!00", "\0\0\0\0\0\0\0\0",
	                             "ustax\0" "00", "xstar\0" "00" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t h = one_file();

		memcpy(ar + h + 257, bad[i], 8);
		fix_checksum(h);
		expect_all(TAR_ERR_BAD_MAGIC);
	}
	/* garbage */
	ar_begin();
	memset(ar, 'A', 4 * B);
	ar_len = 4 * B;
	expect_all(TAR_ERR_BAD_MAGIC);
}

/* A zero block followed by a member is not an end marker. */
static void test_lone_zero_block(void **state)
{
	size_t off = 0;

	ar_begin();
	ar_len = B;
	ar_file("a", "x");
	ar_end();
	assert_int_equal(validate(NULL), TAR_ERR_BAD_MAGIC);
	assert_int_equal(tar_next(fresh_copy(), ar_len, &off, &e), TAR_ERR_BAD_MAGIC);
	assert_int_equal(off, 0);
}

static void test_bad_checksum(void **state)
{
	static const char *fields[] = { "\0\0\0\0\0\0\0\0", "        ", "0123z5\0 ",
	                                "01x\0\0\0\0\0", "012345\0x", "-12345\0 ", "99999\0\0 " };
	size_t h;

	/* a changed byte */
	h = one_file();
	ar[h + 1] = 'b';
	expect_all(TAR_ERR_BAD_CHECKSUM);
	h = one_file();
	ar[h + 511] = 1;
	expect_all(TAR_ERR_BAD_CHECKSUM);
	/* unparsable fields */
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		h = one_file();
		memcpy(ar + h + 148, fields[i], 8);
		expect_all(TAR_ERR_BAD_CHECKSUM);
	}
}

static void test_bad_size(void **state)
{
	static const char *fields[] = {
		"0000000000x\0", "\0\0\0\0\0\0\0\0\0\0\0\0", "            ", "00000000008\0",
		"0000000 0005", "\x80\0\0\0\0\0\0\0\0\0\0\x05", "-0000000005\0", "+0000000005\0",
	};
	size_t h;

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		h = one_file();
		memcpy(ar + h + 124, fields[i], 12);
		fix_checksum(h);
		expect_all(TAR_ERR_BAD_SIZE);
	}
	/* larger than the rest of the archive (two data blocks left: 3 * 512) */
	h = one_file();
	put_octal(h + 124, 12, 3 * B + 1);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_SIZE);
	put_octal(h + 124, 12, 077777777777ull);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_SIZE);
	/* the data fits but its padding does not */
	ar_begin();
	ar_file("a", "hello");
	ar_len -= B - 5;
	expect_all(TAR_ERR_BAD_SIZE);
	ar_len += B - 5;
	assert_int_equal(validate(NULL), TAR_OK);
}

static void test_bad_name(void **state)
{
	static const char *bad[] = { "/etc/passwd", "/", "..", "../x", "a/..", "a/../b",
	                             "a/b/../../..", "x/../" };
	char name[TAR_NAME_MAX + 8];
	size_t h;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ar_begin();
		ar_file(bad[i], "x");
		ar_end();
		assert_int_equal(first(), TAR_ERR_BAD_NAME);
		assert_int_equal(validate(NULL), TAR_ERR_BAD_NAME);
		assert_int_equal(find(bad[i]), TAR_ERR_BAD_NAME);
	}
	/* empty name */
	h = one_file();
	memset(ar + h, 0, 100);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_NAME);
	/* empty name with a prefix */
	memcpy(ar + h + 345, "dir", 3);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_NAME);
	/* ".." or an absolute path in the prefix */
	h = one_file();
	memcpy(ar + h + 345, "x/..", 4);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_NAME);
	memcpy(ar + h + 345, "/abs", 4);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_NAME);
	/* prefix ".." joined with the name */
	memcpy(ar + h + 345, "..\0\0", 4);
	fix_checksum(h);
	expect_all(TAR_ERR_BAD_NAME);
	/* both fields full: 155 + "/" + 100 does not fit with its NUL */
	ar_begin();
	memset(name, 'p', 155);
	name[155] = '/';
	memset(name + 156, 'a', 100);
	name[256] = '\0';
	ar_file(name, "x");
	ar_end();
	assert_int_equal(first(), TAR_ERR_BAD_NAME);
	assert_int_equal(validate(NULL), TAR_ERR_BAD_NAME);
}

static void test_unsupported(void **state)
{
	static const char types[] = "1234679xgLKSVMDA";

	for (size_t i = 0; i < sizeof types - 1; i++) {
		size_t h = one_file();

		ar[h + 156] = (uint8_t)types[i];
		fix_checksum(h);
		expect_all(TAR_ERR_UNSUPPORTED);
	}
}

/* Checks run magic, checksum, typeflag, size, name; the offset never moves
 * on an error. */
static void test_check_order(void **state)
{
	size_t h = one_file(), off = 0;

	memcpy(ar + h, "/..", 3);          /* bad name */
	memcpy(ar + h + 124, "zzz", 3);    /* bad size */
	ar[h + 156] = '2';                 /* symlink */
	fix_checksum(h);
	ar[h + 300] ^= 1;                  /* bad checksum */
	ar[h + 257] = 'U';                 /* bad magic */
	assert_int_equal(first(), TAR_ERR_BAD_MAGIC);
	ar[h + 257] = 'u';
	assert_int_equal(first(), TAR_ERR_BAD_CHECKSUM);
	ar[h + 300] ^= 1;
	assert_int_equal(first(), TAR_ERR_UNSUPPORTED);
	ar[h + 156] = '0';
	fix_checksum(h);
	assert_int_equal(first(), TAR_ERR_BAD_SIZE);
	memcpy(ar + h + 124, "000", 3);
	fix_checksum(h);
	assert_int_equal(tar_next(fresh_copy(), ar_len, &off, &e), TAR_ERR_BAD_NAME);
	assert_int_equal(off, 0);
	memcpy(ar + h, "ok\0", 3);
	fix_checksum(h);
	assert_int_equal(first(), TAR_OK);
}

/* The first bad member decides, wherever it is. */
static void test_error_in_later_member(void **state)
{
	size_t h, off = 0;
	const uint8_t *a;

	ar_begin();
	ar_file("a", "1");
	ar_file("b", "2");
	h = ar_file("c", "3");
	ar_file("d", "4");
	ar_end();
	ar[h + 156] = '1';
	fix_checksum(h);
	a = fresh_copy();
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_OK);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_OK);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_UNSUPPORTED);
	assert_int_equal(off, h);
	assert_int_equal(tar_next(a, ar_len, &off, &e), TAR_ERR_UNSUPPORTED);
	assert_int_equal(tar_validate(a, ar_len, NULL), TAR_ERR_UNSUPPORTED);
	assert_int_equal(tar_find(a, ar_len, "b", &e), TAR_OK);
	assert_int_equal(tar_find(a, ar_len, "d", &e), TAR_ERR_UNSUPPORTED);
}

static void test_strerror(void **state)
{
	for (int err = TAR_OK; err >= TAR_ERR_UNSUPPORTED; err--) {
		const char *s = tar_strerror(err);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		for (int f = err + 1; f <= TAR_OK; f++)
			assert_string_not_equal(s, tar_strerror(f));
	}
	assert_string_equal(tar_strerror(1), "unknown error");
	assert_string_equal(tar_strerror(TAR_ERR_UNSUPPORTED - 1), "unknown error");
}

/* --- random mutations --- */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Walks the archive with tar_next, checking what every entry promises, and
 * compares the outcome with tar_validate's. */
static void check_walk(void)
{
	const uint8_t *a = fresh_copy();
	size_t off = 0, prev;
	uint32_t n = 0, vn = 0;
	int err;

	for (;;) {
		prev = off;
		err = tar_next(a, ar_len, &off, &e);
		if (err != TAR_OK)
			break;
		n++;
		assert_true(off > prev && off <= ar_len && (off - prev) % B == 0);
		assert_true(e.type == '0' || e.type == '5');
		assert_ptr_equal(e.data, a + prev + B);
		assert_true(e.size <= ar_len - prev - B);
		assert_true(strlen(e.name) > 0 && strlen(e.name) < TAR_NAME_MAX);
		assert_true(e.name[0] != '/');
		assert_null(strstr(e.name, "/../"));
		assert_true(strncmp(e.name, "../", 3) != 0 && strcmp(e.name, "..") != 0);
		assert_true(strlen(e.name) < 3 || strcmp(e.name + strlen(e.name) - 3, "/..") != 0);
	}
	assert_int_equal(off, prev);
	assert_true(err < TAR_OK && err >= TAR_ERR_UNSUPPORTED);
	if (err == TAR_ERR_NOT_FOUND) {
		assert_int_equal(tar_validate(a, ar_len, &vn), TAR_OK);
		assert_int_equal(vn, n);
	} else {
		assert_int_equal(tar_validate(a, ar_len, &vn), err);
	}
}

static void test_random_mutations(void **state)
{
	for (int iter = 0; iter < 5000; iter++) {
		int flips = 1 + (int)(rng() % 3);

		build_tree();
		for (int k = 0; k < flips; k++) {
			size_t off = (size_t)(rng() % ar_len);

			if (rng() % 4)
				ar[off] = (uint8_t)rng();
			else
				ar[off] = (uint8_t)"0 /.57\0"[rng() % 7];
			if (rng() % 2 && off / B * B + B <= ar_len)
				fix_checksum(off / B * B);
		}
		if (rng() % 8 == 0)
			ar_len = (size_t)(rng() % (ar_len + 1));
		check_walk();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_helper_matches_gnu_tar, teardown),
		cmocka_unit_test_teardown(test_gnu_tree, teardown),
		cmocka_unit_test_teardown(test_gnu_longpath, teardown),
		cmocka_unit_test_teardown(test_gnu_name100, teardown),
		cmocka_unit_test_teardown(test_gnu_format, teardown),
		cmocka_unit_test_teardown(test_gnu_empty, teardown),
		cmocka_unit_test_teardown(test_gnu_bootpkg, teardown),
		cmocka_unit_test_teardown(test_next_walks_members, teardown),
		cmocka_unit_test_teardown(test_nul_typeflag_is_file, teardown),
		cmocka_unit_test_teardown(test_end_forms, teardown),
		cmocka_unit_test_teardown(test_find, teardown),
		cmocka_unit_test_teardown(test_find_stops_at_match, teardown),
		cmocka_unit_test_teardown(test_validate_count_and_null, teardown),
		cmocka_unit_test_teardown(test_numeric_field_forms, teardown),
		cmocka_unit_test_teardown(test_checksum_signed_sum, teardown),
		cmocka_unit_test_teardown(test_name_edges_accepted, teardown),
		cmocka_unit_test_teardown(test_gnu_magic_ignores_prefix, teardown),
		cmocka_unit_test_teardown(test_truncated, teardown),
		cmocka_unit_test_teardown(test_bad_magic, teardown),
		cmocka_unit_test_teardown(test_lone_zero_block, teardown),
		cmocka_unit_test_teardown(test_bad_checksum, teardown),
		cmocka_unit_test_teardown(test_bad_size, teardown),
		cmocka_unit_test_teardown(test_bad_name, teardown),
		cmocka_unit_test_teardown(test_unsupported, teardown),
		cmocka_unit_test_teardown(test_check_order, teardown),
		cmocka_unit_test_teardown(test_error_in_later_member, teardown),
		cmocka_unit_test_teardown(test_strerror, teardown),
		cmocka_unit_test_teardown(test_random_mutations, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
