# Boot media: the boot package (one USTAR module: manifest.bin, the boot
# manifest system.capnp packed by tools/mkmanifest, and every binary it
# lists) and the GRUB ISO.
BOOTPKG     := $(BUILD)/bootpkg.tar
SYSTEM_MANIFEST ?= system.capnp
ISO         := $(BUILD)/capos.iso
# The ISO boots what make run boots (CMDLINE, from mk/system.mk) unless told
# otherwise; the stamp holds the command line it was built with, so changing
# ISO_CMDLINE rebuilds it.
ISO_CMDLINE ?= $(CMDLINE)
ISO_STAMP   := $(BUILD)/iso-cmdline.stamp

# The package holds the binaries without their debug information (the
# boot package lives in RAM; build/user-*/bin keeps the full ones for gdb
# and addr2line). A file that is not an ELF object is copied as it is.
# Every file is signed (mk/sign.mk: an ARCSIG trailer), and mkmanifest fills
# in the binaries' digests and signs manifest.bin.
PKG_DIR   := $(UBUILD)/pkg
PKG_FILES := $(patsubst $(UBUILD)/bin/%,$(PKG_DIR)/%,$(USER_PKG_FILES))

$(PKG_DIR)/%: $(UBUILD)/bin/% $(SIGN) $(SIGNING_HEADER)
	@mkdir -p $(@D)
	@strip --strip-debug -o $@.tmp $< 2>/dev/null || cp $< $@.tmp
	@$(SIGN) --key $(SIGNING_KEY) $@.tmp && mv $@.tmp $@

$(BOOTPKG): $(SYSTEM_MANIFEST) schema/capos.capnp $(PKG_FILES) $(MKMANIFEST) $(SIGNING_HEADER)
	@echo "  PACK    $@ ($(SYSTEM_MANIFEST), signed)"
	@$(MKMANIFEST) -o $@ -I schema --key $(SIGNING_KEY) $(SYSTEM_MANIFEST) $(PKG_DIR)

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
