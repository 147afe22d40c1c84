# Boot media: the boot package (one USTAR module: init and every demo
# binary) and the GRUB ISO.
BOOTPKG     := $(BUILD)/bootpkg.tar
ISO         := $(BUILD)/capos.iso
ISO_CMDLINE ?=

$(BOOTPKG): $(USER_PKG_FILES)
	@rm -rf $(BUILD)/bootpkg && mkdir -p $(BUILD)/bootpkg
	@cp $(USER_PKG_FILES) $(BUILD)/bootpkg/
	@echo "  TAR     $@"
	@tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
	    -cf $@ -C $(BUILD)/bootpkg $(notdir $(USER_PKG_FILES))

# tools/mkiso OUT KERNEL CMDLINE MODULE...: one grub.cfg entry with the given
# modules (the system tests build zero- and two-module variants).
$(ISO): $(KERNEL_ELF) $(BOOTPKG) tools/mkiso
	tools/mkiso $@ $(KERNEL_ELF) "$(ISO_CMDLINE)" $(BOOTPKG)
