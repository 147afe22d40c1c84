/* PCI enumeration at boot.
 *
 * Buses are scanned from bus 0, following each PCI-to-PCI bridge to its
 * secondary bus (depth first, each bus once), every device's function 0
 * and, for a multi-function device, functions 1-7. Each BAR is sized the
 * usual way — decoding off in the command register, all ones written,
 * the read-back masked, the original restored — and recorded. The table
 * is fixed at boot (hot plug is not supported); PciBus and PciDevice
 * (kernel/cap/) hand it out. */
#include "kernel/pci.h"

#include "kernel/arch.h"
#include "kernel/log.h"

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_CLASS 0x08
#define CFG_HEADER 0x0E
#define CFG_BAR0 0x10
#define CFG_SECONDARY_BUS 0x19
#define CFG_INTERRUPT 0x3C
#define CMD_DECODE 0x3u /* I/O and memory space */

static struct pci_function functions[PCI_MAX_FUNCTIONS];
static uint32_t nfunctions, dropped;
static uint8_t scanned[256 / 8];

static uint32_t rd(const struct pci_function *f, uint32_t off, unsigned w) { return arch_pci_read(f->bus, f->dev, f->fn, off, w); }
static void wr(const struct pci_function *f, uint32_t off, unsigned w, uint32_t v) { arch_pci_write(f->bus, f->dev, f->fn, off, w, v); }

/* Sizes BAR i of f (decoding is off); returns how many BAR slots it took. */
static unsigned size_bar(struct pci_function *f, unsigned i)
{
	uint32_t off = CFG_BAR0 + 4 * i, orig = rd(f, off, 4);
	wr(f, off, 4, 0xFFFFFFFFu);
	uint32_t mask = rd(f, off, 4);
	wr(f, off, 4, orig);
	struct pci_bar *b = &f->bars[i];
	if (mask == 0 || mask == 0xFFFFFFFFu)
		return 1; /* not implemented */
	if (orig & 1) {
		uint32_t m = mask & 0xFFFCu;
		*b = (struct pci_bar){ .kind = PCI_BAR_IO, .base = orig & 0xFFFCu, .size = m ? (~m + 1) & 0xFFFF : 0 };
		return 1;
	}
	uint64_t base = orig & ~0xFu, m = mask & ~0xFu;
	bool is64 = ((orig >> 1) & 3) == 2 && i + 1 < PCI_BARS;
	if (is64) {
		uint32_t orig_hi = rd(f, off + 4, 4);
		wr(f, off + 4, 4, 0xFFFFFFFFu);
		uint32_t mask_hi = rd(f, off + 4, 4);
		wr(f, off + 4, 4, orig_hi);
		base |= (uint64_t)orig_hi << 32;
		m |= (uint64_t)mask_hi << 32;
	} else {
		m |= 0xFFFFFFFF00000000ull;
	}
	*b = (struct pci_bar){ .kind = is64 ? PCI_BAR_MEM64 : PCI_BAR_MEM32, .prefetchable = orig & 8, .base = base,
		               .size = ~m + 1 };
	return is64 ? 2 : 1;
}

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (nfunctions == PCI_MAX_FUNCTIONS) {
		dropped++;
		return;
	}
	struct pci_function *f = &functions[nfunctions++];
	*f = (struct pci_function){ .bus = bus, .dev = dev, .fn = fn };
	uint32_t id = rd(f, CFG_VENDOR, 4);
	f->vendor = id & 0xFFFF;
	f->device = id >> 16;
	f->class_code = rd(f, CFG_CLASS, 4) >> 8;
	f->header_type = rd(f, CFG_HEADER, 1) & 0x7F;
	uint32_t intr = rd(f, CFG_INTERRUPT, 2);
	f->irq = intr & 0xFF;
	f->pin = (intr >> 8) & 0xFF;
	unsigned nbars = f->header_type == 0 ? 6 : f->header_type == 1 ? 2 : 0;
	uint16_t cmd = (uint16_t)rd(f, CFG_COMMAND, 2);
	if (nbars)
		wr(f, CFG_COMMAND, 2, cmd & ~CMD_DECODE);
	for (unsigned i = 0; i < nbars;)
		i += size_bar(f, i);
	if (nbars)
		wr(f, CFG_COMMAND, 2, cmd);
	if (f->header_type == 1) {
		uint8_t secondary = (uint8_t)rd(f, CFG_SECONDARY_BUS, 1);
		if (secondary > bus)
			scan_bus(secondary);
	}
}

static void scan_bus(uint8_t bus)
{
	if (scanned[bus / 8] & (1u << (bus % 8)))
		return;
	scanned[bus / 8] |= (uint8_t)(1u << (bus % 8));
	for (uint8_t dev = 0; dev < 32; dev++) {
		if ((arch_pci_read(bus, dev, 0, CFG_VENDOR, 2) & 0xFFFF) == 0xFFFF)
			continue;
		bool multi = arch_pci_read(bus, dev, 0, CFG_HEADER, 1) & 0x80;
		for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++)
			if ((arch_pci_read(bus, dev, fn, CFG_VENDOR, 2) & 0xFFFF) != 0xFFFF)
				add_function(bus, dev, fn);
	}
}

static void log_function(const struct pci_function *f)
{
	kprintf("pci: %02x:%02x.%x %04x:%04x class %06x", f->bus, f->dev, f->fn, f->vendor, f->device, f->class_code);
	if (f->pin)
		kprintf(" INT%c irq %u", 'A' + f->pin - 1, f->irq);
	for (unsigned i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &f->bars[i];
		if (b->kind == PCI_BAR_IO)
			kprintf(" BAR%u io 0x%llx+0x%llx", i, (unsigned long long)b->base, (unsigned long long)b->size);
		else if (b->kind)
			kprintf(" BAR%u mem%s 0x%llx+0x%llx", i, b->kind == PCI_BAR_MEM64 ? "64" : "32",
			        (unsigned long long)b->base, (unsigned long long)b->size);
	}
	kprintf("\n");
}

void pci_init(void)
{
	if (!arch_pci_config_size()) {
		kprintf("pci: no PCI (no MCFG and no configuration ports)\n");
		return;
	}
	scan_bus(0);
	kprintf("pci: %u functions through %s%s\n", nfunctions, arch_pci_mechanism(), dropped ? " (more dropped)" : "");
	for (uint32_t i = 0; i < nfunctions; i++)
		log_function(&functions[i]);
}

uint32_t pci_count(void) { return nfunctions; }
const struct pci_function *pci_get(uint32_t index) { return index < nfunctions ? &functions[index] : 0; }
