/* kmain: the boot sequence of DESIGN.md section 3. Each step enables the
 * next; the order is the point of this file. */
#include "kernel/main.h"

#include "include/capos/capset.h"
#include "kernel/arch.h"
#include "kernel/cap/boot_package.h"
#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "kernel/pci.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "capos/capos.capnp.h"
#include "kernel/ipc.h"
#include "lib/cmdline.h"
#include "lib/crypto/arcsig.h"
#include "lib/errors.h"
#include "lib/mem.h"
#include "lib/tar.h"

#define INIT_BINARY "init"
#define MANIFEST_FILE "manifest.bin"

struct boot_options {
	char ktest[32];
	char init_args[CAPOS_CAPSET_ARGS_MAX];
	uint32_t hz;
	char timer[8]; /* the timer device asked for; "" for the default */
};

static const char *protocol_name(uint32_t p)
{
	return p == BOOT_PROTO_MULTIBOOT2 ? "Multiboot2" : p == BOOT_PROTO_PVH ? "PVH" : "unknown";
}

static const char *mem_type_name(uint32_t t)
{
	static const char *const names[] = { "?", "usable", "ACPI reclaimable", "ACPI NVS", "reserved", "bad" };
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* Parses the options capOS understands; a malformed one refuses the boot. */
static struct boot_options parse_options(const char *cmdline)
{
	struct boot_options o = { .hz = TIMER_DEFAULT_HZ };
	if (cmdline_get(cmdline, "ktest", o.ktest, sizeof o.ktest) == CMDLINE_INVALID)
		boot_fail("ktest= names a test of at most %zu characters", sizeof o.ktest - 1);
	if (cmdline_get_u32(cmdline, "hz", 20, 10000, &o.hz) == CMDLINE_INVALID)
		boot_fail("hz= must be a decimal tick rate from 20 to 10000");
	int r = cmdline_get(cmdline, "timer", o.timer, sizeof o.timer);
	if (r == CMDLINE_INVALID || (r == CMDLINE_OK && !arch_timer_device_known(o.timer)))
		boot_fail("timer= must be %s", arch_timer_devices());
	if (cmdline_get(cmdline, "init", o.init_args, sizeof o.init_args) == CMDLINE_INVALID)
		boot_fail("init= is longer than %zu characters", sizeof o.init_args - 1);
	uint32_t fast = 1;
	if (cmdline_get_u32(cmdline, "ipcfast", 0, 1, &fast) == CMDLINE_INVALID)
		boot_fail("ipcfast= must be 0 or 1");
	ipc_fast_enabled = fast;
	return o;
}

/* Logs the command line as one line, with control bytes, DEL and bytes above
 * 0x7f (C1 controls on some terminals) written as \xNN: a terminal escape on
 * the command line must not act on the console.
 * A backslash is written as \\ so the escaped form is unambiguous. */
static void log_cmdline(const char *cmdline)
{
	kprintf("cmdline: \"");
	for (const unsigned char *c = (const unsigned char *)cmdline; *c; c++) {
		if (*c < 0x20 || *c >= 0x7f)
			kprintf("\\x%02x", *c);
		else if (*c == '\\' || *c == '"')
			kprintf("\\%c", *c);
		else
			kprintf("%c", *c);
	}
	kprintf("\"\n");
}

static void log_memory(const struct boot_info *bi)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		kprintf("memory: [0x%012llx-0x%012llx) %s\n", (unsigned long long)bi->mmap[i].base,
		        (unsigned long long)(bi->mmap[i].base + bi->mmap[i].len), mem_type_name(bi->mmap[i].type));
	kprintf("memory: %llu KiB usable, %llu frames free after reservations\n",
	        (unsigned long long)(memmap_usable_bytes(bi) / 1024), (unsigned long long)frame_free_count());
}

static const char *on_off(bool supported) { return supported ? "on" : "off (not supported)"; }

/* The boot package is the one boot module, a well-formed USTAR archive.
 * Anything else is a clean refusal to boot. */
static void check_boot_package(const struct boot_info *bi)
{
	if (bi->module_count != 1)
		boot_fail("expected exactly one boot module (the boot package), got %u", bi->module_count);
	int err = boot_package_init(phys_to_virt(bi->module_phys), bi->module_len);
	if (err == BOOT_PACKAGE_NO_MEMORY)
		boot_fail("out of memory indexing the boot package (%llu bytes)", (unsigned long long)bi->module_len);
	if (err != TAR_OK)
		boot_fail("the boot module is not a USTAR archive (%llu bytes): %s", (unsigned long long)bi->module_len,
		          tar_strerror(err));
	kprintf("boot package: %llu bytes at %p\n", (unsigned long long)bi->module_len, (void *)bi->module_phys);
	uint8_t fp[ARCSIG_FINGERPRINT_LEN];
	boot_package_fingerprint(fp);
	kprintf("signing: key fingerprint %02x%02x%02x%02x%02x%02x%02x%02x: init and every binary spawned must carry its signature\n",
	        fp[0], fp[1], fp[2], fp[3], fp[4], fp[5], fp[6], fp[7]);
}

/* init's arguments: init=a,b,c becomes "a" "b" "c". */
static uint32_t split_args(char *args, uint32_t *len)
{
	uint32_t argc = 0;
	*len = (uint32_t)strlen(args);
	if (*len == 0)
		return 0;
	for (uint32_t i = 0; i < *len; i++)
		if (args[i] == ',')
			args[i] = 0;
	for (uint32_t i = 0; i <= *len; i++)
		argc += !args[i];
	*len += 1;
	return argc;
}

/* The kernel starts only init, with fixed bootstrap authority. */
static void start_init(struct boot_options *o)
{
	const struct boot_file *elf = boot_package_find(INIT_BINARY), *manifest = boot_package_find(MANIFEST_FILE);
	if (!manifest)
		boot_fail("the boot package has no '%s'", MANIFEST_FILE);
	if (!elf)
		boot_fail("the boot package has no '%s'", INIT_BINARY);
	int err = boot_package_verify(elf); /* before anything is allocated or mapped for it */
	if (err != ARCSIG_OK)
		boot_fail("'%s' refused: %s; nothing of it mapped", INIT_BINARY, arcsig_strerror(err));
	const struct elf_image *img;
	err = boot_package_elf(elf, &img);
	if (err != ELF_OK)
		boot_fail("'%s' is not a valid ELF executable: %s", INIT_BINARY, elf_strerror(err));
	const struct process_grant grants[] = {
		{ "console", console_object(), capos_Console_ID, capos_Console_RIGHTS, 0 },
		{ "spawner", spawner_object(), capos_ProcessSpawner_ID, capos_ProcessSpawner_RIGHTS, 0 },
		{ "bootpkg", boot_package_object(), capos_BootPackage_ID, capos_BootPackage_RIGHTS, 0 },
		{ "null", null_object(), capos_Null_ID, capos_Null_RIGHTS, 0 },
		{ "frames", frame_allocator_object(), capos_FrameAllocator_ID, capos_FrameAllocator_RIGHTS, 0 },
		{ "factory", object_factory(), capos_ObjectFactory_ID, capos_ObjectFactory_RIGHTS, 0 },
		{ "vm", virtual_memory_object(), capos_VirtualMemory_ID, capos_VirtualMemory_RIGHTS, 0 },
		{ "ioports", io_port_root(), capos_IoPort_ID, capos_IoPort_RIGHTS, 0 },
		{ "irq", irq_control_object(), capos_IrqControl_ID, capos_IrqControl_RIGHTS, 0 },
		{ "pci", pci_bus_object(), capos_PciBus_ID, capos_PciBus_RIGHTS, 0 },
		{ "sysmon", system_monitor_object(), capos_SystemMonitor_ID, capos_SystemMonitor_RIGHTS, 0 },
		{ "power", power_object(), capos_Power_ID, capos_Power_RIGHTS, 0 },
		{ "kernellog", kernel_log_object(), capos_KernelLog_ID, capos_KernelLog_RIGHTS, 0 },
	};
	/* init's kernel-memory quota: all free memory but a reserve for what
	 * the kernel's own allocations round up beyond what they charge. */
	uint64_t free_bytes = frame_free_count() * PAGE_SIZE;
	kmem_init_root(free_bytes);
	uint32_t args_len, argc = split_args(o->init_args, &args_len);
	struct spawn_spec spec = {
		.name = INIT_BINARY, .elf = elf->data, .img = img, .digest = elf->digest, .grants = grants,
		.ngrants = sizeof grants / sizeof grants[0], .args = o->init_args, .args_len = args_len, .argc = argc,
		.parent_kmem = kmem_root(), .kmem_limit = free_bytes - free_bytes / 8,
	};
	struct process *init = process_spawn(&spec, &err);
	if (!init)
		boot_fail("cannot start init: %s (%llu KiB free)", capos_strerror(err),
		          (unsigned long long)(frame_free_count() * PAGE_SIZE / 1024));
	kobject_put(&init->obj); /* nobody holds a handle to init */
	kprintf("capOS: started init (pid %u, %u arguments), the one process the kernel starts: it runs %s (%llu bytes)\n",
	        init->pid, argc, MANIFEST_FILE, (unsigned long long)manifest->size);
}

_Noreturn void kernel_all_done(void)
{
	int64_t code = 0;
	bool init_exited = process_init_exited(&code);
	log_set_buffered(false); /* a driver left blocked holds the console no longer */
	if (process_live_count()) {
		kprintf("capOS: %u processes are blocked forever (deadlock)\n", process_live_count());
		arch_halt(HALT_FAIL);
	}
	kprintf("capOS: no process remains; init exited with code %lld\n", (long long)code);
	arch_halt(init_exited && code == 0 ? HALT_PASS : HALT_FAIL);
}

_Noreturn void kmain(const struct boot_info *bi)
{
	uint64_t kmain_cycles = arch_cycles();
	kprintf("\ncapOS: kmain (booted via %s%s%s)\n", protocol_name(bi->protocol),
	        bi->loader_name[0] ? " by " : "", bi->loader_name);
	kprintf("boot: kmain at %llu ticks\n", (unsigned long long)kmain_cycles);
	arch_traps_init();
	kprintf("traps: GDT, TSS with IST stacks for #DF/NMI/#MC, IDT for 256 vectors\n");

	log_cmdline(bi->cmdline);
	if (bi->cmdline_truncated)
		boot_fail("the command line is longer than %u bytes", BOOT_CMDLINE_LEN_MAX);
	struct boot_options opt = parse_options(bi->cmdline);

	arch_cpu_probe();
	frame_init(bi);
	log_memory(bi);

	arch_enable_nx();
	vm_init(bi);
	kprintf("paging: kernel tables live (text RX, rodata R, data RW+NX, direct map of RAM)\n");

	kheap_init();

	arch_enable_protections();
	kprintf("protections: NX %s, SMEP %s, SMAP %s, UMIP %s (%s)\n", on_off(cpu_features.nx),
	        on_off(cpu_features.smep), on_off(cpu_features.smap), on_off(cpu_features.umip),
	        cpu_features.vendor);
	kprintf("fpu: %s\n", arch_fpu_init());

	timer_init(opt.hz, opt.timer);
	arch_irq_enable();
	arch_platform_init(bi);
	pci_init();

	check_boot_package(bi);
	arch_user_init();
	sched_init();
	kprintf("capOS: baseline ready\n");

	if (opt.ktest[0])
		ktest_run(opt.ktest, bi);
	/* From here on kernel code runs with interrupts off; they are on only
	 * in user mode and in the idle loop (thread.h). */
	arch_irq_disable();
	start_init(&opt);
	kprintf("boot: init starts at %llu ticks\n", (unsigned long long)arch_cycles());
	sched_start();
}
