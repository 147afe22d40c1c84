/* Reading whole files of the boot package (rt/capos.h). Linked from the
 * user archive: only programs that read files (init, the wasm service)
 * carry it and its read buffer. */
#include "lib/mem.h"
#include "rt/capos.h"

#define READ_CHUNK (60u * 1024)

int rt_bootpkg_size(capos_BootPackage pkg, const char *path, uint64_t *size)
{
	RT_CLIENT(st, 256);
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&st), path, strlen(path));
	capos_BootPackage_stat_Results res;
	int r = capos_BootPackage_stat_call(pkg, &st, &res);
	if (r < 0)
		return r;
	*size = capos_BootPackage_stat_Results_get_size(res);
	return CAPOS_OK;
}

int rt_bootpkg_read(capos_BootPackage pkg, const char *path, void *buf, uint64_t size)
{
	static uint64_t chunk[(READ_CHUNK + 512) / 8];
	for (uint64_t off = 0; off < size; off += READ_CHUNK) {
		struct capnp_client cl;
		capnp_client_init(&cl, chunk, sizeof chunk);
		capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
		capos_BootPackage_read_Params_set_name(p, path, strlen(path));
		capos_BootPackage_read_Params_set_offset(p, off);
		capos_BootPackage_read_Params_set_length(p, READ_CHUNK);
		capos_BootPackage_read_Results res;
		int r = capos_BootPackage_read_call(pkg, &cl, &res);
		if (r < 0)
			return r;
		struct capnp_data d = capos_BootPackage_read_Results_get_data(res);
		if (d.len > size - off || (d.len < READ_CHUNK && off + d.len < size))
			return CAPOS_E_BAD_ARGUMENT; /* the file changed size under us */
		memcpy((uint8_t *)buf + off, d.ptr, d.len);
	}
	return CAPOS_OK;
}
