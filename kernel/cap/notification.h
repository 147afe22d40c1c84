/* Notification (kernel/cap/notification.c): a word of event bits. */
#ifndef CAPOS_KERNEL_CAP_NOTIFICATION_H
#define CAPOS_KERNEL_CAP_NOTIFICATION_H

struct kmem;
struct kobject;

/* A new notification with no bits set, charged to k, with one reference
 * (the caller's). CAPOS_OK, or CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY. */
int notification_new(struct kmem *k, struct kobject **out);

#include <stdbool.h>
#include <stdint.h>

/* Whether o is a notification. */
bool notification_is(const struct kobject *o);

struct process;

/* The notification a bind names (IrqLine.bind, KernelLog.bind): cap in p's
 * table must be a real Notification with rightSignal. *out (not
 * referenced) and *bits = bits | the capability's badge; CAPOS_OK, or
 * BAD_ARGUMENT for no bits, the lookup's error, PERMISSION_DENIED. */
int notification_for_bind(struct process *p, uint32_t cap, uint64_t bits, struct kobject **out, uint64_t *badged);

/* ORs bits into n's word and hands it to its waiters, as signal does
 * (callable from interrupt context: IrqLine). */
void notification_signal(struct kobject *n, uint64_t bits);

#endif
