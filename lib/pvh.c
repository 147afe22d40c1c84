/* PVH (Xen/QEMU/Firecracker direct boot) start info parser (see bootinfo.h).
 *
 * Every structure is reached through a physical pointer, so every read goes
 * through the caller's boot_phys_reader, asking for exactly the bytes needed;
 * a range the reader refuses is BOOT_ERR_UNREADABLE. Fields are read byte-wise
 * (little endian), so the reader's pointers need no alignment. */
#include "lib/le.h"
#include "lib/bootinfo.h"
#include "lib/mem.h"

#define PVH_MAGIC 0x336ec578u
#define PVH_INFO_V0_LEN 40u  /* through rsdp_paddr */
#define PVH_INFO_V1_LEN 56u  /* plus memmap_paddr, memmap_entries, reserved */
#define PVH_MODLIST_ENTRY 32u
#define PVH_MEMMAP_ENTRY 24u
/* Raw memory map entries accepted; normalizing is quadratic in this. */
#define PVH_MEMMAP_RAW_MAX 1024u

/* Returns len (>= 1) readable bytes at phys, or NULL when the range wraps
 * past 2^64 or the reader refuses it. */
static const uint8_t *read_phys(boot_phys_reader read, void *ctx, uint64_t phys, size_t len)
{
	if (len - 1 > UINT64_MAX - phys)
		return NULL;
	return read(ctx, phys, len);
}

static void pvh_memmap_get(const void *ctx, size_t i, struct mem_region *r)
{
	const uint8_t *e = (const uint8_t *)ctx + i * PVH_MEMMAP_ENTRY;

	r->base = le64(e);
	r->len = le64(e + 8);
	r->type = memmap_type_from_e820(le32(e + 16));
	r->reserved0 = 0;
}

/* Copies the NUL-terminated command line at phys into bi->cmdline, one byte
 * per read: the string may end right before unreadable memory. A line longer
 * than BOOT_CMDLINE_LEN_MAX sets bi->cmdline_truncated; nothing past the byte
 * after the limit is read. */
static int read_cmdline(struct boot_info *bi, uint64_t phys, boot_phys_reader read, void *ctx)
{
	const uint8_t *c;
	size_t n;

	for (n = 0; n + 1 < sizeof bi->cmdline; n++) {
		if (n > UINT64_MAX - phys || !(c = read_phys(read, ctx, phys + n, 1)))
			return BOOT_ERR_UNREADABLE;
		if (*c == '\0')
			break;
		bi->cmdline[n] = (char)*c;
	}
	bi->cmdline[n] = '\0';
	if (n + 1 == sizeof bi->cmdline) {
		if (n > UINT64_MAX - phys || !(c = read_phys(read, ctx, phys + n, 1)))
			return BOOT_ERR_UNREADABLE;
		bi->cmdline_truncated = *c != '\0';
	}
	return BOOT_OK;
}

/* Counts the modules and describes the first from its module list entry. */
static int read_modules(struct boot_info *bi, const uint8_t *info, boot_phys_reader read,
                        void *ctx)
{
	const uint8_t *mod;

	bi->module_count = le32(info + 12);
	if (bi->module_count == 0)
		return BOOT_OK;
	mod = read_phys(read, ctx, le64(info + 16), PVH_MODLIST_ENTRY);
	if (!mod)
		return BOOT_ERR_UNREADABLE;
	bi->module_phys = le64(mod);
	bi->module_len = le64(mod + 8);
	return BOOT_OK;
}

/* Normalizes the version >= 1 memory map into bi->mmap. */
static int read_memmap(struct boot_info *bi, const uint8_t *info, boot_phys_reader read, void *ctx)
{
	uint32_t entries = le32(info + 48);
	const uint8_t *map;
	int n;

	if (entries == 0)
		return BOOT_ERR_NO_MEMMAP;
	if (entries > PVH_MEMMAP_RAW_MAX)
		return BOOT_ERR_TOO_MANY;
	map = read_phys(read, ctx, le64(info + 40), (size_t)entries * PVH_MEMMAP_ENTRY);
	if (!map)
		return BOOT_ERR_UNREADABLE;
	n = memmap_normalize_with(bi->mmap, BOOT_MMAP_MAX, pvh_memmap_get, map, entries);
	if (n < 0)
		return n;
	bi->mmap_count = (uint32_t)n;
	return BOOT_OK;
}

int boot_parse_pvh(struct boot_info *bi, uint64_t start_phys, boot_phys_reader read, void *ctx)
{
	uint8_t info[PVH_INFO_V1_LEN]; /* a copy: the reader may reuse its buffer */
	const uint8_t *p;
	uint64_t cmdline;
	int rc;

	memset(bi, 0, sizeof *bi);
	p = read_phys(read, ctx, start_phys, PVH_INFO_V0_LEN);
	if (!p)
		return BOOT_ERR_UNREADABLE;
	if (le32(p) != PVH_MAGIC)
		return BOOT_ERR_BAD_MAGIC;
	if (le32(p + 4) == 0)
		return BOOT_ERR_NO_MEMMAP; /* version 0 has no memory map */
	p = read_phys(read, ctx, start_phys, PVH_INFO_V1_LEN);
	if (!p)
		return BOOT_ERR_UNREADABLE;
	memcpy(info, p, sizeof info);

	bi->protocol = BOOT_PROTO_PVH;
	bi->info_phys = start_phys;
	bi->info_len = PVH_INFO_V1_LEN;
	bi->rsdp_phys = le64(info + 32);
	rc = read_memmap(bi, info, read, ctx);
	if (rc == BOOT_OK)
		rc = read_modules(bi, info, read, ctx);
	cmdline = le64(info + 24);
	if (rc == BOOT_OK && cmdline)
		rc = read_cmdline(bi, cmdline, read, ctx);
	return rc;
}
