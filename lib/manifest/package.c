/* A manifest inside its boot package: the USTAR archive (lib/tar) holding
 * manifest.bin and the binaries, checked as a whole. Files that end in an
 * ARCSIG trailer are read without it (this checks structure, not
 * signatures: the kernel and init check those). */
#include "lib/crypto/arcsig.h"
#include "lib/manifest/internal.h"
#include "lib/mem.h"
#include "lib/tar.h"

struct package {
	const void *archive;
	size_t len;
};

/* manifest_file_fn over the archive: a regular file called path. */
static bool package_file(void *ctx, const char *path, const void **data, size_t *len)
{
	const struct package *pk = ctx;
	struct tar_entry ent;

	if (tar_find(pk->archive, pk->len, path, &ent) != TAR_OK)
		return false;
	size_t body;
	*data = ent.data;
	*len = arcsig_split(ent.data, (size_t)ent.size, &body) == ARCSIG_OK ? body : (size_t)ent.size;
	return true;
}

enum manifest_err manifest_load_package(const void *archive, size_t len, const struct manifest_config *cfg,
                                        struct manifest_plan *plan, struct manifest_error *e)
{
	struct package pk = { archive, len };
	struct manifest_config c = *cfg;
	struct tar_entry ent;

	manifest_err_clear(e);
	memset(plan, 0, sizeof(*plan));
	e->detail = tar_validate(archive, len, NULL);
	if (e->detail != TAR_OK)
		return manifest_err_set(e, MANIFEST_ERR_PACKAGE);
	e->detail = tar_find(archive, len, MANIFEST_PACKAGE_MANIFEST, &ent);
	if (e->detail != TAR_OK) /* the archive is valid: the file is not there */
		return manifest_err_set(e, MANIFEST_ERR_NO_MANIFEST);
	c.file = package_file;
	c.file_ctx = &pk;
	size_t mlen = (size_t)ent.size; /* a signed manifest: the message before its trailer */
	if (arcsig_split(ent.data, mlen, &mlen) != ARCSIG_OK)
		mlen = (size_t)ent.size;
	return manifest_load(ent.data, mlen, &c, plan, e);
}
