/* The periodic tick. The architecture's interrupt handler calls timer_tick;
 * everything else reads timer_ticks. */
#ifndef CAPOS_KERNEL_TIMER_H
#define CAPOS_KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_DEFAULT_HZ 100

extern volatile uint64_t timer_ticks;
extern uint32_t timer_hz;

/* Starts the tick at hz (1..10000) on the named timer device (one the
 * architecture knows, "" for its default). */
void timer_init(uint32_t hz, const char *device);
/* Called by the architecture's tick interrupt, after it acknowledged the
 * interrupt: counts, wakes sleepers, may switch threads (from_user: the tick
 * interrupted user mode). */
void timer_tick(bool from_user);

#endif
