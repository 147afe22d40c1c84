/* acpi_parse over a fake physical memory: a buffer at PHYS holding an RSDP,
 * a root table, a MADT and an MCFG laid out like QEMU's q35, each built with
 * correct checksums; each test breaks one thing and expects its named error.
 * The reader copies into one bounce buffer, so a parser keeping a pointer
 * across reads would see the wrong bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/acpi.h"

#define PHYS 0xE0000ull
#define MEM_SIZE 0x4000u
#define RSDP (PHYS + 0x0)
#define RSDT (PHYS + 0x100)
#define XSDT (PHYS + 0x200)
#define MADT (PHYS + 0x400)
#define MCFG (PHYS + 0x800)
#define FACP (PHYS + 0xA00)

static struct {
	uint8_t mem[MEM_SIZE];
	uint8_t bounce[MEM_SIZE];
	uint64_t hole_lo, hole_hi;
} f;
static struct acpi_info info;

static const void *fake_read(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (phys < PHYS || len == 0 || phys - PHYS > MEM_SIZE || len > MEM_SIZE - (phys - PHYS))
		return NULL;
	if (f.hole_hi > f.hole_lo && phys < f.hole_hi && phys + len > f.hole_lo)
		return NULL;
	memset(f.bounce, 0xAA, sizeof f.bounce);
	memcpy(f.bounce, f.mem + (phys - PHYS), len);
	return f.bounce;
}

static uint8_t *at(uint64_t phys) { return f.mem + (phys - PHYS); }
static void put16(uint64_t phys, uint16_t v) { memcpy(at(phys), &v, 2); }
static void put32(uint64_t phys, uint32_t v) { memcpy(at(phys), &v, 4); }
static void put64(uint64_t phys, uint64_t v) { memcpy(at(phys), &v, 8); }

static void fix_sum(uint64_t phys, uint32_t len, uint32_t sum_off)
{
	uint8_t *p = at(phys), s = 0;
	p[sum_off] = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[sum_off] = (uint8_t)-s;
}

static void header(uint64_t phys, const char *sig, uint32_t len)
{
	memcpy(at(phys), sig, 4);
	put32(phys + 4, len);
	at(phys)[8] = 1;
	memcpy(at(phys) + 10, "CAPOS ", 6);
}

static uint32_t madt_len, mcfg_len;

/* Appends a MADT entry. */
static void madt_add(const uint8_t *e, uint8_t len)
{
	memcpy(at(MADT + madt_len), e, len);
	madt_len += len;
}

static void seal_madt(void)
{
	header(MADT, "APIC", madt_len);
	fix_sum(MADT, madt_len, 9);
}

static void seal_mcfg(void)
{
	header(MCFG, "MCFG", mcfg_len);
	fix_sum(MCFG, mcfg_len, 9);
}

static void seal_root(bool xsdt, uint32_t n)
{
	uint64_t root = xsdt ? XSDT : RSDT;
	uint32_t len = 36 + n * (xsdt ? 8 : 4);
	header(root, xsdt ? "XSDT" : "RSDT", len);
	fix_sum(root, len, 9);
}

static void seal_rsdp(uint8_t rev)
{
	uint8_t *r = at(RSDP);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "CAPOS ", 6);
	r[15] = rev;
	put32(RSDP + 16, (uint32_t)RSDT);
	put32(RSDP + 20, 36);
	put64(RSDP + 24, XSDT);
	fix_sum(RSDP, 20, 8);
	fix_sum(RSDP, 36, 32);
}

/* q35's tables: one CPU, one I/O APIC at 0xFEC00000, overrides 0->2
 * (conforming), 5, 9 (level, high), 10, 11 (level, high), a local APIC NMI,
 * and an MCFG for bus 0-255 at 0xB0000000. */
static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof f);
	madt_len = 44;
	put32(MADT + 36, 0xFEE00000u);
	put32(MADT + 40, 1);
	madt_add((const uint8_t[]){ 0, 8, 0, 0, 1, 0, 0, 0 }, 8);
	madt_add((const uint8_t[]){ 1, 12, 0, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0 }, 12);
	madt_add((const uint8_t[]){ 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 }, 10);
	madt_add((const uint8_t[]){ 2, 10, 0, 5, 5, 0, 0, 0, 0x0D, 0 }, 10);
	madt_add((const uint8_t[]){ 2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0 }, 10);
	madt_add((const uint8_t[]){ 2, 10, 0, 10, 10, 0, 0, 0, 0x0F, 0 }, 10);
	madt_add((const uint8_t[]){ 4, 6, 0xFF, 0, 0, 1 }, 6);
	seal_madt();
	mcfg_len = 44 + 16;
	put64(MCFG + 44, 0xB0000000ull);
	put16(MCFG + 52, 0);
	at(MCFG)[54] = 0;
	at(MCFG)[55] = 255;
	seal_mcfg();
	header(FACP, "FACP", 36);
	fix_sum(FACP, 36, 9);
	put32(RSDT + 36, (uint32_t)FACP);
	put32(RSDT + 40, (uint32_t)MADT);
	put32(RSDT + 44, (uint32_t)MCFG);
	seal_root(false, 3);
	put64(XSDT + 36, FACP);
	put64(XSDT + 44, MADT);
	put64(XSDT + 52, MCFG);
	seal_root(true, 3);
	seal_rsdp(0);
	return 0;
}

static int parse(void) { return acpi_parse(RSDP, fake_read, 0, &info); }

static void expect(int err)
{
	assert_int_equal(parse(), err);
	if (err) {
		assert_false(info.has_madt);
		assert_int_equal(info.nioapics, 0);
	}
}

static void test_q35_rsdt(void **s)
{
	(void)s;
	expect(ACPI_OK);
	assert_false(info.xsdt);
	assert_int_equal(info.root_phys, RSDT);
	assert_int_equal(info.ntables, 3);
	assert_true(info.has_madt);
	assert_int_equal(info.lapic_addr, 0xFEE00000u);
	assert_true(info.pcat_compat);
	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.nioapics, 1);
	assert_int_equal(info.ioapics[0].addr, 0xFEC00000u);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.noverrides, 4);
	assert_int_equal(info.overrides[0].source, 0);
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_false(info.overrides[0].level);
	assert_false(info.overrides[0].active_low);
	assert_true(info.overrides[1].level);
	assert_false(info.overrides[1].active_low);
	assert_true(info.overrides[3].level);
	assert_true(info.overrides[3].active_low);
	assert_int_equal(info.nnmi, 1);
	assert_true(info.has_mcfg);
	assert_int_equal(info.nmcfg, 1);
	assert_int_equal(info.mcfg[0].base, 0xB0000000ull);
	assert_int_equal(info.mcfg[0].bus_end, 255);
}

static void test_v2_uses_xsdt(void **s)
{
	(void)s;
	seal_rsdp(2);
	expect(ACPI_OK);
	assert_true(info.xsdt);
	assert_int_equal(info.root_phys, XSDT);
	assert_int_equal(info.nioapics, 1);
	assert_true(info.has_mcfg);
}

static void test_v2_zero_xsdt_uses_rsdt(void **s)
{
	(void)s;
	seal_rsdp(2);
	put64(RSDP + 24, 0);
	fix_sum(RSDP, 20, 8);
	fix_sum(RSDP, 36, 32);
	expect(ACPI_OK);
	assert_false(info.xsdt);
}

static void test_rsdp_unreadable(void **s)
{
	(void)s;
	assert_int_equal(acpi_parse(0x1000, fake_read, 0, &info), ACPI_ERR_UNREADABLE);
}

static void test_rsdp_signature(void **s)
{
	(void)s;
	at(RSDP)[0] = 'X';
	expect(ACPI_ERR_RSDP_SIGNATURE);
}

static void test_rsdp_checksum(void **s)
{
	(void)s;
	at(RSDP)[9] ^= 1;
	expect(ACPI_ERR_RSDP_CHECKSUM);
}

static void test_rsdp_v2_length(void **s)
{
	(void)s;
	seal_rsdp(2);
	put32(RSDP + 20, 20);
	fix_sum(RSDP, 20, 8);
	expect(ACPI_ERR_RSDP_LENGTH);
	put32(RSDP + 20, 5000);
	fix_sum(RSDP, 20, 8);
	expect(ACPI_ERR_RSDP_LENGTH);
}

static void test_rsdp_v2_ext_checksum(void **s)
{
	(void)s;
	seal_rsdp(2);
	at(RSDP)[33] ^= 1;
	expect(ACPI_ERR_RSDP_EXT_CHECKSUM);
}

static void test_rsdp_wraps(void **s)
{
	(void)s;
	assert_int_equal(acpi_parse(UINT64_MAX - 4, fake_read, 0, &info), ACPI_ERR_OVERFLOW);
}

static void test_root_signature(void **s)
{
	(void)s;
	memcpy(at(RSDT), "XSDT", 4);
	expect(ACPI_ERR_ROOT_SIGNATURE);
}

static void test_root_short(void **s)
{
	(void)s;
	put32(RSDT + 4, 35);
	expect(ACPI_ERR_TABLE_LENGTH);
}

static void test_root_partial_entry(void **s)
{
	(void)s;
	header(RSDT, "RSDT", 36 + 6);
	fix_sum(RSDT, 42, 9);
	expect(ACPI_ERR_TABLE_LENGTH);
}

static void test_root_huge(void **s)
{
	(void)s;
	put32(RSDT + 4, ACPI_TABLE_MAX + 1);
	expect(ACPI_ERR_TABLE_LENGTH);
}

static void test_root_runs_past_memory(void **s)
{
	(void)s;
	put32(RSDT + 4, MEM_SIZE);
	expect(ACPI_ERR_UNREADABLE);
}

static void test_root_checksum(void **s)
{
	(void)s;
	at(RSDT)[40] ^= 0x40; /* the MADT pointer, unnoticed but for the sum */
	expect(ACPI_ERR_TABLE_CHECKSUM);
}

static void test_entry_unreadable(void **s)
{
	(void)s;
	put32(RSDT + 40, 0x100);
	seal_root(false, 3);
	expect(ACPI_ERR_UNREADABLE);
}

static void test_madt_checksum(void **s)
{
	(void)s;
	at(MADT)[50] ^= 1;
	expect(ACPI_ERR_TABLE_CHECKSUM);
}

static void test_madt_too_short(void **s)
{
	(void)s;
	madt_len = 40;
	seal_madt();
	expect(ACPI_ERR_TABLE_LENGTH);
}

static void test_madt_entry_zero_length(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 0x7F, 0 }, 2);
	seal_madt();
	expect(ACPI_ERR_MADT_ENTRY);
}

static void test_madt_entry_runs_past(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 0x7F, 9, 0, 0 }, 4);
	seal_madt();
	expect(ACPI_ERR_MADT_ENTRY);
}

static void test_madt_one_stray_byte(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 0 }, 1);
	seal_madt();
	expect(ACPI_ERR_MADT_ENTRY);
}

static void test_madt_ioapic_short(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 1, 8, 1, 0, 0, 0, 0xC0, 0xFE }, 8);
	seal_madt();
	expect(ACPI_ERR_MADT_ENTRY);
}

static void test_madt_unknown_type_skipped(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 0x80, 5, 1, 2, 3 }, 5);
	madt_add((const uint8_t[]){ 3, 8, 0, 0, 0, 0, 0, 0 }, 8);
	seal_madt();
	expect(ACPI_OK);
	assert_int_equal(info.nnmi, 2);
}

static void test_override_reserved_flags(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 2, 10, 0, 4, 4, 0, 0, 0, 0x02, 0 }, 10);
	seal_madt();
	expect(ACPI_ERR_OVERRIDE_FLAGS);
}

static void test_too_many_ioapics(void **s)
{
	(void)s;
	for (int i = 0; i < ACPI_MAX_IOAPICS; i++)
		madt_add((const uint8_t[]){ 1, 12, (uint8_t)(i + 1), 0, 0, 0x10, 0xC0, 0xFE, 24, 0, 0, 0 }, 12);
	seal_madt();
	expect(ACPI_ERR_TOO_MANY);
}

static void test_disabled_cpu_not_counted(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 0, 8, 1, 1, 0, 0, 0, 0 }, 8);
	madt_add((const uint8_t[]){ 9, 16, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 }, 16);
	seal_madt();
	expect(ACPI_OK);
	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.cpu_apic_ids[1], 7);
}

static void test_lapic_address_override(void **s)
{
	(void)s;
	madt_add((const uint8_t[]){ 5, 12, 0, 0, 0, 0, 0xE0, 0xFE, 1, 0, 0, 0 }, 12);
	seal_madt();
	expect(ACPI_OK);
	assert_int_equal(info.lapic_addr, 0x1FEE00000ull);
}

static void test_mcfg_partial_entry(void **s)
{
	(void)s;
	mcfg_len = 44 + 8;
	seal_mcfg();
	expect(ACPI_ERR_TABLE_LENGTH);
}

static void test_mcfg_bad_bus_range(void **s)
{
	(void)s;
	at(MCFG)[54] = 9;
	at(MCFG)[55] = 8;
	seal_mcfg();
	expect(ACPI_ERR_MCFG_ENTRY);
}

static void test_mcfg_unaligned_base(void **s)
{
	(void)s;
	put64(MCFG + 44, 0xB0001000ull);
	seal_mcfg();
	expect(ACPI_ERR_MCFG_ENTRY);
}

static void test_mcfg_window_wraps(void **s)
{
	(void)s;
	put64(MCFG + 44, 0xFFFFFFFFFFF00000ull);
	seal_mcfg();
	expect(ACPI_ERR_MCFG_ENTRY);
}

static void test_mcfg_checksum(void **s)
{
	(void)s;
	at(MCFG)[44] ^= 1;
	expect(ACPI_ERR_TABLE_CHECKSUM);
}

static void test_no_madt_no_mcfg(void **s)
{
	(void)s;
	seal_root(false, 1);
	expect(ACPI_OK);
	assert_false(info.has_madt);
	assert_false(info.has_mcfg);
}

static void test_second_madt_ignored(void **s)
{
	(void)s;
	put32(RSDT + 48, (uint32_t)MADT);
	seal_root(false, 4);
	expect(ACPI_OK);
	assert_int_equal(info.nioapics, 1);
}

static void test_table_length_wraps(void **s)
{
	(void)s;
	put32(RSDT + 36, 0xFFFFFFF0u);
	seal_root(false, 3);
	expect(ACPI_ERR_UNREADABLE);
}

static void test_find_rsdp(void **s)
{
	(void)s;
	uint64_t pa = 0;
	assert_int_equal(acpi_find_rsdp(at(PHYS), MEM_SIZE, PHYS, &pa), ACPI_OK);
	assert_int_equal(pa, RSDP);
	at(RSDP)[8] ^= 1;
	assert_int_equal(acpi_find_rsdp(at(PHYS), MEM_SIZE, PHYS, &pa), ACPI_ERR_NO_RSDP);
	assert_int_equal(acpi_find_rsdp(at(PHYS), 10, PHYS, &pa), ACPI_ERR_NO_RSDP);
}

static void test_strerror(void **s)
{
	(void)s;
	assert_string_equal(acpi_strerror(ACPI_ERR_TABLE_CHECKSUM), "bad table checksum");
	assert_string_equal(acpi_strerror(-99), "unknown error");
	assert_string_equal(acpi_strerror(ACPI_ERR_NO_RSDP), "no RSDP found");
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_q35_rsdt), T(test_v2_uses_xsdt), T(test_v2_zero_xsdt_uses_rsdt), T(test_rsdp_unreadable),
		T(test_rsdp_signature), T(test_rsdp_checksum), T(test_rsdp_v2_length), T(test_rsdp_v2_ext_checksum),
		T(test_rsdp_wraps), T(test_root_signature), T(test_root_short), T(test_root_partial_entry),
		T(test_root_huge), T(test_root_runs_past_memory), T(test_root_checksum), T(test_entry_unreadable),
		T(test_madt_checksum), T(test_madt_too_short), T(test_madt_entry_zero_length),
		T(test_madt_entry_runs_past), T(test_madt_one_stray_byte), T(test_madt_ioapic_short),
		T(test_madt_unknown_type_skipped), T(test_override_reserved_flags), T(test_too_many_ioapics),
		T(test_disabled_cpu_not_counted), T(test_lapic_address_override), T(test_mcfg_partial_entry),
		T(test_mcfg_bad_bus_range), T(test_mcfg_unaligned_base), T(test_mcfg_window_wraps),
		T(test_mcfg_checksum), T(test_no_madt_no_mcfg), T(test_second_madt_ignored),
		T(test_table_length_wraps), T(test_find_rsdp), T(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
