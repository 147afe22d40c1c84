/* The 8254 PIT. Channel 0 serves twice: first free-running as the reference
 * the other clocks are calibrated against, read back through the latch
 * command (so nothing depends on port 0x61, which QEMU's microvm lacks);
 * then, without a usable local APIC, as the periodic tick on IRQ 0. */
#include "kernel/arch/x86_64/pit.h"

#include "kernel/arch/x86_64/cpu.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define ALIVE_READS 100000 /* the counter changes every 0.84 us */

void pit_start_free_running(void)
{
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH0, 0);    /* 0 = 65536: wraps every 54.9 ms */
	outb(PIT_CH0, 0);
}

uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	return (uint16_t)(lo | (inb(PIT_CH0) << 8));
}

/* A missing PIT reads as a constant (0xFFFF from an empty bus); a live one
 * changes within a few reads. */
bool pit_alive(void)
{
	uint16_t first = pit_read();
	for (int i = 0; i < ALIVE_READS; i++)
		if (pit_read() != first)
			return true;
	return false;
}

void pit_start_periodic_counts(uint32_t counts)
{
	if (counts > 0xFFFF)
		counts = 0xFFFF;
	if (counts < 2)
		counts = 2;
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(PIT_CH0, counts & 0xFF);
	outb(PIT_CH0, (counts >> 8) & 0xFF);
}

void pit_start_periodic(uint32_t hz) { pit_start_periodic_counts((PIT_HZ + hz / 2) / hz); }
