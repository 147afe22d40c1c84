# lib/wasm: the WebAssembly 1.0 sandbox's host side. Its spec suite
# (tests/wasm/run) runs the official core tests from $(SHARED_DIR)/wasm-testsuite
# through wabt's wast2json and the sanitized runner built here; bench-host
# compares the interpreter with wabt's wasm-interp and native code.

SHARED_DIR ?= $(abspath ../shared)
export SHARED_DIR

WASM_SPEC_SRCS := tests/wasm/spec.c tests/wasm/json.c
WASM_SPEC_OBJS := $(patsubst %,$(HBUILD)/%.o,$(WASM_SPEC_SRCS))
WASM_SPEC_BIN  := $(HBUILD)/wasm-spec

$(WASM_SPEC_BIN): $(WASM_SPEC_OBJS) $(HOST_LIB)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $(WASM_SPEC_OBJS) $(HOST_LIB) -o $@

-include $(WASM_SPEC_OBJS:.o=.d)

export WASM_SPEC_BIN
TEST_SUITES += tests/wasm/run
TEST_DEPS   += $(WASM_SPEC_BIN)
