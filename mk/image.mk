# Boot media: the boot package (one USTAR module: init and every demo
# binary) and the GRUB ISO.
BOOTPKG     := $(BUILD)/bootpkg.tar
ISO         := $(BUILD)/capos.iso
# The ISO boots what make run boots (CMDLINE, from mk/system.mk) unless told
# otherwise; the stamp holds the command line it was built with, so changing
# ISO_CMDLINE rebuilds it.
ISO_CMDLINE ?= $(CMDLINE)
ISO_STAMP   := $(BUILD)/iso-cmdline.stamp

$(BOOTPKG): $(USER_PKG_FILES)
	@rm -rf $(BUILD)/bootpkg && mkdir -p $(BUILD)/bootpkg
	@cp $(USER_PKG_FILES) $(BUILD)/bootpkg/
	@echo "  TAR     $@"
	@tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
	    -cf $@ -C $(BUILD)/bootpkg $(notdir $(USER_PKG_FILES))

# tools/mkiso OUT KERNEL CMDLINE MODULE...: one grub.cfg entry with the given
# modules (the system tests build zero- and two-module variants).
$(ISO): $(KERNEL_ELF) $(BOOTPKG) tools/mkiso $(ISO_STAMP)
	tools/mkiso $@ $(KERNEL_ELF) "$(ISO_CMDLINE)" $(BOOTPKG)

# Rewritten only when the command line differs from the one recorded.
.PHONY: iso-cmdline-check
$(ISO_STAMP): iso-cmdline-check
	@mkdir -p $(@D)
	@printf '%s\n' '$(subst ','\'',$(ISO_CMDLINE))' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
