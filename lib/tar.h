/* USTAR archive reader for the boot package.
 *
 * The boot package is one USTAR archive (made with `tar --format=ustar`)
 * holding the manifest and every binary it names. The reader never copies
 * file data: an entry points into the archive. The archive is untrusted:
 * every header is checked (magic, checksum, type, size, name) before any of
 * it is used, and nothing outside [archive, archive+len) is read. Headers
 * with the old GNU magic ("ustar  ", what plain `tar -cf` writes) are read
 * too, without the prefix field, which that format uses for other things.
 * Pure logic, host-tested. */
#ifndef CAPOS_LIB_TAR_H
#define CAPOS_LIB_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512u
#define TAR_NAME_MAX 256u /* buffer size, NUL included */

enum tar_err {
	TAR_OK = 0,
	TAR_ERR_TRUNCATED = -1,     /* a header block runs past the end of the data */
	TAR_ERR_BAD_MAGIC = -2,     /* not "ustar" (a lone zero block included) */
	TAR_ERR_BAD_CHECKSUM = -3,  /* checksum field unparsable or wrong */
	TAR_ERR_BAD_SIZE = -4,      /* size not octal, or data (block-padded) beyond len */
	TAR_ERR_BAD_NAME = -5,      /* empty, absolute, a ".." component, or longer than
	                               TAR_NAME_MAX - 1 once prefix and name are joined */
	TAR_ERR_NOT_FOUND = -6,     /* end of the archive / no such file */
	TAR_ERR_UNSUPPORTED = -7,   /* typeflag other than '0', '\0' (file) or '5' (directory) */
};

/* One archive member. data points into the archive. */
struct tar_entry {
	char name[TAR_NAME_MAX]; /* prefix + "/" + name, NUL-terminated */
	const void *data;
	uint64_t size;
	char type; /* '0' file ('\0' is reported as '0'), '5' directory */
};

/* Reads the member whose header is at *offset (start with 0). Returns TAR_OK,
 * fills *e and advances *offset past the member's data; TAR_ERR_NOT_FOUND at
 * the end of the archive (two zero blocks, or one zero block and the end of
 * the data, or the end of the data on a block boundary); or another error.
 * *offset does not move on anything but TAR_OK, so the end (and any error)
 * is reported again by the next call. Header checks run in the order magic,
 * checksum, typeflag, size, name. */
int tar_next(const void *archive, size_t len, size_t *offset, struct tar_entry *e);

/* Finds the first regular file called name (compared exactly, as stored).
 * Returns TAR_OK with *e filled, TAR_ERR_NOT_FOUND, or the first error met on
 * the way; members after the match are not examined. */
int tar_find(const void *archive, size_t len, const char *name, struct tar_entry *e);

/* Walks the whole archive. Returns TAR_OK and the member count (files and
 * directories) in *count (may be NULL), or the first error. */
int tar_validate(const void *archive, size_t len, uint32_t *count);

/* A static English description of err ("unknown error" for other values). */
const char *tar_strerror(int err);

#endif
