/* ACPI table parser (see acpi.h).
 *
 * Fields are read byte-wise. A table is read whole once its header's length
 * has been checked, its checksum verified, and then parsed inside those
 * bytes only; the root table's entries are read one at a time, so no pointer
 * from the reader is kept across calls. */
#include "lib/acpi.h"

#include "lib/le.h"
#include "lib/mem.h"

#define HDR_LEN 36u          /* the common System Description Table header */
#define MADT_FIXED 44u       /* header + local APIC address + flags */
#define MCFG_FIXED 44u       /* header + 8 reserved bytes */
#define MCFG_ENTRY 16u
#define RSDP_MAX_LEN 4096u
#define ECAM_BUS_BYTES (1ull << 20)

enum {
	MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_OVERRIDE = 2, MADT_NMI_SOURCE = 3, MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR = 5, MADT_X2APIC = 9, MADT_X2APIC_NMI = 10,
};

/* The length each MADT entry type needs at least (0: any type we skip). */
static uint8_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC: return 8;
	case MADT_IOAPIC: return 12;
	case MADT_OVERRIDE: return 10;
	case MADT_NMI_SOURCE: return 8;
	case MADT_LAPIC_NMI: return 6;
	case MADT_LAPIC_ADDR: return 12;
	case MADT_X2APIC: return 16;
	case MADT_X2APIC_NMI: return 12;
	default: return 2;
	}
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static bool wraps(uint64_t a, uint64_t len) { return a + len < a; }

/* Reads the table at phys whole: its header first, then (length checked
 * against the header size, min, ACPI_TABLE_MAX and the address space) all
 * of it, checksum verified. sig, if given, must match (else sig_err). */
static int read_table(uint64_t phys, acpi_read_fn read, void *ctx, uint32_t min, const char *sig, int sig_err,
                      const uint8_t **out, uint32_t *len)
{
	if (wraps(phys, HDR_LEN))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *h = read(ctx, phys, HDR_LEN);
	if (!h)
		return ACPI_ERR_UNREADABLE;
	if (sig && memcmp(h, sig, 4) != 0)
		return sig_err;
	uint32_t n = le32(h + 4);
	if (n < HDR_LEN || n < min || n > ACPI_TABLE_MAX)
		return ACPI_ERR_TABLE_LENGTH;
	if (wraps(phys, n))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *t = read(ctx, phys, n);
	if (!t)
		return ACPI_ERR_UNREADABLE;
	if (sum(t, n) != 0)
		return ACPI_ERR_TABLE_CHECKSUM;
	*out = t;
	*len = n;
	return ACPI_OK;
}

/* Decodes an override's MPS INTI flags; reserved values are refused. */
static int decode_override(const uint8_t *e, struct acpi_override *o)
{
	uint16_t flags = le16(e + 8);
	unsigned polarity = flags & 3, trigger = (flags >> 2) & 3;
	if (polarity == 2 || trigger == 2)
		return ACPI_ERR_OVERRIDE_FLAGS;
	*o = (struct acpi_override){ .bus = e[2], .source = e[3], .gsi = le32(e + 4), .flags = flags,
		                     .active_low = polarity == 3, .level = trigger == 3 };
	return ACPI_OK;
}

static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & 1))
		return; /* disabled (and perhaps online-capable): not a running CPU */
	if (out->ncpus < ACPI_MAX_CPUS)
		out->cpu_apic_ids[out->ncpus] = apic_id;
	out->ncpus++;
}

/* One MADT entry of a checked length. */
static int madt_entry(const uint8_t *e, struct acpi_info *out)
{
	switch (e[0]) {
	case MADT_LAPIC:
		add_cpu(out, e[3], le32(e + 4));
		return ACPI_OK;
	case MADT_X2APIC:
		add_cpu(out, le32(e + 4), le32(e + 8));
		return ACPI_OK;
	case MADT_IOAPIC:
		if (out->nioapics == ACPI_MAX_IOAPICS)
			return ACPI_ERR_TOO_MANY;
		out->ioapics[out->nioapics++] =
			(struct acpi_ioapic){ .id = e[2], .addr = le32(e + 4), .gsi_base = le32(e + 8) };
		return ACPI_OK;
	case MADT_OVERRIDE: {
		struct acpi_override o;
		int err = decode_override(e, &o);
		if (err)
			return err;
		if (out->noverrides == ACPI_MAX_OVERRIDES)
			return ACPI_ERR_TOO_MANY;
		out->overrides[out->noverrides++] = o;
		return ACPI_OK;
	}
	case MADT_NMI_SOURCE:
	case MADT_LAPIC_NMI:
	case MADT_X2APIC_NMI:
		out->nnmi++;
		return ACPI_OK;
	case MADT_LAPIC_ADDR:
		out->lapic_addr = le64(e + 4);
		return ACPI_OK;
	default:
		return ACPI_OK; /* other types are skipped */
	}
}

static int parse_madt(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	out->has_madt = true;
	out->lapic_addr = le32(t + 36);
	out->pcat_compat = le32(t + 40) & 1;
	for (uint32_t off = MADT_FIXED; off < len;) {
		if (len - off < 2 || t[off + 1] < madt_min_len(t[off]) || t[off + 1] > len - off)
			return ACPI_ERR_MADT_ENTRY;
		int err = madt_entry(t + off, out);
		if (err)
			return err;
		off += t[off + 1];
	}
	return ACPI_OK;
}

static int parse_mcfg(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
	if ((len - MCFG_FIXED) % MCFG_ENTRY)
		return ACPI_ERR_TABLE_LENGTH;
	out->has_mcfg = true;
	for (uint32_t off = MCFG_FIXED; off < len; off += MCFG_ENTRY) {
		struct acpi_mcfg m = { .base = le64(t + off), .segment = le16(t + off + 8), .bus_start = t[off + 10],
			               .bus_end = t[off + 11] };
		if (m.bus_end < m.bus_start || (m.base & (ECAM_BUS_BYTES - 1)) ||
		    wraps(m.base, ((uint64_t)m.bus_end + 1) * ECAM_BUS_BYTES))
			return ACPI_ERR_MCFG_ENTRY;
		if (out->nmcfg == ACPI_MAX_MCFG)
			return ACPI_ERR_TOO_MANY;
		out->mcfg[out->nmcfg++] = m;
	}
	return ACPI_OK;
}

/* Checks the RSDP and picks the root table: *root and *xsdt. */
static int check_rsdp(uint64_t phys, acpi_read_fn read, void *ctx, struct acpi_info *out)
{
	if (wraps(phys, ACPI_RSDP_V1_LEN))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *r = read(ctx, phys, ACPI_RSDP_V1_LEN);
	if (!r)
		return ACPI_ERR_UNREADABLE;
	if (memcmp(r, "RSD PTR ", 8) != 0)
		return ACPI_ERR_RSDP_SIGNATURE;
	if (sum(r, ACPI_RSDP_V1_LEN) != 0)
		return ACPI_ERR_RSDP_CHECKSUM;
	out->revision = r[15];
	out->root_phys = le32(r + 16);
	if (out->revision < 2)
		return ACPI_OK;
	if (wraps(phys, ACPI_RSDP_V2_LEN))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *h = read(ctx, phys, ACPI_RSDP_V2_LEN);
	if (!h)
		return ACPI_ERR_UNREADABLE;
	uint32_t len = le32(h + 20);
	uint64_t xsdt = le64(h + 24);
	if (len < ACPI_RSDP_V2_LEN || len > RSDP_MAX_LEN)
		return ACPI_ERR_RSDP_LENGTH;
	if (wraps(phys, len))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *whole = read(ctx, phys, len);
	if (!whole)
		return ACPI_ERR_UNREADABLE;
	if (sum(whole, len) != 0)
		return ACPI_ERR_RSDP_EXT_CHECKSUM;
	if (xsdt) {
		out->root_phys = xsdt;
		out->xsdt = true;
	}
	return ACPI_OK;
}

/* The table the root's entry i points at: parsed if it is the first MADT or
 * MCFG, else ignored. */
static int visit_entry(uint64_t root, uint32_t i, acpi_read_fn read, void *ctx, struct acpi_info *out)
{
	uint32_t esz = out->xsdt ? 8 : 4;
	const uint8_t *e = read(ctx, root + HDR_LEN + (uint64_t)i * esz, esz);
	if (!e)
		return ACPI_ERR_UNREADABLE;
	uint64_t phys = out->xsdt ? le64(e) : le32(e);
	if (wraps(phys, HDR_LEN))
		return ACPI_ERR_OVERFLOW;
	const uint8_t *h = read(ctx, phys, HDR_LEN);
	if (!h)
		return ACPI_ERR_UNREADABLE;
	bool madt = !memcmp(h, "APIC", 4) && !out->has_madt, mcfg = !memcmp(h, "MCFG", 4) && !out->has_mcfg;
	if (!madt && !mcfg)
		return ACPI_OK;
	const uint8_t *t;
	uint32_t len;
	int err = read_table(phys, read, ctx, madt ? MADT_FIXED : MCFG_FIXED, 0, 0, &t, &len);
	if (err)
		return err;
	return madt ? parse_madt(t, len, out) : parse_mcfg(t, len, out);
}

int acpi_parse(uint64_t rsdp_phys, acpi_read_fn read, void *ctx, struct acpi_info *out)
{
	memset(out, 0, sizeof(*out));
	int err = check_rsdp(rsdp_phys, read, ctx, out);
	const uint8_t *t;
	uint32_t len;
	if (!err)
		err = read_table(out->root_phys, read, ctx, HDR_LEN, out->xsdt ? "XSDT" : "RSDT",
		                 ACPI_ERR_ROOT_SIGNATURE, &t, &len);
	if (!err && (len - HDR_LEN) % (out->xsdt ? 8 : 4))
		err = ACPI_ERR_TABLE_LENGTH;
	if (!err)
		out->ntables = (len - HDR_LEN) / (out->xsdt ? 8 : 4);
	for (uint32_t i = 0; !err && i < out->ntables; i++)
		err = visit_entry(out->root_phys, i, read, ctx, out);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

int acpi_find_rsdp(const void *area, size_t len, uint64_t area_phys, uint64_t *rsdp_phys)
{
	const uint8_t *a = area;
	for (size_t off = (16 - (area_phys & 15)) & 15; len >= ACPI_RSDP_V1_LEN && off <= len - ACPI_RSDP_V1_LEN;
	     off += 16) {
		if (!memcmp(a + off, "RSD PTR ", 8) && sum(a + off, ACPI_RSDP_V1_LEN) == 0) {
			*rsdp_phys = area_phys + off;
			return ACPI_OK;
		}
	}
	return ACPI_ERR_NO_RSDP;
}

const char *acpi_strerror(int err)
{
	static const char *const msg[] = {
		"ok", "a table is unreadable", "no RSDP signature", "bad RSDP checksum", "bad RSDP length",
		"bad RSDP extended checksum", "the root table is not RSDT/XSDT", "bad table length",
		"bad table checksum", "an address range wraps", "malformed MADT entry",
		"reserved interrupt override polarity/trigger", "too many entries", "bad MCFG entry", "no RSDP found",
	};
	return err <= 0 && -err < (int)(sizeof msg / sizeof msg[0]) ? msg[-err] : "unknown error";
}
