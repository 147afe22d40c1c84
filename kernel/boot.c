/* The boot adapter: turns whatever the loader handed over into the one
 * normalized struct boot_info and calls kmain. Runs on the trampoline's early
 * page tables, which map the first 4 GiB of physical memory at HHDM_BASE;
 * loader structures beyond that cannot be read and fail the boot cleanly. */
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/main.h"
#include "kernel/mem/layout.h"
#include "lib/bootinfo.h"

static struct boot_info boot_info;

static const void *early_phys_reader(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (phys > EARLY_DIRECT_MAP_LIMIT || len > EARLY_DIRECT_MAP_LIMIT - phys)
		return 0;
	return phys_to_virt(phys);
}

static const char *boot_error_name(int err)
{
	switch (err) {
	case BOOT_ERR_TRUNCATED: return "a structure is truncated";
	case BOOT_ERR_BAD_MAGIC: return "bad magic or version";
	case BOOT_ERR_BAD_TAG: return "a malformed tag";
	case BOOT_ERR_TOO_MANY: return "too many memory regions";
	case BOOT_ERR_NO_MEMMAP: return "no memory map";
	case BOOT_ERR_UNREADABLE: return "a pointer outside readable memory";
	default: return "unknown error";
	}
}

static int parse_multiboot2(uint64_t phys)
{
	const uint32_t *total = early_phys_reader(0, phys, 8);
	if (!total)
		return BOOT_ERR_UNREADABLE;
	if (!early_phys_reader(0, phys, *total))
		return BOOT_ERR_UNREADABLE;
	return boot_parse_multiboot2(&boot_info, total, *total, phys);
}

/* Called by the trampoline in long mode on the boot stack. */
_Noreturn void boot_start(uint32_t protocol, uint64_t info_phys);
_Noreturn void boot_start(uint32_t protocol, uint64_t info_phys)
{
	arch_console_init();
	int err;
	switch (protocol) {
	case BOOT_PROTO_MULTIBOOT2:
		err = parse_multiboot2(info_phys);
		break;
	case BOOT_PROTO_PVH:
		err = boot_parse_pvh(&boot_info, info_phys, early_phys_reader, 0);
		break;
	default:
		err = BOOT_ERR_BAD_MAGIC;
	}
	if (err != BOOT_OK)
		boot_fail("cannot read the %s boot information: %s",
		          protocol == BOOT_PROTO_PVH ? "PVH" : "Multiboot2", boot_error_name(err));
	kmain(&boot_info);
}
