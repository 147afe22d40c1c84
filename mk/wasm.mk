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

# Benchmark (not a test): bench/wasm/*.c built for wasm32 (clang + wasm-ld,
# no libc) and natively; each .wasm runs in capOS's interpreter (-O2, no
# sanitizers, bench/wasm/driver.c), in wabt's wasm-interp, and natively.
WASM_BENCH_DIR   := $(BUILD)/bench-host-$(CC_ID)/wasm
WASM_BENCH_PROGS := fib sieve matmul sha256 crc32 nbody
WASM_BENCH       := $(WASM_BENCH_DIR)/wasm-bench
WASM_LD          := $(firstword $(shell command -v wasm-ld wasm-ld-14 2>/dev/null) wasm-ld)
WASM_LIB_SRCS    := $(filter lib/wasm/%,$(LIB_SRCS))
WASM_BENCH_FILES := $(WASM_BENCH) $(patsubst %,$(WASM_BENCH_DIR)/%.wasm,$(WASM_BENCH_PROGS)) \
                    $(patsubst %,$(WASM_BENCH_DIR)/%.native,$(WASM_BENCH_PROGS))

$(WASM_BENCH_DIR)/%.wasm: bench/wasm/%.c bench/wasm/bench.h $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  WASM    $@"
	@clang --target=wasm32 -nostdlib -ffreestanding -O2 -fno-math-errno -c $< -o $@.o
	@$(WASM_LD) --no-entry $@.o -o $@

$(WASM_BENCH_DIR)/%.native: bench/wasm/%.c bench/wasm/native.c bench/wasm/bench.h $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  NATIVE  $@"
	@$(CC) -std=gnu11 -O2 -fno-math-errno $< bench/wasm/native.c -o $@

$(WASM_BENCH): bench/wasm/driver.c $(WASM_LIB_SRCS) $(wildcard lib/wasm/*.h) $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(CC) -std=gnu11 -O2 $(WARN) -Iinclude -I. -DCAPOS_HOST bench/wasm/driver.c $(WASM_LIB_SRCS) -o $@

.PHONY: bench-host
bench-host:: $(WASM_BENCH_FILES)
	@bench/wasm/run $(WASM_BENCH_DIR) $(WASM_BENCH_PROGS)
