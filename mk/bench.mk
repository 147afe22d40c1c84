# make bench (bench/run) and its smoke run in make test (tests/bench/run).
#
# The Linux side's initramfs: bench/linux/bench.c as a static /init (glibc's
# libc.a from libc6-dev) and a trivial static binary for vfork+exec, packed
# with cpio (newc). The Debian kernel is fetched by bench/linux/kernel at run
# time into $(BENCH_DIR)/linux (cached there).
BENCH_DIR       := $(BUILD)/bench
BENCH_LINUX_DIR := $(BENCH_DIR)/linux
BENCH_INITRAMFS := $(BENCH_LINUX_DIR)/initramfs.cpio
BENCH_HOSTCC    := gcc

$(BENCH_LINUX_DIR)/init: bench/linux/bench.c bench/stats.h $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(BENCH_HOSTCC) -static -O2 $(WARN) -I. $< -o $@

$(BENCH_LINUX_DIR)/true: bench/linux/true.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(BENCH_HOSTCC) -static -nostdlib -O2 $(WARN) $< -o $@

$(BENCH_INITRAMFS): $(BENCH_LINUX_DIR)/init $(BENCH_LINUX_DIR)/true
	@echo "  CPIO    $@"
	@rm -rf $(@D)/initramfs && mkdir -p $(@D)/initramfs/dev
	@cp $^ $(@D)/initramfs/
	@cd $(@D)/initramfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet > ../$(@F)

export BENCH_DIR BENCH_INITRAMFS
BENCH_DEPS  += $(BENCH_INITRAMFS)
TEST_SUITES += tests/bench/run
TEST_DEPS   += $(BENCH_INITRAMFS)
