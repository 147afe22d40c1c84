# Debian packages capOS needs. tools/install-deps installs whatever is missing
# (as root; otherwise it names the missing packages and fails). The stamp is
# rebuilt when this list changes.
DEB_PACKAGES := clang lld make qemu-system-x86 qemu-utils grub-common grub-pc-bin \
                grub-efi-amd64-bin xorriso mtools ovmf capnproto libcapnp-dev \
                libcmocka-dev libclang-rt-14-dev gdb b3sum libsodium-dev wabt \
                gnuplot-nox cpio libc6-dev gcc wasi-libc libclang-rt-14-dev-wasm32 python3-pexpect

DEPS_STAMP := $(BUILD)/.deps-ok

$(DEPS_STAMP): mk/deps.mk tools/install-deps
	@mkdir -p $(@D)
	@tools/install-deps $(DEB_PACKAGES)
	@touch $@

.PHONY: deps
deps: $(DEPS_STAMP)
