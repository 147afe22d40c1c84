/* irq-storm: an interrupt line left unacknowledged does not starve the
 * system. The RTC interrupts at 8192 Hz; the demo takes one interrupt and
 * then neither services the RTC nor acks the line for half a second, while
 * a spinner (a process that never enters the kernel) runs beside it: the
 * line delivers nothing more, and this process still runs and makes 200
 * Null calls. Then the demo acks as fast as it can for 100 interrupts with
 * the spinner still there: each costs one interrupt, and the calls still
 * go through. */
#include "demos/hw.h"

const char demo_name[] = "irq-storm";

static int nulls(int n)
{
	int ok = 0;
	for (int i = 0; i < n; i++) {
		RT_CLIENT(cl, 64);
		ok += capos_Null_nop_call(RT_CAP(capos_Null, "null"), &cl, 0) >= 0;
	}
	return ok;
}

int main(void)
{
	capos_IoPort root = RT_CAP(capos_IoPort, "ioports"), rtc;
	capos_IrqLine line = { 0 };
	capos_Notification n = { 0 };
	capos_ProcessHandle spinner = { 0 };
	CHECK(hw_restrict(root, 0x70, 2, &rtc) == CAPOS_OK, "an IoPort for the RTC");
	CHECK(hw_notification(&n) == CAPOS_OK && hw_irq_line(8, &line) == CAPOS_OK &&
	      hw_bind(line, n.id, 1) == CAPOS_OK, "IRQ 8 bound to a notification");
	CHECK(demo_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), "spinner", &spinner) == CAPOS_OK, "a spinner runs");
	rtc_periodic(rtc, 3); /* 8192 Hz */
	CHECK(hw_wait(n, 2000000000ull) == 1, "the first interrupt arrives");
	/* Unacknowledged: the RTC keeps requesting, the line stays masked. */
	uint64_t before = hw_irq_count(line, 0);
	int ok = nulls(200);
	CHECK(ok == 200, "200 Null calls complete with the line unacknowledged and a spinner running");
	CHECK(hw_wait(n, 500000000ull) == 0, "no further notification in 0.5 s without an ack");
	uint64_t after = hw_irq_count(line, 0);
	CHECK(after == before, "the line delivered nothing more (%llu, then %llu)", (unsigned long long)before,
	      (unsigned long long)after);
	/* Serviced as fast as this process can: one interrupt per ack. */
	int got = 0;
	for (int i = 0; i < 100; i++) {
		rtc_read(rtc, 0x0C);
		hw_ack(line);
		if (hw_wait(n, 2000000000ull) != 1)
			break;
		got++;
	}
	CHECK(got == 100, "100 interrupts serviced and acked one by one beside the spinner (%d)", got);
	CHECK(nulls(200) == 200, "200 more Null calls complete");
	rtc_stop(rtc);
	CHECK(demo_kill(spinner) == CAPOS_OK, "the spinner is killed");
	return demo_finish();
}
