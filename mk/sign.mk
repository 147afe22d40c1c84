# Signed boot (docs/signing.md): tools/sign, the signing key and the header
# that compiles its public half into the kernel and init.
#
# The key is a 32-byte Ed25519 seed. By default a development key is made
# in the build directory on first use (from /dev/urandom; never committed);
# make SIGNING_KEY=path signs with that key instead. The header is rewritten
# only when the public key differs, so the kernel, init and the signed
# package files are rebuilt exactly when the key changes.

SIGN_SRCS := tools/sign/sign.c
SIGN_OBJS := $(patsubst %,$(HBUILD)/%.o,$(SIGN_SRCS))
SIGN      := $(HBUILD)/sign
DEV_SIGNING_KEY := $(BUILD)/signing.key
SIGNING_KEY ?= $(DEV_SIGNING_KEY)
SIGNING_HEADER := $(BUILD)/gen/capos/signing_key.h

$(SIGN): $(SIGN_OBJS) $(HOST_LIB)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

-include $(SIGN_OBJS:.o=.d)

$(DEV_SIGNING_KEY): | $(SIGN)
	@mkdir -p $(@D)
	@$(SIGN) --keygen $@

.PHONY: signing-key-check
$(SIGNING_HEADER): $(SIGNING_KEY) $(SIGN) signing-key-check
	@mkdir -p $(@D)
	@$(SIGN) --header $(SIGNING_KEY) $@

# What includes the header (the .d files know it once built; the first
# build needs it said).
$(KBUILD)/kernel/cap/boot_package.c.o $(KBUILD)/kernel/main.c.o $(UBUILD)/init/init.c.o $(UBUILD)/demos/principal.c.o \
  $(UBUILD)/services/wasm/wasm.c.o: $(SIGNING_HEADER)

export SIGN SIGNING_KEY
ALL_EXTRA += $(SIGN)
TEST_DEPS += $(SIGN)
