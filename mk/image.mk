# Boot media: the boot package (one USTAR module) and the GRUB ISO.
#
# Until the manifest issue lands the package holds only a VERSION file; the
# kernel checks that it gets exactly one module and that it is USTAR.
BOOTPKG     := $(BUILD)/bootpkg.tar
ISO         := $(BUILD)/capos.iso
ISO_CMDLINE ?=

$(BOOTPKG): $(DEPS_STAMP)
	@mkdir -p $(BUILD)/bootpkg
	@echo "capOS boot package (placeholder until the manifest issue)" > $(BUILD)/bootpkg/VERSION
	tar --format=ustar -cf $@ -C $(BUILD)/bootpkg VERSION

# tools/mkiso OUT KERNEL CMDLINE MODULE...: one grub.cfg entry with the given
# modules (the system tests build zero- and two-module variants).
$(ISO): $(KERNEL_ELF) $(BOOTPKG) tools/mkiso
	tools/mkiso $@ $(KERNEL_ELF) "$(ISO_CMDLINE)" $(BOOTPKG)
