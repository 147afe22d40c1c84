/* manifest_validate: a decoded plan as a whole. Rules, in the order they
 * are checked (the first failure is reported):
 *
 *   1. schemaVersion is manifestSchemaVersion
 *   2. binary names unique; service names unique
 *   3. per service, in manifest order: its binary is in binaries; export
 *      names unique, each a servable schema interface; grant names unique
 *      and no grant named like an export (one CapSet); each grant's source
 *      exists (a grantable kernel capability, or an export of a service),
 *      its interfaceId is the source's (or 0), its rights within the
 *      interface's (or rightsAll), a badge only on an export grant,
 *      hardware narrowing only on its kernel source and in range; every
 *      `after` name is a service
 *   4. every binary a service runs is in the package and a valid ELF
 *   5. the kernel-memory quotas add up to at most the budget
 *   6. no start-up cycle (order.c)
 */
#include "capos/capos.capnp.h"
#include "lib/elf.h"
#include "lib/manifest/internal.h"
#include "lib/mem.h"

/* The index of the service called s[0, len), or -1. */
static int find_service(const struct manifest_plan *p, struct capnp_text s)
{
	for (uint32_t i = 0; i < p->nservices; i++)
		if (manifest_name_eq(s.str, s.len, p->services[i].name))
			return (int)i;
	return -1;
}

static int find_binary(const struct manifest_plan *p, struct capnp_text s)
{
	for (uint32_t i = 0; i < p->nbinaries; i++)
		if (manifest_name_eq(s.str, s.len, p->binaries[i].name))
			return (int)i;
	return -1;
}

static enum manifest_err unique_names(const struct manifest_plan *p, struct manifest_error *e)
{
	for (uint32_t i = 0; i < p->nbinaries; i++)
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(p->binaries[i].name, p->binaries[j].name)) {
				manifest_err_item(e, "binary", p->binaries[i].name, strlen(p->binaries[i].name));
				return manifest_err_set(e, MANIFEST_ERR_DUP_BINARY);
			}
	for (uint32_t i = 0; i < p->nservices; i++)
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(p->services[i].name, p->services[j].name)) {
				manifest_err_service(e, p->services[i].name);
				return manifest_err_set(e, MANIFEST_ERR_DUP_SERVICE);
			}
	return MANIFEST_OK;
}

static enum manifest_err check_exports(const struct manifest_service *s, struct manifest_error *e)
{
	for (uint32_t i = 0; i < s->nexports; i++) {
		const struct manifest_export *x = &s->exports[i];
		uint32_t rights;
		manifest_err_item(e, "export", x->name, strlen(x->name));
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(x->name, s->exports[j].name))
				return manifest_err_set(e, MANIFEST_ERR_DUP_EXPORT);
		if (x->interface_id == capos_Endpoint_ID || x->interface_id == capos_Reply_ID ||
		    !manifest_interface_rights(x->interface_id, &rights)) {
			e->a = x->interface_id;
			return manifest_err_set(e, MANIFEST_ERR_EXPORT_INTERFACE);
		}
	}
	e->kind = NULL;
	return MANIFEST_OK;
}

/* Grant names: unique, and not an export's (they share the CapSet). */
static enum manifest_err check_grant_name(const struct manifest_service *s, uint32_t i, struct manifest_error *e)
{
	const char *name = s->grants[i].name;
	for (uint32_t j = 0; j < i; j++)
		if (!strcmp(name, s->grants[j].name))
			return manifest_err_set(e, MANIFEST_ERR_DUP_GRANT);
	for (uint32_t j = 0; j < s->nexports; j++)
		if (!strcmp(name, s->exports[j].name))
			return manifest_err_set(e, MANIFEST_ERR_CAPSET_CLASH);
	return MANIFEST_OK;
}

/* Resolves an export source: fills g->service / export_index and *iface;
 * records the dependency in s->after_mask. e->ref names the source. */
static enum manifest_err resolve_export(const struct manifest_plan *p, struct manifest_service *s,
                                        struct manifest_grant *g, uint64_t *iface, struct manifest_error *e)
{
	manifest_err_ref(e, g->src_service.str, g->src_service.len);
	manifest_err_ref(e, ".", 1);
	manifest_err_ref(e, g->src_export.str, g->src_export.len);
	int si = find_service(p, g->src_service);
	if (si < 0)
		return manifest_err_set(e, MANIFEST_ERR_NO_SUCH_SERVICE);
	const struct manifest_service *src = &p->services[si];
	for (uint32_t x = 0; x < src->nexports; x++)
		if (manifest_name_eq(g->src_export.str, g->src_export.len, src->exports[x].name)) {
			g->service = (uint8_t)si;
			g->export_index = (uint8_t)x;
			*iface = src->exports[x].interface_id;
			s->after_mask |= 1ull << si;
			return MANIFEST_OK;
		}
	return manifest_err_set(e, MANIFEST_ERR_NO_SUCH_EXPORT);
}

/* The source's interface in *iface (e->ref names the source). */
static enum manifest_err resolve_source(const struct manifest_plan *p, struct manifest_service *s,
                                        struct manifest_grant *g, uint64_t *iface, struct manifest_error *e)
{
	if (g->source == MANIFEST_SOURCE_EXPORT)
		return resolve_export(p, s, g, iface, e);
	const char *kname = manifest_kernel_cap_name(g->kernel);
	char num[4] = { (char)('0' + g->kernel / 100), (char)('0' + g->kernel / 10 % 10), (char)('0' + g->kernel % 10), 0 };
	manifest_err_ref(e, kname ? kname : num, kname ? strlen(kname) : 3);
	*iface = manifest_kernel_cap_interface(g->kernel);
	e->a = g->kernel;
	if (!*iface)
		return manifest_err_set(e, MANIFEST_ERR_KERNEL_CAP);
	if (g->badge) {
		e->a = g->badge;
		return manifest_err_set(e, MANIFEST_ERR_BADGE);
	}
	return MANIFEST_OK;
}

/* Hardware narrowing: each kind only on its kernel source, in range; the
 * interface granted becomes what init makes of the root (an IoPort stays an
 * IoPort; an IRQ number makes an IrqLine, a PCI ID a PciDevice). */
static enum manifest_err check_narrowing(const struct manifest_grant *g, uint64_t *iface, struct manifest_error *e)
{
	static const struct {
		uint8_t kernel;
		const char *what;
	} kinds[] = {
		{ capos_KernelCap_ioPorts, "portBase/portCount apply only to kernel ioPorts" },
		{ capos_KernelCap_irqControl, "irq applies only to kernel irqControl" },
		{ capos_KernelCap_pciBus, "pciVendorId/pciDeviceId/pciInstance apply only to kernel pciBus" },
	};
	bool set[] = { g->port_base || g->port_count, g->irq != 0xff, g->pci_vendor || g->pci_device || g->pci_instance };
	for (uint32_t k = 0; k < 3; k++) {
		if (set[k] && (g->source != MANIFEST_SOURCE_KERNEL || g->kernel != kinds[k].kernel)) {
			e->field = kinds[k].what; /* e->ref names the source (resolve_source) */
			return manifest_err_set(e, MANIFEST_ERR_NARROW_SOURCE);
		}
	}
	if (set[0] && (g->port_count == 0 || (uint32_t)g->port_base + g->port_count > 0x10000u)) {
		e->a = g->port_base, e->b = g->port_count;
		return manifest_err_set(e, MANIFEST_ERR_NARROW_PORTS);
	}
	if (set[1] && (g->irq == 0 || g->irq == 2 || g->irq >= 16)) {
		e->a = g->irq;
		return manifest_err_set(e, MANIFEST_ERR_NARROW_IRQ);
	}
	if (set[2] && (g->pci_vendor == 0 || g->pci_vendor == 0xffff)) {
		e->a = g->pci_vendor, e->b = g->pci_device;
		return manifest_err_set(e, MANIFEST_ERR_NARROW_PCI);
	}
	if (set[1])
		*iface = capos_IrqLine_ID;
	if (set[2])
		*iface = capos_PciDevice_ID;
	return MANIFEST_OK;
}

/* Interface and rights against the source's: fills the effective values. */
static enum manifest_err check_typing(struct manifest_grant *g, uint64_t iface, struct manifest_error *e)
{
	uint32_t all = 0;
	if (g->interface_id && g->interface_id != iface) {
		e->a = g->interface_id;
		e->b = iface;
		return manifest_err_set(e, MANIFEST_ERR_INTERFACE_MISMATCH);
	}
	manifest_interface_rights(iface, &all); /* a known interface: resolve_source checked */
	if (g->rights != capos_rightsAll && (g->rights & ~all)) {
		e->a = g->rights;
		e->b = all;
		return manifest_err_set(e, MANIFEST_ERR_RIGHTS);
	}
	g->interface_id = iface;
	g->rights &= all;
	return MANIFEST_OK;
}

static enum manifest_err check_grants(const struct manifest_plan *p, struct manifest_service *s,
                                      struct manifest_error *e)
{
	for (uint32_t i = 0; i < s->ngrants; i++) {
		struct manifest_grant *g = &s->grants[i];
		uint64_t iface = 0;
		manifest_err_item(e, "grant", g->name, strlen(g->name));
		e->ref[0] = 0;
		enum manifest_err err = check_grant_name(s, i, e);
		if (!err)
			err = resolve_source(p, s, g, &iface, e);
		if (!err)
			err = check_narrowing(g, &iface, e);
		if (!err)
			err = check_typing(g, iface, e);
		if (err)
			return err;
	}
	e->kind = NULL;
	e->ref[0] = 0;
	return MANIFEST_OK;
}

static enum manifest_err check_after(const struct manifest_plan *p, struct manifest_service *s,
                                     struct manifest_error *e)
{
	for (uint32_t i = 0; i < s->nafter; i++) {
		int si = find_service(p, s->after[i]);
		if (si < 0) {
			manifest_err_item(e, "after", s->after[i].str, s->after[i].len);
			manifest_err_ref(e, s->after[i].str, s->after[i].len);
			return manifest_err_set(e, MANIFEST_ERR_AFTER_UNKNOWN);
		}
		s->after_mask |= 1ull << si;
	}
	return MANIFEST_OK;
}

static enum manifest_err check_service(struct manifest_plan *p, struct manifest_service *s,
                                       struct manifest_error *e)
{
	manifest_err_service(e, s->name);
	s->after_mask = 0;
	int b = find_binary(p, s->binary_name);
	if (b < 0) {
		manifest_err_ref(e, s->binary_name.str, s->binary_name.len);
		return manifest_err_set(e, MANIFEST_ERR_UNKNOWN_BINARY);
	}
	s->binary = (uint8_t)b;
	p->binaries[b].used = true;
	enum manifest_err err = check_exports(s, e);
	if (!err)
		err = check_grants(p, s, e);
	if (!err)
		err = check_after(p, s, e);
	if (!err)
		e->service[0] = 0;
	return err;
}

/* Every binary a service runs: in the package and a valid ELF. */
static enum manifest_err check_files(const struct manifest_plan *p, const struct manifest_config *cfg,
                                     struct manifest_error *e)
{
	for (uint32_t i = 0; cfg->file && i < p->nbinaries; i++) {
		const struct manifest_binary *b = &p->binaries[i];
		const void *data = NULL;
		size_t len = 0;
		struct elf_image img;
		if (!b->used)
			continue;
		manifest_err_item(e, "binary", b->name, strlen(b->name));
		manifest_err_ref(e, b->path, strlen(b->path));
		if (!cfg->file(cfg->file_ctx, b->path, &data, &len))
			return manifest_err_set(e, MANIFEST_ERR_BINARY_MISSING);
		if (data && (e->detail = elf_parse(data, len, cfg->user_min, cfg->user_max, &img)) != ELF_OK)
			return manifest_err_set(e, MANIFEST_ERR_BINARY_NOT_ELF);
		e->ref[0] = 0;
	}
	e->kind = NULL;
	return MANIFEST_OK;
}

static enum manifest_err check_quota(struct manifest_plan *p, const struct manifest_config *cfg,
                                     struct manifest_error *e)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < p->nservices; i++) {
		struct manifest_service *s = &p->services[i];
		if (!s->kernel_memory)
			s->kernel_memory = cfg->kernel_memory_default;
		sum = sum + s->kernel_memory < sum ? UINT64_MAX : sum + s->kernel_memory;
	}
	p->kernel_memory_total = sum;
	if (sum > cfg->kernel_memory_budget) {
		e->a = sum;
		e->b = cfg->kernel_memory_budget;
		return manifest_err_set(e, MANIFEST_ERR_QUOTA);
	}
	return MANIFEST_OK;
}

enum manifest_err manifest_validate(struct manifest_plan *p, const struct manifest_config *cfg,
                                    struct manifest_error *e)
{
	manifest_err_clear(e);
	if (p->schema_version != capos_manifestSchemaVersion) {
		e->a = p->schema_version;
		e->b = capos_manifestSchemaVersion;
		return manifest_err_set(e, MANIFEST_ERR_SCHEMA_VERSION);
	}
	if (p->nservices == 0)
		return manifest_err_set(e, MANIFEST_ERR_NO_SERVICES);
	enum manifest_err err = unique_names(p, e);
	for (uint32_t i = 0; !err && i < p->nservices; i++)
		err = check_service(p, &p->services[i], e);
	if (!err)
		err = check_files(p, cfg, e);
	if (!err)
		err = check_quota(p, cfg, e);
	return err ? err : manifest_order(p, e);
}

enum manifest_err manifest_load(const void *msg, size_t len, const struct manifest_config *cfg,
                                struct manifest_plan *plan, struct manifest_error *err)
{
	enum manifest_err r = manifest_decode(msg, len, plan, err);
	return r ? r : manifest_validate(plan, cfg, err);
}
