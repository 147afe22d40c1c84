# Crypto (lib/crypto: BLAKE3, SHA-512, Ed25519): the suite that needs the
# shared vector files, b3sum and libsodium (tests/crypto/run), and its
# benchmark. Known-answer and edge cases are cmocka unit tests
# (tests/unit/test_crypto_*.c), built like every unit test.

CRYPTO_LIB_SRCS  := $(filter lib/crypto/%,$(LIB_SRCS)) lib/mem.c
CRYPTO_LIB_OBJS  := $(patsubst %,$(HBUILD)/%.o,$(CRYPTO_LIB_SRCS))
CRYPTO_TEST_SRCS := tests/crypto/crypto_test.c tests/crypto/json.c
CRYPTO_TEST_OBJS := $(patsubst %,$(HBUILD)/%.o,$(CRYPTO_TEST_SRCS))
CRYPTO_TEST_BIN  := $(HBUILD)/crypto-test

# Sanitized like the unit tests, linked with libsodium (Debian libsodium-dev).
$(CRYPTO_TEST_BIN): $(CRYPTO_TEST_OBJS) $(CRYPTO_LIB_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) $(HCFLAGS) $^ -lsodium -o $@

-include $(CRYPTO_TEST_OBJS:.o=.d)

export CRYPTO_TEST_BIN SHARED_DIR
TEST_SUITES += tests/crypto/run
TEST_DEPS   += $(CRYPTO_TEST_BIN)

# Benchmark (not a test): BLAKE3 MB/s against b3sum --num-threads 1, and
# Ed25519 verifications and signatures per second against libsodium;
# optimized and unsanitized.
CRYPTO_BENCH := $(BUILD)/bench-host-$(CC_ID)/crypto-bench

$(CRYPTO_BENCH): tests/crypto/bench.c $(CRYPTO_LIB_SRCS) $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(CC) -std=gnu11 -O2 $(WARN) -Iinclude -I. -DCAPOS_HOST \
	    tests/crypto/bench.c $(CRYPTO_LIB_SRCS) -lsodium -o $@

.PHONY: bench-host
bench-host:: $(CRYPTO_BENCH)
	@$(CRYPTO_BENCH)

# fuzz_ed25519 compares with libsodium: the generic fuzz rule plus -lsodium.
$(FBUILD)/fuzz_ed25519: tests/fuzz/fuzz_ed25519.c $(FUZZ_LIB_OBJS)
	@echo "  FUZZLD  $@"
	@clang $(FCFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -lsodium -o $@
