/* The local APIC and the kernel tick.
 *
 * The APIC timer's input clock is unknown, so it is measured at boot
 * (clock.c) together with the TSC. Before the tick goes to the scheduler
 * the kernel checks that its interrupt really arrives, with a first period
 * of 100 us, so a timer that never fires (a missing PIT or PIC, an
 * unrouted LINT0) is a clear fallback or boot failure, never a hang.
 * Without a local APIC (or with timer=pit) the PIT drives the tick through
 * the legacy PIC, which the kernel routes to the CPU itself: LINT0 as
 * ExtINT, whether or not the firmware did. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/clock.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/pic.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/log.h"
#include "kernel/mem/vm.h"
#include "kernel/timer.h"
#include "lib/mem.h"

#define APIC_TPR 0x080
#define APIC_EOI 0x0B0
#define APIC_SVR 0x0F0
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3E0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_EXTINT (7u << 8)
#define LVT_NMI (4u << 8)
#define DIVIDE_BY_16 0x3
#define APIC_BASE_ENABLE (1ull << 11)
#define PROBE_HZ 10000  /* the first, probing period: 100 us */
#define PROBE_LIMIT_HZ 20 /* give up on the probe after 50 ms */

static volatile uint32_t *apic;
static const char *source = "none";
static struct clock_rates rates;
static volatile uint32_t probe_ticks;
static bool ticking; /* the tick reaches the scheduler */

static uint32_t apic_read(uint32_t reg) { return apic[reg / 4]; }
static void apic_write(uint32_t reg, uint32_t v) { apic[reg / 4] = v; }
static uint32_t apic_timer_now(void) { return apic_read(APIC_TIMER_CURRENT); }

static void tick(struct trap_frame *tf)
{
	if (ticking)
		timer_tick((tf->cs & 3) == 3);
	else
		probe_ticks++;
}

static void apic_timer_interrupt(struct trap_frame *tf)
{
	apic_write(APIC_EOI, 0);
	tick(tf);
}

static void pit_timer_interrupt(struct trap_frame *tf)
{
	pic_eoi(0);
	tick(tf);
}

/* Turns the local APIC on, routes the PIC (LINT0, ExtINT) and NMI (LINT1)
 * to this CPU, and leaves the timer counting down, masked, for calibration. */
static void apic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	apic = vm_map_mmio(base & 0x000FFFFFFFFFF000ull, 4096);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	apic_write(APIC_LVT_LINT0, LVT_EXTINT);
	apic_write(APIC_LVT_LINT1, LVT_NMI);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_16);
	apic_write(APIC_TIMER_INITIAL, 0xFFFFFFFFu);
}

/* Whether a probe interrupt armed by the caller arrives within 50 ms. */
static bool probe_arrives(void)
{
	uint64_t limit = rates.tsc_hz / PROBE_LIMIT_HZ, t0 = rdtsc();
	irq_enable();
	while (!probe_ticks && rdtsc() - t0 < limit)
		cpu_relax();
	irq_disable();
	return probe_ticks != 0;
}

static bool apic_timer_start(uint32_t hz)
{
	uint64_t initial = rates.apic_hz / hz;
	if (initial == 0 || initial > 0xFFFFFFFFu)
		return false;
	trap_set_handler(VECTOR_TIMER, apic_timer_interrupt);
	uint64_t probe = rates.apic_hz / PROBE_HZ;
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER); /* one-shot */
	apic_write(APIC_TIMER_INITIAL, probe ? (uint32_t)probe : 1);
	if (!probe_arrives()) {
		apic_write(APIC_LVT_TIMER, LVT_MASKED);
		return false;
	}
	ticking = true;
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VECTOR_TIMER);
	apic_write(APIC_TIMER_INITIAL, (uint32_t)initial);
	return true;
}

static bool pit_timer_start(uint32_t hz)
{
	trap_set_handler(VECTOR_PIC_BASE + 0, pit_timer_interrupt);
	pic_unmask(0);
	pit_start_periodic_counts(PIT_HZ / PROBE_HZ);
	if (!probe_arrives())
		return false;
	ticking = true;
	pit_start_periodic(hz);
	return true;
}

bool arch_timer_device_known(const char *device) { return !strcmp(device, "apic") || !strcmp(device, "pit"); }
const char *arch_timer_devices(void) { return "'apic' or 'pit'"; }

void arch_timer_init(uint32_t hz, const char *device)
{
	bool use_pit = !strcmp(device, "pit");
	pic_init();
	if (cpu_features.lapic)
		apic_enable();
	if (!clock_calibrate(cpu_features.lapic ? apic_timer_now : 0, &rates))
		boot_fail("timer: nothing to measure the clocks against: no PIT answers, CPUID has no crystal clock and the RTC does not tick");
	if (cpu_features.lapic)
		kprintf("timer: TSC at %llu kHz, APIC timer at %llu kHz (divide by 16), measured against %s\n",
		        (unsigned long long)rates.tsc_hz / 1000, (unsigned long long)rates.apic_hz / 1000, rates.source);
	else
		kprintf("timer: TSC at %llu kHz, no local APIC, measured against %s\n",
		        (unsigned long long)rates.tsc_hz / 1000, rates.source);
	if (cpu_features.lapic && !use_pit) {
		if (apic_timer_start(hz)) {
			source = "local APIC timer";
			return;
		}
		kprintf("timer: the local APIC timer does not interrupt; falling back to the PIT\n");
	}
	if (!rates.pit_alive)
		boot_fail("timer: no PIT answers, so there is no tick (%s)",
		          cpu_features.lapic ? "timer=pit, or the APIC timer failed" : "and no local APIC");
	if (!pit_timer_start(hz))
		boot_fail("timer: the PIT's IRQ 0 never arrived (no 8259 PIC, or it is not wired to the CPU)");
	source = !cpu_features.lapic ? "PIT (no local APIC)" : use_pit ? "PIT (forced by timer=pit)" : "PIT (the APIC timer failed)";
}

const char *arch_timer_source(void) { return source; }

bool lapic_enabled(void) { return apic != 0; }
void lapic_eoi(void) { apic_write(APIC_EOI, 0); }
uint32_t lapic_id(void) { return apic_read(0x020) >> 24; }
