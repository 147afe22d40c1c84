/* The CapSet page: read-only user memory listing a process's bootstrap
 * capabilities by name and interface id, followed by its arguments, at the
 * address passed to _start in RDX. Written by the kernel when the process is
 * created. Arguments are argc NUL-terminated strings packed in args. */
#ifndef CAPOS_CAPSET_H
#define CAPOS_CAPSET_H

#include <stdint.h>

#define CAPOS_CAPSET_MAGIC 0x53706143u /* "CapS" */
#define CAPOS_CAPSET_NAME_MAX 24u     /* including the NUL */
#define CAPOS_CAPSET_MAX 64u
#define CAPOS_CAPSET_ARGS_MAX 1520u

struct capos_capset_entry {
	char name[CAPOS_CAPSET_NAME_MAX]; /* NUL-terminated */
	uint64_t interface_id;            /* from schema/capos.capnp */
	uint32_t cap;                     /* the CapId in this process's table */
	uint32_t reserved;
};
_Static_assert(sizeof(struct capos_capset_entry) == 40, "CapSet entries are 40 bytes");

struct capos_capset {
	uint32_t magic;
	uint32_t count;     /* entries used */
	uint32_t argc;      /* strings in args */
	uint32_t args_len;  /* bytes of args used */
	struct capos_capset_entry entries[CAPOS_CAPSET_MAX];
	char args[CAPOS_CAPSET_ARGS_MAX];
};
_Static_assert(sizeof(struct capos_capset) == 4096, "the CapSet is one page");

#endif
