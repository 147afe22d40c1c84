#ifndef CAPOS_ARCH_X86_64_PIT_H
#define CAPOS_ARCH_X86_64_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Channel 0 as a periodic rate generator on IRQ 0 at hz. */
void pit_start_periodic(uint32_t hz);

#endif
