/* tools/mkmanifest: the manifest source (Cap'n Proto text) to a boot
 * package (USTAR: manifest.bin + the binaries), validated with lib/manifest
 * exactly as init validates it. Host program; see main.c for the usage. */
#ifndef MKMANIFEST_H
#define MKMANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A file read whole into memory (data is malloc'd; NULL if len is 0). */
struct blob {
	uint8_t *data;
	size_t len;
};

/* Runs `capnp eval -b [-I dir] SOURCE manifest` and returns its standard
 * output in *out. On failure prints capnp's messages prefixed with source
 * and returns -1. */
int mk_eval(const char *source, const char *include_dir, struct blob *out);

/* Reads path whole; -1 (errno set) if it cannot be read. */
int mk_read_file(const char *path, struct blob *out);

/* USTAR writer: one regular file member (mode 0644, owner 0, mtime 0;
 * name at most 99 bytes), then the two zero blocks that end the archive.
 * Returns -1 on a write error or an unfit name. */
int mk_tar_add(FILE *f, const char *name, const void *data, size_t len);
int mk_tar_end(FILE *f);

#endif
