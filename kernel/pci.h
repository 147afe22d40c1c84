/* The PCI functions found at boot (kernel/pci.c). */
#ifndef CAPOS_KERNEL_PCI_H
#define CAPOS_KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_FUNCTIONS 64
#define PCI_BARS 6

enum pci_bar_kind { PCI_BAR_NONE = 0, PCI_BAR_IO = 1, PCI_BAR_MEM32 = 2, PCI_BAR_MEM64 = 3 };

struct pci_bar {
	uint8_t kind;         /* enum pci_bar_kind; the upper half of a 64-bit BAR is NONE */
	bool prefetchable;
	uint64_t base, size;
};

struct pci_function {
	uint8_t bus, dev, fn;
	uint8_t header_type;  /* 0: device, 1: PCI bridge, 2: CardBus (bits 0-6) */
	uint16_t vendor, device;
	uint32_t class_code;  /* class << 16 | subclass << 8 | prog-if */
	uint8_t irq;          /* the interrupt line register (0xff: none) */
	uint8_t pin;          /* 0: no INTx, 1-4: INTA-INTD */
	struct pci_bar bars[PCI_BARS];
};

/* Enumerates bus 0 and every bus behind a PCI bridge, sizes each BAR and
 * logs an lspci-like table. No PCI: one line saying so. */
void pci_init(void);

uint32_t pci_count(void);
const struct pci_function *pci_get(uint32_t index);

#endif
