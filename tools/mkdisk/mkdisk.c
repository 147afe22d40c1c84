/* mkdisk: the virtio-blk test disk (mk/disk.mk, docs/hardware.md).
 *
 *   mkdisk OUT MIB                      the disk as built: block 0 starts
 *                                       with BLK_DISK_MAGIC, every later
 *                                       word is blk_pattern_word(off, 1)
 *   mkdisk --expect OUT MIB FIRST COUNT SEED
 *                                       the same, with blocks [FIRST,
 *                                       FIRST + COUNT) (of 512 bytes) holding
 *                                       blk_pattern_word(off, SEED): what
 *                                       the blk-write demo leaves behind,
 *                                       for cmp after QEMU exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/blkdev.h"

static int usage(void)
{
	fprintf(stderr, "usage: mkdisk OUT MIB | mkdisk --expect OUT MIB FIRST COUNT SEED\n");
	return 2;
}

static int write_disk(const char *out, unsigned long mib, unsigned long long first, unsigned long long count,
                      unsigned long long seed)
{
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	unsigned long long bytes = (unsigned long long)mib << 20;
	static unsigned char block[512];
	for (unsigned long long b = 0; b < bytes / 512; b++) {
		unsigned long long s = b >= first && b - first < count ? seed : 1;
		for (unsigned i = 0; i < 512; i += 8) {
			uint64_t w = blk_pattern_word(b * 512 + i, s);
			memcpy(block + i, &w, 8); /* x86 hosts: little-endian like the guest */
		}
		if (b == 0 && s == 1) {
			memset(block, 0, 128);
			memcpy(block, BLK_DISK_MAGIC, sizeof BLK_DISK_MAGIC - 1);
		}
		if (fwrite(block, 1, sizeof block, f) != sizeof block) {
			perror(out);
			return 1;
		}
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return write_disk(argv[1], strtoul(argv[2], 0, 0), 0, 0, 1);
	if (argc == 7 && !strcmp(argv[1], "--expect"))
		return write_disk(argv[2], strtoul(argv[3], 0, 0), strtoull(argv[4], 0, 0), strtoull(argv[5], 0, 0),
		                  strtoull(argv[6], 0, 0));
	return usage();
}
