/* boot_parse_multiboot2 on arbitrary bytes (libFuzzer hands over an exact-size
 * heap buffer, so ASan catches any read past avail). On success the result
 * must be self-consistent: strings terminated, map normalized, sizes within
 * the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/bootinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_result(const struct boot_info *bi, size_t size, uint64_t phys)
{
	CHECK(bi->protocol == BOOT_PROTO_MULTIBOOT2);
	CHECK(bi->info_phys == phys && bi->info_len >= 16 && bi->info_len <= size);
	CHECK(memchr(bi->cmdline, 0, sizeof bi->cmdline) != NULL);
	CHECK(memchr(bi->loader_name, 0, sizeof bi->loader_name) != NULL);
	CHECK(bi->mmap_count <= BOOT_MMAP_MAX);
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		CHECK(r->len && !(r->base & 0xfff) && !(r->len & 0xfff));
		CHECK(r->type >= MEM_USABLE && r->type <= MEM_BAD);
		if (i)
			CHECK(bi->mmap[i - 1].base + bi->mmap[i - 1].len <= r->base);
	}
	if (bi->rsdp_phys)
		CHECK(bi->rsdp_phys >= phys + 16 && bi->rsdp_phys < phys + bi->info_len);
	if (!bi->module_count)
		CHECK(bi->module_phys == 0 && bi->module_len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	const uint64_t phys = 0x10000;
	int rc;

	rc = boot_parse_multiboot2(&bi, data, size, phys);
	CHECK(rc <= 0 && rc >= BOOT_ERR_UNREADABLE && rc != BOOT_ERR_UNREADABLE);
	if (rc == BOOT_OK)
		check_result(&bi, size, phys);
	else
		CHECK(bi.protocol == BOOT_PROTO_NONE);
	return 0;
}
