# Cap'n Proto: the code generator (tools/capnpc-c), the headers it generates
# from schema/capos.capnp, the capnp test suite and its benchmark.
#
# Generated headers live only in the build tree: $(BUILD)/gen/capos/
# capos.capnp.h, included as "capos/capos.capnp.h" with $(CAPNP_GEN_INC).

CAPNP_GEN      := $(BUILD)/gen
CAPNP_GEN_INC  := -I$(CAPNP_GEN)
CAPNP_HDR      := $(CAPNP_GEN)/capos/capos.capnp.h
CAPNP_LIB_SRCS := $(filter lib/capnp/%,$(LIB_SRCS))
CAPNP_LIB_OBJS := $(patsubst %,$(HBUILD)/%.o,$(CAPNP_LIB_SRCS))
CAPNP_SYS_SCHEMA := /usr/include/capnp/schema.capnp

# The plugin, built like the host tests (ASan + UBSan) from lib/capnp.
CAPNPC_C_SRCS := $(sort $(wildcard tools/capnpc-c/*.c))
CAPNPC_C_OBJS := $(patsubst %,$(HBUILD)/%.o,$(CAPNPC_C_SRCS))
CAPNPC_C      := $(HBUILD)/capnpc-c

$(CAPNPC_C): $(CAPNPC_C_OBJS) $(CAPNP_LIB_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

# capnp compile GEN-DIR SRC-PREFIX SCHEMA [PLUGIN]: one generated header.
# -I schema: other schemas import capOS's as "/capos.capnp" (for $needs).
capnp_compile = @mkdir -p $(1) && \
	capnp compile -I/usr/include -Ischema -o$(or $(4),$(CAPNPC_C)):$(1) --src-prefix=$(2) $(3)

$(CAPNP_HDR): schema/capos.capnp $(CAPNPC_C)
	@echo "  CAPNPC  $@"
	$(call capnp_compile,$(@D),schema,$<)

# Test-only headers: the suite's schema, and schema.capnp itself (the
# generator's own input format, for the self-hosting check).
CAPNP_TEST_HDR   := $(CAPNP_GEN)/capnp-test/test.capnp.h
CAPNP_SCHEMA_HDR := $(CAPNP_GEN)/capnp-schema/schema.capnp.h

$(CAPNP_TEST_HDR): tests/capnp/test.capnp schema/capos.capnp $(CAPNPC_C)
	@echo "  CAPNPC  $@"
	$(call capnp_compile,$(@D),tests/capnp,$<)

$(CAPNP_SCHEMA_HDR): $(CAPNP_SYS_SCHEMA) $(CAPNPC_C)
	@echo "  CAPNPC  $@"
	$(call capnp_compile,$(@D),$(patsubst %/,%,$(dir $<)),$<)

# Stage 2: the plugin built against its own output for schema.capnp. The
# suite checks that it generates exactly what stage 1 does.
CAPNPC_C_SELF := $(HBUILD)/capnpc-c-self
CAPNPC_C_SELF_OBJS := $(patsubst %,$(HBUILD)/self/%.o,$(CAPNPC_C_SRCS))

$(HBUILD)/self/%.c.o: %.c $(CAPNP_SCHEMA_HDR) $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $< (self-hosted)"
	@$(CC) $(HCFLAGS) $(CAPNP_GEN_INC) -DCAPNPC_C_SELF_HOSTED -c $< -o $@

$(CAPNPC_C_SELF): $(CAPNPC_C_SELF_OBJS) $(CAPNP_LIB_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

# The suite's C program (sanitized), built from tests/capnp/*.c.
CAPNP_TEST_SRCS := $(sort $(filter-out tests/capnp/bench.c,$(wildcard tests/capnp/*.c)))
CAPNP_TEST_OBJS := $(patsubst %,$(HBUILD)/%.o,$(CAPNP_TEST_SRCS))
CAPNP_TEST_BIN  := $(HBUILD)/capnp-test

$(CAPNP_TEST_OBJS): HCFLAGS += $(CAPNP_GEN_INC)
$(CAPNP_TEST_OBJS): $(CAPNP_HDR) $(CAPNP_TEST_HDR)

$(CAPNP_TEST_BIN): $(CAPNP_TEST_OBJS) $(CAPNP_LIB_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -o $@

-include $(CAPNPC_C_OBJS:.o=.d) $(CAPNPC_C_SELF_OBJS:.o=.d) $(CAPNP_TEST_OBJS:.o=.d)

# Unit tests and fuzz targets of lib/capnp may include generated headers.
CAPNP_UNIT_BINS := $(filter $(HBUILD)/unit/test_capnp%,$(UNIT_BINS))
CAPNP_FUZZ_BINS := $(filter $(FBUILD)/fuzz_capnp%,$(FUZZ_BINS))
$(CAPNP_UNIT_BINS): HCFLAGS += $(CAPNP_GEN_INC)
$(CAPNP_UNIT_BINS): $(CAPNP_HDR) $(CAPNP_TEST_HDR)
$(CAPNP_FUZZ_BINS): FCFLAGS += $(CAPNP_GEN_INC)
$(CAPNP_FUZZ_BINS): $(CAPNP_HDR) $(CAPNP_TEST_HDR)

# Kernel flags for the suite's freestanding compile check of the headers.
CAPNP_KCFLAGS := $(filter-out -MMD -MP,$(KCFLAGS)) $(CAPNP_GEN_INC)

export CAPNPC_C CAPNPC_C_SELF CAPNP_TEST_BIN CAPNP_GEN CAPNP_KCFLAGS
ALL_EXTRA   += $(CAPNP_HDR)
TEST_SUITES += tests/capnp/run
TEST_DEPS   += $(CAPNP_HDR) $(CAPNP_TEST_HDR) $(CAPNP_SCHEMA_HDR) $(CAPNPC_C) $(CAPNPC_C_SELF) \
               $(CAPNP_TEST_BIN)

# Benchmark (not a test): decode ns/message, optimized and unsanitized.
CAPNP_BENCH := $(BUILD)/bench-host-$(CC_ID)/capnp-bench

$(CAPNP_BENCH): tests/capnp/bench.c $(CAPNP_LIB_SRCS) $(CAPNP_HDR) $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(CC) -std=gnu11 -O2 $(WARN) -Iinclude -I. $(CAPNP_GEN_INC) -DCAPOS_HOST \
	    tests/capnp/bench.c $(CAPNP_LIB_SRCS) -o $@

.PHONY: bench-host
bench-host:: $(CAPNP_BENCH)
	@$(CAPNP_BENCH)
