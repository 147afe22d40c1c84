/* The rates of the CPU's own clocks, measured once at boot. */
#ifndef CAPOS_ARCH_X86_64_CLOCK_H
#define CAPOS_ARCH_X86_64_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock_rates {
	uint64_t tsc_hz;
	uint64_t apic_hz;   /* the local APIC timer at divide-by-16; 0 without one */
	bool pit_alive;     /* a PIT answered (and was the reference) */
	const char *source; /* what the rates were measured against, for the log */
};

/* Measures the TSC and, given a reader of the APIC timer's current count
 * (counting down from a large initial count, at divide-by-16), the APIC
 * timer. Returns false when there is nothing to measure against: no PIT,
 * no crystal clock in CPUID and no ticking RTC. Interrupts must be off. */
bool clock_calibrate(uint32_t (*apic_now)(void), struct clock_rates *out);

/* The TSC's rate once clock_calibrate succeeded (0 before). */
extern uint64_t clock_tsc_hz;

#endif
