/* IrqLine (kernel/cap/irq_line.c): one legacy interrupt line. */
#ifndef CAPOS_KERNEL_CAP_IRQ_LINE_H
#define CAPOS_KERNEL_CAP_IRQ_LINE_H

#include <stdint.h>

struct kmem;
struct kobject;

/* A new IrqLine for ISA IRQ irq, charged to k, with one reference (the
 * caller's). CAPOS_OK; CAPOS_E_BAD_ARGUMENT (not a line drivers may have:
 * arch_irq_lookup), CAPOS_E_BUSY (another IrqLine of irq exists),
 * CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY. Nothing is taken on error. */
int irq_line_new(struct kmem *k, uint32_t irq, struct kobject **out);

/* Whether irq_line_new(irq) would fail, and with what (no side effects). */
int irq_line_check(uint32_t irq);

#include <stdbool.h>

/* Whether some IrqLine is bound to a Notification: a device may still wake
 * a driver, so threads all blocked are waiting for the outside world, not
 * deadlocked (the serial driver waiting for a key). */
bool irq_line_any_bound(void);

#endif
