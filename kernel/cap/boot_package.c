/* BootPackage: list, stat and read files of the boot package. Every method
 * only reads, so a results buffer too small for the variable-size results
 * fails TOO_BIG having changed nothing. */
#include "kernel/cap/boot_package.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/mem/aspace.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "lib/mem.h"
#include "lib/tar.h"

#define MANIFEST_NAME "manifest.bin"

static struct boot_file *files;
static uint32_t nfiles;

/* Validates and indexes in one walk of the archive (tar_next checks every
 * header, as tar_validate would); the index doubles as it grows. */
int boot_package_init(const void *a, uint64_t len)
{
	uint32_t cap = 0;
	size_t off = 0;
	struct tar_entry e;
	int err;
	while ((err = tar_next(a, len, &off, &e)) == TAR_OK) {
		if (e.type == '5')
			continue;
		if (nfiles == cap) {
			struct boot_file *grown = krealloc(files, (cap = cap ? 2 * cap : 32) * sizeof(*files));
			if (!grown)
				return BOOT_PACKAGE_NO_MEMORY;
			files = grown;
		}
		struct boot_file *f = &files[nfiles++];
		*f = (struct boot_file){ .data = e.data, .size = e.size };
		memcpy(f->name, e.name, sizeof f->name);
	}
	return err == TAR_ERR_NOT_FOUND ? TAR_OK : err;
}

const struct boot_file *boot_package_find(const char *name)
{
	for (uint32_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return 0;
}

int boot_package_elf(const struct boot_file *f, const struct elf_image **img)
{
	struct boot_file *w = &files[f - files]; /* the index is the package's own */
	if (!w->elf_parsed) {
		w->elf_err = elf_parse(w->data, w->size, USER_MIN, USER_TLS_VA, &w->elf);
		w->elf_parsed = true;
	}
	*img = &w->elf;
	return w->elf_err;
}

/* Finds the file a Text parameter names. */
static int find_named(struct capnp_call *call, struct capnp_text t, const struct boot_file **f)
{
	char name[TAR_NAME_MAX];
	if (capnp_msg_error(call->params))
		return CAPOS_E_BAD_MESSAGE;
	if (!call_text(t, name, sizeof name))
		return CAPOS_E_BAD_ARGUMENT;
	*f = boot_package_find(name);
	return *f ? CAPOS_OK : CAPOS_E_NOT_FOUND;
}

static int bp_manifest(void *self, struct capnp_call *call, capos_BootPackage_manifest_Params params,
                       capos_BootPackage_manifest_Results_builder results)
{
	(void)self, (void)call, (void)params;
	const struct boot_file *f = boot_package_find(MANIFEST_NAME);
	if (!f)
		return CAPOS_E_NOT_FOUND;
	capos_BootPackage_manifest_Results_set_manifest(results, f->data, f->size);
	return CAPOS_OK;
}

static int bp_list(void *self, struct capnp_call *call, capos_BootPackage_list_Params params,
                   capos_BootPackage_list_Results_builder results)
{
	(void)self, (void)call, (void)params;
	struct capnp_lb names = capos_BootPackage_list_Results_init_names(results, nfiles);
	for (uint32_t i = 0; i < nfiles; i++)
		capnp_pb_set_text(capnp_lb_ptr(names, i), files[i].name, strlen(files[i].name));
	return CAPOS_OK;
}

static int bp_stat(void *self, struct capnp_call *call, capos_BootPackage_stat_Params params,
                   capos_BootPackage_stat_Results_builder results)
{
	(void)self;
	const struct boot_file *f;
	int err = find_named(call, capos_BootPackage_stat_Params_get_name(params), &f);
	if (!err)
		capos_BootPackage_stat_Results_set_size(results, f->size);
	return err;
}

static int bp_read(void *self, struct capnp_call *call, capos_BootPackage_read_Params params,
                   capos_BootPackage_read_Results_builder results)
{
	(void)self;
	const struct boot_file *f;
	int err = find_named(call, capos_BootPackage_read_Params_get_name(params), &f);
	if (err)
		return err;
	uint64_t offset = capos_BootPackage_read_Params_get_offset(params);
	if (offset > f->size)
		return CAPOS_E_BAD_ARGUMENT;
	uint64_t n = capos_BootPackage_read_Params_get_length(params);
	if (n > f->size - offset)
		n = f->size - offset;
	capos_BootPackage_read_Results_set_data(results, (const uint8_t *)f->data + offset, n);
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
