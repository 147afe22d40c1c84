/* The local APIC and the kernel tick.
 *
 * The APIC timer's input clock is unknown, so it is calibrated against the
 * PIT: count APIC ticks over five 10 ms PIT one-shots and keep the smallest.
 * Noticing the PIT's end late (an SMI, or a virtual CPU descheduled by its
 * host) only ever adds APIC ticks, so the minimum is the best estimate.
 * Without a local APIC (or with timer=pit) the PIT drives the tick through
 * the legacy PIC instead. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
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
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3E0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define DIVIDE_BY_16 0x3
#define APIC_BASE_ENABLE (1ull << 11)
#define CALIBRATION_MS 10
#define CALIBRATION_RUNS 5

static volatile uint32_t *apic;
static const char *source = "none";

static uint32_t apic_read(uint32_t reg) { return apic[reg / 4]; }
static void apic_write(uint32_t reg, uint32_t v) { apic[reg / 4] = v; }

static void apic_timer_interrupt(struct trap_frame *tf)
{
	apic_write(APIC_EOI, 0);
	timer_tick((tf->cs & 3) == 3);
}

static void pit_timer_interrupt(struct trap_frame *tf)
{
	pic_eoi(0);
	timer_tick((tf->cs & 3) == 3);
}

/* APIC timer ticks (at divide-by-16) per CALIBRATION_MS of PIT time. */
static uint32_t calibrate_once(void)
{
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_16);
	apic_write(APIC_TIMER_INITIAL, 0xFFFFFFFFu);
	arch_delay_ms(CALIBRATION_MS);
	uint32_t elapsed = 0xFFFFFFFFu - apic_read(APIC_TIMER_CURRENT);
	apic_write(APIC_TIMER_INITIAL, 0);
	return elapsed;
}


static void apic_timer_start(uint32_t hz)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	apic = vm_map_mmio(base & 0x000FFFFFFFFFF000ull, 4096);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);

	uint32_t per_interval = 0xFFFFFFFFu;
	for (int i = 0; i < CALIBRATION_RUNS; i++) {
		uint32_t n = calibrate_once();
		per_interval = n < per_interval ? n : per_interval;
	}
	uint64_t per_second = (uint64_t)per_interval * (1000 / CALIBRATION_MS);
	uint64_t initial = per_second / hz;
	if (initial == 0)
		panic("APIC timer calibration failed (%u ticks in %u ms)", per_interval, CALIBRATION_MS);
	kprintf("timer: APIC timer runs at %llu kHz (divide by 16)\n", (unsigned long long)per_second / 1000);
	trap_set_handler(VECTOR_TIMER, apic_timer_interrupt);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VECTOR_TIMER);
	apic_write(APIC_TIMER_INITIAL, (uint32_t)(initial > 0xFFFFFFFFu ? 0xFFFFFFFFu : initial));
}

bool arch_timer_device_known(const char *device) { return !strcmp(device, "apic") || !strcmp(device, "pit"); }
const char *arch_timer_devices(void) { return "'apic' or 'pit'"; }

void arch_timer_init(uint32_t hz, const char *device)
{
	bool use_pit = !strcmp(device, "pit");
	pic_init();
	if (cpu_features.lapic && !use_pit) {
		apic_timer_start(hz);
		source = "local APIC timer (calibrated against the PIT)";
		return;
	}
	trap_set_handler(VECTOR_PIC_BASE + 0, pit_timer_interrupt);
	pit_start_periodic(hz);
	pic_unmask(0);
	source = cpu_features.lapic ? "PIT (forced by timer=pit)" : "PIT (no local APIC)";
}

const char *arch_timer_source(void) { return source; }
