# The kernel: freestanding, higher half (-2 GiB), no SSE, frame pointers kept
# for the exception handler's backtrace.
KBUILD     := $(BUILD)/kernel-$(CC_ID)
KERNEL_ELF := $(BUILD)/capos.elf
KERNEL_LDS := kernel/arch/x86_64/linker.ld

KERNEL_SRCS := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
# lib/wasm needs floating point (SSE), which the kernel is built without.
KERNEL_LIB_SRCS := $(filter-out lib/wasm/%,$(LIB_SRCS))
KERNEL_OBJS := $(patsubst %,$(KBUILD)/%.o,$(KERNEL_SRCS) $(KERNEL_LIB_SRCS))

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
           -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-strict-aliasing \
           -mno-red-zone -mcmodel=kernel -mno-mmx -mno-sse -mno-sse2 -mno-avx \
           -fno-asynchronous-unwind-tables -fno-common \
           $(WARN) -I. -I$(BUILD)/gen -MMD -MP -DCAPOS_KERNEL
ifeq ($(CC_ID),clang)
KCFLAGS += --target=x86_64-unknown-none-elf
endif
KASFLAGS := $(filter-out -std=gnu11,$(KCFLAGS)) -D__ASSEMBLY__

# Kernel code includes the header generated from schema/capos.capnp.
$(KBUILD)/%.c.o: %.c $(DEPS_STAMP) | $(BUILD)/gen/capos/capos.capnp.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(KBUILD)/%.S.o: %.S $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDS)
	@echo "  LD      $@"
	@$(LD) -T $(KERNEL_LDS) -nostdlib --no-pie -z max-page-size=0x1000 -z noexecstack \
	    --build-id=none -o $@ $(KERNEL_OBJS)
	@size=$$(stat -c %s $@); echo "kernel: $@ ($$size bytes)"

-include $(KERNEL_OBJS:.o=.d)

# compile_commands.json for clangd: one entry per kernel and lib source.
compile_commands.json: Makefile $(wildcard mk/*.mk)
	@tools/gen-compile-commands "$(CURDIR)" "$(CC) $(KCFLAGS)" $(KERNEL_SRCS) $(KERNEL_LIB_SRCS) > $@
