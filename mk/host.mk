# Host unit tests: every tests/unit/test_*.c is a cmocka program linked with
# lib/ built for the host under AddressSanitizer and UBSan.
HBUILD  := $(BUILD)/host-$(CC_ID)
HCFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer $(WARN) -Iinclude -I. -MMD -MP -DCAPOS_HOST
HOST_LIB     := $(HBUILD)/libcapos.a
HOST_LIB_OBJS := $(patsubst %,$(HBUILD)/%.o,$(LIB_SRCS))
UNIT_SRCS    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS    := $(patsubst tests/unit/%.c,$(HBUILD)/unit/%,$(UNIT_SRCS))

$(HBUILD)/%.c.o: %.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	@$(CC) $(HCFLAGS) -c $< -o $@

$(HOST_LIB): $(HOST_LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(HBUILD)/unit/%: tests/unit/%.c $(HOST_LIB) $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  UNIT    $@"
	@$(CC) $(HCFLAGS) $< $(HOST_LIB) -lcmocka -o $@

-include $(HOST_LIB_OBJS:.o=.d) $(UNIT_BINS:=.d)

.PHONY: unit unit-bins
unit-bins: $(UNIT_BINS)
unit: $(UNIT_BINS)
	@tools/run-unit $(UNIT_BINS)

# Fuzz targets (libFuzzer, always clang): tests/fuzz/fuzz_*.c, linked with
# lib/ built with the fuzzer's coverage instrumentation.
FBUILD    := $(BUILD)/fuzz
FCFLAGS   := -std=gnu11 -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
             -fno-sanitize-recover=all $(WARN) -Iinclude -I. -MMD -MP -DCAPOS_HOST
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FBUILD)/%,$(FUZZ_SRCS))
FUZZ_LIB_OBJS := $(patsubst %,$(FBUILD)/%.o,$(LIB_SRCS))
FUZZ_SECONDS ?= 60

$(FBUILD)/%.c.o: %.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@clang $(FCFLAGS) -c $< -o $@

$(FBUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJS)
	@echo "  FUZZLD  $@"
	@clang $(FCFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -o $@

-include $(FUZZ_LIB_OBJS:.o=.d)

.PHONY: fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz-smoke: $(FUZZ_BINS)
	@tools/fuzz-smoke $(FUZZ_SECONDS) $(FUZZ_BINS)
