#ifndef CAPOS_ARCH_X86_64_PIT_H
#define CAPOS_ARCH_X86_64_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u

/* Channel 0 counting down from 65536 over and over (mode 2), read back by
 * pit_read; pit_alive tells whether a PIT answers at all. IRQ 0 fires at
 * each wrap, so keep it masked meanwhile. */
void pit_start_free_running(void);
uint16_t pit_read(void);
bool pit_alive(void);

/* Channel 0 as a periodic rate generator on IRQ 0, at hz or every counts
 * PIT counts (2..65535). Takes effect at once. */
void pit_start_periodic(uint32_t hz);
void pit_start_periodic_counts(uint32_t counts);

#endif
