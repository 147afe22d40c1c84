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

RT_SRCS      := $(sort $(wildcard rt/*.c rt/*.S))
USER_LIB_SRCS := lib/mem.c lib/fmt.c lib/heap.c lib/errors.c $(filter lib/capnp/%,$(LIB_SRCS))
RT_OBJS      := $(patsubst %,$(UBUILD)/%.o,$(RT_SRCS) $(USER_LIB_SRCS))

# Linked as an archive, so a program gets only the members it uses: the
# boot manifest (lib/manifest, with lib/tar and lib/elf) for init, which
# validates it in ring 3. (The boot package lives in RAM: programs that do
# not use it carry none of it.)
USER_ARLIB_SRCS := lib/tar.c lib/elf.c $(filter lib/manifest/%,$(LIB_SRCS))
USER_ARLIB_OBJS := $(patsubst %,$(UBUILD)/%.o,$(USER_ARLIB_SRCS))
USER_ARLIB      := $(UBUILD)/libuser.a

$(USER_ARLIB): $(USER_ARLIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

# Programs: init/init.c and demos/<name>.c, one binary each.
DEMO_SRCS  := $(sort $(wildcard demos/*.c))
USER_PROGS := init $(patsubst demos/%.c,%,$(DEMO_SRCS))
USER_BINS  := $(patsubst %,$(UBUILD)/bin/%,$(USER_PROGS))

$(UBUILD)/%.c.o: %.c $(DEPS_STAMP) | $(BUILD)/gen/capos/capos.capnp.h
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(UBUILD)/%.S.o: %.S $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  UAS     $<"
	@$(CC) $(filter-out -std=gnu11,$(UCFLAGS)) -c $< -o $@

$(UBUILD)/bin/init: $(UBUILD)/init/init.c.o $(RT_OBJS) $(USER_ARLIB) $(USER_LDS)
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	@$(LD) -T $(USER_LDS) -nostdlib -static --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $@ $(UBUILD)/init/init.c.o $(RT_OBJS) $(USER_ARLIB)

# The fpu demo records its FPU registers before any C code runs: its own
# entry point (demos/fpu.c) does that, then jumps to _start.
$(UBUILD)/bin/fpu: UENTRY := -e fpu_entry

$(UBUILD)/bin/%: $(UBUILD)/demos/%.c.o $(RT_OBJS) $(USER_ARLIB) $(USER_LDS)
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	@$(LD) -T $(USER_LDS) $(UENTRY) -nostdlib -static --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $@ $< $(RT_OBJS) $(USER_ARLIB)

-include $(RT_OBJS:.o=.d) $(USER_ARLIB_OBJS:.o=.d) $(UBUILD)/init/init.c.d $(patsubst %.c,$(UBUILD)/%.c.d,$(DEMO_SRCS))

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

USER_PKG_FILES := $(USER_BINS) $(UBUILD)/bin/bad-wx $(UBUILD)/bin/not-an-elf
