/* Multiboot2 boot information parser (see bootinfo.h).
 *
 * Layout: u32 total_size, u32 reserved, then tags {u32 type, u32 size, data}
 * each starting 8-byte aligned, ending with a tag of type 0. Every field is
 * read byte-wise and bounds-checked against total_size, which itself must fit
 * in the bytes the caller says are readable: the structure is loader input and
 * is parsed like untrusted data. */
#include "lib/le.h"
#include "lib/bootinfo.h"
#include "lib/mem.h"

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

#define MB2_TAG_HDR 8u
#define MB2_MMAP_HDR 16u      /* tag header, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24u
#define MB2_FB_MIN 30u        /* through framebuffer_type */
#define MB2_FB_TYPE_EGA_TEXT 2u
#define MB2_RSDP_V1_LEN 20u
#define MB2_RSDP_V2_LEN 36u
/* Raw memory map entries accepted; normalizing is quadratic in this. */
#define MB2_MMAP_RAW_MAX 1024u

/* Copies the string of at most len bytes at src into dst (capacity cap),
 * stopping at the first NUL; dst is always NUL-terminated. Returns whether
 * the string had to be cut to fit. */
static bool copy_string(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < cap && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n < len && src[n] != '\0';
}

/* The memory map tag being normalized: entries in the loader's layout. */
struct mb2_mmap {
	const uint8_t *entries;
	uint32_t entry_size;
};

static void mb2_mmap_get(const void *ctx, size_t i, struct mem_region *r)
{
	const struct mb2_mmap *m = ctx;
	const uint8_t *e = m->entries + i * m->entry_size;

	r->base = le64(e);
	r->len = le64(e + 8);
	r->type = memmap_type_from_e820(le32(e + 16));
	r->reserved0 = 0;
}

/* Normalizes the memory map tag (size bytes at tag) into bi->mmap. */
static int parse_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	struct mb2_mmap m;
	size_t count;
	int n;

	if (size < MB2_MMAP_HDR)
		return BOOT_ERR_BAD_TAG;
	m.entries = tag + MB2_MMAP_HDR;
	m.entry_size = le32(tag + 8);
	if (m.entry_size < MB2_MMAP_ENTRY_MIN || m.entry_size % 8)
		return BOOT_ERR_BAD_TAG;
	count = (size - MB2_MMAP_HDR) / m.entry_size;
	if (count == 0)
		return BOOT_ERR_NO_MEMMAP;
	if (count > MB2_MMAP_RAW_MAX)
		return BOOT_ERR_TOO_MANY;
	n = memmap_normalize_with(bi->mmap, BOOT_MMAP_MAX, mb2_mmap_get, &m, count);
	if (n < 0)
		return n;
	bi->mmap_count = (uint32_t)n;
	return BOOT_OK;
}

static int parse_module(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	uint32_t start, end;

	if (size < MB2_TAG_HDR + 8)
		return BOOT_ERR_BAD_TAG;
	start = le32(tag + 8);
	end = le32(tag + 12);
	if (end < start)
		return BOOT_ERR_BAD_TAG;
	if (bi->module_count++ == 0) {
		bi->module_phys = start;
		bi->module_len = end - start;
	}
	return BOOT_OK;
}

/* Records a framebuffer with pixels; an EGA text buffer is not one. */
static int parse_framebuffer(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	if (size < MB2_FB_MIN)
		return BOOT_ERR_BAD_TAG;
	if (tag[29] == MB2_FB_TYPE_EGA_TEXT)
		return BOOT_OK;
	bi->fb.phys = le64(tag + 8);
	bi->fb.pitch = le32(tag + 16);
	bi->fb.width = le32(tag + 20);
	bi->fb.height = le32(tag + 24);
	bi->fb.bpp = tag[28];
	return BOOT_OK;
}

/* Handles one tag of size bytes (size >= 8, all readable) at physical address
 * tag_phys. Only the first memory map counts (*have_mmap); *have_new_rsdp makes
 * an ACPI 2.0 RSDP win over an ACPI 1.0 one whatever their order. */
static int parse_tag(struct boot_info *bi, const uint8_t *tag, uint32_t type, uint32_t size,
                     uint64_t tag_phys, bool *have_mmap, bool *have_new_rsdp)
{
	int rc;

	switch (type) {
	case MB2_TAG_CMDLINE:
		bi->cmdline_truncated =
			copy_string(bi->cmdline, sizeof bi->cmdline, tag + MB2_TAG_HDR, size - MB2_TAG_HDR);
		return BOOT_OK;
	case MB2_TAG_LOADER_NAME:
		copy_string(bi->loader_name, sizeof bi->loader_name, tag + MB2_TAG_HDR,
		            size - MB2_TAG_HDR);
		return BOOT_OK;
	case MB2_TAG_MODULE:
		return parse_module(bi, tag, size);
	case MB2_TAG_MMAP:
		if (*have_mmap)
			return BOOT_OK; /* the first map is authoritative */
		rc = parse_mmap(bi, tag, size);
		*have_mmap = rc == BOOT_OK;
		return rc;
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(bi, tag, size);
	case MB2_TAG_ACPI_OLD:
		if (size < MB2_TAG_HDR + MB2_RSDP_V1_LEN)
			return BOOT_ERR_BAD_TAG;
		if (!*have_new_rsdp)
			bi->rsdp_phys = tag_phys + MB2_TAG_HDR;
		return BOOT_OK;
	case MB2_TAG_ACPI_NEW:
		if (size < MB2_TAG_HDR + MB2_RSDP_V2_LEN)
			return BOOT_ERR_BAD_TAG;
		bi->rsdp_phys = tag_phys + MB2_TAG_HDR;
		*have_new_rsdp = true;
		return BOOT_OK;
	default:
		return BOOT_OK; /* unknown tags are skipped */
	}
}

int boot_parse_multiboot2(struct boot_info *bi, const void *mbi, size_t avail, uint64_t mbi_phys)
{
	const uint8_t *p = mbi;
	bool have_mmap = false, have_new_rsdp = false;
	size_t off = MB2_TAG_HDR;
	uint32_t total, type, size;
	int rc;

	memset(bi, 0, sizeof *bi);
	if (avail < MB2_TAG_HDR)
		return BOOT_ERR_TRUNCATED;
	total = le32(p);
	if (total < MB2_TAG_HDR)
		return BOOT_ERR_BAD_TAG;
	if (total > avail || total - 1 > UINT64_MAX - mbi_phys)
		return BOOT_ERR_TRUNCATED;
	for (;;) {
		if (off > total || total - off < MB2_TAG_HDR)
			return BOOT_ERR_TRUNCATED; /* no end tag */
		type = le32(p + off);
		size = le32(p + off + 4);
		if (size < MB2_TAG_HDR)
			return BOOT_ERR_BAD_TAG;
		if (size > total - off)
			return BOOT_ERR_TRUNCATED;
		if (type == MB2_TAG_END)
			break;
		rc = parse_tag(bi, p + off, type, size, mbi_phys + off, &have_mmap, &have_new_rsdp);
		if (rc != BOOT_OK)
			return rc;
		off += ((size_t)size + 7) & ~(size_t)7;
	}
	if (!have_mmap)
		return BOOT_ERR_NO_MEMMAP;
	bi->protocol = BOOT_PROTO_MULTIBOOT2;
	bi->info_phys = mbi_phys;
	bi->info_len = total;
	return BOOT_OK;
}
