# User space: the runtime (rt/), init and the demos, linked statically at
# 0x400000 with separate RX / R / RW segments (the kernel's ELF loader
# refuses W+X). User code follows the normal x86-64 ABI: SSE and SSE2 (the
# baseline; no AVX unless a program asks for it), a 16-byte aligned stack at
# every call and a red zone. The kernel saves each thread's x87 and SSE
# state (and AVX where it can: docs/userspace.md) across switches, and never
# writes below a user stack pointer: interrupts and system calls move to the
# thread's kernel stack.
UBUILD   := $(BUILD)/user-$(CC_ID)
UCFLAGS  := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
            -fno-omit-frame-pointer \
            -fno-asynchronous-unwind-tables -fno-common \
            $(WARN) -I. -Iinclude -I$(BUILD)/gen -MMD -MP -DCAPOS_USER
ifeq ($(CC_ID),clang)
UCFLAGS += --target=x86_64-unknown-none-elf
endif
USER_LDS := rt/user.ld

RT_SRCS      := $(filter-out rt/bootpkg.c,$(sort $(wildcard rt/*.c rt/*.S)))
USER_LIB_SRCS := lib/mem.c lib/fmt.c lib/heap.c lib/errors.c lib/byte_ring.c $(filter lib/capnp/%,$(LIB_SRCS))
RT_OBJS      := $(patsubst %,$(UBUILD)/%.o,$(RT_SRCS) $(USER_LIB_SRCS))

# lib/manifest (with lib/tar and lib/elf), lib/crypto and lib/wasm as an
# archive after RT_OBJS: a program gets only the objects it calls (init
# validates the boot manifest in ring 3; the wasm service runs lib/wasm), and
# the others do not grow.
USER_CRYPTO_OBJS := $(patsubst %,$(UBUILD)/%.o,rt/bootpkg.c lib/tar.c lib/elf.c lib/lineedit.c lib/virtq.c lib/blkdev.c \
                    $(filter lib/crypto/% lib/manifest/% lib/wasm/%,$(LIB_SRCS)))
USER_WASM_OBJS   := $(filter $(UBUILD)/lib/wasm/%,$(USER_CRYPTO_OBJS))
# lib/wasm's float operators (sqrt) without errno: inline SSE, no libm call.
$(USER_WASM_OBJS): UCFLAGS += -fno-math-errno
USER_CRYPTO_LIB  := $(UBUILD)/libcrypto.a

$(USER_CRYPTO_LIB): $(USER_CRYPTO_OBJS)
	@rm -f $@
	@ar rcs $@ $^

# Programs: init (init/*.c), demos/<name>.c and services/<name>/*.c,
# one binary each (a service's binary is every .c of its directory).
DEMO_SRCS    := $(sort $(wildcard demos/*.c))
SERVICE_SRCS := $(sort $(wildcard services/*/*.c))
SERVICE_NAMES := $(sort $(notdir $(patsubst %/,%,$(dir $(SERVICE_SRCS)))))
USER_PROGS   := init $(patsubst demos/%.c,%,$(DEMO_SRCS)) $(SERVICE_NAMES)
USER_BINS  := $(patsubst %,$(UBUILD)/bin/%,$(USER_PROGS))

$(UBUILD)/%.c.o: %.c $(DEPS_STAMP) | $(BUILD)/gen/capos/capos.capnp.h
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(UBUILD)/%.S.o: %.S $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  UAS     $<"
	@$(CC) $(filter-out -std=gnu11,$(UCFLAGS)) -c $< -o $@

INIT_OBJS := $(patsubst %,$(UBUILD)/%.o,$(sort $(wildcard init/*.c)))

$(UBUILD)/bin/init: $(INIT_OBJS) $(RT_OBJS) $(USER_CRYPTO_LIB) $(USER_LDS)
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	@$(LD) -T $(USER_LDS) -nostdlib -static --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $@ $(INIT_OBJS) $(RT_OBJS) $(USER_CRYPTO_LIB)

# The fpu demo records its FPU registers before any C code runs: its own
# entry point (demos/fpu.c) does that, then jumps to _start.
$(UBUILD)/bin/fpu: UENTRY := -e fpu_entry

# A service's binary: the objects of services/NAME/*.c (pattern rules
# replace only one %, so each gets its rule here).
define SERVICE_RULE
$(UBUILD)/bin/$(1): $(patsubst %,$(UBUILD)/%.o,$(filter services/$(1)/%,$(SERVICE_SRCS))) $(RT_OBJS) $(USER_CRYPTO_LIB) $(USER_LDS)
	@mkdir -p $$(@D)
	@echo "  ULD     $$@"
	@$(LD) -T $(USER_LDS) -nostdlib -static --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $$@ $(patsubst %,$(UBUILD)/%.o,$(filter services/$(1)/%,$(SERVICE_SRCS))) $(RT_OBJS) $(USER_CRYPTO_LIB)
endef
$(foreach s,$(SERVICE_NAMES),$(eval $(call SERVICE_RULE,$(s))))

$(UBUILD)/bin/%: $(UBUILD)/demos/%.c.o $(RT_OBJS) $(USER_CRYPTO_LIB) $(USER_LDS)
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	@$(LD) -T $(USER_LDS) $(UENTRY) -nostdlib -static --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $@ $< $(RT_OBJS) $(USER_CRYPTO_LIB)

-include $(RT_OBJS:.o=.d) $(USER_CRYPTO_OBJS:.o=.d) $(INIT_OBJS:.o=.d) $(patsubst %.c,$(UBUILD)/%.c.d,$(DEMO_SRCS) $(SERVICE_SRCS))

# Hostile boot-package files for spawn-hostile: an ELF whose one segment is
# writable and executable, and a file that is not ELF at all.
$(UBUILD)/bin/bad-wx: $(UBUILD)/demos/exit0.c.o $(RT_OBJS) rt/bad-wx.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@ (deliberately W+X)"
	@$(LD) -T rt/bad-wx.ld -nostdlib -static --no-pie -z max-page-size=0x1000 --build-id=none \
	    -o $@ $< $(RT_OBJS)

$(UBUILD)/bin/not-an-elf:
	@mkdir -p $(@D)
	@echo "This file is not an executable." > $@

# WebAssembly modules for the wasm service (services/wasm/modules/*.c), built
# by clang whatever CC is: NAME.wasm in bin/ beside the ELF binaries, so the
# boot package carries them. Those named in WASM_WASI_MODULES are ordinary C
# programs linked against Debian's wasi-libc (wasm32-wasi); the others are
# freestanding (wasm32, no libc, no entry point: they export what runs).
# Linked --strip-all (no name section): the boot package lives in RAM, and
# system/memory-too-little (RAM = package MiB rounded up + 1) failed with
# the package at 2.67 MiB and passes at 2.54 MiB.
WASM_MODULE_SRCS  := $(sort $(wildcard services/wasm/modules/*.c))
WASM_MODULES      := $(patsubst services/wasm/modules/%.c,$(UBUILD)/bin/%.wasm,$(WASM_MODULE_SRCS))
WASM_WASI_MODULES := wasi-hello no-console
WASM_MODULE_FLAGS := -O2 -Wall -Wextra -Werror

$(UBUILD)/bin/%.wasm: services/wasm/modules/%.c mk/user.mk $(DEPS_STAMP)
	@mkdir -p $(@D) $(UBUILD)/wasm
	@echo "  WASM    $@"
	@if [ -n "$(filter $*,$(WASM_WASI_MODULES))" ]; then \
	    clang --target=wasm32-wasi $(WASM_MODULE_FLAGS) -fuse-ld=$(WASM_LD) -s $< -o $@; \
	else \
	    clang --target=wasm32 -nostdlib -ffreestanding $(WASM_MODULE_FLAGS) -c $< -o $(UBUILD)/wasm/$*.o && \
	    $(WASM_LD) --no-entry --strip-all $(UBUILD)/wasm/$*.o -o $@; \
	fi

USER_PKG_FILES := $(USER_BINS) $(UBUILD)/bin/bad-wx $(UBUILD)/bin/not-an-elf $(WASM_MODULES)
