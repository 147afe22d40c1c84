/* The normalized boot hand-off.
 *
 * Both boot protocols (Multiboot2 from GRUB, PVH from QEMU -kernel) are parsed
 * into one struct boot_info, so nothing after the boot adapters knows which
 * loader ran. The memory map in it is normalized: sorted by base, no two
 * regions overlap or touch with the same type, every region page-aligned and
 * non-empty. Usable RAM only ever shrinks to page boundaries and never wins
 * an overlap; anything else grows to page boundaries. Pure logic: no kernel
 * header, host-tested and fuzzed. */
#ifndef CAPOS_LIB_BOOTINFO_H
#define CAPOS_LIB_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_PAGE_SIZE 4096u
#define BOOT_MMAP_MAX 128u
/* The longest command line taken: 4096 bytes, plus the NUL. A longer one is
 * flagged (cmdline_truncated), never silently cut. */
#define BOOT_CMDLINE_LEN_MAX 4096u
#define BOOT_CMDLINE_MAX (BOOT_CMDLINE_LEN_MAX + 1u)
#define BOOT_LOADER_NAME_MAX 64u

/* Memory types, ordered by precedence: where raw regions overlap, the higher
 * value wins (any reservation beats usable RAM). */
enum mem_type {
	MEM_USABLE = 1,
	MEM_ACPI_RECLAIMABLE = 2,
	MEM_ACPI_NVS = 3,
	MEM_RESERVED = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum mem_type */
	uint32_t reserved0;
};

enum boot_protocol {
	BOOT_PROTO_NONE = 0,
	BOOT_PROTO_MULTIBOOT2 = 1,
	BOOT_PROTO_PVH = 2,
};

struct boot_framebuffer {
	uint64_t phys; /* 0: no framebuffer */
	uint32_t width, height, pitch;
	uint8_t bpp;
};

struct boot_info {
	uint32_t protocol; /* enum boot_protocol */
	uint32_t mmap_count;
	struct mem_region mmap[BOOT_MMAP_MAX];

	/* How many modules the loader passed; only the first is described. */
	uint32_t module_count;
	uint64_t module_phys; /* first byte */
	uint64_t module_len;

	char cmdline[BOOT_CMDLINE_MAX];        /* NUL-terminated */
	/* The loader's command line was longer than BOOT_CMDLINE_LEN_MAX:
	 * cmdline holds its first BOOT_CMDLINE_LEN_MAX bytes, and the kernel
	 * must refuse to boot rather than act on a cut line. */
	bool cmdline_truncated;
	char loader_name[BOOT_LOADER_NAME_MAX]; /* "" when the loader gives none */
	uint64_t rsdp_phys;                     /* 0: none given */
	struct boot_framebuffer fb;

	/* Physical range of the loader's own boot information structures, so the
	 * frame allocator can keep them until they have been parsed. */
	uint64_t info_phys, info_len;
};

/* Error codes (negative returns). */
enum boot_err {
	BOOT_OK = 0,
	BOOT_ERR_TRUNCATED = -1,   /* a structure runs past the bytes given */
	BOOT_ERR_BAD_MAGIC = -2,   /* not the protocol's magic / version */
	BOOT_ERR_BAD_TAG = -3,     /* a tag/entry is malformed (size too small, misaligned) */
	BOOT_ERR_TOO_MANY = -4,    /* more memory regions than BOOT_MMAP_MAX after normalizing */
	BOOT_ERR_NO_MEMMAP = -5,   /* the loader gave no memory map */
	BOOT_ERR_UNREADABLE = -6,  /* a physical pointer could not be read */
};

/* memmap_normalize: writes the normalized form of in[0..n) to out (capacity
 * cap) and returns the region count, or BOOT_ERR_TOO_MANY. Zero-length
 * regions are dropped; regions past 2^64 are clamped; unknown types are
 * treated as MEM_RESERVED. in and out must not alias. Pure: no allocation. */
int memmap_normalize(struct mem_region *out, size_t cap, const struct mem_region *in, size_t n);

/* memmap_normalize_with: the same, fetching raw region i (0 <= i < n) through
 * get(ctx, i, &region), so a boot adapter can normalize a map in its loader's
 * own layout without a staging copy. get is called O(n^2) times and must
 * return the same region every time. */
typedef void (*memmap_get_fn)(const void *ctx, size_t i, struct mem_region *region);
int memmap_normalize_with(struct mem_region *out, size_t cap, memmap_get_fn get, const void *ctx,
                          size_t n);

/* memmap_type_from_e820: the enum mem_type for an E820 type number (the
 * numbering both Multiboot2 and PVH use); unknown types are reserved. */
uint32_t memmap_type_from_e820(uint32_t type);

/* memmap_usable_bytes: total length of MEM_USABLE regions. */
uint64_t memmap_usable_bytes(const struct boot_info *bi);

/* Reading physical memory for the parsers: returns a pointer to len readable
 * bytes at phys, or NULL if that range cannot be read. */
typedef const void *(*boot_phys_reader)(void *ctx, uint64_t phys, size_t len);

/* boot_parse_multiboot2: fills *bi from the Multiboot2 information structure
 * whose bytes start at mbi (physical address mbi_phys), of which avail bytes
 * may be read. Uses tags 1 (cmdline), 2 (loader name), 3 (modules),
 * 6 (memory map), 8 (framebuffer), 14/15 (ACPI RSDP copy). Returns BOOT_OK or
 * a negative enum boot_err. */
int boot_parse_multiboot2(struct boot_info *bi, const void *mbi, size_t avail, uint64_t mbi_phys);

/* boot_parse_pvh: fills *bi from the hvm_start_info at start_phys, reading
 * physical memory (the structure, module list, memory map, cmdline) through
 * read. Returns BOOT_OK or a negative enum boot_err. */
int boot_parse_pvh(struct boot_info *bi, uint64_t start_phys, boot_phys_reader read, void *ctx);

#endif
