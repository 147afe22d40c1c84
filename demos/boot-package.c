/* boot-package: list, stat and read files of the boot package through the
 * BootPackage capability, and its refusals. */
#include "demos/demo.h"
#include "lib/crypto/arcsig.h"

const char demo_name[] = "boot-package";

static capos_BootPackage pkg;

static int stat_file(const char *name, uint64_t *size)
{
	RT_CLIENT(cl, 256);
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&cl), name, strlen(name));
	capos_BootPackage_stat_Results res;
	int r = capos_BootPackage_stat_call(pkg, &cl, &res);
	if (r >= 0)
		*size = capos_BootPackage_stat_Results_get_size(res);
	return r < 0 ? r : CAPOS_OK;
}

/* Reads up to length bytes at offset into out (cap bytes); *got: how many. */
static int read_file(const char *name, uint64_t offset, uint32_t length, void *out, uint32_t cap, uint32_t *got)
{
	RT_CLIENT(cl, 512);
	capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
	capos_BootPackage_read_Params_set_name(p, name, strlen(name));
	capos_BootPackage_read_Params_set_offset(p, offset);
	capos_BootPackage_read_Params_set_length(p, length);
	capos_BootPackage_read_Results res;
	int r = capos_BootPackage_read_call(pkg, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_data d = capos_BootPackage_read_Results_get_data(res);
	*got = d.len < cap ? d.len : cap;
	memcpy(out, d.ptr, *got);
	return CAPOS_OK;
}

/* The number of files listed, and whether want is one of them. */
static int list_files(const char *want, uint32_t *count, bool *found)
{
	RT_CLIENT(cl, 8192);
	capos_BootPackage_list_Results res;
	int r = capos_BootPackage_list_call(pkg, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_list names = capos_BootPackage_list_Results_get_names(res);
	*count = capnp_list_len(&names);
	*found = false;
	for (uint32_t i = 0; i < *count; i++) {
		struct capnp_text t = capnp_list_text(&names, i);
		*found |= t.len == strlen(want) && !memcmp(t.str, want, t.len);
	}
	return CAPOS_OK;
}

int main(void)
{
	pkg = RT_CAP(capos_BootPackage, "bootpkg");
	uint32_t count = 0;
	bool has_init = false;
	CHECK(list_files("init", &count, &has_init) == CAPOS_OK && count > 10 && has_init,
	      "list names %u files, init among them", count);
	uint64_t size = 0;
	/* 32 bytes of text, then its 72-byte signature trailer (every package file is signed) */
	CHECK(stat_file("not-an-elf", &size) == CAPOS_OK && size == 32 + ARCSIG_LEN, "stat not-an-elf: %llu bytes",
	      (unsigned long long)size);
	char text[64] = { 0 };
	uint32_t got = 0;
	CHECK(read_file("not-an-elf", 10, 10, text, sizeof text, &got) == CAPOS_OK && got == 10 &&
	              !memcmp(text, "is not an ", 10),
	      "read 10 bytes at offset 10: '%s'", text);
	CHECK(read_file("not-an-elf", 30 + ARCSIG_LEN, 100, text, sizeof text, &got) == CAPOS_OK && got == 2,
	      "a read past the end is cut at the end (%u bytes)", got);
	int r = read_file("not-an-elf", 33 + ARCSIG_LEN, 1, text, sizeof text, &got);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an offset beyond the end is refused (%d)", r);
	r = stat_file("no-such-file", &size);
	CHECK(r == CAPOS_E_NOT_FOUND, "an unknown name is not found (%d)", r);
	r = stat_file("", &size);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an empty name is refused (%d)", r);
	uint8_t elf[4];
	CHECK(read_file("init", 0, 4, elf, sizeof elf, &got) == CAPOS_OK && got == 4 && elf[0] == 0x7F &&
	              elf[1] == 'E',
	      "init starts with the ELF magic");
	RT_CLIENT(small, 64);
	r = capos_BootPackage_manifest_call(pkg, &small, 0);
	CHECK(r == CAPOS_E_TOO_BIG, "manifest.bin does not fit 64 bytes: TOO_BIG (%d)", r);
	uint64_t msize = 0;
	r = stat_file("manifest.bin", &msize);
	static uint64_t mbuf[64 * 1024 / 8]; /* not the heap: this demo holds no "vm" to grow it */
	uint64_t *buf = msize + 64 <= sizeof mbuf ? mbuf : 0;
	struct capnp_client cl;
	capnp_client_init(&cl, buf, (uint32_t)(msize + 64));
	capos_BootPackage_manifest_Results res;
	r = buf ? capos_BootPackage_manifest_call(pkg, &cl, &res) : CAPOS_E_NO_MEMORY;
	struct capnp_data d = r >= 0 ? capos_BootPackage_manifest_Results_get_manifest(res) : (struct capnp_data){ 0, 0 };
	CHECK(r >= 0 && d.len == msize && msize > 0, "manifest.bin (%llu bytes) is the package's boot manifest (%d)",
	      (unsigned long long)msize, r);
	return demo_finish();
}
