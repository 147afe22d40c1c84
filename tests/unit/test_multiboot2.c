/* boot_parse_multiboot2 on structures built tag by tag: every tag kind, and
 * every way the structure can be malformed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/bootinfo.h"

#define MBI_PHYS 0x10000ull

/* A Multiboot2 information structure under construction. */
struct mb {
	_Alignas(8) uint8_t buf[40000];
	size_t len;
};

static struct mb m;
static struct boot_info bi;

static void put32(size_t off, uint32_t v)
{
	memcpy(m.buf + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(m.buf + off, &v, 8);
}

static void mb_begin(void)
{
	memset(m.buf, 0, sizeof m.buf);
	m.len = 8;
}

/* Appends a tag with plen payload bytes (copied when payload is non-NULL);
 * returns its offset. */
static size_t mb_tag(uint32_t type, const void *payload, size_t plen)
{
	size_t off = (m.len + 7) & ~(size_t)7;

	put32(off, type);
	put32(off + 4, (uint32_t)(8 + plen));
	if (payload)
		memcpy(m.buf + off + 8, payload, plen);
	m.len = off + 8 + plen;
	return off;
}

/* Appends the end tag and sets total_size. */
static void mb_end(void)
{
	mb_tag(0, NULL, 0);
	put32(0, (uint32_t)m.len);
}

static int parse(void)
{
	memset(&bi, 0xa5, sizeof bi);
	return boot_parse_multiboot2(&bi, m.buf, m.len, MBI_PHYS);
}

static void mb_string(uint32_t type, const char *s)
{
	mb_tag(type, s, strlen(s) + 1);
}

static size_t mb_module(uint32_t start, uint32_t end, const char *name)
{
	size_t off = mb_tag(3, NULL, 8 + strlen(name) + 1);

	put32(off + 8, start);
	put32(off + 12, end);
	memcpy(m.buf + off + 16, name, strlen(name) + 1);
	return off;
}

struct raw { uint64_t base, len; uint32_t type; };

static size_t mb_mmap_sized(const struct raw *e, size_t n, uint32_t entry_size)
{
	size_t off = mb_tag(6, NULL, 8 + n * entry_size);

	put32(off + 8, entry_size);
	put32(off + 12, 0);
	for (size_t i = 0; i < n; i++) {
		size_t eo = off + 16 + i * entry_size;

		put64(eo, e[i].base);
		put64(eo + 8, e[i].len);
		put32(eo + 16, e[i].type);
		put32(eo + 20, 0);
	}
	return off;
}

static void mb_mmap(const struct raw *e, size_t n)
{
	mb_mmap_sized(e, n, 24);
}

static const struct raw ram[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0x7ee0000, 1 },
};

static void mb_std_mmap(void)
{
	mb_mmap(ram, 3);
}

static size_t mb_framebuffer(uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h, uint8_t bpp,
                             uint8_t type)
{
	size_t off = mb_tag(8, NULL, 24 + 6);

	put64(off + 8, addr);
	put32(off + 16, pitch);
	put32(off + 20, w);
	put32(off + 24, h);
	m.buf[off + 28] = bpp;
	m.buf[off + 29] = type;
	return off;
}

static size_t mb_rsdp(uint32_t type, size_t len)
{
	uint8_t rsdp[36] = "RSD PTR ";

	return mb_tag(type, rsdp, len);
}

/* --- well-formed structures --- */

static void test_minimal(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	assert_int_equal(bi.info_phys, MBI_PHYS);
	assert_int_equal(bi.info_len, m.len);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[0].base, 0);
	assert_int_equal(bi.mmap[0].len, 0x9f000);
	assert_int_equal(bi.mmap[0].type, MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, MEM_RESERVED);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].type, MEM_USABLE);
}

/* Fields no tag set are zero, whatever *bi held before. */
static void test_unset_fields_are_zero(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bi.module_phys, 0);
	assert_int_equal(bi.module_len, 0);
	assert_int_equal(bi.rsdp_phys, 0);
	assert_int_equal(bi.fb.phys, 0);
	assert_int_equal(bi.fb.bpp, 0);
	assert_int_equal(bi.mmap[3].base, 0);
}

static void test_every_tag_kind(void **state)
{
	size_t rsdp_off;

	mb_begin();
	mb_string(1, "console=serial quiet");
	mb_string(2, "GRUB 2.06");
	mb_module(0x200000, 0x280123, "bootpkg");
	mb_std_mmap();
	mb_framebuffer(0xfd000000, 4096, 1024, 768, 32, 1);
	rsdp_off = mb_rsdp(15, 36);
	mb_tag(21, "\x00\x00\x10\x00", 4); /* load base address: unknown to us */
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "console=serial quiet");
	assert_string_equal(bi.loader_name, "GRUB 2.06");
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.module_phys, 0x200000);
	assert_int_equal(bi.module_len, 0x80123);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.fb.phys, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.rsdp_phys, MBI_PHYS + rsdp_off + 8);
}

static void test_zero_modules(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 0);
}

static void test_one_module(void **state)
{
	mb_begin();
	mb_module(0x300000, 0x301000, "");
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.module_phys, 0x300000);
	assert_int_equal(bi.module_len, 0x1000);
}

static void test_two_modules_first_described(void **state)
{
	mb_begin();
	mb_module(0x300000, 0x301000, "first");
	mb_std_mmap();
	mb_module(0x400000, 0x480000, "second");
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.module_phys, 0x300000);
	assert_int_equal(bi.module_len, 0x1000);
}

static void test_empty_module(void **state)
{
	mb_begin();
	mb_module(0x300000, 0x300000, "empty");
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.module_len, 0);
}

static void test_module_end_before_start(void **state)
{
	mb_begin();
	mb_module(0x300000, 0x2fffff, "bad");
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_module_tag_too_small(void **state)
{
	mb_begin();
	mb_tag(3, "\0\0\x30\0\0\0", 6);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

/* --- memory map --- */

static void test_missing_memory_map(void **state)
{
	mb_begin();
	mb_string(1, "x");
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
}

static void test_empty_memory_map(void **state)
{
	mb_begin();
	mb_mmap(NULL, 0);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
}

static void test_memory_map_types(void **state)
{
	const struct raw e[] = {
		{ 0x0000, 0x1000, 1 }, { 0x1000, 0x1000, 2 }, { 0x2000, 0x1000, 3 },
		{ 0x3000, 0x1000, 4 }, { 0x4000, 0x1000, 5 }, { 0x5000, 0x1000, 7 },
		{ 0x6000, 0x1000, 0 }, { 0x7000, 0x1000, 1 },
	};

	mb_begin();
	mb_mmap(e, 8);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 7);
	assert_int_equal(bi.mmap[0].type, MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, MEM_RESERVED);
	assert_int_equal(bi.mmap[2].type, MEM_ACPI_RECLAIMABLE);
	assert_int_equal(bi.mmap[3].type, MEM_ACPI_NVS);
	assert_int_equal(bi.mmap[4].type, MEM_BAD);
	assert_int_equal(bi.mmap[5].base, 0x5000);
	assert_int_equal(bi.mmap[5].len, 0x2000);
	assert_int_equal(bi.mmap[5].type, MEM_RESERVED);
	assert_int_equal(bi.mmap[6].base, 0x7000);
	assert_int_equal(bi.mmap[6].type, MEM_USABLE);
	assert_int_equal(memmap_usable_bytes(&bi), 0x2000);
}

static void test_memory_map_is_normalized(void **state)
{
	const struct raw e[] = {
		{ 0x100800, 0x10000, 1 },
		{ 0x0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
	};

	mb_begin();
	mb_mmap(e, 3);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[0].len, 0x9f000);
	assert_int_equal(bi.mmap[1].base, 0x9f000);
	assert_int_equal(bi.mmap[2].base, 0x101000);
	assert_int_equal(bi.mmap[2].len, 0xf000);
}

static void test_memory_map_larger_entries(void **state)
{
	mb_begin();
	mb_mmap_sized(ram, 3, 40);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].len, 0x7ee0000);
}

static void test_memory_map_entry_size_too_small(void **state)
{
	mb_begin();
	mb_mmap_sized(ram, 3, 16);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_memory_map_entry_size_misaligned(void **state)
{
	mb_begin();
	mb_mmap_sized(ram, 3, 28);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_memory_map_tag_too_small(void **state)
{
	mb_begin();
	mb_tag(6, "\x18\0\0\0", 4);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

/* Bytes after the last whole entry are ignored. */
static void test_memory_map_partial_entry_ignored(void **state)
{
	size_t off;

	mb_begin();
	off = mb_mmap_sized(ram, 2, 24);
	put32(off + 4, 8 + 8 + 2 * 24 + 20);
	m.len += 20;
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 2);
}

static void test_memory_map_too_many_regions(void **state)
{
	static struct raw e[BOOT_MMAP_MAX + 1];

	for (size_t i = 0; i < BOOT_MMAP_MAX + 1; i++)
		e[i] = (struct raw){ i * 0x2000, 0x1000, 1 };
	mb_begin();
	mb_mmap(e, BOOT_MMAP_MAX);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, BOOT_MMAP_MAX);
	mb_begin();
	mb_mmap(e, BOOT_MMAP_MAX + 1);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_TOO_MANY);
}

static void test_memory_map_too_many_raw_entries(void **state)
{
	static struct raw e[1025];

	for (size_t i = 0; i < 1025; i++)
		e[i] = (struct raw){ 0x100000, 0x1000, 1 };
	mb_begin();
	mb_mmap(e, 1024);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 1);
	mb_begin();
	mb_mmap(e, 1025);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_TOO_MANY);
}

static void test_second_memory_map_ignored(void **state)
{
	const struct raw other[] = { { 0x40000000, 0x1000, 1 } };

	mb_begin();
	mb_std_mmap();
	mb_mmap(other, 1);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[0].base, 0);
}

/* --- strings --- */

static void test_cmdline_without_nul_bounded_by_tag(void **state)
{
	mb_begin();
	mb_tag(1, "abcdefgh", 5); /* "abcde", no NUL inside the tag */
	m.buf[m.len] = 'Z';          /* padding byte that must not be read as text */
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "abcde");
}

/* A command line of n 'c' bytes in one tag (NUL-terminated). */
static void mb_long_cmdline(size_t n)
{
	static char line[BOOT_CMDLINE_LEN_MAX + 600];

	memset(line, 'c', n);
	line[n] = '\0';
	mb_begin();
	mb_string(1, line);
	mb_std_mmap();
	mb_end();
}

/* Lines up to BOOT_CMDLINE_LEN_MAX (4 KiB) are taken whole. */
static void test_cmdline_4095_taken_whole(void **state)
{
	mb_long_cmdline(4095);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.cmdline), 4095);
	assert_false(bi.cmdline_truncated);
}

static void test_cmdline_4096_taken_whole(void **state)
{
	assert_int_equal(BOOT_CMDLINE_LEN_MAX, 4096);
	mb_long_cmdline(4096);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.cmdline), 4096);
	assert_false(bi.cmdline_truncated);
}

/* One byte more is flagged, never silently cut. */
static void test_cmdline_4097_flagged_truncated(void **state)
{
	mb_long_cmdline(4097);
	assert_int_equal(parse(), BOOT_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_LEN_MAX);
	assert_int_equal(bi.cmdline[0], 'c');
}

static void test_cmdline_much_longer_flagged_truncated(void **state)
{
	mb_long_cmdline(BOOT_CMDLINE_LEN_MAX + 599);
	assert_int_equal(parse(), BOOT_OK);
	assert_true(bi.cmdline_truncated);
}

/* A tag of exactly 4096 bytes with no NUL inside is a whole line. */
static void test_cmdline_4096_without_nul_taken_whole(void **state)
{
	static char line[BOOT_CMDLINE_LEN_MAX];

	memset(line, 'u', sizeof line);
	mb_begin();
	mb_tag(1, line, sizeof line);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_LEN_MAX);
	assert_false(bi.cmdline_truncated);
}

static void test_cmdline_exactly_fits(void **state)
{
	char s[BOOT_CMDLINE_MAX];

	memset(s, 'x', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	mb_begin();
	mb_string(1, s);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, s);
	assert_false(bi.cmdline_truncated);
}

static void test_cmdline_empty_tag(void **state)
{
	mb_begin();
	mb_tag(1, NULL, 0);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "");
}

static void test_cmdline_stops_at_embedded_nul(void **state)
{
	mb_begin();
	mb_tag(1, "ab\0cd", 6);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "ab");
}

static void test_loader_name_truncated(void **state)
{
	char s[100];

	memset(s, 'L', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	mb_begin();
	mb_string(2, s);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.loader_name), BOOT_LOADER_NAME_MAX - 1);
}

/* --- ACPI and framebuffer --- */

static void test_acpi_old_rsdp(void **state)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_rsdp(14, 20);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.rsdp_phys, MBI_PHYS + off + 8);
}

static void test_acpi_new_preferred_when_first(void **state)
{
	size_t off;

	mb_begin();
	off = mb_rsdp(15, 36);
	mb_rsdp(14, 20);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.rsdp_phys, MBI_PHYS + off + 8);
}

static void test_acpi_new_preferred_when_last(void **state)
{
	size_t off;

	mb_begin();
	mb_rsdp(14, 20);
	mb_std_mmap();
	off = mb_rsdp(15, 36);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.rsdp_phys, MBI_PHYS + off + 8);
}

static void test_acpi_tag_too_small(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_rsdp(14, 12);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
	mb_begin();
	mb_std_mmap();
	mb_rsdp(15, 20);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_framebuffer_ega_text_ignored(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_framebuffer(0xb8000, 160, 80, 25, 16, 2);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.fb.phys, 0);
}

static void test_framebuffer_tag_too_small(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_tag(8, "\0\0\0\xfd\0\0\0\0", 8);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

/* --- framing --- */

static void test_unknown_tags_skipped(void **state)
{
	mb_begin();
	mb_tag(9999, "0123456789", 10);
	mb_tag(4, "\1\0\0\0\2\0\0\0", 8); /* basic meminfo: not used */
	mb_std_mmap();
	mb_tag(0x7fffffff, NULL, 0);
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
}

/* A tag whose size is not a multiple of 8 is followed by padding. */
static void test_unpadded_tag_size_then_aligned_next(void **state)
{
	mb_begin();
	mb_tag(1, "abc", 4); /* size 12 */
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "abc");
	assert_int_equal(bi.mmap_count, 3);
}

static void test_tags_after_end_ignored(void **state)
{
	mb_begin();
	mb_string(1, "before");
	mb_tag(0, NULL, 0);
	mb_std_mmap();
	put32(0, (uint32_t)m.len);
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
}

static void test_avail_below_header(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, 7, MBI_PHYS), BOOT_ERR_TRUNCATED);
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, 0, MBI_PHYS), BOOT_ERR_TRUNCATED);
}

static void test_total_size_below_header(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	put32(0, 4);
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_total_size_beyond_avail(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, m.len - 1, MBI_PHYS), BOOT_ERR_TRUNCATED);
}

/* Any prefix of a valid structure, with total_size cut to match, fails. */
static void test_truncated_everywhere(void **state)
{
	size_t full;

	mb_begin();
	mb_string(1, "cmd");
	mb_module(0x300000, 0x301000, "m");
	mb_std_mmap();
	mb_end();
	full = m.len;
	for (size_t cut = 8; cut < full; cut++) {
		put32(0, (uint32_t)cut);
		memset(&bi, 0, sizeof bi);
		int rc = boot_parse_multiboot2(&bi, m.buf, cut, MBI_PHYS);

		assert_true(rc == BOOT_ERR_TRUNCATED || rc == BOOT_ERR_BAD_TAG);
		assert_int_equal(bi.protocol, BOOT_PROTO_NONE);
	}
	put32(0, (uint32_t)full);
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, full, MBI_PHYS), BOOT_OK);
}

static void test_tag_size_below_8(void **state)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_tag(1, "x", 0);
	put32(off + 4, 7);
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_tag_size_zero(void **state)
{
	size_t off;

	mb_begin();
	off = mb_tag(1, NULL, 0);
	put32(off + 4, 0);
	mb_std_mmap();
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_BAD_TAG);
}

static void test_tag_runs_past_total_size(void **state)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_tag(1, "cmdline", 8);
	mb_end();
	put32(off + 4, (uint32_t)(m.len - off + 8));
	assert_int_equal(parse(), BOOT_ERR_TRUNCATED);
}

static void test_huge_tag_size(void **state)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_tag(1, "cmdline", 8);
	mb_end();
	put32(off + 4, 0xfffffff8u);
	assert_int_equal(parse(), BOOT_ERR_TRUNCATED);
}

static void test_missing_end_tag(void **state)
{
	mb_begin();
	mb_std_mmap();
	put32(0, (uint32_t)m.len);
	assert_int_equal(parse(), BOOT_ERR_TRUNCATED);
}

/* The last tag's padding would reach past total_size: no room for an end tag. */
static void test_missing_end_tag_after_padding(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_tag(1, "abc", 4);
	put32(0, (uint32_t)m.len + 4);
	m.len += 4;
	assert_int_equal(parse(), BOOT_ERR_TRUNCATED);
}

static void test_end_tag_with_larger_size(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_tag(0, "\0\0\0\0\0\0\0\0", 8);
	put32(0, (uint32_t)m.len);
	assert_int_equal(parse(), BOOT_OK);
}

static void test_avail_larger_than_total(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, sizeof m.buf, MBI_PHYS), BOOT_OK);
	assert_int_equal(bi.info_len, m.len);
}

/* The parser reads byte-wise: any buffer alignment works. */
static void test_unaligned_buffer(void **state)
{
	static uint8_t shifted[4096 + 3];

	mb_begin();
	mb_string(1, "shifted");
	mb_std_mmap();
	mb_end();
	memcpy(shifted + 3, m.buf, m.len);
	assert_int_equal(boot_parse_multiboot2(&bi, shifted + 3, m.len, MBI_PHYS), BOOT_OK);
	assert_string_equal(bi.cmdline, "shifted");
	assert_int_equal(bi.mmap_count, 3);
}

static void test_physical_range_wraps(void **state)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, m.len, UINT64_MAX - 16), BOOT_ERR_TRUNCATED);
	assert_int_equal(boot_parse_multiboot2(&bi, m.buf, m.len, UINT64_MAX - m.len + 1), BOOT_OK);
}

/* An error leaves no partial success visible as protocol != NONE. */
static void test_error_clears_output(void **state)
{
	mb_begin();
	mb_string(1, "x");
	mb_end();
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
	assert_int_equal(bi.protocol, BOOT_PROTO_NONE);
	assert_int_equal(bi.mmap_count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_unset_fields_are_zero),
		cmocka_unit_test(test_every_tag_kind),
		cmocka_unit_test(test_zero_modules),
		cmocka_unit_test(test_one_module),
		cmocka_unit_test(test_two_modules_first_described),
		cmocka_unit_test(test_empty_module),
		cmocka_unit_test(test_module_end_before_start),
		cmocka_unit_test(test_module_tag_too_small),
		cmocka_unit_test(test_missing_memory_map),
		cmocka_unit_test(test_empty_memory_map),
		cmocka_unit_test(test_memory_map_types),
		cmocka_unit_test(test_memory_map_is_normalized),
		cmocka_unit_test(test_memory_map_larger_entries),
		cmocka_unit_test(test_memory_map_entry_size_too_small),
		cmocka_unit_test(test_memory_map_entry_size_misaligned),
		cmocka_unit_test(test_memory_map_tag_too_small),
		cmocka_unit_test(test_memory_map_partial_entry_ignored),
		cmocka_unit_test(test_memory_map_too_many_regions),
		cmocka_unit_test(test_memory_map_too_many_raw_entries),
		cmocka_unit_test(test_second_memory_map_ignored),
		cmocka_unit_test(test_cmdline_without_nul_bounded_by_tag),
		cmocka_unit_test(test_cmdline_4095_taken_whole),
		cmocka_unit_test(test_cmdline_4096_taken_whole),
		cmocka_unit_test(test_cmdline_4097_flagged_truncated),
		cmocka_unit_test(test_cmdline_much_longer_flagged_truncated),
		cmocka_unit_test(test_cmdline_4096_without_nul_taken_whole),
		cmocka_unit_test(test_cmdline_exactly_fits),
		cmocka_unit_test(test_cmdline_empty_tag),
		cmocka_unit_test(test_cmdline_stops_at_embedded_nul),
		cmocka_unit_test(test_loader_name_truncated),
		cmocka_unit_test(test_acpi_old_rsdp),
		cmocka_unit_test(test_acpi_new_preferred_when_first),
		cmocka_unit_test(test_acpi_new_preferred_when_last),
		cmocka_unit_test(test_acpi_tag_too_small),
		cmocka_unit_test(test_framebuffer_ega_text_ignored),
		cmocka_unit_test(test_framebuffer_tag_too_small),
		cmocka_unit_test(test_unknown_tags_skipped),
		cmocka_unit_test(test_unpadded_tag_size_then_aligned_next),
		cmocka_unit_test(test_tags_after_end_ignored),
		cmocka_unit_test(test_avail_below_header),
		cmocka_unit_test(test_total_size_below_header),
		cmocka_unit_test(test_total_size_beyond_avail),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_tag_size_below_8),
		cmocka_unit_test(test_tag_size_zero),
		cmocka_unit_test(test_tag_runs_past_total_size),
		cmocka_unit_test(test_huge_tag_size),
		cmocka_unit_test(test_missing_end_tag),
		cmocka_unit_test(test_missing_end_tag_after_padding),
		cmocka_unit_test(test_end_tag_with_larger_size),
		cmocka_unit_test(test_avail_larger_than_total),
		cmocka_unit_test(test_unaligned_buffer),
		cmocka_unit_test(test_physical_range_wraps),
		cmocka_unit_test(test_error_clears_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
