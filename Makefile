# capOS — the one entry point.
#
#   make run     boot capOS in QEMU (PVH direct boot)
#   make test    host unit tests, then QEMU system tests; ends "N passed, N failed"
#   make iso     hybrid BIOS+UEFI ISO (GRUB, Multiboot2)
#   make debug   QEMU halted with a gdb stub
#   make bench   benchmarks (not tests)
#
# Every target first installs missing Debian packages (mk/deps.mk).

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
# Keep every intermediate file (object files of user programs included):
# nothing is rebuilt needlessly and make prints nothing after the tests.
.SECONDARY:

BUILD   ?= build
SHARED_DIR ?= $(abspath ../shared)
KVM     ?= 0
ifeq ($(origin CC),default)
CC := clang
endif
LD      := ld.lld
# Tool identity: gcc and clang objects must not share a build tree.
CC_ID   := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n1)),clang,gcc)

include mk/deps.mk
include mk/lib.mk
include mk/kernel.mk
include mk/user.mk
include mk/host.mk
-include mk/capnp.mk
include mk/crypto.mk
include mk/manifest.mk
include mk/sign.mk
include mk/wasm.mk
include mk/image.mk
include mk/bench.mk
include mk/disk.mk
include mk/system.mk

.PHONY: all clean
all: $(KERNEL_ELF) $(BOOTPKG) compile_commands.json $(ALL_EXTRA)

clean:
	rm -rf $(BUILD) compile_commands.json
