/* IrqLine: one legacy (ISA) interrupt line, delivered as bits on a
 * Notification.
 *
 * bind names the Notification and the bits, and unmasks the line. When the
 * line fires, the arch layer has already masked it and acknowledged the
 * controller (kernel/arch/x86_64/ioapic.c); irq_fired signals the bits and,
 * if the CPU was idle, runs the woken driver at once. One interrupt is
 * delivered per ack: one the local APIC had already accepted when the line
 * was masked arrives after it and is dropped (the driver services the
 * device after each notification, so nothing it signalled is lost). The line stays masked
 * until the driver calls ack, so a device that never stops interrupting
 * costs one interrupt per ack, never the CPU (system test irq-storm). Each
 * line has at most one IrqLine at a time (lines[]); the object holds its
 * Notification referenced, and when the last capability goes the line is
 * masked and freed for the next taker. */
#include "kernel/cap/irq_line.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/arch.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/notification.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/thread.h"

struct irq_line {
	struct kobject obj;
	struct kmem *kmem;        /* the creator's account (referenced) */
	uint32_t irq;
	struct arch_irq_route route;
	struct kobject *notification; /* referenced; NULL until bind */
	uint64_t bits;
	uint64_t count;           /* interrupts delivered */
	uint64_t fired_at;        /* arch_cycles() when the last one was taken */
	bool delivered;           /* one was delivered and not acked yet: an
	                             interrupt the local APIC took before the
	                             line was masked is dropped, not delivered */
};

static struct irq_line *lines[ARCH_IRQ_LINES];

static struct irq_line *line_of(void *self) { return (struct irq_line *)self; }

void irq_fired(uint32_t irq)
{
	struct irq_line *l = irq < ARCH_IRQ_LINES ? lines[irq] : 0;
	if (!l || !l->notification || l->delivered)
		return; /* nobody to tell, or told already: it stays masked */
	l->delivered = true;
	l->count++;
	l->fired_at = arch_cycles();
	notification_signal(l->notification, l->bits);
	sched_preempt(false); /* from idle, the driver runs now */
}

static int il_bind(void *self, struct capnp_call *call, capos_IrqLine_bind_Params params,
                   capos_IrqLine_bind_Results_builder results)
{
	(void)results;
	struct irq_line *l = line_of(self);
	struct call *c = call_of(call);
	struct kobject *n;
	uint64_t bits;
	int err = notification_for_bind(c->caller, capos_IrqLine_bind_Params_get_notification(params),
	                                capos_IrqLine_bind_Params_get_bits(params), &n, &bits);
	if (err)
		return err;
	/* Invoke. */
	kobject_get(n);
	if (l->notification)
		kobject_put(l->notification);
	l->notification = n;
	l->bits = bits;
	l->delivered = false;
	arch_irq_unmask(l->irq);
	return CAPOS_OK;
}

static int il_ack(void *self, struct capnp_call *call, capos_IrqLine_ack_Params params, capos_IrqLine_ack_Results_builder results)
{
	(void)call, (void)params, (void)results;
	struct irq_line *l = line_of(self);
	if (!l->notification)
		return CAPOS_E_BUSY; /* not bound: nothing to acknowledge */
	l->delivered = false;
	arch_irq_unmask(l->irq);
	return CAPOS_OK;
}

static int il_info(void *self, struct capnp_call *call, capos_IrqLine_info_Params params,
                   capos_IrqLine_info_Results_builder r)
{
	(void)call, (void)params;
	struct irq_line *l = line_of(self);
	capos_IrqLine_info_Results_set_irq(r, l->irq);
	capos_IrqLine_info_Results_set_gsi(r, l->route.gsi);
	capos_IrqLine_info_Results_set_level(r, l->route.level);
	capos_IrqLine_info_Results_set_activeLow(r, l->route.active_low);
	capos_IrqLine_info_Results_set_count(r, l->count);
	capos_IrqLine_info_Results_set_ioapic(r, l->route.controller[0] == 'I');
	capos_IrqLine_info_Results_set_firedAt(r, l->fired_at);
	return CAPOS_OK;
}

static const struct capos_IrqLine_server server = { .bind = il_bind, .ack = il_ack, .info = il_info };

static int il_call(struct kobject *o, struct call *c) { return capos_IrqLine_dispatch(&server, o, &c->base); }

/* The last capability went: the line is masked and free again. */
static void il_destroy(struct kobject *o)
{
	struct irq_line *l = line_of(o);
	arch_irq_mask(l->irq);
	lines[l->irq] = 0;
	if (l->notification)
		kobject_put(l->notification);
	struct kmem *k = l->kmem;
	kmem_free(k, l, sizeof(*l));
	kmem_put(k);
}

static const struct kobject_ops irq_line_ops = {
	.iface = &capos_IrqLine_interface,
	.call = il_call,
	.destroy = il_destroy,
};

bool irq_line_any_bound(void)
{
	for (uint32_t i = 0; i < ARCH_IRQ_LINES; i++)
		if (lines[i] && lines[i]->notification)
			return true;
	return false;
}

int irq_line_check(uint32_t irq)
{
	struct arch_irq_route r;
	if (!arch_irq_lookup(irq, &r))
		return CAPOS_E_BAD_ARGUMENT;
	return lines[irq] ? CAPOS_E_BUSY : CAPOS_OK;
}

int irq_line_new(struct kmem *k, uint32_t irq, struct kobject **out)
{
	int err = irq_line_check(irq);
	if (err)
		return err;
	struct irq_line *l = kmem_zalloc(k, sizeof(*l), &err);
	if (!l)
		return err;
	*l = (struct irq_line){ .obj = KOBJECT_INIT(&irq_line_ops), .kmem = k, .irq = irq };
	arch_irq_lookup(irq, &l->route);
	kmem_get(k);
	lines[irq] = l;
	*out = &l->obj;
	return CAPOS_OK;
}
