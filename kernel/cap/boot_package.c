/* BootPackage: list, stat and read files of the boot package. */
#include "kernel/cap/boot_package.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "lib/mem.h"
#include "lib/tar.h"

#define MANIFEST_NAME "manifest.bin"

static const void *archive;
static uint64_t archive_len;

bool boot_package_init(const void *a, uint64_t len)
{
	uint32_t count;
	if (tar_validate(a, len, &count) != TAR_OK)
		return false;
	archive = a;
	archive_len = len;
	return true;
}

bool boot_package_find(const char *name, const void **data, uint64_t *len)
{
	struct tar_entry e;
	if (!archive || tar_find(archive, archive_len, name, &e) != TAR_OK)
		return false;
	*data = e.data;
	*len = e.size;
	return true;
}

static int do_list(struct call *c)
{
	uint32_t n = 0;
	size_t off = 0;
	struct tar_entry e;
	while (tar_next(archive, archive_len, &off, &e) == TAR_OK)
		n += e.type != '5';
	struct capnp_lb names =
		capos_BootPackage_list_Results_init_names(capos_BootPackage_list_Results_init_root(c->results), n);
	off = 0;
	for (uint32_t i = 0; i < n && tar_next(archive, archive_len, &off, &e) == TAR_OK;)
		if (e.type != '5')
			capnp_pb_set_text(capnp_lb_ptr(names, i++), e.name, strlen(e.name));
	return CAPOS_OK;
}

static int do_read(struct call *c)
{
	capos_BootPackage_read_Params p = capos_BootPackage_read_Params_root(c->params);
	char name[256];
	const void *data;
	uint64_t size;
	if (!call_text(capos_BootPackage_read_Params_get_name(p), name, sizeof name))
		return CAPOS_E_BAD_ARGUMENT;
	if (!boot_package_find(name, &data, &size))
		return CAPOS_E_NOT_FOUND;
	uint64_t offset = capos_BootPackage_read_Params_get_offset(p);
	if (offset > size)
		return CAPOS_E_BAD_ARGUMENT;
	uint64_t n = capos_BootPackage_read_Params_get_length(p);
	if (n > size - offset)
		n = size - offset;
	capos_BootPackage_read_Results_builder r = capos_BootPackage_read_Results_init_root(c->results);
	if (capos_BootPackage_read_Results_set_data(r, (const uint8_t *)data + offset, n) != CAPNP_OK)
		return CAPOS_E_TOO_BIG;
	return CAPOS_OK;
}

static int boot_package_call(struct kobject *o, struct call *c)
{
	(void)o;
	char name[256];
	const void *data;
	uint64_t size;
	switch (c->method) {
	case capos_BootPackage_manifest_ORDINAL:
		if (!boot_package_find(MANIFEST_NAME, &data, &size))
			return CAPOS_E_NOT_FOUND;
		if (capos_BootPackage_manifest_Results_set_manifest(
			    capos_BootPackage_manifest_Results_init_root(c->results), data, size) != CAPNP_OK)
			return CAPOS_E_TOO_BIG;
		return CAPOS_OK;
	case capos_BootPackage_list_ORDINAL:
		return do_list(c);
	case capos_BootPackage_stat_ORDINAL:
		if (!call_text(capos_BootPackage_stat_Params_get_name(capos_BootPackage_stat_Params_root(c->params)),
		                  name, sizeof name))
			return CAPOS_E_BAD_ARGUMENT;
		if (!boot_package_find(name, &data, &size))
			return CAPOS_E_NOT_FOUND;
		capos_BootPackage_stat_Results_set_size(capos_BootPackage_stat_Results_init_root(c->results), size);
		return CAPOS_OK;
	default:
		return do_read(c);
	}
}

static const struct kobject_ops boot_package_ops = {
	.name = "BootPackage",
	.interface_id = capos_BootPackage_ID,
	.method_count = capos_BootPackage_METHOD_COUNT,
	.call = boot_package_call,
};

static struct kobject boot_package = { &boot_package_ops, 1 };

struct kobject *boot_package_object(void) { return &boot_package; }
