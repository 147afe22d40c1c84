/* boot_parse_pvh over a fake physical memory: a buffer at PHYS with an
 * optional readable limit, so every pointer can be made unreadable and every
 * request is checked against what is readable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/bootinfo.h"

#define PHYS 0x100000ull
#define MEM_SIZE 0x10000u
#define START (PHYS + 0x0)
#define MODS (PHYS + 0x100)
#define CMD (PHYS + 0x400)
#define MMAP (PHYS + 0x1000)
#define MAGIC 0x336ec578u

struct fake {
	_Alignas(8) uint8_t mem[MEM_SIZE];
	uint64_t readable_end;   /* reads must end at or before this address */
	uint64_t hole_lo, hole_hi; /* [lo, hi) unreadable when hi > lo */
	unsigned calls, refused;
	size_t max_len;
	bool bounce;             /* copy into one shared buffer, like a bounce buffer */
	uint8_t bounce_buf[MEM_SIZE];
};

static struct fake f;
static struct boot_info bi;

static const void *fake_read(void *ctx, uint64_t phys, size_t len)
{
	struct fake *m = ctx;
	uint64_t off;

	m->calls++;
	if (len > m->max_len)
		m->max_len = len;
	if (phys < PHYS || len == 0 || phys - PHYS > MEM_SIZE || len > MEM_SIZE - (phys - PHYS) ||
	    phys + len > m->readable_end ||
	    (m->hole_hi > m->hole_lo && phys < m->hole_hi && phys + len > m->hole_lo)) {
		m->refused++;
		return NULL;
	}
	off = phys - PHYS;
	if (m->bounce) {
		memcpy(m->bounce_buf, m->mem + off, len);
		return m->bounce_buf;
	}
	return m->mem + off;
}

static void put32(uint64_t phys, uint32_t v)
{
	memcpy(f.mem + (phys - PHYS), &v, 4);
}

static void put64(uint64_t phys, uint64_t v)
{
	memcpy(f.mem + (phys - PHYS), &v, 8);
}

static void set_map(uint64_t at, unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
	put64(at + i * 24, base);
	put64(at + i * 24 + 8, len);
	put32(at + i * 24 + 16, type);
	put32(at + i * 24 + 20, 0);
}

static void set_module(unsigned i, uint64_t paddr, uint64_t size)
{
	put64(MODS + i * 32, paddr);
	put64(MODS + i * 32 + 8, size);
	put64(MODS + i * 32 + 16, 0);
	put64(MODS + i * 32 + 24, 0);
}

/* A version-1 start info with a three-entry map, one module, a command line
 * and an RSDP. */
static void build_standard(void)
{
	memset(&f, 0, sizeof f);
	f.readable_end = PHYS + MEM_SIZE;
	put32(START, MAGIC);
	put32(START + 4, 1);
	put32(START + 8, 0);
	put32(START + 12, 1);
	put64(START + 16, MODS);
	put64(START + 24, CMD);
	put64(START + 32, 0xf5a40);
	put64(START + 40, MMAP);
	put32(START + 48, 3);
	set_module(0, 0x800000, 0x12345);
	strcpy((char *)f.mem + (CMD - PHYS), "console=ttyS0 capos.test=1");
	set_map(MMAP, 0, 0x0, 0x9fc00, 1);
	set_map(MMAP, 1, 0xf0000, 0x10000, 2);
	set_map(MMAP, 2, 0x100000, 0x7f00000, 1);
}

static int parse(void)
{
	memset(&bi, 0xa5, sizeof bi);
	return boot_parse_pvh(&bi, START, fake_read, &f);
}

static void test_version1_full(void **state)
{
	build_standard();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.protocol, BOOT_PROTO_PVH);
	assert_int_equal(bi.info_phys, START);
	assert_int_equal(bi.info_len, 56);
	assert_int_equal(bi.rsdp_phys, 0xf5a40);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.module_phys, 0x800000);
	assert_int_equal(bi.module_len, 0x12345);
	assert_string_equal(bi.cmdline, "console=ttyS0 capos.test=1");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.fb.phys, 0);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[0].base, 0);
	assert_int_equal(bi.mmap[0].len, 0x9f000);
	assert_int_equal(bi.mmap[0].type, MEM_USABLE);
	assert_int_equal(bi.mmap[1].base, 0xf0000);
	assert_int_equal(bi.mmap[1].type, MEM_RESERVED);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].len, 0x7f00000);
	assert_int_equal(memmap_usable_bytes(&bi), 0x9f000 + 0x7f00000);
}

static void test_version0_has_no_memmap(void **state)
{
	build_standard();
	put32(START + 4, 0);
	f.readable_end = START + 40; /* a v0 structure is only 40 bytes */
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
	assert_int_equal(bi.protocol, BOOT_PROTO_NONE);
	assert_int_equal(f.refused, 0);
}

static void test_future_version_parsed_as_v1(void **state)
{
	build_standard();
	put32(START + 4, 7);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
}

static void test_bad_magic(void **state)
{
	build_standard();
	put32(START, 0x336ec579);
	assert_int_equal(parse(), BOOT_ERR_BAD_MAGIC);
	assert_int_equal(bi.protocol, BOOT_PROTO_NONE);
}

static void test_zero_magic(void **state)
{
	build_standard();
	memset(f.mem, 0, 56);
	assert_int_equal(parse(), BOOT_ERR_BAD_MAGIC);
}

static void test_start_info_unreadable(void **state)
{
	build_standard();
	f.hole_lo = START;
	f.hole_hi = START + 1;
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
	assert_int_equal(bi.protocol, BOOT_PROTO_NONE);
}

static void test_start_info_v1_part_unreadable(void **state)
{
	build_standard();
	f.hole_lo = START + 50;
	f.hole_hi = START + 51;
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_start_info_wraps_address_space(void **state)
{
	build_standard();
	assert_int_equal(boot_parse_pvh(&bi, UINT64_MAX - 20, fake_read, &f), BOOT_ERR_UNREADABLE);
}

static void test_flags_ignored(void **state)
{
	build_standard();
	put32(START + 8, 0xffffffff);
	assert_int_equal(parse(), BOOT_OK);
}

/* --- memory map --- */

static void test_memmap_zero_entries(void **state)
{
	build_standard();
	put32(START + 48, 0);
	assert_int_equal(parse(), BOOT_ERR_NO_MEMMAP);
}

static void test_memmap_unreadable(void **state)
{
	build_standard();
	put64(START + 40, 0x5000000);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_memmap_last_entry_unreadable(void **state)
{
	build_standard();
	f.hole_lo = MMAP + 2 * 24 + 20;
	f.hole_hi = MMAP + 3 * 24;
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_memmap_pointer_wraps(void **state)
{
	build_standard();
	put64(START + 40, UINT64_MAX - 24);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_memmap_types(void **state)
{
	build_standard();
	put32(START + 48, 6);
	set_map(MMAP, 0, 0x0000, 0x1000, 1);
	set_map(MMAP, 1, 0x1000, 0x1000, 3);
	set_map(MMAP, 2, 0x2000, 0x1000, 4);
	set_map(MMAP, 3, 0x3000, 0x1000, 5);
	set_map(MMAP, 4, 0x4000, 0x1000, 2);
	set_map(MMAP, 5, 0x5000, 0x1000, 12);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 5);
	assert_int_equal(bi.mmap[0].type, MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, MEM_ACPI_RECLAIMABLE);
	assert_int_equal(bi.mmap[2].type, MEM_ACPI_NVS);
	assert_int_equal(bi.mmap[3].type, MEM_BAD);
	assert_int_equal(bi.mmap[4].base, 0x4000);
	assert_int_equal(bi.mmap[4].len, 0x2000);
	assert_int_equal(bi.mmap[4].type, MEM_RESERVED);
}

static void test_memmap_normalized(void **state)
{
	build_standard();
	put32(START + 48, 3);
	set_map(MMAP, 0, 0x200000, 0x100000, 1);
	set_map(MMAP, 1, 0x100010, 0x100000, 1);
	set_map(MMAP, 2, 0x250000, 0x10, 2);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[0].base, 0x101000);
	assert_int_equal(bi.mmap[0].len, 0x250000 - 0x101000);
	assert_int_equal(bi.mmap[1].base, 0x250000);
	assert_int_equal(bi.mmap[1].len, 0x1000);
	assert_int_equal(bi.mmap[2].base, 0x251000);
	assert_int_equal(bi.mmap[2].len, 0x300000 - 0x251000);
}

static void test_memmap_raw_entry_limit(void **state)
{
	build_standard();
	put32(START + 48, 1024);
	for (unsigned i = 0; i < 1024; i++)
		set_map(PHYS + 0x4000, i, 0x100000 + i * 0x1000, 0x1000, 1);
	put64(START + 40, PHYS + 0x4000);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, 1);
	assert_int_equal(bi.mmap[0].len, 1024 * 0x1000);
	put32(START + 48, 1025);
	assert_int_equal(parse(), BOOT_ERR_TOO_MANY);
}

static void test_memmap_too_many_regions(void **state)
{
	build_standard();
	put32(START + 48, BOOT_MMAP_MAX + 1);
	for (unsigned i = 0; i < BOOT_MMAP_MAX + 1; i++)
		set_map(MMAP, i, i * 0x2000, 0x1000, 1);
	assert_int_equal(parse(), BOOT_ERR_TOO_MANY);
	put32(START + 48, BOOT_MMAP_MAX);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.mmap_count, BOOT_MMAP_MAX);
}

/* --- modules --- */

static void test_zero_modules_list_not_read(void **state)
{
	build_standard();
	put32(START + 12, 0);
	put64(START + 16, 0xdead0000);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bi.module_phys, 0);
	assert_int_equal(bi.module_len, 0);
	assert_int_equal(f.refused, 0);
}

static void test_one_module(void **state)
{
	build_standard();
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.module_phys, 0x800000);
}

static void test_two_modules_first_described(void **state)
{
	build_standard();
	put32(START + 12, 2);
	set_module(1, 0x900000, 0x1000);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.module_phys, 0x800000);
	assert_int_equal(bi.module_len, 0x12345);
}

static void test_module_list_unreadable(void **state)
{
	build_standard();
	put64(START + 16, 0x7000000);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_module_entry_partly_unreadable(void **state)
{
	build_standard();
	f.hole_lo = MODS + 31;
	f.hole_hi = MODS + 32;
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

/* --- command line --- */

static void test_no_cmdline(void **state)
{
	build_standard();
	put64(START + 24, 0);
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "");
}

static void test_cmdline_unreadable(void **state)
{
	build_standard();
	put64(START + 24, 0x9000000);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

static void test_empty_cmdline(void **state)
{
	build_standard();
	f.mem[CMD - PHYS] = '\0';
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "");
}

/* The NUL is the last readable byte: nothing past it may be requested. */
static void test_cmdline_ends_at_readable_end(void **state)
{
	uint64_t at = PHYS + MEM_SIZE - 6;

	build_standard();
	memcpy(f.mem + (at - PHYS), "quiet", 6);
	put64(START + 24, at);
	assert_int_equal(parse(), BOOT_OK);
	assert_string_equal(bi.cmdline, "quiet");
	assert_int_equal(f.refused, 0);
}

static void test_cmdline_runs_into_unreadable(void **state)
{
	uint64_t at = PHYS + MEM_SIZE - 5;

	build_standard();
	memcpy(f.mem + (at - PHYS), "quiet", 5);
	put64(START + 24, at);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

/* Where the long command lines go: past the memory map, with room for
 * BOOT_CMDLINE_LEN_MAX + 1000 bytes. */
#define LONG_CMD (PHYS + 0x4000)

/* A command line of n 'k' bytes at LONG_CMD, NUL-terminated. */
static void build_long_cmdline(size_t n)
{
	build_standard();
	memset(f.mem + (LONG_CMD - PHYS), 'k', n);
	f.mem[LONG_CMD - PHYS + n] = '\0';
	put64(START + 24, LONG_CMD);
}

/* Lines up to BOOT_CMDLINE_LEN_MAX (4 KiB) are taken whole. */
static void test_cmdline_4095_taken_whole(void **state)
{
	build_long_cmdline(4095);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.cmdline), 4095);
	assert_false(bi.cmdline_truncated);
}

static void test_cmdline_4096_taken_whole(void **state)
{
	assert_int_equal(BOOT_CMDLINE_LEN_MAX, 4096);
	build_long_cmdline(4096);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(strlen(bi.cmdline), 4096);
	assert_false(bi.cmdline_truncated);
}

/* One byte more is flagged, never silently cut. */
static void test_cmdline_4097_flagged_truncated(void **state)
{
	build_long_cmdline(4097);
	assert_int_equal(parse(), BOOT_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_LEN_MAX);
}

/* A longer line is flagged, and the bytes past the one after the limit are
 * never read. */
static void test_cmdline_truncated_reads_no_further(void **state)
{
	build_long_cmdline(BOOT_CMDLINE_LEN_MAX + 1000);
	f.hole_lo = LONG_CMD + BOOT_CMDLINE_LEN_MAX + 1;
	f.hole_hi = LONG_CMD + BOOT_CMDLINE_LEN_MAX + 1000;
	assert_int_equal(parse(), BOOT_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_LEN_MAX);
	assert_int_equal(f.refused, 0);
}

/* A 4096-byte line whose NUL is the last readable byte is whole. */
static void test_cmdline_4096_ends_at_readable_end(void **state)
{
	build_long_cmdline(4096);
	f.readable_end = LONG_CMD + 4097;
	assert_int_equal(parse(), BOOT_OK);
	assert_false(bi.cmdline_truncated);
	assert_int_equal(f.refused, 0);
}

static void test_cmdline_requests_are_small(void **state)
{
	build_standard();
	put32(START + 12, 0);
	put32(START + 48, 1);
	assert_int_equal(parse(), BOOT_OK);
	assert_true(f.max_len <= 56);
}

static void test_cmdline_near_top_of_address_space(void **state)
{
	build_standard();
	put64(START + 24, UINT64_MAX - 1);
	assert_int_equal(parse(), BOOT_ERR_UNREADABLE);
}

/* --- the reader --- */

/* A reader that hands back one reused buffer still gives the right result. */
static void test_bounce_buffer_reader(void **state)
{
	build_standard();
	f.bounce = true;
	put32(START + 12, 2);
	set_module(1, 0x900000, 0x1000);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.module_phys, 0x800000);
	assert_int_equal(bi.rsdp_phys, 0xf5a40);
	assert_string_equal(bi.cmdline, "console=ttyS0 capos.test=1");
	assert_int_equal(bi.mmap_count, 3);
}

static void test_unaligned_start_info(void **state)
{
	build_standard();
	memmove(f.mem + 0x803, f.mem, 56);
	assert_int_equal(boot_parse_pvh(&bi, PHYS + 0x803, fake_read, &f), BOOT_OK);
	assert_int_equal(bi.info_phys, PHYS + 0x803);
	assert_int_equal(bi.mmap_count, 3);
}

static void test_rsdp_absent(void **state)
{
	build_standard();
	put64(START + 32, 0);
	assert_int_equal(parse(), BOOT_OK);
	assert_int_equal(bi.rsdp_phys, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version1_full),
		cmocka_unit_test(test_version0_has_no_memmap),
		cmocka_unit_test(test_future_version_parsed_as_v1),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_zero_magic),
		cmocka_unit_test(test_start_info_unreadable),
		cmocka_unit_test(test_start_info_v1_part_unreadable),
		cmocka_unit_test(test_start_info_wraps_address_space),
		cmocka_unit_test(test_flags_ignored),
		cmocka_unit_test(test_memmap_zero_entries),
		cmocka_unit_test(test_memmap_unreadable),
		cmocka_unit_test(test_memmap_last_entry_unreadable),
		cmocka_unit_test(test_memmap_pointer_wraps),
		cmocka_unit_test(test_memmap_types),
		cmocka_unit_test(test_memmap_normalized),
		cmocka_unit_test(test_memmap_raw_entry_limit),
		cmocka_unit_test(test_memmap_too_many_regions),
		cmocka_unit_test(test_zero_modules_list_not_read),
		cmocka_unit_test(test_one_module),
		cmocka_unit_test(test_two_modules_first_described),
		cmocka_unit_test(test_module_list_unreadable),
		cmocka_unit_test(test_module_entry_partly_unreadable),
		cmocka_unit_test(test_no_cmdline),
		cmocka_unit_test(test_cmdline_unreadable),
		cmocka_unit_test(test_empty_cmdline),
		cmocka_unit_test(test_cmdline_ends_at_readable_end),
		cmocka_unit_test(test_cmdline_runs_into_unreadable),
		cmocka_unit_test(test_cmdline_4095_taken_whole),
		cmocka_unit_test(test_cmdline_4096_taken_whole),
		cmocka_unit_test(test_cmdline_4097_flagged_truncated),
		cmocka_unit_test(test_cmdline_truncated_reads_no_further),
		cmocka_unit_test(test_cmdline_4096_ends_at_readable_end),
		cmocka_unit_test(test_cmdline_requests_are_small),
		cmocka_unit_test(test_cmdline_near_top_of_address_space),
		cmocka_unit_test(test_bounce_buffer_reader),
		cmocka_unit_test(test_unaligned_start_info),
		cmocka_unit_test(test_rsdp_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
