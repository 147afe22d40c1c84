/* The 8254 PIT: channel 2 (gated through port 0x61, output readable there)
 * is the kernel's reference clock for calibration and delays; channel 0 is
 * the fallback tick when there is no local APIC. */
#include "kernel/arch/x86_64/pit.h"

#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"

#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define MAX_CHUNK_MS 50 /* 50 ms = 59659 counts: fits the 16-bit counter */

/* One-shot on channel 2 (mode 0): OUT2 rises when the count reaches zero. */
static void delay_chunk(uint32_t ms)
{
	uint32_t count = PIT_HZ * ms / 1000;
	uint8_t b = inb(PORT_B) & ~(PORT_B_SPEAKER | PORT_B_GATE2);
	outb(PORT_B, b);
	outb(PIT_CMD, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, (count >> 8) & 0xFF);
	outb(PORT_B, b | PORT_B_GATE2);
	while (!(inb(PORT_B) & PORT_B_OUT2))
		cpu_relax();
	outb(PORT_B, b);
}

void arch_delay_ms(uint32_t ms)
{
	while (ms) {
		uint32_t chunk = ms < MAX_CHUNK_MS ? ms : MAX_CHUNK_MS;
		delay_chunk(chunk);
		ms -= chunk;
	}
}

/* The reference clock: channel 2 free-running in mode 2 over the full 16-bit
 * range (wraps every 54.9 ms). Each read adds the counts since the previous
 * one, so reads must come at least every ~50 ms (the tick guarantees that
 * for a caller that halts between reads, as hz >= 20). Reading rarely, once
 * per wake-up instead of in a tight port-I/O loop, also keeps an emulator's
 * timers undisturbed. */
static uint16_t refclock_last;
static uint64_t refclock_counts;

static uint16_t read_channel2(void)
{
	outb(PIT_CMD, 0x80); /* latch channel 2 */
	uint8_t lo = inb(PIT_CH2);
	return (uint16_t)(lo | (inb(PIT_CH2) << 8));
}

void arch_refclock_start(void)
{
	uint8_t b = inb(PORT_B) & ~(PORT_B_SPEAKER | PORT_B_GATE2);
	outb(PORT_B, b);
	outb(PIT_CMD, 0xB4); /* channel 2, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH2, 0);    /* 0 = 65536 */
	outb(PIT_CH2, 0);
	outb(PORT_B, b | PORT_B_GATE2);
	refclock_last = read_channel2();
	refclock_counts = 0;
}

uint64_t arch_refclock_elapsed_us(void)
{
	uint16_t now = read_channel2();
	refclock_counts += (uint16_t)(refclock_last - now); /* counts down, wraps */
	refclock_last = now;
	return refclock_counts * 1000000 / PIT_HZ;
}

void pit_start_periodic(uint32_t hz)
{
	uint32_t divisor = (PIT_HZ + hz / 2) / hz;
	if (divisor > 0xFFFF)
		divisor = 0xFFFF;
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(PIT_CH0, divisor & 0xFF);
	outb(PIT_CH0, (divisor >> 8) & 0xFF);
}
