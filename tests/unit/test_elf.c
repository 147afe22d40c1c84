/* elf_parse on images built header by header: a valid baseline, every
 * rejection with its exact error code, the check order, real linker output
 * (the fuzz seeds made by clang+lld and gcc+GNU ld), and random mutations of
 * a valid image checked against the parser's guarantees. Every parse runs on
 * a heap copy of exactly len bytes so ASan catches any read past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"

#define UMIN 0x1000ull
#define UMAX 0x0000800000000000ull
#define PG 0x1000ull

enum { PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6,
       PT_TLS = 7, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552 };
enum { R = ELF_SEG_R, W = ELF_SEG_W, X = ELF_SEG_X };

static uint8_t img[0x10000];
static size_t img_len;
static struct elf_image im;

static void put16(size_t off, uint16_t v)
{
	memcpy(img + off, &v, 2);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

/* A valid ET_EXEC x86_64 header with phnum program headers at offset 64. */
static void put_ehdr(uint64_t entry, uint16_t phnum)
{
	memset(img, 0, 64);
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2; /* ELFCLASS64 */
	img[5] = 1; /* little-endian */
	img[6] = 1; /* EV_CURRENT */
	put16(16, 2);  /* ET_EXEC */
	put16(18, 62); /* EM_X86_64 */
	put32(20, 1);
	put64(24, entry);
	put64(32, 64);
	put16(52, 64);
	put16(54, 56);
	put16(56, phnum);
}

/* Writes one Elf64_Phdr at byte p of the image. */
static void put_phdr_at(size_t p, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                        uint64_t filesz, uint64_t memsz, uint64_t align)
{
	put32(p, type);
	put32(p + 4, flags);
	put64(p + 8, offset);
	put64(p + 16, vaddr);
	put64(p + 24, vaddr);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
	put64(p + 48, align);
}

/* Writes program header i of a table at offset 64. */
static void put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz, uint64_t align)
{
	put_phdr_at(64 + 56 * (size_t)i, type, flags, offset, vaddr, filesz, memsz, align);
}

/* Starts an image of len bytes (zeros past the header) with phnum headers. */
static void begin(uint64_t entry, uint16_t phnum, size_t len)
{
	memset(img, 0, sizeof img);
	put_ehdr(entry, phnum);
	img_len = len;
}

/* The baseline: text (R X, holding the headers), rodata (R), data+bss (RW),
 * a GNU_STACK header, entry inside the text. */
static void baseline(void)
{
	begin(0x400100, 4, 0x2100);
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 0x1000, 0x1000, PG);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, PG);
	put_phdr(2, PT_LOAD, R | W, 0x2000, 0x402000, 0x100, 0x3000, PG);
	put_phdr(3, PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
}

/* Parses a heap copy of buf[0..len) with the given range. */
static int parse_buf(const void *buf, size_t len, uint64_t umin, uint64_t umax)
{
	void *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	memset(&im, 0xa5, sizeof im);
	err = elf_parse(copy, len, umin, umax, &im);
	free(copy);
	return err;
}

static int parse(void)
{
	return parse_buf(img, img_len, UMIN, UMAX);
}

static void assert_zeroed(void)
{
	static const struct elf_image zero;

	assert_memory_equal(&im, &zero, sizeof im);
}

/* Parse fails with want, and leaves *out zeroed. */
static void expect(int want)
{
	assert_int_equal(parse(), want);
	assert_zeroed();
}

static void assert_seg(unsigned i, uint64_t vaddr, uint64_t memsz, uint64_t offset,
                       uint64_t filesz, uint32_t flags)
{
	assert_int_equal(im.seg[i].vaddr, vaddr);
	assert_int_equal(im.seg[i].memsz, memsz);
	assert_int_equal(im.seg[i].offset, offset);
	assert_int_equal(im.seg[i].filesz, filesz);
	assert_int_equal(im.seg[i].flags, flags);
}

/* --- accepted images --- */

static void test_baseline(void **state)
{
	baseline();
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.entry, 0x400100);
	assert_int_equal(im.nsegments, 3);
	assert_seg(0, 0x400000, 0x1000, 0, 0x1000, R | X);
	assert_seg(1, 0x401000, 0x800, 0x1000, 0x800, R);
	assert_seg(2, 0x402000, 0x3000, 0x2000, 0x100, R | W);
	assert_false(im.has_tls);
}

static void test_segments_sorted(void **state)
{
	begin(0x500010, 3, 0x3000);
	put_phdr(0, PT_LOAD, R | W, 0x2000, 0x700000, 0x10, 0x10, PG);
	put_phdr(1, PT_LOAD, R | X, 0x1000, 0x500000, 0x100, 0x100, PG);
	put_phdr(2, PT_LOAD, R, 0, 0x600000, 0x10, 0x10, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, 3);
	assert_seg(0, 0x500000, 0x100, 0x1000, 0x100, R | X);
	assert_seg(1, 0x600000, 0x10, 0, 0x10, R);
	assert_seg(2, 0x700000, 0x10, 0x2000, 0x10, R | W);
}

/* Non-page-aligned segments in adjacent pages are fine (lld's layout). */
static void test_unaligned_adjacent_pages(void **state)
{
	begin(0x201200, 3, 0x300);
	put_phdr(0, PT_LOAD, R, 0, 0x200000, 0x200, 0x200, PG);
	put_phdr(1, PT_LOAD, R | X, 0x200, 0x201200, 0x23, 0x23, PG);
	put_phdr(2, PT_LOAD, R | W, 0x230, 0x202230, 0x4, 0x200c, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, 3);
	assert_seg(2, 0x202230, 0x200c, 0x230, 0x4, R | W);
}

static void test_ignored_header_types(void **state)
{
	baseline();
	put_ehdr(0x400100, 9);
	put_phdr(4, PT_NOTE, 0xffffffff, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1, 3);
	put_phdr(5, PT_GNU_RELRO, R, UINT64_MAX, 0, 5, 1, 7);
	put_phdr(6, PT_PHDR, R, 64, 0x400040, 0x1f8, 0x1f8, 8);
	put_phdr(7, PT_NULL, 0, 0, 0, 0, 0, 0);
	put_phdr(8, 0x70000000, 0, 0, 0, 0, 0, 0);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, 3);
}

/* Bits of p_flags other than R, W and X are dropped. */
static void test_extra_flag_bits_masked(void **state)
{
	baseline();
	put_phdr(0, PT_LOAD, R | X | 0x0ff00000u | 0xf0000000u, 0, 0x400000, 0x1000, 0x1000, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.seg[0].flags, R | X);
}

/* A segment without permissions (a guard) is legal. */
static void test_no_permission_segment(void **state)
{
	baseline();
	put_phdr(1, PT_LOAD, 0, 0x1000, 0x401000, 0, 0x1000, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.seg[1].flags, 0);
}

/* p_align 0 and 1 mean "no constraint"; larger powers of two need
 * congruence modulo p_align (here 2 MiB, GNU ld's old default). */
static void test_palign_values_accepted(void **state)
{
	baseline();
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, 0);
	put_phdr(2, PT_LOAD, R | W, 0x2000, 0x402000, 0x100, 0x3000, 1);
	assert_int_equal(parse(), ELF_OK);

	begin(0x400000, 2, 0x2000);
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 0x1000, 0x1000, 0x200000);
	put_phdr(1, PT_LOAD, R | W, 0x1000, 0x601000, 0x1000, 0x1000, 0x200000);
	assert_int_equal(parse(), ELF_OK);
}

/* The phdr table may sit anywhere in the file, unaligned. */
static void test_phdrs_unaligned_offset(void **state)
{
	begin(0x400000, 1, 0x1000);
	put64(32, 0x301);
	put_phdr_at(0x301, PT_LOAD, R | X, 0, 0x400000, 0x1000, 0x1000, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, 1);
	assert_seg(0, 0x400000, 0x1000, 0, 0x1000, R | X);
}

/* The table may end exactly at the end of the file. */
static void test_phdrs_end_at_file_end(void **state)
{
	begin(0x400000, 1, 64 + 56);
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 64 + 56, 0x1000, PG);
	assert_int_equal(parse(), ELF_OK);
	img_len--;
	expect(ELF_ERR_BAD_PHDR);
}

/* Segments and the entry may touch both ends of the user range. */
static void test_range_edges_accepted(void **state)
{
	begin(UMIN, 2, 0x2000);
	put_phdr(0, PT_LOAD, R | X, 0, UMIN, 0x1000, 0x1000, PG);
	put_phdr(1, PT_LOAD, R | W, 0x1000, UMAX - PG, 0x1000, PG, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.seg[1].vaddr, UMAX - PG);
}

static void test_entry_last_byte_of_text(void **state)
{
	baseline();
	put64(24, 0x400fff);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.entry, 0x400fff);
}

static void test_empty_load_ignored(void **state)
{
	baseline();
	put_ehdr(0x400100, 5);
	put_phdr(4, PT_LOAD, R | W, 0x123, 0x123, 0, 0, 0);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, 3);
}

/* Eight segments fit; empty ones do not count. */
static void test_max_segments(void **state)
{
	begin(0x400000, ELF_MAX_SEGMENTS + 1, 0x1000);
	for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
		put_phdr(i, PT_LOAD, i == 0 ? R | X : R, 0, 0x400000 + i * PG, 0x100, 0x100, PG);
	put_phdr(ELF_MAX_SEGMENTS, PT_LOAD, R, 0, 0x900000, 0, 0, PG);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.nsegments, ELF_MAX_SEGMENTS);
	assert_int_equal(im.seg[ELF_MAX_SEGMENTS - 1].vaddr, 0x400000 + 7 * PG);
}

/* The TLS template is reported as given; p_align 0 is reported as 1. */
static void test_tls(void **state)
{
	baseline();
	put_ehdr(0x400100, 5);
	put_phdr(4, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x50, 16);
	assert_int_equal(parse(), ELF_OK);
	assert_true(im.has_tls);
	assert_int_equal(im.tls.vaddr, 0x402000);
	assert_int_equal(im.tls.filesz, 0x10);
	assert_int_equal(im.tls.memsz, 0x50);
	assert_int_equal(im.tls.align, 16);
	assert_int_equal(im.tls.offset, 0x2000);

	put_phdr(4, PT_TLS, R, 0x2100, 0x402100, 0, 8, 0);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.tls.align, 1);
	assert_int_equal(im.tls.offset, 0x2100); /* empty image at the very end */

	put_phdr(4, PT_TLS, R, 0x2000, 0x402000, 0x100, 0x1000, ELF_TLS_MAX_ALIGN);
	assert_int_equal(parse(), ELF_OK);
	assert_int_equal(im.tls.align, ELF_TLS_MAX_ALIGN);
}

/* Reads a seed made by a real linker; NULL when run outside the tree. */
static uint8_t *read_fixture(const char *name, size_t *len)
{
	static uint8_t buf[1 << 16];
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "tests/fuzz/corpus/elf/%s", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

/* prog.c: __thread int (initialized) + __thread char[64], an initialized
 * int, an 8 KiB bss array; _start spins. clang+lld places segments at
 * non-page-aligned addresses in consecutive pages. */
static void test_real_clang_lld(void **state)
{
	size_t len;
	uint8_t *buf = read_fixture("static-clang-lld.elf", &len);

	if (!buf)
		skip();
	assert_int_equal(parse_buf(buf, len, UMIN, UMAX), ELF_OK);
	assert_int_equal(im.entry, 0x201200);
	assert_int_equal(im.nsegments, 4);
	assert_seg(0, 0x200000, 0x200, 0, 0x200, R);
	assert_seg(1, 0x201200, 0x23, 0x200, 0x23, R | X);
	assert_seg(2, 0x202230, 0x4, 0x230, 0x4, R | W);
	assert_seg(3, 0x203234, 0x200c, 0x234, 0x4, R | W);
	assert_true(im.has_tls);
	assert_int_equal(im.tls.vaddr, 0x202230);
	assert_int_equal(im.tls.filesz, 4);
	assert_int_equal(im.tls.memsz, 0x50);
	assert_int_equal(im.tls.align, 16);
	assert_int_equal(im.tls.offset, 0x230);
	/* a range that starts above the image */
	assert_int_equal(parse_buf(buf, len, 0x300000, UMAX), ELF_ERR_RANGE);
}

static void test_real_gcc_bfd(void **state)
{
	size_t len;
	uint8_t *buf = read_fixture("static-gcc-bfd.elf", &len);

	if (!buf)
		skip();
	assert_int_equal(parse_buf(buf, len, UMIN, UMAX), ELF_OK);
	assert_int_equal(im.entry, 0x401000);
	assert_int_equal(im.nsegments, 4);
	assert_seg(0, 0x400000, 0x1c8, 0, 0x1c8, R);
	assert_seg(1, 0x401000, 0x23, 0x1000, 0x23, R | X);
	assert_seg(2, 0x402000, 0x2c, 0x2000, 0x2c, R);
	assert_seg(3, 0x403ff0, 0x2030, 0x2ff0, 0x14, R | W);
	assert_true(im.has_tls);
	assert_int_equal(im.tls.offset, 0x2ff0);
	assert_int_equal(im.tls.memsz, 0x50);
	/* cut off inside the data segment's file bytes */
	assert_int_equal(parse_buf(buf, 0x3000, UMIN, UMAX), ELF_ERR_FILESZ);
}

/* --- header errors --- */

static void test_truncated(void **state)
{
	baseline();
	img_len = 0;
	expect(ELF_ERR_TRUNCATED);
	img_len = 4;
	expect(ELF_ERR_TRUNCATED);
	img_len = 63;
	expect(ELF_ERR_TRUNCATED);
	/* a full header whose table lies beyond the bytes */
	img_len = 64;
	expect(ELF_ERR_BAD_PHDR);
}

static void test_bad_magic(void **state)
{
	for (int i = 0; i < 4; i++) {
		baseline();
		img[i] ^= 0x20;
		expect(ELF_ERR_BAD_MAGIC);
	}
	baseline();
	memset(img, 0, 64);
	expect(ELF_ERR_BAD_MAGIC);
}

static void test_not_x86_64(void **state)
{
	static const struct { size_t off; int size; uint32_t v; } bad[] = {
		{ 4, 1, 1 },     /* ELFCLASS32 */
		{ 4, 1, 0 },
		{ 4, 1, 3 },
		{ 5, 1, 2 },     /* big-endian */
		{ 5, 1, 0 },
		{ 6, 1, 0 },     /* EI_VERSION */
		{ 6, 1, 2 },
		{ 18, 2, 3 },    /* EM_386 */
		{ 18, 2, 183 },  /* EM_AARCH64 */
		{ 18, 2, 0 },
		{ 20, 4, 0 },    /* e_version */
		{ 20, 4, 2 },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		baseline();
		if (bad[i].size == 1)
			img[bad[i].off] = (uint8_t)bad[i].v;
		else if (bad[i].size == 2)
			put16(bad[i].off, (uint16_t)bad[i].v);
		else
			put32(bad[i].off, bad[i].v);
		expect(ELF_ERR_NOT_X86_64);
	}
}

static void test_not_exec(void **state)
{
	static const uint16_t types[] = { 0, 1, 3, 4, 0xfe00, 0xffff };

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		baseline();
		put16(16, types[i]);
		expect(ELF_ERR_NOT_EXEC);
	}
}

static void test_bad_phentsize(void **state)
{
	static const uint16_t sizes[] = { 0, 32, 55, 57, 64, 0xffff };

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		baseline();
		put16(54, sizes[i]);
		expect(ELF_ERR_BAD_PHDR);
	}
}

static void test_bad_phnum(void **state)
{
	baseline();
	put16(56, 0);
	expect(ELF_ERR_BAD_PHDR);
	/* more headers than the file holds */
	baseline();
	put16(56, (uint16_t)((img_len - 64) / 56 + 1));
	expect(ELF_ERR_BAD_PHDR);
}

/* PN_XNUM (0xffff) means "the real count is in section 0": extended
 * numbering is refused even when 0xffff headers would fit in the file. */
static void test_phnum_xnum(void **state)
{
	size_t len = 64 + 0xffffull * 56;
	uint8_t *big = calloc(1, len);

	assert_non_null(big);
	baseline();
	put16(56, 0xffff);
	memcpy(big, img, 0x2100);
	assert_int_equal(parse_buf(big, len, UMIN, UMAX), ELF_ERR_BAD_PHDR);
	assert_zeroed();
	/* one fewer is a legal count (the rest are PT_NULL) */
	big[56] = 0xfe;
	assert_int_equal(parse_buf(big, len, UMIN, UMAX), ELF_OK);
	assert_int_equal(im.nsegments, 3);
	free(big);
}

static void test_bad_phoff(void **state)
{
	static const uint64_t offs[] = { 0x2100, 0x2101, 0x2100 - 4 * 56 + 1, UINT64_MAX,
	                                 UINT64_MAX - 55, 1ull << 63 };

	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		baseline();
		put64(32, offs[i]);
		expect(ELF_ERR_BAD_PHDR);
	}
}

/* --- segment errors --- */

static void test_wx(void **state)
{
	baseline();
	put_phdr(0, PT_LOAD, R | W | X, 0, 0x400000, 0x1000, 0x1000, PG);
	expect(ELF_ERR_WX);
	put_phdr(0, PT_LOAD, W | X, 0, 0x400000, 0x1000, 0x1000, PG);
	expect(ELF_ERR_WX);
	/* even when empty */
	baseline();
	put_phdr(1, PT_LOAD, W | X, 0, 0, 0, 0, 0);
	expect(ELF_ERR_WX);
}

static void test_overflow(void **state)
{
	baseline();
	put_phdr(1, PT_LOAD, R, 0x1000, UINT64_MAX - 0xfff, 0x10, 0x2000, PG);
	expect(ELF_ERR_OVERFLOW);
	/* vaddr + memsz fits, its page round-up does not */
	put_phdr(1, PT_LOAD, R, 0x1000, UINT64_MAX - 0x1fff, 0x10, 0x1001, PG);
	expect(ELF_ERR_OVERFLOW);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x10, UINT64_MAX, PG);
	expect(ELF_ERR_OVERFLOW);
	/* offset + filesz wraps */
	put_phdr(1, PT_LOAD, R, UINT64_MAX - 0xfff, 0x401000, 0x1000, 0x1000, 0);
	expect(ELF_ERR_OVERFLOW);
	put_phdr(1, PT_LOAD, R, UINT64_MAX, 0x401fff, 2, 0x1000, 0);
	expect(ELF_ERR_OVERFLOW);
}

static void test_filesz(void **state)
{
	baseline();
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x801, 0x800, PG);
	expect(ELF_ERR_FILESZ);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, PG);
	/* one byte past the end of the file, then exactly to it */
	put_phdr(2, PT_LOAD, R | W, 0x2000, 0x402000, 0x101, 0x3000, PG);
	expect(ELF_ERR_FILESZ);
	put_phdr(2, PT_LOAD, R | W, 0x2000, 0x402000, 0x100, 0x3000, PG);
	assert_int_equal(parse(), ELF_OK);
	/* offset beyond the file with filesz 0 */
	put_phdr(1, PT_LOAD, R, 0x3000, 0x403000, 0, 0x10, PG);
	expect(ELF_ERR_FILESZ);
	/* empty segments are still checked */
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 1, 0, PG);
	expect(ELF_ERR_FILESZ);
}

static void test_align(void **state)
{
	baseline();
	/* vaddr and offset differ modulo the page */
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401010, 0x800, 0x800, PG);
	expect(ELF_ERR_ALIGN);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401010, 0x800, 0x800, 0);
	expect(ELF_ERR_ALIGN);
	/* not a power of two */
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, 0x3000);
	expect(ELF_ERR_ALIGN);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, 3);
	expect(ELF_ERR_ALIGN);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x800, 0x800, UINT64_MAX);
	expect(ELF_ERR_ALIGN);
	/* congruent modulo the page, not modulo p_align */
	put_phdr(1, PT_LOAD, R, 0x1000, 0x402000, 0x800, 0x800, 0x2000);
	expect(ELF_ERR_ALIGN);
	/* an empty segment still has to be aligned */
	put_phdr(1, PT_LOAD, R, 0x10, 0x20, 0, 0, PG);
	expect(ELF_ERR_ALIGN);
}

static void test_range(void **state)
{
	baseline();
	/* the null page */
	put_phdr(1, PT_LOAD, R, 0x1000, 0, 0x800, 0x800, PG);
	expect(ELF_ERR_RANGE);
	/* starts in the null page, ends above it */
	put_phdr(1, PT_LOAD, R, 0x1fff, 0xfff, 0x1, 0x2000, PG);
	expect(ELF_ERR_RANGE);
	/* ends one page past user_max */
	put_phdr(1, PT_LOAD, R, 0x1000, UMAX, 0x800, 0x800, PG);
	expect(ELF_ERR_RANGE);
	/* its last page straddles user_max */
	put_phdr(1, PT_LOAD, R, 0x1000, UMAX - PG, 0x800, PG + 1, PG);
	expect(ELF_ERR_RANGE);
	/* kernel half */
	put_phdr(1, PT_LOAD, R, 0x1000, 0xffffffff80001000ull, 0x800, 0x800, PG);
	expect(ELF_ERR_RANGE);
	/* below a higher user_min */
	baseline();
	assert_int_equal(parse_buf(img, img_len, 0x401000, UMAX), ELF_ERR_RANGE);
	assert_zeroed();
	/* above a lower user_max */
	assert_int_equal(parse_buf(img, img_len, UMIN, 0x404fff), ELF_ERR_RANGE);
	assert_int_equal(parse_buf(img, img_len, UMIN, 0x405000), ELF_OK);
	/* an empty range */
	assert_int_equal(parse_buf(img, img_len, UMAX, UMIN), ELF_ERR_RANGE);
}

static void test_entry_range(void **state)
{
	baseline();
	put64(24, 0);
	expect(ELF_ERR_RANGE);
	put64(24, UMIN - 1);
	expect(ELF_ERR_RANGE);
	put64(24, UMAX);
	expect(ELF_ERR_RANGE);
	put64(24, UINT64_MAX);
	expect(ELF_ERR_RANGE);
}

static void test_too_many(void **state)
{
	begin(0x400000, ELF_MAX_SEGMENTS + 1, 0x1000);
	for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
		put_phdr(i, PT_LOAD, i == 0 ? R | X : R, 0, 0x400000 + i * PG, 0x100, 0x100, PG);
	expect(ELF_ERR_TOO_MANY);
}

static void test_no_load(void **state)
{
	begin(0x400000, 2, 0x1000);
	put_phdr(0, PT_NOTE, R, 0, 0, 0x10, 0x10, 4);
	put_phdr(1, PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
	expect(ELF_ERR_NO_LOAD);
	/* only empty PT_LOADs */
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 0, 0, PG);
	expect(ELF_ERR_NO_LOAD);
}

static void test_bad_entry(void **state)
{
	baseline();
	put64(24, 0x402000); /* in the RW segment */
	expect(ELF_ERR_BAD_ENTRY);
	put64(24, 0x401000); /* in the R segment */
	expect(ELF_ERR_BAD_ENTRY);
	put64(24, 0x400000 + 0x1000); /* one past the text */
	expect(ELF_ERR_BAD_ENTRY);
	put64(24, 0x500000); /* in no segment */
	expect(ELF_ERR_BAD_ENTRY);
	put64(24, 0x3fffff); /* just below the text */
	expect(ELF_ERR_BAD_ENTRY);
}

/* Inside the X segment's last page, but past its memsz. */
static void test_entry_in_page_tail(void **state)
{
	baseline();
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 0x800, 0x800, PG);
	put64(24, 0x400800);
	expect(ELF_ERR_BAD_ENTRY);
}

static void test_overlap(void **state)
{
	/* rodata starts in the page where text ends */
	baseline();
	put_phdr(1, PT_LOAD, R, 0x1f00, 0x400f00, 0x100, 0x100, PG);
	expect(ELF_ERR_OVERLAP);
	/* identical segments */
	baseline();
	put_phdr(1, PT_LOAD, R | X, 0, 0x400000, 0x1000, 0x1000, PG);
	expect(ELF_ERR_OVERLAP);
	/* one inside another, out of order */
	baseline();
	put_phdr(0, PT_LOAD, R | X, 0x1000, 0x405000, 0x10, 0x10, PG);
	put_phdr(1, PT_LOAD, R | W, 0, 0x400000, 0x100, 0x10000, PG);
	put_phdr(2, PT_LOAD, R, 0x2000, 0x420000, 0x10, 0x10, PG);
	put64(24, 0x405000);
	expect(ELF_ERR_OVERLAP);
	/* bss runs into the next segment's page */
	baseline();
	put_phdr(2, PT_LOAD, R | W, 0x2000, 0x402000, 0x100, 0x3000, PG);
	put_ehdr(0x400100, 5);
	put_phdr(4, PT_LOAD, R, 0x1000, 0x404000, 0x10, 0x10, PG);
	expect(ELF_ERR_OVERLAP);
	/* one big segment covering the two others */
	begin(0x400000, 3, 0x3000);
	put_phdr(0, PT_LOAD, R | X, 0, 0x400000, 0x10, 0x100000, PG);
	put_phdr(1, PT_LOAD, R, 0x1000, 0x401000, 0x10, 0x10, PG);
	put_phdr(2, PT_LOAD, R, 0x2000, 0x480000, 0x10, 0x10, PG);
	expect(ELF_ERR_OVERLAP);
}

static void test_bad_tls(void **state)
{
	static const struct { uint64_t offset, filesz, memsz, align; } bad[] = {
		{ 0x2000, 0x10, 0x50, 3 },          /* align not a power of two */
		{ 0x2000, 0x10, 0x50, 24 },
		{ 0x2000, 0x10, 0x50, 8192 },       /* align above a page */
		{ 0x2000, 0x10, 0x50, 1ull << 63 },
		{ 0x2000, 0x51, 0x50, 16 },         /* filesz > memsz */
		{ 0x2000, 0x101, 0x200, 16 },       /* image past the end of the file */
		{ 0x2101, 0, 0x10, 16 },            /* offset past the end */
		{ UINT64_MAX, 1, 0x10, 16 },        /* offset + filesz wraps */
		{ 0x10, UINT64_MAX, UINT64_MAX, 16 },
		{ 0x2000, 0, UMAX - UMIN + 1, 16 }, /* memsz larger than the user range */
		{ 0x2000, 0, UINT64_MAX, 16 },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		baseline();
		put_ehdr(0x400100, 5);
		put_phdr(4, PT_TLS, R, bad[i].offset, 0x402000, bad[i].filesz, bad[i].memsz,
		         bad[i].align);
		expect(ELF_ERR_BAD_TLS);
	}
	/* memsz exactly the user range is the limit */
	baseline();
	put_ehdr(0x400100, 5);
	put_phdr(4, PT_TLS, R, 0x2000, 0x402000, 0, UMAX - UMIN, 16);
	assert_int_equal(parse(), ELF_OK);
}

static void test_two_tls(void **state)
{
	baseline();
	put_ehdr(0x400100, 6);
	put_phdr(4, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x50, 16);
	put_phdr(5, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x50, 16);
	expect(ELF_ERR_BAD_TLS);
}

static void test_dynamic(void **state)
{
	baseline();
	put_ehdr(0x400100, 5);
	put_phdr(4, PT_INTERP, R, 0x1000, 0x401000, 0x1c, 0x1c, 1);
	expect(ELF_ERR_DYNAMIC);
	put_phdr(4, PT_DYNAMIC, R | W, 0x2000, 0x402000, 0x100, 0x100, 8);
	expect(ELF_ERR_DYNAMIC);
	/* even with garbage fields */
	put_phdr(4, PT_DYNAMIC, 0, UINT64_MAX, UINT64_MAX, UINT64_MAX, 0, 3);
	expect(ELF_ERR_DYNAMIC);
}

/* --- check order --- */

/* Within one PT_LOAD: WX, then overflow, file size, alignment, range. */
static void test_order_within_segment(void **state)
{
	baseline();
	put_phdr(1, PT_LOAD, R | W | X, UINT64_MAX, 0, 0x10, 0x1, 3);
	expect(ELF_ERR_WX);
	put_phdr(1, PT_LOAD, R, UINT64_MAX, 0, 0x10, 0x1, 3);
	expect(ELF_ERR_OVERFLOW);
	put_phdr(1, PT_LOAD, R, 0x1000, 0, 0x10, 0x1, 3);
	expect(ELF_ERR_FILESZ);
	put_phdr(1, PT_LOAD, R, 0x1000, 0, 0x1, 0x10, 3);
	expect(ELF_ERR_ALIGN);
	put_phdr(1, PT_LOAD, R, 0x1000, 0, 0x1, 0x10, PG);
	expect(ELF_ERR_RANGE);
}

/* The first bad program header decides, whatever the later ones hold. */
static void test_order_first_header_wins(void **state)
{
	baseline();
	put_phdr(0, PT_LOAD, R, 0x10, 0x400000, 0x10, 0x10, PG);   /* ALIGN */
	put_phdr(1, PT_LOAD, W | X, 0x1000, 0x401000, 0x800, 0x800, PG);
	expect(ELF_ERR_ALIGN);
	baseline();
	put_ehdr(0x400100, 6);
	put_phdr(4, PT_INTERP, R, 0x1000, 0x401000, 0x1c, 0x1c, 1);
	put_phdr(5, PT_TLS, R, 0, 0, 0, 0, 3);
	expect(ELF_ERR_DYNAMIC);
	put_phdr(4, PT_TLS, R, 0, 0, 0, 0, 3);
	put_phdr(5, PT_INTERP, R, 0x1000, 0x401000, 0x1c, 0x1c, 1);
	expect(ELF_ERR_BAD_TLS);
}

/* Header errors come before table errors; per-header errors before the
 * whole-image checks (overlap, then entry). */
static void test_order_global(void **state)
{
	baseline();
	put16(16, 3);
	put16(54, 0);
	expect(ELF_ERR_NOT_EXEC);
	baseline();
	img[4] = 1;
	put16(16, 3);
	expect(ELF_ERR_NOT_X86_64);
	/* overlap and a bad entry: overlap first */
	baseline();
	put_phdr(1, PT_LOAD, R, 0x1f00, 0x400f00, 0x100, 0x100, PG);
	put64(24, 0);
	expect(ELF_ERR_OVERLAP);
	/* too many segments and a bad entry: too many first */
	begin(0, ELF_MAX_SEGMENTS + 1, 0x1000);
	for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
		put_phdr(i, PT_LOAD, R, 0, 0x400000 + i * PG, 0x100, 0x100, PG);
	expect(ELF_ERR_TOO_MANY);
	/* no load and a bad entry: no load first */
	begin(0, 1, 0x1000);
	put_phdr(0, PT_NOTE, R, 0, 0, 0, 0, 4);
	expect(ELF_ERR_NO_LOAD);
}

static void test_strerror(void **state)
{
	for (int e = ELF_OK; e >= ELF_ERR_DYNAMIC; e--) {
		const char *s = elf_strerror(e);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		for (int f = e + 1; f <= ELF_OK; f++)
			assert_string_not_equal(s, elf_strerror(f));
	}
	assert_string_equal(elf_strerror(1), "unknown error");
	assert_string_equal(elf_strerror(ELF_ERR_DYNAMIC - 1), "unknown error");
}

/* --- random mutations --- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* What elf_parse promises about an accepted image. */
static void check_invariants(size_t len)
{
	uint64_t prev_end = 0;
	bool entry_ok = false;

	assert_true(im.nsegments >= 1 && im.nsegments <= ELF_MAX_SEGMENTS);
	for (uint32_t i = 0; i < im.nsegments; i++) {
		const struct elf_segment *s = &im.seg[i];
		uint64_t start = s->vaddr & ~(PG - 1);
		uint64_t end = (s->vaddr + s->memsz + PG - 1) & ~(PG - 1);

		assert_true(s->memsz > 0 && s->filesz <= s->memsz);
		assert_true(s->offset <= len && s->filesz <= len - s->offset);
		assert_true(start >= UMIN && end <= UMAX && start >= prev_end);
		assert_true((s->flags & ~7u) == 0 && (s->flags & (W | X)) != (W | X));
		assert_true(((s->vaddr ^ s->offset) & (PG - 1)) == 0);
		if ((s->flags & X) && im.entry >= s->vaddr && im.entry < s->vaddr + s->memsz)
			entry_ok = true;
		prev_end = end;
	}
	assert_true(entry_ok);
	if (im.has_tls) {
		assert_true(im.tls.align >= 1 && im.tls.align <= 4096);
		assert_true((im.tls.align & (im.tls.align - 1)) == 0);
		assert_true(im.tls.filesz <= im.tls.memsz);
		assert_true(im.tls.offset <= len && im.tls.filesz <= len - im.tls.offset);
	}
}

static void test_random_mutations(void **state)
{
	static const uint64_t interesting[] = { 0, 1, 0xfff, 0x1000, 0x400000, UMAX, UINT64_MAX,
	                                        1ull << 63, 0x2100 };
	int accepted = 0;

	for (int iter = 0; iter < 20000; iter++) {
		int flips = 1 + (int)(rng() % 4);

		baseline();
		put_ehdr(0x400100, 5);
		put_phdr(4, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x50, 16);
		for (int k = 0; k < flips; k++) {
			size_t off = (size_t)(rng() % (64 + 5 * 56));

			if (rng() % 2)
				img[off] = (uint8_t)rng();
			else if (off + 8 <= 64 + 5 * 56)
				put64(off & ~(size_t)7, interesting[rng() % 9]);
		}
		if (rng() % 8 == 0)
			img_len = (size_t)(rng() % 0x2200);
		if (parse() == ELF_OK) {
			check_invariants(img_len);
			accepted++;
		} else {
			assert_zeroed();
		}
	}
	assert_true(accepted > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_segments_sorted),
		cmocka_unit_test(test_unaligned_adjacent_pages),
		cmocka_unit_test(test_ignored_header_types),
		cmocka_unit_test(test_extra_flag_bits_masked),
		cmocka_unit_test(test_no_permission_segment),
		cmocka_unit_test(test_palign_values_accepted),
		cmocka_unit_test(test_phdrs_unaligned_offset),
		cmocka_unit_test(test_phdrs_end_at_file_end),
		cmocka_unit_test(test_range_edges_accepted),
		cmocka_unit_test(test_entry_last_byte_of_text),
		cmocka_unit_test(test_empty_load_ignored),
		cmocka_unit_test(test_max_segments),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_real_clang_lld),
		cmocka_unit_test(test_real_gcc_bfd),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_not_x86_64),
		cmocka_unit_test(test_not_exec),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_bad_phnum),
		cmocka_unit_test(test_phnum_xnum),
		cmocka_unit_test(test_bad_phoff),
		cmocka_unit_test(test_wx),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_filesz),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_entry_range),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_bad_entry),
		cmocka_unit_test(test_entry_in_page_tail),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_bad_tls),
		cmocka_unit_test(test_two_tls),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_order_within_segment),
		cmocka_unit_test(test_order_first_header_wins),
		cmocka_unit_test(test_order_global),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
