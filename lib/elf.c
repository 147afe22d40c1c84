/* Static ELF64 executable parser (see elf.h).
 *
 * Fields are read byte-wise (the image need not be aligned) and every sum of
 * two untrusted values is checked for wrap-around before it is formed. The
 * program header table is walked once; PT_LOAD descriptions are collected,
 * sorted and checked against each other afterwards. */
#include "lib/le.h"
#include "lib/elf.h"
#include "lib/mem.h"

#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define PN_XNUM 0xffffu /* "the real count is elsewhere": not for us */
#define PGMASK ((uint64_t)ELF_PAGE_SIZE - 1)

enum {
	EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6,
	ELFCLASS64 = 2, ELFDATA2LSB = 1, EV_CURRENT = 1,
	ET_EXEC = 2, EM_X86_64 = 62,
	PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_TLS = 7,
};

/* One decoded Elf64_Phdr. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* What the image is checked against. */
struct bounds {
	size_t len;
	uint64_t user_min, user_max;
};

static bool is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

/* Checks the identification and the type fields of the ELF header; needs
 * nothing beyond len. */
static int check_header(const uint8_t *d, size_t len)
{
	if (len < EHDR_SIZE)
		return ELF_ERR_TRUNCATED;
	if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
		return ELF_ERR_BAD_MAGIC;
	if (d[EI_CLASS] != ELFCLASS64 || d[EI_DATA] != ELFDATA2LSB ||
	    d[EI_VERSION] != EV_CURRENT || le16(d + 18) != EM_X86_64 || le32(d + 20) != EV_CURRENT)
		return ELF_ERR_NOT_X86_64;
	if (le16(d + 16) != ET_EXEC)
		return ELF_ERR_NOT_EXEC;
	return ELF_OK;
}

/* Finds the program header table of a checked header: it must hold 1 to
 * PN_XNUM-1 entries of exactly Elf64_Phdr size, all inside the image. */
static int locate_phdrs(const uint8_t *d, size_t len, uint64_t *phoff, uint32_t *phnum)
{
	uint64_t off = le64(d + 32);
	uint32_t n = le16(d + 56);

	if (le16(d + 54) != PHDR_SIZE || n == 0 || n == PN_XNUM)
		return ELF_ERR_BAD_PHDR;
	if (off > len || (uint64_t)n * PHDR_SIZE > len - off)
		return ELF_ERR_BAD_PHDR;
	*phoff = off;
	*phnum = n;
	return ELF_OK;
}

static void read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = le32(p);
	ph->flags = le32(p + 4);
	ph->offset = le64(p + 8);
	ph->vaddr = le64(p + 16);
	ph->filesz = le64(p + 32);
	ph->memsz = le64(p + 40);
	ph->align = le64(p + 48);
}

/* Validates one PT_LOAD on its own (not against the other segments). A
 * segment with memsz 0 maps nothing, so only its file side is checked. */
static int check_load(const struct phdr *ph, const struct bounds *b)
{
	uint64_t end;

	if ((ph->flags & ELF_SEG_W) && (ph->flags & ELF_SEG_X))
		return ELF_ERR_WX;
	if (ph->memsz > UINT64_MAX - ph->vaddr || ph->vaddr + ph->memsz > UINT64_MAX - PGMASK ||
	    ph->filesz > UINT64_MAX - ph->offset)
		return ELF_ERR_OVERFLOW;
	if (ph->filesz > ph->memsz || ph->offset + ph->filesz > b->len)
		return ELF_ERR_FILESZ;
	if (!is_pow2_or_zero(ph->align) || ((ph->vaddr ^ ph->offset) & PGMASK) ||
	    (ph->align > 1 && ((ph->vaddr ^ ph->offset) & (ph->align - 1))))
		return ELF_ERR_ALIGN;
	if (ph->memsz == 0)
		return ELF_OK;
	end = (ph->vaddr + ph->memsz + PGMASK) & ~PGMASK;
	if ((ph->vaddr & ~PGMASK) < b->user_min || end > b->user_max)
		return ELF_ERR_RANGE;
	return ELF_OK;
}

/* Validates the PT_TLS template and records it; there may be only one. */
static int take_tls(const struct phdr *ph, const struct bounds *b, struct elf_image *out)
{
	uint64_t align = ph->align ? ph->align : 1;
	uint64_t span = b->user_max > b->user_min ? b->user_max - b->user_min : 0;

	if (out->has_tls || !is_pow2_or_zero(align) || align > ELF_TLS_MAX_ALIGN)
		return ELF_ERR_BAD_TLS;
	if (ph->filesz > ph->memsz || ph->filesz > b->len || ph->offset > b->len - ph->filesz ||
	    ph->memsz > span)
		return ELF_ERR_BAD_TLS;
	out->has_tls = true;
	out->tls = (struct elf_tls){ .vaddr = ph->vaddr, .filesz = ph->filesz,
	                             .memsz = ph->memsz, .align = align, .offset = ph->offset };
	return ELF_OK;
}

/* Validates a PT_LOAD and appends it to out (unless it is empty). */
static int take_load(const struct phdr *ph, const struct bounds *b, struct elf_image *out)
{
	int err = check_load(ph, b);

	if (err || ph->memsz == 0)
		return err;
	if (out->nsegments == ELF_MAX_SEGMENTS)
		return ELF_ERR_TOO_MANY;
	out->seg[out->nsegments++] = (struct elf_segment){
		.vaddr = ph->vaddr, .memsz = ph->memsz, .offset = ph->offset,
		.filesz = ph->filesz, .flags = ph->flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X),
	};
	return ELF_OK;
}

/* Dispatches one program header by type. */
static int take_phdr(const struct phdr *ph, const struct bounds *b, struct elf_image *out)
{
	switch (ph->type) {
	case PT_LOAD:
		return take_load(ph, b, out);
	case PT_TLS:
		return take_tls(ph, b, out);
	case PT_INTERP:
	case PT_DYNAMIC:
		return ELF_ERR_DYNAMIC;
	default:
		return ELF_OK;
	}
}

/* Sorts the segments by vaddr (insertion sort: there are at most eight) and
 * rejects any two that share a page. Sorted, a shared page can only be
 * between neighbours. */
static int sort_and_check_overlap(struct elf_image *out)
{
	for (uint32_t i = 1; i < out->nsegments; i++) {
		struct elf_segment s = out->seg[i];
		uint32_t j = i;

		for (; j > 0 && out->seg[j - 1].vaddr > s.vaddr; j--)
			out->seg[j] = out->seg[j - 1];
		out->seg[j] = s;
	}
	for (uint32_t i = 1; i < out->nsegments; i++) {
		const struct elf_segment *p = &out->seg[i - 1];
		uint64_t prev_end = (p->vaddr + p->memsz + PGMASK) & ~PGMASK;

		if (prev_end > (out->seg[i].vaddr & ~PGMASK))
			return ELF_ERR_OVERLAP;
	}
	return ELF_OK;
}

/* The entry point must lie in the user range and inside an X segment. */
static int check_entry(const struct elf_image *out, const struct bounds *b)
{
	if (out->entry < b->user_min || out->entry >= b->user_max)
		return ELF_ERR_RANGE;
	for (uint32_t i = 0; i < out->nsegments; i++) {
		const struct elf_segment *s = &out->seg[i];

		if ((s->flags & ELF_SEG_X) && out->entry >= s->vaddr &&
		    out->entry - s->vaddr < s->memsz)
			return ELF_OK;
	}
	return ELF_ERR_BAD_ENTRY;
}

/* elf_parse without the zeroing of *out on failure. */
static int parse(const uint8_t *d, const struct bounds *b, struct elf_image *out)
{
	uint64_t phoff;
	uint32_t phnum;
	struct phdr ph;
	int err;

	if ((err = check_header(d, b->len)) || (err = locate_phdrs(d, b->len, &phoff, &phnum)))
		return err;
	out->entry = le64(d + 24);
	for (uint32_t i = 0; i < phnum; i++) {
		read_phdr(d + phoff + (uint64_t)i * PHDR_SIZE, &ph);
		if ((err = take_phdr(&ph, b, out)))
			return err;
	}
	if (out->nsegments == 0)
		return ELF_ERR_NO_LOAD;
	if ((err = sort_and_check_overlap(out)))
		return err;
	return check_entry(out, b);
}

int elf_parse(const void *data, size_t len, uint64_t user_min, uint64_t user_max,
              struct elf_image *out)
{
	struct bounds b = { .len = len, .user_min = user_min, .user_max = user_max };
	int err;

	memset(out, 0, sizeof *out);
	err = parse(data, &b, out);
	if (err)
		memset(out, 0, sizeof *out);
	return err;
}

const char *elf_strerror(int err)
{
	switch (err) {
	case ELF_OK: return "ok";
	case ELF_ERR_TRUNCATED: return "truncated ELF header";
	case ELF_ERR_BAD_MAGIC: return "not an ELF file";
	case ELF_ERR_NOT_X86_64: return "not a little-endian ELF64 x86_64 file";
	case ELF_ERR_NOT_EXEC: return "not an ET_EXEC executable";
	case ELF_ERR_BAD_PHDR: return "bad program header table";
	case ELF_ERR_WX: return "segment both writable and executable";
	case ELF_ERR_OVERLAP: return "segments overlap";
	case ELF_ERR_RANGE: return "segment or entry outside the user address range";
	case ELF_ERR_OVERFLOW: return "segment address or file range overflows";
	case ELF_ERR_FILESZ: return "segment file size exceeds memory size or file";
	case ELF_ERR_ALIGN: return "segment misaligned";
	case ELF_ERR_TOO_MANY: return "too many loadable segments";
	case ELF_ERR_NO_LOAD: return "no loadable segment";
	case ELF_ERR_BAD_ENTRY: return "entry point not in an executable segment";
	case ELF_ERR_BAD_TLS: return "bad TLS segment";
	case ELF_ERR_DYNAMIC: return "dynamic executable (PT_INTERP/PT_DYNAMIC)";
	default: return "unknown error";
	}
}
