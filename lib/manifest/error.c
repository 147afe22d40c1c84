/* Error names and messages of lib/manifest, and the helpers that fill a
 * struct manifest_error. */
#include "lib/capnp/capnp.h"
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/manifest/internal.h"
#include "lib/mem.h"
#include "lib/tar.h"

#define N(x) [x] = #x
static const char *const names[MANIFEST_ERR_COUNT_] = {
	N(MANIFEST_OK), N(MANIFEST_ERR_MESSAGE), N(MANIFEST_ERR_SCHEMA_VERSION), N(MANIFEST_ERR_NO_SERVICES),
	N(MANIFEST_ERR_TOO_MANY), N(MANIFEST_ERR_ARGS_TOO_LONG), N(MANIFEST_ERR_ARG_NUL),
	N(MANIFEST_ERR_NAME_EMPTY), N(MANIFEST_ERR_NAME_TOO_LONG), N(MANIFEST_ERR_NAME_CHARS),
	N(MANIFEST_ERR_BAD_PATH), N(MANIFEST_ERR_DIGEST_SIZE), N(MANIFEST_ERR_DUP_BINARY),
	N(MANIFEST_ERR_DUP_SERVICE), N(MANIFEST_ERR_DUP_EXPORT), N(MANIFEST_ERR_DUP_GRANT),
	N(MANIFEST_ERR_CAPSET_CLASH), N(MANIFEST_ERR_UNKNOWN_BINARY), N(MANIFEST_ERR_BINARY_MISSING),
	N(MANIFEST_ERR_BINARY_NOT_ELF), N(MANIFEST_ERR_RESTART_POLICY), N(MANIFEST_ERR_RESTART_LIMIT),
	N(MANIFEST_ERR_BACKOFF), N(MANIFEST_ERR_EXPORT_INTERFACE), N(MANIFEST_ERR_SOURCE_UNKNOWN),
	N(MANIFEST_ERR_KERNEL_CAP), N(MANIFEST_ERR_NO_SUCH_SERVICE), N(MANIFEST_ERR_NO_SUCH_EXPORT),
	N(MANIFEST_ERR_INTERFACE_MISMATCH), N(MANIFEST_ERR_RIGHTS), N(MANIFEST_ERR_BADGE),
	N(MANIFEST_ERR_AFTER_UNKNOWN), N(MANIFEST_ERR_CYCLE), N(MANIFEST_ERR_QUOTA), N(MANIFEST_ERR_PACKAGE),
	N(MANIFEST_ERR_NO_MANIFEST), N(MANIFEST_ERR_NARROW_SOURCE), N(MANIFEST_ERR_NARROW_PORTS),
	N(MANIFEST_ERR_NARROW_IRQ), N(MANIFEST_ERR_NARROW_PCI),
};
#undef N

const char *manifest_err_name(int code)
{
	return code >= 0 && code < MANIFEST_ERR_COUNT_ ? names[code] : NULL;
}

void manifest_err_clear(struct manifest_error *e)
{
	memset(e, 0, sizeof(*e));
}

enum manifest_err manifest_err_set(struct manifest_error *e, enum manifest_err code)
{
	e->code = code;
	return code;
}

/* Appends s[0, len) to dst (capacity cap, NUL-terminated), printable ASCII
 * only; marks truncation with "...". */
static void put_safe(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = strlen(dst);

	for (size_t i = 0; i < len; i++) {
		if (n + 1 >= cap) {
			memcpy(dst + cap - 4, "...", 4);
			return;
		}
		char c = s[i];
		dst[n++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
	}
	dst[n] = 0;
}

void manifest_err_service(struct manifest_error *e, const char *name)
{
	e->service[0] = 0;
	put_safe(e->service, sizeof e->service, name, strlen(name));
}

void manifest_err_item(struct manifest_error *e, const char *kind, const char *s, size_t len)
{
	e->kind = kind;
	e->item[0] = 0;
	put_safe(e->item, sizeof e->item, s, len);
}

void manifest_err_ref(struct manifest_error *e, const char *s, size_t len)
{
	put_safe(e->ref, sizeof e->ref, s, len);
}

bool manifest_name_eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* The code-specific part of the message, after the "service ...: grant ...: "
 * prefix. */
static int body(const struct manifest_error *e, char *buf, size_t cap)
{
	unsigned long long a = e->a, b = e->b;
	const char *f = e->field ? e->field : "name", *r = e->ref;

	switch (e->code) {
	case MANIFEST_OK: return fmt_snprintf(buf, cap, "ok");
	case MANIFEST_ERR_MESSAGE:
		return fmt_snprintf(buf, cap, "not a valid Cap'n Proto message: %s", capnp_strerror(e->detail));
	case MANIFEST_ERR_SCHEMA_VERSION: return fmt_snprintf(buf, cap, "schemaVersion %llu, expected %llu", a, b);
	case MANIFEST_ERR_NO_SERVICES: return fmt_snprintf(buf, cap, "no services");
	case MANIFEST_ERR_TOO_MANY: return fmt_snprintf(buf, cap, "%llu %s, at most %llu", a, f, b);
	case MANIFEST_ERR_ARGS_TOO_LONG:
		return fmt_snprintf(buf, cap, "args take %llu bytes with their NULs, at most %llu", a, b);
	case MANIFEST_ERR_ARG_NUL: return fmt_snprintf(buf, cap, "arg %llu contains a NUL byte", a);
	case MANIFEST_ERR_NAME_EMPTY: return fmt_snprintf(buf, cap, "%s is empty", f);
	case MANIFEST_ERR_NAME_TOO_LONG:
		return fmt_snprintf(buf, cap, "%s \"%s\" is longer than %u bytes", f, r, MANIFEST_NAME_MAX - 1);
	case MANIFEST_ERR_NAME_CHARS:
		return fmt_snprintf(buf, cap, "%s \"%s\" has a character outside [A-Za-z0-9._-]", f, r);
	case MANIFEST_ERR_BAD_PATH: return fmt_snprintf(buf, cap, "path \"%s\" %s", r, f);
	case MANIFEST_ERR_DIGEST_SIZE:
		return fmt_snprintf(buf, cap, "blake3 has %llu bytes, expected %u or none", a, MANIFEST_DIGEST_LEN);
	case MANIFEST_ERR_DUP_BINARY:
	case MANIFEST_ERR_DUP_SERVICE:
	case MANIFEST_ERR_DUP_EXPORT:
	case MANIFEST_ERR_DUP_GRANT: return fmt_snprintf(buf, cap, "the name is used twice");
	case MANIFEST_ERR_CAPSET_CLASH: return fmt_snprintf(buf, cap, "the name is also one of the service's exports");
	case MANIFEST_ERR_UNKNOWN_BINARY: return fmt_snprintf(buf, cap, "binary \"%s\" is not in binaries", r);
	case MANIFEST_ERR_BINARY_MISSING: return fmt_snprintf(buf, cap, "file \"%s\" is not in the boot package", r);
	case MANIFEST_ERR_BINARY_NOT_ELF:
		return fmt_snprintf(buf, cap, "file \"%s\" is not a valid executable: %s", r, elf_strerror(e->detail));
	case MANIFEST_ERR_RESTART_POLICY: return fmt_snprintf(buf, cap, "restart policy %llu is unknown", a);
	case MANIFEST_ERR_RESTART_LIMIT: return fmt_snprintf(buf, cap, "restartLimit %llu, at most %llu", a, b);
	case MANIFEST_ERR_BACKOFF:
		return fmt_snprintf(buf, cap, "restartBackoffMs %llu, restartBackoffMaxMs %llu: need 1 <= first <= max <= %u",
		                    a, b, MANIFEST_BACKOFF_MS_MAX);
	case MANIFEST_ERR_EXPORT_INTERFACE:
		return fmt_snprintf(buf, cap, "interface 0x%llx is not a servable interface of the schema", a);
	case MANIFEST_ERR_SOURCE_UNKNOWN: return fmt_snprintf(buf, cap, "source kind %llu is unknown", a);
	case MANIFEST_ERR_KERNEL_CAP: return fmt_snprintf(buf, cap, "kernel capability %s is not grantable", r);
	case MANIFEST_ERR_NO_SUCH_SERVICE:
	case MANIFEST_ERR_NO_SUCH_EXPORT:
		return fmt_snprintf(buf, cap, "source \"%s\" is not exported by any service: %s", r,
		                    e->code == MANIFEST_ERR_NO_SUCH_SERVICE ? "no such service" : "no such export");
	case MANIFEST_ERR_INTERFACE_MISMATCH:
		return fmt_snprintf(buf, cap, "interfaceId 0x%llx does not match source \"%s\" (0x%llx)", a, r, b);
	case MANIFEST_ERR_RIGHTS:
		return fmt_snprintf(buf, cap, "rights 0x%llx are not within the interface's 0x%llx", a, b);
	case MANIFEST_ERR_BADGE:
		return fmt_snprintf(buf, cap, "badge %llu on kernel capability %s: only export grants take a badge", a, r);
	case MANIFEST_ERR_AFTER_UNKNOWN: return fmt_snprintf(buf, cap, "there is no service \"%s\"", r);
	case MANIFEST_ERR_CYCLE:
		return fmt_snprintf(buf, cap, "start-up cycle %s (each must start after the next)", r);
	case MANIFEST_ERR_QUOTA:
		return fmt_snprintf(buf, cap, "kernel-memory quotas add up to %llu bytes, over the budget of %llu", a, b);
	case MANIFEST_ERR_PACKAGE: return fmt_snprintf(buf, cap, "boot package: %s", tar_strerror(e->detail));
	case MANIFEST_ERR_NO_MANIFEST:
		return fmt_snprintf(buf, cap, "boot package: no %s", MANIFEST_PACKAGE_MANIFEST);
	case MANIFEST_ERR_NARROW_SOURCE: return fmt_snprintf(buf, cap, "%s, not to source \"%s\"", f, r);
	case MANIFEST_ERR_NARROW_PORTS:
		return fmt_snprintf(buf, cap, "ports 0x%llx + %llu: need 1 or more ports ending at 0xffff at most", a, b);
	case MANIFEST_ERR_NARROW_IRQ: return fmt_snprintf(buf, cap, "irq %llu is not an ISA IRQ a driver may have (1, 3-15)", a);
	case MANIFEST_ERR_NARROW_PCI:
		return fmt_snprintf(buf, cap, "pciVendorId 0x%llx with pciDeviceId 0x%llx: need a vendor ID", a, b);
	case MANIFEST_ERR_COUNT_: break;
	}
	return fmt_snprintf(buf, cap, "error %d", (int)e->code);
}

int manifest_error_format(const struct manifest_error *e, char *buf, size_t cap)
{
	int n = 0;
	char scratch[1];

	if (e->service[0])
		n += fmt_snprintf(buf, cap, "service \"%s\": ", e->service);
	size_t used = (size_t)n < cap ? (size_t)n : cap;
	if (e->kind)
		n += fmt_snprintf(buf ? buf + used : NULL, cap - used, "%s \"%s\": ", e->kind, e->item);
	used = (size_t)n < cap ? (size_t)n : cap;
	if (used == cap || !buf) /* nothing more fits: count the rest only */
		return n + body(e, scratch, 0);
	return n + body(e, buf + used, cap - used);
}
