/* irq-line: the IrqLine capability (docs/hardware.md) with the CMOS RTC's
 * periodic interrupt, ISA IRQ 8. The demo takes the line from init's
 * IrqControl, binds it to a Notification, programs the RTC through an
 * IoPort for ports 0x70-0x71 and, five times, waits for the notification,
 * reads RTC register C (which lowers the RTC's request) and acks. Hostile
 * calls are refused by name; after the line is released another taker
 * gets it. */
#include "demos/hw.h"

const char demo_name[] = "irq-line";

#define BIT_RTC 0x100

int main(void)
{
	capos_IoPort root = RT_CAP(capos_IoPort, "ioports"), rtc;
	capos_IrqLine line = { 0 }, other = { 0 };
	capos_Notification n = { 0 };
	CHECK(hw_restrict(root, 0x70, 2, &rtc) == CAPOS_OK, "an IoPort for the RTC (0x70-0x71)");
	CHECK(hw_notification(&n) == CAPOS_OK, "a notification");
	int r = hw_irq_line(8, &line);
	CHECK(r == CAPOS_OK, "IrqControl.line(8): %s", hw_err(r));
	bool ioapic = false;
	hw_irq_count(line, &ioapic);
	printf("irq-line: IRQ 8 is routed through the %s\n", ioapic ? "I/O APIC" : "8259 PIC");
	r = hw_irq_line(8, &other);
	CHECK(r == CAPOS_E_BUSY, "a second line(8) while the first exists: %s", hw_err(r));
	r = hw_irq_line(0, &other);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "line(0), the timer's: %s", hw_err(r));
	r = hw_irq_line(2, &other);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "line(2), the cascade: %s", hw_err(r));
	r = hw_irq_line(16, &other);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "line(16): %s", hw_err(r));
	r = hw_ack(line);
	CHECK(r == CAPOS_E_BUSY, "ack before bind: %s", hw_err(r));
	r = hw_bind(line, n.id, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "bind with no bits: %s", hw_err(r));
	r = hw_bind(line, RT_CAP(capos_Console, "console").id, BIT_RTC);
	CHECK(r == CAPOS_E_WRONG_INTERFACE, "bind to the console instead of a notification: %s", hw_err(r));
	r = hw_bind(line, 0xDEAD, BIT_RTC);
	CHECK(r == CAPOS_E_BAD_CAP || r == CAPOS_E_STALE_CAP, "bind to a forged CapId: %s", hw_err(r));
	CHECK(hw_bind(line, n.id, BIT_RTC) == CAPOS_OK, "bind(notification, 0x100)");
	rtc_periodic(rtc, 10); /* 64 Hz */
	int got = 0;
	for (int i = 0; i < 5; i++) {
		uint64_t bits = hw_wait(n, 2000000000ull);
		if (bits != BIT_RTC)
			break;
		rtc_read(rtc, 0x0C);
		if (hw_ack(line) != CAPOS_OK)
			break;
		got++;
	}
	rtc_stop(rtc);
	CHECK(got == 5, "5 interrupts: each woke the wait with 0x100, was serviced and acked (%d)", got);
	uint64_t count = hw_irq_count(line, 0);
	CHECK(count >= 5 && count <= 6, "the line counts %llu delivered interrupts", (unsigned long long)count);
	rt_release(line.id);
	r = hw_irq_line(8, &other);
	CHECK(r == CAPOS_OK, "with the first IrqLine released, line(8) is free again: %s", hw_err(r));
	return demo_finish();
}
