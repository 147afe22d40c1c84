/* BootPackage: list, stat and read files of the boot package. Every method
 * only reads, so a results buffer too small for the variable-size results
 * fails TOO_BIG having changed nothing. */
#include "kernel/cap/boot_package.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "lib/mem.h"
#include "lib/tar.h"

#define MANIFEST_NAME "manifest.bin"
#define NAME_MAX_BYTES 256

static const void *archive;
static uint64_t archive_len;

int boot_package_init(const void *a, uint64_t len)
{
	uint32_t count;
	int err = tar_validate(a, len, &count);
	if (err != TAR_OK)
		return err;
	archive = a;
	archive_len = len;
	return TAR_OK;
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

/* Finds the file a Text parameter names. */
static int find_named(struct capnp_call *call, struct capnp_text t, const void **data, uint64_t *size)
{
	char name[NAME_MAX_BYTES];
	if (capnp_msg_error(call->params))
		return CAPOS_E_BAD_MESSAGE;
	if (!call_text(t, name, sizeof name))
		return CAPOS_E_BAD_ARGUMENT;
	return boot_package_find(name, data, size) ? CAPOS_OK : CAPOS_E_NOT_FOUND;
}

static int bp_manifest(void *self, struct capnp_call *call, capos_BootPackage_manifest_Params params,
                       capos_BootPackage_manifest_Results_builder results)
{
	(void)self, (void)call, (void)params;
	const void *data;
	uint64_t size;
	if (!boot_package_find(MANIFEST_NAME, &data, &size))
		return CAPOS_E_NOT_FOUND;
	capos_BootPackage_manifest_Results_set_manifest(results, data, size);
	return CAPOS_OK;
}

static int bp_list(void *self, struct capnp_call *call, capos_BootPackage_list_Params params,
                   capos_BootPackage_list_Results_builder results)
{
	(void)self, (void)call, (void)params;
	uint32_t n = 0;
	size_t off = 0;
	struct tar_entry e;
	while (tar_next(archive, archive_len, &off, &e) == TAR_OK)
		n += e.type != '5';
	struct capnp_lb names = capos_BootPackage_list_Results_init_names(results, n);
	off = 0;
	for (uint32_t i = 0; i < n && tar_next(archive, archive_len, &off, &e) == TAR_OK;)
		if (e.type != '5')
			capnp_pb_set_text(capnp_lb_ptr(names, i++), e.name, strlen(e.name));
	return CAPOS_OK;
}

static int bp_stat(void *self, struct capnp_call *call, capos_BootPackage_stat_Params params,
                   capos_BootPackage_stat_Results_builder results)
{
	(void)self;
	const void *data;
	uint64_t size;
	int err = find_named(call, capos_BootPackage_stat_Params_get_name(params), &data, &size);
	if (!err)
		capos_BootPackage_stat_Results_set_size(results, size);
	return err;
}

static int bp_read(void *self, struct capnp_call *call, capos_BootPackage_read_Params params,
                   capos_BootPackage_read_Results_builder results)
{
	(void)self;
	const void *data;
	uint64_t size;
	int err = find_named(call, capos_BootPackage_read_Params_get_name(params), &data, &size);
	if (err)
		return err;
	uint64_t offset = capos_BootPackage_read_Params_get_offset(params);
	if (offset > size)
		return CAPOS_E_BAD_ARGUMENT;
	uint64_t n = capos_BootPackage_read_Params_get_length(params);
	if (n > size - offset)
		n = size - offset;
	capos_BootPackage_read_Results_set_data(results, (const uint8_t *)data + offset, n);
	return CAPOS_OK;
}

static const struct capos_BootPackage_server server = {
	.manifest = bp_manifest,
	.list = bp_list,
	.stat = bp_stat,
	.read = bp_read,
};

static int boot_package_call(struct kobject *o, struct call *c)
{
	return capos_BootPackage_dispatch(&server, o, &c->base);
}

static const struct kobject_ops boot_package_ops = {
	.iface = &capos_BootPackage_interface,
	.call = boot_package_call,
};

static struct kobject boot_package = KOBJECT_INIT(&boot_package_ops);

struct kobject *boot_package_object(void) { return &boot_package; }
