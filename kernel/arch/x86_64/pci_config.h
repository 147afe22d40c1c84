/* PCI configuration space access (pci_config.c). */
#ifndef CAPOS_ARCH_X86_64_PCI_CONFIG_H
#define CAPOS_ARCH_X86_64_PCI_CONFIG_H

#include "lib/acpi.h"

/* Picks ECAM (the MCFG's segment 0 window) or the legacy ports, or none
 * when neither answers. acpi may be NULL. */
void pci_config_init(const struct acpi_info *acpi);

#endif
