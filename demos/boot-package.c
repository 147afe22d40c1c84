/* boot-package: list, stat and read files of the boot package through the
 * BootPackage capability, and its refusals. */
#include "demos/demo.h"

const char demo_name[] = "boot-package";

int main(void)
{
	uint32_t pkg = rt_capset_find("bootpkg", capos_BootPackage_ID);
	uint32_t count = 0;
	bool has_init = false;
	CHECK(bootpkg_list(pkg, &count, "init", &has_init) == CAPOS_OK && count > 10 && has_init,
	      "list names %u files, init among them", count);
	uint64_t size = 0;
	CHECK(bootpkg_stat(pkg, "not-an-elf", &size) == CAPOS_OK && size == 32, "stat not-an-elf: %llu bytes",
	      (unsigned long long)size);
	char text[64] = { 0 };
	uint32_t got = 0;
	CHECK(bootpkg_read(pkg, "not-an-elf", 10, 10, text, sizeof text, &got) == CAPOS_OK && got == 10 &&
	              !memcmp(text, "is not an ", 10),
	      "read 10 bytes at offset 10: '%s'", text);
	CHECK(bootpkg_read(pkg, "not-an-elf", 30, 100, text, sizeof text, &got) == CAPOS_OK && got == 2,
	      "a read past the end is cut at the end (%u bytes)", got);
	int r = bootpkg_read(pkg, "not-an-elf", 33, 1, text, sizeof text, &got);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an offset beyond the end is refused (%d)", r);
	r = bootpkg_stat(pkg, "no-such-file", &size);
	CHECK(r == CAPOS_E_NOT_FOUND, "an unknown name is not found (%d)", r);
	r = bootpkg_stat(pkg, "", &size);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an empty name is refused (%d)", r);
	uint8_t elf[4];
	CHECK(bootpkg_read(pkg, "init", 0, 4, elf, sizeof elf, &got) == CAPOS_OK && got == 4 && elf[0] == 0x7F &&
	              elf[1] == 'E',
	      "init starts with the ELF magic");
	r = bootpkg_manifest_size(pkg, &size);
	CHECK(r == CAPOS_E_NOT_FOUND, "no manifest.bin yet (%d)", r);
	return demo_finish();
}
