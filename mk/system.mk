# QEMU targets and the whole test suite.
#
# Exit protocol: the kernel writes a code to the isa-debug-exit port; QEMU
# exits with (code << 1) | 1. tools/qemu-run maps that back to 0 (pass),
# 1 (fail), 2 (kernel fault/panic), 124 (time limit).
QEMU_ARGS_PVH = -kernel $(KERNEL_ELF) -initrd $(BOOTPKG)

# What runs is the boot manifest's (SYSTEM_MANIFEST, mk/image.mk): every
# autostart service. CMDLINE=init=a,b:arg runs only the services named.
CMDLINE ?=

# make run's time limit: under TCG the default graph takes 10-30 s; KVM here
# is PVM, much slower for page-table-heavy services. RUN_TIMEOUT=N
# overrides it; 0 is no limit.
RUN_TIMEOUT ?= $(if $(filter 1,$(KVM)),3600,600)

# Which system make run boots (docs/shell.md): CMDLINE if given; else from
# a terminal the shell at its prompt (init=shell:interactive, the serial
# port on this terminal, Ctrl-C to the guest); else (CI: stdin is not a
# terminal) the default graph, whose last job is the shell's self-check,
# then a clean power-off. SCRIPT=FILE types FILE into the shell (a halt
# after it; a line of spaces before it, since bytes that reach the UART
# before its driver starts may be dropped).
SCRIPT ?=
SHELL_CMDLINE := init=shell:interactive

.PHONY: run debug test iso
# make run attaches the test disk (mk/disk.mk) for the virtio-blk service.
run: $(KERNEL_ELF) $(BOOTPKG) $(DISK_IMG)
	@echo "run: time limit $(RUN_TIMEOUT) s"
	@if [ -n "$(SCRIPT)" ]; then \
	    { printf '%64s\n' '' && cat "$(SCRIPT)" && printf '\nhalt\n'; } | KVM=$(KVM) tools/qemu-run --timeout $(RUN_TIMEOUT) \
	        -- $(QEMU_ARGS_PVH) $(DISK_QEMU) -append "$(or $(CMDLINE),$(SHELL_CMDLINE))"; \
	elif [ -z "$(CMDLINE)" ] && [ -t 0 ]; then \
	    KVM=$(KVM) tools/qemu-run --keyboard --timeout $(RUN_TIMEOUT) -- $(QEMU_ARGS_PVH) $(DISK_QEMU) -append "$(SHELL_CMDLINE)"; \
	else \
	    KVM=$(KVM) tools/qemu-run --timeout $(RUN_TIMEOUT) -- $(QEMU_ARGS_PVH) $(DISK_QEMU) -append "$(CMDLINE)"; \
	fi

debug: $(KERNEL_ELF) $(BOOTPKG)
	@echo "QEMU is halted with a gdb stub on :1234. In another terminal:"
	@echo "  gdb $(KERNEL_ELF) -ex 'target remote :1234'"
	@KVM=0 tools/qemu-run --timeout 0 -- $(QEMU_ARGS_PVH) -append "$(CMDLINE)" -s -S

iso: $(ISO)

# The shell as a person uses it, under pexpect (tests/shell/run, docs/shell.md).
TEST_SUITES += tests/shell/run

export BUILD KVM CC_ID KERNEL_ELF BOOTPKG ISO
test: all $(UNIT_BINS) $(ISO) $(TEST_DEPS)
	@tools/test-all $(BUILD)/test.log "tools/run-unit $(UNIT_BINS)" \
	    $(foreach s,$(TEST_SUITES),"$(s)") "tests/system/run" "tests/build/gcc"

# The soak: the chaos fuzzer with SOAK_SUBMISSIONS random submissions (and
# SOAK_SEED, if given, to replay a run), one boot, SOAK_TIMEOUT seconds at
# most. The serial log is kept in $(BUILD)/soak.log.
SOAK_SUBMISSIONS ?= 10000000
SOAK_TIMEOUT ?= 7200
.PHONY: soak
soak: $(KERNEL_ELF) $(BOOTPKG)
	@echo "soak: chaos with $(SOAK_SUBMISSIONS) submissions, at most $(SOAK_TIMEOUT) s (log: $(BUILD)/soak.log)"
	@start=$$(date +%s); \
	KVM=$(KVM) tools/qemu-run --timeout $(SOAK_TIMEOUT) --serial $(BUILD)/soak.log -- $(QEMU_ARGS_PVH) \
	    -append "init=chaos:$(SOAK_SUBMISSIONS)$(if $(SOAK_SEED),:$(SOAK_SEED))" > $(BUILD)/soak.qemu 2>&1; \
	rc=$$?; secs=$$(( $$(date +%s) - start )); sed -i 's/\r$$//' $(BUILD)/soak.log; \
	grep -E '^chaos: (ok|FAILED|note|seed|sent|results|ring|[0-9])' $(BUILD)/soak.log; \
	if [ $$rc = 0 ] && grep -q '^chaos: done (0 failed)' $(BUILD)/soak.log; then echo "soak: PASS in $$secs s"; \
	else echo "soak: FAIL (exit status $$rc; 124 = time limit, 2 = kernel fault) after $$secs s"; exit 1; fi

# Benchmarks (not tests): capOS and Linux side by side (bench/run, docs/performance.md),
# icount and tcg modes; BENCH_MODES="icount tcg kvm" adds kvm (capOS only).
.PHONY: bench
bench: $(KERNEL_ELF) $(BOOTPKG) $(BENCH_DEPS)
	@start=$$(date +%s); bench/run; rc=$$?; echo "bench: $$(( $$(date +%s) - start )) s"; exit $$rc
