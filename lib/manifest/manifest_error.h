/* Why lib/manifest refused a manifest: one named code per rule, plus what it
 * concerns (the service, the grant/export/binary, the name referred to,
 * numbers), so a caller can print a line such as
 *
 *   service "net": grant "nic": source "pci.virtio-net" is not exported by any service: ...
 *
 * Names in an error are copies, truncated ("...") and with anything but
 * printable ASCII other than '"' and '\' replaced by '?': safe to print. */
#ifndef CAPOS_LIB_MANIFEST_ERROR_H
#define CAPOS_LIB_MANIFEST_ERROR_H

#include <stddef.h>
#include <stdint.h>

enum manifest_err {
	MANIFEST_OK = 0,
	MANIFEST_ERR_MESSAGE,            /* not a well-formed Cap'n Proto message (detail: capnp_err) */
	MANIFEST_ERR_SCHEMA_VERSION,     /* schemaVersion != manifestSchemaVersion (a: it, b: expected) */
	MANIFEST_ERR_NO_SERVICES,        /* services is empty */
	MANIFEST_ERR_TOO_MANY,           /* a count over its limit (field: what; a: count, b: limit) */
	MANIFEST_ERR_ARGS_TOO_LONG,      /* args bytes with NULs over MANIFEST_ARGS_BYTES (a, b) */
	MANIFEST_ERR_ARG_NUL,            /* an arg contains a NUL byte (a: its index) */
	MANIFEST_ERR_NAME_EMPTY,         /* a name is empty (field: which) */
	MANIFEST_ERR_NAME_TOO_LONG,      /* a name over 23 bytes (field: which, ref: the name) */
	MANIFEST_ERR_NAME_CHARS,         /* a name with a byte outside [A-Za-z0-9._-] (field, ref) */
	MANIFEST_ERR_BAD_PATH,           /* Binary.path unusable in a package (field: why, ref: path) */
	MANIFEST_ERR_DIGEST_SIZE,        /* Binary.blake3 neither empty nor 32 bytes (a: its size) */
	MANIFEST_ERR_DUP_BINARY,         /* two binaries with one name */
	MANIFEST_ERR_DUP_SERVICE,        /* two services with one name */
	MANIFEST_ERR_DUP_EXPORT,         /* two exports of a service with one name */
	MANIFEST_ERR_DUP_GRANT,          /* two grants of a service with one name */
	MANIFEST_ERR_CAPSET_CLASH,       /* a grant named like one of the service's exports */
	MANIFEST_ERR_UNKNOWN_BINARY,     /* Service.binary names no Binary (ref) */
	MANIFEST_ERR_BINARY_MISSING,     /* a used binary's file is not in the package (ref: path) */
	MANIFEST_ERR_BINARY_NOT_ELF,     /* ... or not a valid executable (ref: path, detail: elf_err) */
	MANIFEST_ERR_RESTART_POLICY,     /* an unknown RestartPolicy (a) */
	MANIFEST_ERR_RESTART_LIMIT,      /* restartLimit over MANIFEST_RESTART_LIMIT_MAX (a, b) */
	MANIFEST_ERR_BACKOFF,            /* not 1 <= restartBackoffMs <= restartBackoffMaxMs <= 1 h (a, b) */
	MANIFEST_ERR_EXPORT_INTERFACE,   /* an export's interface is not a servable schema interface (a) */
	MANIFEST_ERR_SOURCE_UNKNOWN,     /* a grant's source union member is unknown (a) */
	MANIFEST_ERR_KERNEL_CAP,         /* a kernel source that is not grantable (a, ref: its name) */
	MANIFEST_ERR_NO_SUCH_SERVICE,    /* an export source names no service (ref: "svc.export") */
	MANIFEST_ERR_NO_SUCH_EXPORT,     /* ... or its service has no such export (ref) */
	MANIFEST_ERR_INTERFACE_MISMATCH, /* grant interfaceId (a) is not the source's (b; ref: source) */
	MANIFEST_ERR_RIGHTS,             /* grant rights (a) outside the interface's (b) */
	MANIFEST_ERR_BADGE,              /* a badge (a) on a kernel capability (ref) */
	MANIFEST_ERR_AFTER_UNKNOWN,      /* Service.after names no service (ref) */
	MANIFEST_ERR_CYCLE,              /* services that must each start first (ref: "a -> b -> a") */
	MANIFEST_ERR_QUOTA,              /* kernel-memory quotas (a) over the budget (b) */
	MANIFEST_ERR_PACKAGE,            /* the boot package is not a valid archive (detail: tar_err) */
	MANIFEST_ERR_NO_MANIFEST,        /* the boot package has no manifest.bin */
	MANIFEST_ERR_NARROW_SOURCE,      /* narrowing fields (field) on a source they do not apply to (ref) */
	MANIFEST_ERR_NARROW_PORTS,       /* portBase (a) + portCount (b): empty or past 0xffff */
	MANIFEST_ERR_NARROW_IRQ,         /* irq (a) is not 1 or 3-15 */
	MANIFEST_ERR_NARROW_PCI,         /* pciVendorId (a) 0 or 0xffff with a device (b) or instance set */
	MANIFEST_ERR_COUNT_
};

#define MANIFEST_ERR_NAME_LEN 48u
#define MANIFEST_ERR_REF_LEN 160u

struct manifest_error {
	enum manifest_err code;
	char service[MANIFEST_ERR_NAME_LEN]; /* the service concerned, "" if none */
	const char *kind;                    /* "grant", "export", "binary", "after" or NULL */
	char item[MANIFEST_ERR_NAME_LEN];    /* the grant/export/binary/after name */
	const char *field;                   /* a static word for the field or reason, or NULL */
	char ref[MANIFEST_ERR_REF_LEN];      /* the name referred to, "" if none */
	uint64_t a, b;                       /* numbers, per code */
	int detail;                          /* capnp_err / elf_err / tar_err, per code */
};

/* The code's name ("MANIFEST_ERR_CYCLE"), "MANIFEST_OK", or NULL for a
 * value that is no enum manifest_err. */
const char *manifest_err_name(int code);

/* Writes the whole message for e, NUL-terminated, into buf[0, cap), e.g.
 * `service "net": grant "nic": source "pci.virtio-net" is not exported by
 * any service: there is no service "pci"`. Returns the length the whole
 * message has (snprintf semantics). */
int manifest_error_format(const struct manifest_error *e, char *buf, size_t cap);

#endif
