/* ACPI table parser: RSDP -> RSDT/XSDT -> MADT and MCFG.
 *
 * The tables are untrusted firmware data, read through a caller-supplied
 * reader of physical memory (the kernel passes its direct map, the tests a
 * buffer). Every checksum of a table used is verified (the RSDP's 20-byte
 * and, for revision 2+, its extended checksum; the root table, MADT and
 * MCFG), every length is checked against its container, and every sum of
 * untrusted values is checked for wrap-around. Checks run in a fixed order
 * and the first failure decides, with one named error per rejection (the
 * style of lib/elf.c). Tables other than the root, MADT and MCFG are only
 * looked at for their signature. Pure logic, host-tested and fuzzed. */
#ifndef CAPOS_LIB_ACPI_H
#define CAPOS_LIB_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 24
#define ACPI_MAX_MCFG 4
#define ACPI_TABLE_MAX (1u << 20)  /* a longer table is refused */
#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u

/* Reads physical memory: a pointer to len readable bytes at phys, or NULL if
 * that range cannot be read. The pointer need only stay valid until the next
 * call: the parser holds none across calls. */
typedef const void *(*acpi_read_fn)(void *ctx, uint64_t phys, size_t len);

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;      /* MMIO base */
	uint32_t gsi_base;  /* first global system interrupt it serves */
};

/* An interrupt source override: ISA IRQ source arrives at gsi, with the
 * polarity and trigger mode decoded ("conforms to the bus" resolved to the
 * ISA defaults: active high, edge). */
struct acpi_override {
	uint8_t bus, source;
	uint32_t gsi;
	uint16_t flags;     /* raw MPS INTI flags */
	bool active_low, level;
};

/* One MCFG allocation: the ECAM window of a PCI segment's bus range. */
struct acpi_mcfg {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_info {
	uint8_t revision;         /* the RSDP's: 0 = ACPI 1.0 (RSDT), 2+ (XSDT) */
	bool xsdt;                /* the root table used is the XSDT */
	uint64_t root_phys;
	uint32_t ntables;         /* entries of the root table */

	bool has_madt;
	uint64_t lapic_addr;      /* the MADT's, or its 64-bit override */
	bool pcat_compat;         /* a legacy 8259 pair is present */
	uint32_t ncpus;           /* enabled local APICs (and x2APICs) listed */
	uint32_t cpu_apic_ids[ACPI_MAX_CPUS];
	uint32_t nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t noverrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	uint32_t nnmi;            /* NMI entries, skipped */

	bool has_mcfg;
	uint32_t nmcfg;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];
};

enum acpi_err {
	ACPI_OK = 0,
	ACPI_ERR_UNREADABLE = -1,      /* the reader refused a range */
	ACPI_ERR_RSDP_SIGNATURE = -2,  /* no "RSD PTR " */
	ACPI_ERR_RSDP_CHECKSUM = -3,   /* the first 20 bytes do not sum to 0 */
	ACPI_ERR_RSDP_LENGTH = -4,     /* revision 2+: length below 36 or above 4 KiB */
	ACPI_ERR_RSDP_EXT_CHECKSUM = -5, /* revision 2+: the whole RSDP does not sum to 0 */
	ACPI_ERR_ROOT_SIGNATURE = -6,  /* the root table is not "RSDT" / "XSDT" */
	ACPI_ERR_TABLE_LENGTH = -7,    /* a table's length is below its header, above
	                                  ACPI_TABLE_MAX, or not whole entries */
	ACPI_ERR_TABLE_CHECKSUM = -8,  /* a table used does not sum to 0 */
	ACPI_ERR_OVERFLOW = -9,        /* an address plus a length wraps */
	ACPI_ERR_MADT_ENTRY = -10,     /* a MADT entry shorter than 2 bytes or than its
	                                  type needs, or running past the table */
	ACPI_ERR_OVERRIDE_FLAGS = -11, /* reserved polarity or trigger value (10b) */
	ACPI_ERR_TOO_MANY = -12,       /* more I/O APICs, overrides or MCFG entries
	                                  than the limits above (CPUs past the limit
	                                  are counted, not refused) */
	ACPI_ERR_MCFG_ENTRY = -13,     /* bus_end < bus_start, or a base not 1 MiB
	                                  aligned, or the window wraps */
	ACPI_ERR_NO_RSDP = -14,        /* acpi_find_rsdp: none in the area */
};

/* Parses the tables from the RSDP at rsdp_phys. Returns ACPI_OK and fills
 * *out (a missing MADT or MCFG is has_madt/has_mcfg false, not an error), or
 * a negative enum acpi_err with *out zeroed. Order: the RSDP (signature,
 * checksum, then for revision 2+ length and extended checksum), the root
 * table (XSDT if revision 2+ and its address is non-zero, else RSDT:
 * header, signature, length, checksum), then each root entry in order; the
 * first MADT and the first MCFG are parsed (header, length, checksum, then
 * their entries in order), later ones are ignored. */
int acpi_parse(uint64_t rsdp_phys, acpi_read_fn read, void *ctx, struct acpi_info *out);

/* Looks for a valid RSDP (signature on a 16-byte boundary and the 20-byte
 * checksum) in area[0..len), which is physical memory at area_phys. Returns
 * ACPI_OK with its physical address, or ACPI_ERR_NO_RSDP. */
int acpi_find_rsdp(const void *area, size_t len, uint64_t area_phys, uint64_t *rsdp_phys);

/* A static English description of err. */
const char *acpi_strerror(int err);

#endif
