# The boot manifest: lib/manifest (decode + validate, on the generated
# header), tools/mkmanifest (manifest source -> boot package), its test
# suite tests/manifest/run, and the lib's unit tests and fuzz targets.

MANIFEST_LIB_SRCS := $(filter lib/manifest/%,$(LIB_SRCS))
MANIFEST_GEN_OBJS := $(patsubst %,$(HBUILD)/%.o,$(MANIFEST_LIB_SRCS)) \
                     $(patsubst %,$(FBUILD)/%.o,$(MANIFEST_LIB_SRCS))
MANIFEST_UNIT_BINS := $(filter $(HBUILD)/unit/test_manifest%,$(UNIT_BINS))
MANIFEST_FUZZ_BINS := $(FBUILD)/fuzz_manifest $(FBUILD)/fuzz_bootpkg

$(MANIFEST_GEN_OBJS) $(MANIFEST_UNIT_BINS): HCFLAGS += $(CAPNP_GEN_INC)
$(MANIFEST_GEN_OBJS) $(MANIFEST_FUZZ_BINS): FCFLAGS += $(CAPNP_GEN_INC)
$(MANIFEST_GEN_OBJS) $(MANIFEST_UNIT_BINS) $(MANIFEST_FUZZ_BINS): $(CAPNP_HDR)

# The tool, built like the host tests (ASan + UBSan) on lib/.
MKMANIFEST_SRCS := $(sort $(wildcard tools/mkmanifest/*.c))
MKMANIFEST_OBJS := $(patsubst %,$(HBUILD)/%.o,$(MKMANIFEST_SRCS))
MKMANIFEST      := $(HBUILD)/mkmanifest

$(MKMANIFEST_OBJS): HCFLAGS += $(CAPNP_GEN_INC)
$(MKMANIFEST_OBJS): $(CAPNP_HDR)

$(MKMANIFEST): $(MKMANIFEST_OBJS) $(HOST_LIB)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

-include $(MKMANIFEST_OBJS:.o=.d)

# tests/manifest/run packs real user binaries (the demos, init).
MANIFEST_BIN_DIR := $(UBUILD)/bin
export MKMANIFEST MANIFEST_BIN_DIR
ALL_EXTRA   += $(MKMANIFEST)
TEST_SUITES += tests/manifest/run
TEST_DEPS   += $(MKMANIFEST) $(USER_PKG_FILES)
