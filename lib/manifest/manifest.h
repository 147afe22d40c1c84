/* The boot manifest as a validated plan.
 *
 * A SystemManifest message (schema/capos.capnp) is decoded into a plain-C
 * plan (manifest_decode), then validated as a whole (manifest_validate):
 * every reference resolved to an index, every rule checked, the start
 * order computed. Whoever acts on the plan (init, tools/mkmanifest) acts
 * only on a plan manifest_load accepted: one bad grant and nothing starts.
 *
 * Storage is the caller's: lib/manifest never allocates. A plan is large
 * (213 KiB: keep it static, not on a stack). It points into the
 * message for argument strings and grant sources (struct capnp_text), so
 * the message bytes must outlive the plan. Names are copied, NUL-terminated,
 * into char[MANIFEST_NAME_MAX] (the CapSet's name size).
 *
 * Freestanding (kernel, user space, host). The format and the rules are
 * documented in README.md ("The boot manifest") and schema/capos.capnp. */
#ifndef CAPOS_LIB_MANIFEST_H
#define CAPOS_LIB_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/capos/capset.h"
#include "lib/capnp/capnp.h"
#include "lib/manifest/manifest_error.h"

/* Limits. Every count and size of a manifest is checked against these. */
#define MANIFEST_NAME_MAX CAPOS_CAPSET_NAME_MAX /* 24: names are 1..23 bytes */
#define MANIFEST_SERVICES_MAX 64u
#define MANIFEST_BINARIES_MAX 96u
#define MANIFEST_CAPSET_MAX CAPOS_CAPSET_MAX /* grants + exports of one service */
#define MANIFEST_GRANTS_MAX CAPOS_CAPSET_MAX /* grants of one service */
#define MANIFEST_EXPORTS_MAX 16u             /* exports of one service */
#define MANIFEST_AFTER_MAX 16u               /* `after` names of one service */
#define MANIFEST_ARGS_MAX 32u                /* args of one service */
#define MANIFEST_ARGS_BYTES CAPOS_CAPSET_ARGS_MAX /* args with their NULs */
#define MANIFEST_PATH_MAX 100u               /* package file names: 1..99 bytes (USTAR) */
#define MANIFEST_DIGEST_LEN 32u              /* Binary.blake3: empty or 32 bytes */
#define MANIFEST_RESTART_LIMIT_MAX 1000u
#define MANIFEST_BACKOFF_MS_MAX 3600000u     /* one hour */
#define MANIFEST_PACKAGE_MANIFEST "manifest.bin" /* the manifest's name in a boot package */

/* Where a grant's capability comes from. */
enum manifest_source {
	MANIFEST_SOURCE_KERNEL = 0, /* one of init's bootstrap capabilities */
	MANIFEST_SOURCE_EXPORT = 1, /* a client of another service's export */
};

struct manifest_grant {
	char name[MANIFEST_NAME_MAX];
	uint64_t interface_id;     /* after validation: the source's interface (never 0) */
	uint64_t badge;            /* 0: none (always 0 for a kernel source) */
	uint32_t rights;           /* after validation: rights within the interface's */
	uint8_t source;            /* enum manifest_source */
	uint8_t kernel;            /* MANIFEST_SOURCE_KERNEL: enum capos_KernelCap */
	uint8_t service;           /* MANIFEST_SOURCE_EXPORT: the exporting service's index ... */
	uint8_t export_index;      /* ... and the export's index in it (after validation) */
	struct capnp_text src_service, src_export; /* as written (export sources), in the message */
	/* Hardware narrowing (kernel ioPorts, irqControl, pciBus only): what
	 * init makes of the root before granting it. port_count 0, irq 0xff,
	 * pci_vendor 0: none. */
	uint16_t port_base, port_count;
	uint8_t irq;
	uint16_t pci_vendor, pci_device;
	uint32_t pci_instance;
};

struct manifest_export {
	char name[MANIFEST_NAME_MAX];
	uint64_t interface_id;     /* the interface served (a schema interface) */
};

struct manifest_binary {
	char name[MANIFEST_NAME_MAX];
	char path[MANIFEST_PATH_MAX]; /* the file in the boot package */
	uint8_t digest[MANIFEST_DIGEST_LEN];
	bool has_digest;
	bool used;                 /* after validation: some service runs it (ELF-checked) */
};

struct manifest_service {
	char name[MANIFEST_NAME_MAX];
	struct capnp_text binary_name; /* as written, in the message */
	uint8_t binary;            /* after validation: index into plan.binaries */
	uint8_t restart;           /* enum capos_RestartPolicy */
	bool autostart;            /* false: only when named on init's command line */
	uint32_t restart_limit;
	uint32_t backoff_ms, backoff_max_ms;
	uint64_t kernel_memory;    /* after validation: the quota (0 replaced by the default) */
	uint32_t ngrants, nexports, nafter, argc, args_bytes;
	uint64_t after_mask;       /* after validation: bit i = starts after service i */
	struct manifest_grant grants[MANIFEST_GRANTS_MAX];
	struct manifest_export exports[MANIFEST_EXPORTS_MAX];
	struct capnp_text after[MANIFEST_AFTER_MAX];
	struct capnp_text args[MANIFEST_ARGS_MAX]; /* NUL-free, in the message */
};

struct manifest_plan {
	uint32_t schema_version;
	uint32_t nbinaries, nservices;
	struct manifest_binary binaries[MANIFEST_BINARIES_MAX];
	struct manifest_service services[MANIFEST_SERVICES_MAX];
	uint8_t order[MANIFEST_SERVICES_MAX]; /* after validation: start order, service indices */
	uint64_t kernel_memory_total;         /* after validation: sum of the quotas */
};

/* Looks up a file of the boot package. Returns true if it exists, with its
 * bytes in *data / *len; *data may be left NULL to skip the ELF check. */
typedef bool (*manifest_file_fn)(void *ctx, const char *path, const void **data, size_t *len);

struct manifest_config {
	uint64_t kernel_memory_budget;  /* the quotas must add up to at most this */
	uint64_t kernel_memory_default; /* the quota of a service that gives 0 */
	manifest_file_fn file;          /* NULL: binaries are not looked up */
	void *file_ctx;
	uint64_t user_min, user_max;    /* the user range ELF images must fit (elf_parse) */
};

/* Decodes msg[0, len) into *plan: message well-formed (validated with a
 * traversal budget proportional to len), counts within the limits, names
 * and paths well-formed, enums known. No cross-reference is checked.
 * Returns MANIFEST_OK or the first error, described in *err. */
enum manifest_err manifest_decode(const void *msg, size_t len, struct manifest_plan *plan,
                                  struct manifest_error *err);

/* Validates a decoded plan: schema version, every reference, interfaces,
 * rights, badges, duplicate names, the package's binaries, quotas, and the
 * start order (filled in plan->order). Returns MANIFEST_OK or the first
 * error (rules in a fixed order: README.md). */
enum manifest_err manifest_validate(struct manifest_plan *plan, const struct manifest_config *cfg,
                                    struct manifest_error *err);

/* manifest_decode, then manifest_validate. */
enum manifest_err manifest_load(const void *msg, size_t len, const struct manifest_config *cfg,
                                struct manifest_plan *plan, struct manifest_error *err);

/* A whole boot package (USTAR, lib/tar): the archive is well-formed, holds
 * MANIFEST_PACKAGE_MANIFEST, and that manifest loads with the package's
 * files as cfg's file lookup (cfg->file is ignored). */
enum manifest_err manifest_load_package(const void *archive, size_t len, const struct manifest_config *cfg,
                                        struct manifest_plan *plan, struct manifest_error *err);

/* The interface id a kernel capability has (0: not grantable). */
uint64_t manifest_kernel_cap_interface(uint32_t kernel_cap);

/* The schema's name of a kernel capability ("console"), or NULL. */
const char *manifest_kernel_cap_name(uint32_t kernel_cap);

/* The rights of the schema interface with this id, false if there is none. */
bool manifest_interface_rights(uint64_t interface_id, uint32_t *rights);

/* The schema name of the interface with this id ("Console"), or NULL. */
const char *manifest_interface_name(uint64_t interface_id);

#endif
