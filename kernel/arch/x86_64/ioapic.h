/* The I/O APIC(s) and the routing of ISA lines for drivers (ioapic.c). */
#ifndef CAPOS_ARCH_X86_64_IOAPIC_H
#define CAPOS_ARCH_X86_64_IOAPIC_H

#include "lib/acpi.h"

#define VECTOR_IRQ_BASE 0x30 /* ISA IRQ n through the I/O APIC: 0x30 + n */

/* Sets up the I/O APICs acpi names (NULL or none: the PIC). */
void ioapic_init(const struct acpi_info *acpi);

#endif
