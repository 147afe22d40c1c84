/* PciDevice (kernel/cap/pci_device.c): one PCI function. */
#ifndef CAPOS_KERNEL_CAP_PCI_DEVICE_H
#define CAPOS_KERNEL_CAP_PCI_DEVICE_H

#include <stdint.h>

struct kmem;
struct kobject;

/* A new PciDevice for function index of the boot table (kernel/pci.h;
 * valid: checked by the caller), charged to k, with one reference.
 * CAPOS_OK, or CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY. */
int pci_device_new(struct kmem *k, uint32_t index, struct kobject **out);

#endif
