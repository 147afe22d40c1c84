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

void pit_start_periodic(uint32_t hz)
{
	uint32_t divisor = (PIT_HZ + hz / 2) / hz;
	if (divisor > 0xFFFF)
		divisor = 0xFFFF;
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(PIT_CH0, divisor & 0xFF);
	outb(PIT_CH0, (divisor >> 8) & 0xFF);
}
