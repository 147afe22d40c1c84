/* PCI configuration space: ECAM or configuration mechanism #1.
 *
 * ECAM (the MCFG's window for segment 0) gives each function 4 KiB of
 * configuration space. Mapping the whole window (up to 256 MiB) would cost
 * page tables the small machines do not have, so one kernel page is
 * pointed at the function being accessed, remapped when another function
 * is (accesses are rare: boot enumeration and PciDevice calls). Without an
 * MCFG the legacy ports 0xCF8/0xCFC give 256 bytes per function; a machine
 * where 0xCF8 does not read back what was written has no PCI (microvm). */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pci_config.h"
#include "kernel/log.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC

static uint32_t config_size;
static const char *mechanism = "none";
static uint64_t ecam_base;
static uint8_t ecam_bus_start, ecam_bus_end;
static volatile uint8_t *window;  /* one page of the MMIO window */
static uint64_t window_pa = ~0ull;

static void point_window(uint64_t pa)
{
	if (pa == window_pa)
		return;
	vm_unmap(vm_kernel_root, (uintptr_t)window);
	int err = vm_map(vm_kernel_root, (uintptr_t)window, pa, VM_WRITE | VM_UNCACHED | VM_GLOBAL);
	KASSERT(err == VM_OK, "the window's page table exists");
	window_pa = pa;
}

static volatile uint8_t *ecam(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
	point_window(ecam_base + ((uint64_t)(bus - ecam_bus_start) << 20) + ((uint64_t)dev << 15) +
	             ((uint64_t)fn << 12));
	return window + off;
}

static void legacy_select(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
	outl(CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xFC));
}

static uint32_t legacy_in(uint32_t off, unsigned width) { return arch_io_in((uint16_t)(CONFIG_DATA + (off & 3)), width); }

static bool legacy_present(void)
{
	outl(CONFIG_ADDRESS, 0x80000000u);
	uint32_t back;
	__asm__ volatile("inl %1, %0" : "=a"(back) : "Nd"((uint16_t)CONFIG_ADDRESS));
	return back == 0x80000000u;
}

void pci_config_init(const struct acpi_info *acpi)
{
	for (uint32_t i = 0; acpi && i < acpi->nmcfg; i++) {
		if (acpi->mcfg[i].segment != 0 || acpi->mcfg[i].bus_start != 0)
			continue;
		ecam_base = acpi->mcfg[i].base;
		ecam_bus_start = acpi->mcfg[i].bus_start;
		ecam_bus_end = acpi->mcfg[i].bus_end;
		window = vm_map_mmio(ecam_base, PAGE_SIZE);
		window_pa = ecam_base;
		config_size = 4096;
		mechanism = "ECAM";
		return;
	}
	if (legacy_present()) {
		config_size = 256;
		mechanism = "ports 0xCF8/0xCFC";
	}
}

uint32_t arch_pci_config_size(void) { return config_size; }
const char *arch_pci_mechanism(void) { return mechanism; }

uint32_t arch_pci_read(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off, unsigned width)
{
	if (config_size == 4096) {
		if (bus > ecam_bus_end)
			return 0xFFFFFFFFu;
		volatile uint8_t *p = ecam(bus, dev, fn, off);
		return width == 1 ? *p : width == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
	}
	legacy_select(bus, dev, fn, off);
	return legacy_in(off, width);
}

void arch_pci_write(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off, unsigned width, uint32_t v)
{
	if (config_size == 4096) {
		if (bus > ecam_bus_end)
			return;
		volatile uint8_t *p = ecam(bus, dev, fn, off);
		if (width == 1)
			*p = (uint8_t)v;
		else if (width == 2)
			*(volatile uint16_t *)p = (uint16_t)v;
		else
			*(volatile uint32_t *)p = v;
		return;
	}
	legacy_select(bus, dev, fn, off);
	arch_io_out((uint16_t)(CONFIG_DATA + (off & 3)), width, v);
}
