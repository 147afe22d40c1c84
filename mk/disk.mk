# The virtio-blk test disk (docs/hardware.md, "virtio-blk"): DISK_MIB MiB
# made by tools/mkdisk — block 0 starts with a line of text (BLK_DISK_MAGIC,
# lib/blkdev.h) a shell can show, every later 64-bit word is
# blk_pattern_word(offset, 1), so a reader can check every byte it gets.
# make run attaches it as a modern-only virtio-blk-pci device (DISK_QEMU);
# the blk-* system tests attach copies of it (tests/system/run).
MKDISK_SRCS := tools/mkdisk/mkdisk.c
MKDISK      := $(HBUILD)/mkdisk
DISK_IMG    := $(BUILD)/disk.img
DISK_MIB    := 16
DISK_QEMU    = -drive if=none,id=d0,file=$(DISK_IMG),format=raw -device virtio-blk-pci,drive=d0,disable-legacy=on

$(MKDISK): $(patsubst %,$(HBUILD)/%.o,$(MKDISK_SRCS)) $(HOST_LIB)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

-include $(patsubst %,$(HBUILD)/%.d,$(MKDISK_SRCS))

$(DISK_IMG): $(MKDISK)
	@echo "  DISK    $@ ($(DISK_MIB) MiB)"
	@$(MKDISK) $@.tmp $(DISK_MIB) && mv $@.tmp $@

export MKDISK DISK_IMG DISK_MIB
ALL_EXTRA += $(DISK_IMG)
TEST_DEPS += $(DISK_IMG)
BENCH_DEPS += $(MKDISK)
