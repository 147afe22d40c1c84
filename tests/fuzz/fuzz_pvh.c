/* boot_parse_pvh on arbitrary "physical memory": the input is the memory at
 * physical 0x1000 onwards, the start info at its first byte. The reader hands
 * out a fresh heap copy of exactly the bytes asked for, so ASan catches any
 * read beyond a request, and refuses ranges outside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bootinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define PHYS_BASE 0x1000u
#define MAX_COPIES 1024

struct mem {
	const uint8_t *data;
	size_t size;
	void *copies[MAX_COPIES];
	size_t ncopies;
};

static const void *reader(void *ctx, uint64_t phys, size_t len)
{
	struct mem *m = ctx;
	void *copy;

	CHECK(len > 0);
	if (phys < PHYS_BASE || phys - PHYS_BASE > m->size || len > m->size - (phys - PHYS_BASE))
		return NULL;
	CHECK(m->ncopies < MAX_COPIES);
	copy = malloc(len);
	CHECK(copy != NULL);
	memcpy(copy, m->data + (phys - PHYS_BASE), len);
	m->copies[m->ncopies++] = copy;
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	struct mem m = { .data = data, .size = size };
	int rc;

	rc = boot_parse_pvh(&bi, PHYS_BASE, reader, &m);
	CHECK(rc <= 0 && rc >= BOOT_ERR_UNREADABLE && rc != BOOT_ERR_TRUNCATED &&
	      rc != BOOT_ERR_BAD_TAG);
	if (rc == BOOT_OK) {
		CHECK(bi.protocol == BOOT_PROTO_PVH && bi.info_phys == PHYS_BASE);
		CHECK(memchr(bi.cmdline, 0, sizeof bi.cmdline) != NULL);
		CHECK(bi.loader_name[0] == '\0');
		CHECK(bi.mmap_count <= BOOT_MMAP_MAX);
		for (uint32_t i = 1; i < bi.mmap_count; i++)
			CHECK(bi.mmap[i - 1].base + bi.mmap[i - 1].len <= bi.mmap[i].base);
	}
	for (size_t i = 0; i < m.ncopies; i++)
		free(m.copies[i]);
	return 0;
}
