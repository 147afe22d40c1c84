/* The platform's description: the ACPI tables.
 *
 * The RSDP comes from the loader (PVH start info, or a Multiboot2 ACPI tag
 * holding a copy), else from a scan of the first KiB of the EBDA and of the
 * BIOS area 0xE0000-0xFFFFF. lib/acpi parses the tables through a reader of
 * physical memory: the direct map where it covers the range, else an
 * uncached MMIO mapping (a table in memory the E820 map calls reserved).
 * Any failure is logged by name and the kernel carries on without ACPI:
 * driver interrupts then use the PIC, PCI the legacy ports. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/pci_config.h"
#include "kernel/log.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "lib/acpi.h"
#include "lib/bootinfo.h"

#define BIOS_AREA 0xE0000ull
#define BIOS_AREA_LEN 0x20000u
#define EBDA_POINTER 0x40Eull
#define MMIO_READS_MAX 16 /* mappings the reader may make (the window is never given back) */

static struct acpi_info acpi;
static uint32_t mmio_reads;

static bool direct_mapped(uint64_t phys, size_t len)
{
	for (uint64_t pa = phys & ~(PAGE_SIZE - 1); pa < phys + len; pa += PAGE_SIZE) {
		uint64_t got;
		unsigned flags;
		if (!vm_translate(vm_kernel_root, (uintptr_t)phys_to_virt(pa), &got, &flags) || got != pa)
			return false;
	}
	return true;
}

static const void *read_phys(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (phys + len < phys || phys + len > (1ull << 46))
		return 0;
	if (direct_mapped(phys, len))
		return phys_to_virt(phys);
	if (mmio_reads == MMIO_READS_MAX || len > ACPI_TABLE_MAX)
		return 0;
	mmio_reads++;
	return vm_map_mmio(phys, len);
}

static uint64_t find_rsdp(const struct boot_info *bi)
{
	if (bi->rsdp_phys)
		return bi->rsdp_phys;
	uint64_t pa = 0;
	const uint8_t *ebda_ptr = read_phys(0, EBDA_POINTER, 2);
	uint64_t ebda = ebda_ptr ? (uint64_t)(ebda_ptr[0] | ebda_ptr[1] << 8) << 4 : 0;
	const void *area;
	if (ebda >= 0x80000 && ebda < 0xA0000 && (area = read_phys(0, ebda, 1024)) &&
	    acpi_find_rsdp(area, 1024, ebda, &pa) == ACPI_OK)
		return pa;
	if ((area = read_phys(0, BIOS_AREA, BIOS_AREA_LEN)) && acpi_find_rsdp(area, BIOS_AREA_LEN, BIOS_AREA, &pa) == ACPI_OK)
		return pa;
	return 0;
}

/* Parses the tables; false (logged) without usable ones. */
static bool load_acpi(const struct boot_info *bi)
{
	uint64_t rsdp = find_rsdp(bi);
	if (!rsdp) {
		kprintf("acpi: no RSDP (none from the loader, none in the EBDA or BIOS area)\n");
		return false;
	}
	int err = acpi_parse(rsdp, read_phys, 0, &acpi);
	if (err) {
		kprintf("acpi: the tables at RSDP %p are refused: %s; carrying on without them\n", (void *)rsdp,
		        acpi_strerror(err));
		return false;
	}
	kprintf("acpi: RSDP %p revision %u, %s with %u tables; MADT %s (%u CPUs, %u I/O APICs, %u overrides, "
	        "%u NMI entries skipped); MCFG %s\n",
	        (void *)rsdp, acpi.revision, acpi.xsdt ? "XSDT" : "RSDT", acpi.ntables, acpi.has_madt ? "yes" : "no",
	        acpi.ncpus, acpi.nioapics, acpi.noverrides, acpi.nnmi, acpi.has_mcfg ? "yes" : "no");
	for (uint32_t i = 0; i < acpi.nmcfg; i++)
		kprintf("acpi: MCFG segment %u buses %u-%u, ECAM at %p\n", acpi.mcfg[i].segment, acpi.mcfg[i].bus_start,
		        acpi.mcfg[i].bus_end, (void *)acpi.mcfg[i].base);
	return true;
}

void arch_platform_init(const struct boot_info *bi)
{
	bool have = load_acpi(bi);
	ioapic_init(have ? &acpi : 0);
	pci_config_init(have ? &acpi : 0);
}
