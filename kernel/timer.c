#include "kernel/timer.h"

#include "kernel/arch.h"
#include "kernel/cap/kernel_log.h"
#include "kernel/log.h"
#include "kernel/thread.h"

volatile uint64_t timer_ticks;
uint32_t timer_hz;

void timer_init(uint32_t hz, const char *device)
{
	KASSERT(hz >= 1 && hz <= 10000, "the tick rate was validated by the caller");
	timer_hz = hz;
	arch_timer_init(hz, device);
	kprintf("timer: %s at %u Hz\n", arch_timer_source(), hz);
}

void timer_tick(bool from_user)
{
	timer_ticks++;
	kernel_log_wake(); /* the kernel's lines reach the console driver within a tick */
	sched_tick();
	sched_preempt(from_user);
}
