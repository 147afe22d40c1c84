/* The local APIC as other arch code needs it (lapic.c). */
#ifndef CAPOS_ARCH_X86_64_LAPIC_H
#define CAPOS_ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

bool lapic_enabled(void); /* the timer setup turned it on */
void lapic_eoi(void);
uint32_t lapic_id(void);

#endif
