/* Static ELF64 executable parser (x86_64).
 *
 * An executable image is parsed once and may back many processes, so the
 * result is a small description of what to map — page-granular PT_LOAD
 * segments sorted by address, the entry point, the TLS template — never a
 * loaded copy. The image is untrusted: every field is validated before use
 * and nothing outside [data, data+len) is read. Pure logic, host-tested. */
#ifndef CAPOS_LIB_ELF_H
#define CAPOS_LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8
#define ELF_PAGE_SIZE 4096u
#define ELF_TLS_MAX_ALIGN 4096u

/* Segment permissions, as in p_flags (PF_R, PF_W, PF_X). */
enum elf_seg_flags { ELF_SEG_R = 4, ELF_SEG_W = 2, ELF_SEG_X = 1 };

/* One PT_LOAD: memory [vaddr, vaddr+memsz) gets file bytes
 * [offset, offset+filesz) at vaddr and zeros after them. flags is a mask of
 * enum elf_seg_flags, never W and X together. */
struct elf_segment {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;
};

/* The PT_TLS template: filesz bytes at file offset `offset` followed by
 * memsz - filesz zeros, aligned to align (a power of two, 1..4096). */
struct elf_tls {
	uint64_t vaddr, filesz, memsz, align, offset;
};

/* seg[0..nsegments) are sorted by vaddr and share no page. */
struct elf_image {
	uint64_t entry;
	uint32_t nsegments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	bool has_tls;
	struct elf_tls tls;
};

enum elf_err {
	ELF_OK = 0,
	ELF_ERR_TRUNCATED = -1,   /* shorter than the ELF header */
	ELF_ERR_BAD_MAGIC = -2,   /* not \x7fELF */
	ELF_ERR_NOT_X86_64 = -3,  /* class, data encoding, machine or version */
	ELF_ERR_NOT_EXEC = -4,    /* e_type != ET_EXEC */
	ELF_ERR_BAD_PHDR = -5,    /* phentsize/phnum/phoff out of range */
	ELF_ERR_WX = -6,          /* a PT_LOAD both writable and executable */
	ELF_ERR_OVERLAP = -7,     /* PT_LOAD segments share a page */
	ELF_ERR_RANGE = -8,       /* a segment or the entry outside [user_min, user_max) */
	ELF_ERR_OVERFLOW = -9,    /* vaddr+memsz (page-rounded) or offset+filesz wraps */
	ELF_ERR_FILESZ = -10,     /* filesz > memsz, or file range beyond len */
	ELF_ERR_ALIGN = -11,      /* vaddr, offset incongruent mod page/p_align, or bad p_align */
	ELF_ERR_TOO_MANY = -12,   /* more PT_LOAD than ELF_MAX_SEGMENTS */
	ELF_ERR_NO_LOAD = -13,    /* no non-empty PT_LOAD */
	ELF_ERR_BAD_ENTRY = -14,  /* entry not inside an executable segment */
	ELF_ERR_BAD_TLS = -15,    /* second PT_TLS, bad align, image outside the file,
	                             filesz > memsz, memsz beyond the user range */
	ELF_ERR_DYNAMIC = -16,    /* PT_INTERP or PT_DYNAMIC: only static executables */
};

/* Parses the executable in data[0..len) for an address space whose user part
 * is [user_min, user_max) (user_min > 0 and page-aligned excludes the null
 * page). Returns ELF_OK and fills *out, or a negative enum elf_err with *out
 * zeroed. Checks run in a fixed order: the ELF header, then each program
 * header in table order (the first bad one decides), then the set of
 * segments (none, overlap), then the entry point. PT_LOAD segments with
 * memsz 0 are validated but not reported; program header types other than
 * PT_LOAD, PT_TLS, PT_INTERP and PT_DYNAMIC are ignored. */
int elf_parse(const void *data, size_t len, uint64_t user_min, uint64_t user_max,
              struct elf_image *out);

/* A static English description of err ("unknown error" for other values). */
const char *elf_strerror(int err);

#endif
