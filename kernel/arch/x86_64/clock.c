/* Calibration of the TSC and the local APIC timer, and the reference clock.
 *
 * The reference is PIT channel 0, free-running and read back through its
 * latch, so no port 0x61 gate is involved (QEMU's microvm has none). One
 * measurement is a window of about 0.5 ms of PIT time whose two ends are
 * each a bracket: TSC, APIC, PIT, APIC, TSC read back to back. A bracket
 * that took long (an SMI, or a virtual CPU its host descheduled between the
 * reads) is visible in its TSC spread, and a window whose brackets spread
 * over more than 1/256 of it is discarded and measured again with a window
 * four times longer (up to 1 s: under an emulated PIT, as with the KVM of
 * the machines capOS is developed on, one read takes about a millisecond;
 * the counter's wraps are followed). Two accepted
 * windows that agree end the calibration; otherwise the median of three.
 * Rates no machine has are refused (plausible()).
 * Without a PIT, CPUID leaf 0x15 (the core crystal clock) gives both rates
 * when the CPU reports it, and failing that one second of the CMOS RTC. */
#include "kernel/arch/x86_64/clock.h"

#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/log.h"

#define WINDOW_COUNTS 597      /* 0.5 ms of PIT time */
#define MAX_WINDOW_COUNTS PIT_HZ /* 1 s */
#define WINDOW_POLLS 10000000u /* a PIT that stops counting ends the wait */
#define MAX_WINDOWS 12
#define GOOD_WINDOWS 3
#define MAX_SPREAD_SHIFT 8     /* brackets within 1/256 of the window */
#define AGREE_SHIFT 9          /* two windows within 1/512 of each other */

uint64_t clock_tsc_hz;

struct bracket {
	uint64_t tsc, spread;
	uint32_t apic;
	uint16_t pit;
};

static struct bracket bracket(uint32_t (*apic_now)(void))
{
	uint64_t t0 = rdtsc();
	uint32_t a0 = apic_now ? apic_now() : 0;
	uint16_t p = pit_read();
	uint32_t a1 = apic_now ? apic_now() : 0;
	uint64_t t1 = rdtsc();
	return (struct bracket){ .tsc = t0 + (t1 - t0) / 2, .spread = t1 - t0, .apic = a1 + (a0 - a1) / 2, .pit = p };
}

enum window_result { WINDOW_OK, WINDOW_SPREAD, WINDOW_STALLED };

/* One window of at least counts PIT counts (the 16-bit counter's wraps are
 * followed, so it may be longer than 55 ms). */
static enum window_result window(uint32_t (*apic_now)(void), uint64_t counts, uint64_t *tsc_hz, uint64_t *apic_hz)
{
	struct bracket s0 = bracket(apic_now), s1;
	uint64_t pit = 0;
	uint16_t last = s0.pit;
	uint32_t polls = 0;
	do {
		s1 = bracket(apic_now);
		pit += (uint16_t)(last - s1.pit);
		last = s1.pit;
		if (++polls > WINDOW_POLLS)
			return WINDOW_STALLED;
	} while (pit < counts);
	uint64_t tsc = s1.tsc - s0.tsc;
	if ((s0.spread + s1.spread) > tsc >> MAX_SPREAD_SHIFT)
		return WINDOW_SPREAD;
	*tsc_hz = tsc * PIT_HZ / pit;
	*apic_hz = (uint64_t)(s0.apic - s1.apic) * PIT_HZ / pit;
	return WINDOW_OK;
}

static bool agree(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;
	return d <= (a >> AGREE_SHIFT);
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}

static bool calibrate_pit(uint32_t (*apic_now)(void), struct clock_rates *out)
{
	uint64_t tsc[GOOD_WINDOWS], apic[GOOD_WINDOWS];
	int good = 0;
	uint64_t counts = WINDOW_COUNTS;
	for (int i = 0; i < MAX_WINDOWS && good < GOOD_WINDOWS; i++) {
		enum window_result r = window(apic_now, counts, &tsc[good], &apic[good]);
		if (r == WINDOW_STALLED)
			return false;
		if (r == WINDOW_SPREAD) {
			/* Slow reads (an emulated PIT): a longer window. */
			counts = counts * 4 < MAX_WINDOW_COUNTS ? counts * 4 : MAX_WINDOW_COUNTS;
			continue;
		}
		good++;
		if (good == 2 && agree(tsc[0], tsc[1]) && agree(apic[0], apic[1])) {
			out->tsc_hz = (tsc[0] + tsc[1]) / 2;
			out->apic_hz = (apic[0] + apic[1]) / 2;
			return true;
		}
	}
	if (good == 0)
		return false;
	if (good < GOOD_WINDOWS) {
		out->tsc_hz = tsc[0];
		out->apic_hz = apic[0];
		return true;
	}
	out->tsc_hz = median3(tsc[0], tsc[1], tsc[2]);
	out->apic_hz = median3(apic[0], apic[1], apic[2]);
	return true;
}

/* CPUID 0x15: TSC = crystal * EBX / EAX; the APIC timer runs at the crystal. */
static bool calibrate_cpuid(bool has_apic, struct clock_rates *out)
{
	if (cpuid(0, 0).eax < 0x15)
		return false;
	struct cpuid_regs r = cpuid(0x15, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return false;
	out->tsc_hz = (uint64_t)r.ecx * r.ebx / r.eax;
	out->apic_hz = has_apic ? r.ecx / 16 : 0;
	return true;
}

/* The CMOS real-time clock's seconds register, read without disturbing
 * NMI masking more than the read itself. */
static uint8_t rtc_seconds(void)
{
	outb(0x70, 0x80 | 0x00);
	return inb(0x71);
}

#define RTC_POLLS 50000000u /* an RTC that never ticks ends the wait */

/* Waits for the seconds register to change; false if it never does. */
static bool rtc_next_second(void)
{
	uint8_t s = rtc_seconds();
	for (uint32_t i = 0; i < RTC_POLLS; i++)
		if (rtc_seconds() != s)
			return true;
	return false;
}

/* The last resort without a PIT or a crystal: one second of the CMOS RTC,
 * from one change of its seconds register to the next (a boot without a
 * PIT, e.g. QEMU's microvm with pit=off, takes up to two seconds longer). */
static bool calibrate_rtc(uint32_t (*apic_now)(void), struct clock_rates *out)
{
	if (!rtc_next_second())
		return false;
	struct bracket b0 = bracket(apic_now);
	if (!rtc_next_second())
		return false;
	struct bracket b1 = bracket(apic_now);
	out->tsc_hz = b1.tsc - b0.tsc;
	out->apic_hz = apic_now ? b0.apic - b1.apic : 0;
	return true;
}

/* The sanity check: rates no x86 machine has (a TSC under 100 MHz or over
 * 20 GHz; an APIC timer at divide-by-16 under 100 kHz or over 1 GHz) mean
 * the reference lied, e.g. a PIT whose counter does not follow time. */
static bool plausible(const struct clock_rates *r, bool has_apic)
{
	if (r->tsc_hz < 100000000ull || r->tsc_hz > 20000000000ull)
		return false;
	return !has_apic || (r->apic_hz >= 100000 && r->apic_hz <= 1000000000ull);
}

static bool calibrate_pit_checked(uint32_t (*apic_now)(void), struct clock_rates *out)
{
	if (!calibrate_pit(apic_now, out))
		return false;
	if (plausible(out, apic_now != 0))
		return true;
	kprintf("timer: the PIT measured the TSC at %llu kHz and the APIC timer at %llu kHz: implausible, ignored\n",
	        (unsigned long long)out->tsc_hz / 1000, (unsigned long long)out->apic_hz / 1000);
	return false;
}

bool clock_calibrate(uint32_t (*apic_now)(void), struct clock_rates *out)
{
	*out = (struct clock_rates){ 0 };
	pit_start_free_running();
	out->pit_alive = pit_alive();
	if (out->pit_alive && calibrate_pit_checked(apic_now, out))
		out->source = "PIT channel 0";
	else if (calibrate_cpuid(apic_now != 0, out))
		out->source = "the crystal clock in CPUID leaf 0x15";
	else if (calibrate_rtc(apic_now, out) && plausible(out, apic_now != 0))
		out->source = "one second of the CMOS RTC";
	else
		return false;
	clock_tsc_hz = out->tsc_hz;
	return true;
}

/* The reference clock for measuring the tick: the TSC at its measured rate. */
static uint64_t refclock_start;

void arch_refclock_start(void) { refclock_start = rdtsc(); }

uint64_t arch_refclock_elapsed_us(void)
{
	uint64_t hz = clock_tsc_hz ? clock_tsc_hz : 1;
	return (rdtsc() - refclock_start) * 1000000 / hz;
}
