/* manifest_decode: a SystemManifest message into a plan. Checks what one
 * field at a time can show (well-formed message, counts, names, paths,
 * enums, sizes); cross-references are manifest_validate's. Every field is
 * read once, within the traversal budget the message's size allows. */
#include "capos/capos.capnp.h"
#include "lib/manifest/internal.h"
#include "lib/mem.h"

/* A name: 1..23 bytes of [A-Za-z0-9._-]. field says which name it is. */
static enum manifest_err check_name(struct capnp_text t, const char *field, struct manifest_error *e)
{
	e->field = field;
	if (t.len == 0)
		return manifest_err_set(e, MANIFEST_ERR_NAME_EMPTY);
	manifest_err_ref(e, t.str, t.len);
	if (t.len >= MANIFEST_NAME_MAX)
		return manifest_err_set(e, MANIFEST_ERR_NAME_TOO_LONG);
	for (uint32_t i = 0; i < t.len; i++) {
		char c = t.str[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		          c == '_' || c == '-';
		if (!ok)
			return manifest_err_set(e, MANIFEST_ERR_NAME_CHARS);
	}
	e->field = NULL;
	e->ref[0] = 0;
	return MANIFEST_OK;
}

/* Checks t as a name and copies it to dst (char[MANIFEST_NAME_MAX]). */
static enum manifest_err take_name(struct capnp_text t, const char *field, char *dst, struct manifest_error *e)
{
	enum manifest_err r = check_name(t, field, e);
	if (r == MANIFEST_OK) {
		memcpy(dst, t.str, t.len);
		dst[t.len] = 0;
	}
	return r;
}

/* Why path cannot name a package file, or NULL if it can: 1..99 bytes of
 * [A-Za-z0-9._/-], relative, no empty, "." or ".." component, not the
 * manifest's own name. */
static const char *path_problem(struct capnp_text p)
{
	if (p.len == 0)
		return "is empty";
	if (p.len >= MANIFEST_PATH_MAX)
		return "is longer than 99 bytes";
	if (p.str[0] == '/')
		return "is absolute";
	if (manifest_name_eq(p.str, p.len, MANIFEST_PACKAGE_MANIFEST))
		return "is the manifest's own file";
	uint32_t start = 0;
	for (uint32_t i = 0; i <= p.len; i++) {
		char c = i < p.len ? p.str[i] : '/';
		if (c == '/') {
			uint32_t n = i - start;
			if (n == 0 || (n == 1 && p.str[start] == '.') ||
			    (n == 2 && p.str[start] == '.' && p.str[start + 1] == '.'))
				return "has an empty, \".\" or \"..\" component";
			start = i + 1;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		             c == '_' || c == '-')) {
			return "has a character outside [A-Za-z0-9._/-]";
		}
	}
	return NULL;
}

static enum manifest_err decode_binary(capos_Binary r, struct manifest_binary *b, struct manifest_error *e)
{
	struct capnp_text name = capos_Binary_get_name(r);
	enum manifest_err err = take_name(name, "name", b->name, e);
	if (err)
		return err;
	manifest_err_item(e, "binary", name.str, name.len);
	struct capnp_text path = capos_Binary_get_path(r);
	const char *why = path_problem(path);
	if (why) {
		e->field = why;
		manifest_err_ref(e, path.str, path.len);
		return manifest_err_set(e, MANIFEST_ERR_BAD_PATH);
	}
	memcpy(b->path, path.str, path.len);
	b->path[path.len] = 0;
	struct capnp_data d = capos_Binary_get_blake3(r);
	if (d.len != 0 && d.len != MANIFEST_DIGEST_LEN) {
		e->a = d.len;
		return manifest_err_set(e, MANIFEST_ERR_DIGEST_SIZE);
	}
	b->has_digest = d.len != 0;
	if (d.len)
		memcpy(b->digest, d.ptr, d.len);
	e->kind = NULL;
	return MANIFEST_OK;
}

/* A count against its limit: MANIFEST_ERR_TOO_MANY naming field. */
static enum manifest_err count_ok(uint32_t n, uint32_t max, const char *field, struct manifest_error *e)
{
	if (n <= max)
		return MANIFEST_OK;
	e->field = field;
	e->a = n;
	e->b = max;
	return manifest_err_set(e, MANIFEST_ERR_TOO_MANY);
}

static enum manifest_err decode_export(capos_Export r, struct manifest_export *x, struct manifest_error *e)
{
	enum manifest_err err = take_name(capos_Export_get_name(r), "export name", x->name, e);
	x->interface_id = capos_Export_get_interfaceId(r);
	return err;
}

static enum manifest_err decode_source(capos_CapGrant r, struct manifest_grant *g, struct manifest_error *e)
{
	uint16_t which = capos_CapGrant_which(r);
	if (which == capos_CapGrant_which_kernel) {
		g->source = MANIFEST_SOURCE_KERNEL;
		uint16_t k = capos_CapGrant_get_kernel(r);
		g->kernel = (uint8_t)(k > 255 ? 255 : k); /* validation refuses anything unknown */
		return MANIFEST_OK;
	}
	if (which != capos_CapGrant_which_serviceExport) {
		e->a = which;
		return manifest_err_set(e, MANIFEST_ERR_SOURCE_UNKNOWN);
	}
	capos_CapGrant_serviceExport se = capos_CapGrant_get_serviceExport(r);
	g->source = MANIFEST_SOURCE_EXPORT;
	g->src_service = capos_CapGrant_serviceExport_get_service(se);
	g->src_export = capos_CapGrant_serviceExport_get_export(se);
	enum manifest_err err = check_name(g->src_service, "source service", e);
	return err ? err : check_name(g->src_export, "source export", e);
}

static enum manifest_err decode_grant(capos_CapGrant r, struct manifest_grant *g, struct manifest_error *e)
{
	struct capnp_text name = capos_CapGrant_get_name(r);
	enum manifest_err err = take_name(name, "grant name", g->name, e);
	if (err)
		return err;
	manifest_err_item(e, "grant", name.str, name.len);
	g->interface_id = capos_CapGrant_get_interfaceId(r);
	g->badge = capos_CapGrant_get_badge(r);
	g->rights = capos_CapGrant_get_rights(r);
	g->port_base = capos_CapGrant_get_portBase(r);
	g->port_count = capos_CapGrant_get_portCount(r);
	g->irq = capos_CapGrant_get_irq(r);
	g->pci_vendor = capos_CapGrant_get_pciVendorId(r);
	g->pci_device = capos_CapGrant_get_pciDeviceId(r);
	g->pci_instance = capos_CapGrant_get_pciInstance(r);
	err = decode_source(r, g, e);
	if (!err)
		e->kind = NULL;
	return err;
}

/* args: count, bytes with NULs, no NUL inside. */
static enum manifest_err decode_args(capos_Service r, struct manifest_service *s, struct manifest_error *e)
{
	struct capnp_list args = capos_Service_get_args(r);
	uint32_t n = capnp_list_len(&args);
	enum manifest_err err = count_ok(n, MANIFEST_ARGS_MAX, "args", e);
	uint64_t bytes = 0;
	for (uint32_t i = 0; !err && i < n; i++) {
		struct capnp_text t = capnp_list_text(&args, i);
		if (strnlen(t.str, t.len) != t.len) {
			e->a = i;
			return manifest_err_set(e, MANIFEST_ERR_ARG_NUL);
		}
		s->args[i] = t;
		bytes += t.len + 1ull;
	}
	if (!err && bytes > MANIFEST_ARGS_BYTES) {
		e->a = bytes;
		e->b = MANIFEST_ARGS_BYTES;
		return manifest_err_set(e, MANIFEST_ERR_ARGS_TOO_LONG);
	}
	s->argc = n;
	s->args_bytes = (uint32_t)bytes;
	return err;
}

/* restart policy, limit and back-off. */
static enum manifest_err decode_restart(capos_Service r, struct manifest_service *s, struct manifest_error *e)
{
	s->restart = (uint8_t)capos_Service_get_restart(r);
	s->restart_limit = capos_Service_get_restartLimit(r);
	s->backoff_ms = capos_Service_get_restartBackoffMs(r);
	s->backoff_max_ms = capos_Service_get_restartBackoffMaxMs(r);
	s->autostart = capos_Service_get_autostart(r);
	if (capos_Service_get_restart(r) > capos_RestartPolicy_always) {
		e->a = capos_Service_get_restart(r);
		return manifest_err_set(e, MANIFEST_ERR_RESTART_POLICY);
	}
	if (s->restart_limit > MANIFEST_RESTART_LIMIT_MAX) {
		e->a = s->restart_limit;
		e->b = MANIFEST_RESTART_LIMIT_MAX;
		return manifest_err_set(e, MANIFEST_ERR_RESTART_LIMIT);
	}
	if (s->backoff_ms == 0 || s->backoff_ms > s->backoff_max_ms || s->backoff_max_ms > MANIFEST_BACKOFF_MS_MAX) {
		e->a = s->backoff_ms;
		e->b = s->backoff_max_ms;
		return manifest_err_set(e, MANIFEST_ERR_BACKOFF);
	}
	return MANIFEST_OK;
}

/* The lists of a service: counts first, then each element. */
static enum manifest_err decode_lists(capos_Service r, struct manifest_service *s, struct manifest_error *e)
{
	capos_CapGrant_list caps = capos_Service_get_caps(r);
	capos_Export_list exps = capos_Service_get_exports(r);
	struct capnp_list after = capos_Service_get_after(r);
	uint32_t ng = capos_CapGrant_list_len(caps), nx = capos_Export_list_len(exps), na = capnp_list_len(&after);
	enum manifest_err err = count_ok(ng, MANIFEST_GRANTS_MAX, "grants", e);
	if (!err)
		err = count_ok(nx, MANIFEST_EXPORTS_MAX, "exports", e);
	if (!err)
		err = count_ok(ng + nx, MANIFEST_CAPSET_MAX, "grants and exports", e);
	if (!err)
		err = count_ok(na, MANIFEST_AFTER_MAX, "after names", e);
	for (uint32_t i = 0; !err && i < nx; i++, s->nexports++)
		err = decode_export(capos_Export_list_get(exps, i), &s->exports[i], e);
	for (uint32_t i = 0; !err && i < ng; i++, s->ngrants++)
		err = decode_grant(capos_CapGrant_list_get(caps, i), &s->grants[i], e);
	for (uint32_t i = 0; !err && i < na; i++, s->nafter++) {
		s->after[i] = capnp_list_text(&after, i);
		err = check_name(s->after[i], "after", e);
	}
	return err;
}

static enum manifest_err decode_service(capos_Service r, struct manifest_service *s, struct manifest_error *e)
{
	enum manifest_err err = take_name(capos_Service_get_name(r), "service name", s->name, e);
	if (err)
		return err;
	manifest_err_service(e, s->name);
	s->binary_name = capos_Service_get_binary(r);
	s->kernel_memory = capos_Service_get_kernelMemory(r);
	err = check_name(s->binary_name, "binary", e);
	if (!err)
		err = decode_restart(r, s, e);
	if (!err)
		err = decode_args(r, s, e);
	if (!err)
		err = decode_lists(r, s, e);
	if (!err)
		e->service[0] = 0;
	return err;
}

static enum manifest_err decode_root(capos_SystemManifest root, struct manifest_plan *plan,
                                     struct manifest_error *e)
{
	plan->schema_version = capos_SystemManifest_get_schemaVersion(root);
	if (plan->schema_version != capos_manifestSchemaVersion) {
		e->a = plan->schema_version;
		e->b = capos_manifestSchemaVersion;
		return manifest_err_set(e, MANIFEST_ERR_SCHEMA_VERSION);
	}
	capos_Binary_list bins = capos_SystemManifest_get_binaries(root);
	capos_Service_list svcs = capos_SystemManifest_get_services(root);
	uint32_t nb = capos_Binary_list_len(bins), ns = capos_Service_list_len(svcs);
	enum manifest_err err = count_ok(nb, MANIFEST_BINARIES_MAX, "binaries", e);
	if (!err)
		err = count_ok(ns, MANIFEST_SERVICES_MAX, "services", e);
	if (!err && ns == 0)
		err = manifest_err_set(e, MANIFEST_ERR_NO_SERVICES);
	for (uint32_t i = 0; !err && i < nb; i++, plan->nbinaries++)
		err = decode_binary(capos_Binary_list_get(bins, i), &plan->binaries[i], e);
	for (uint32_t i = 0; !err && i < ns; i++, plan->nservices++)
		err = decode_service(capos_Service_list_get(svcs, i), &plan->services[i], e);
	return err;
}

enum manifest_err manifest_decode(const void *msg, size_t len, struct manifest_plan *plan,
                                  struct manifest_error *e)
{
	struct capnp_limits lim = capnp_limits_for_size(len, CAPNP_TRAVERSAL_FACTOR);
	struct capnp_msg m;

	memset(plan, 0, sizeof(*plan));
	manifest_err_clear(e);
	if (capnp_msg_init(&m, msg, len, &lim) != CAPNP_OK || capnp_msg_validate(&m) != CAPNP_OK) {
		e->detail = capnp_msg_error(&m);
		return manifest_err_set(e, MANIFEST_ERR_MESSAGE);
	}
	enum manifest_err err = decode_root(capos_SystemManifest_root(&m), plan, e);
	if (capnp_msg_error(&m)) { /* whatever decode_root made of the defaults read */
		manifest_err_clear(e);
		e->detail = capnp_msg_error(&m);
		return manifest_err_set(e, MANIFEST_ERR_MESSAGE);
	}
	return err;
}
