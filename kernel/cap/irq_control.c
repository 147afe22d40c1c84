/* IrqControl: the boot object that hands out IrqLines (init's "irq").
 * Each ISA line has at most one IrqLine at a time: a second line() for it
 * is BUSY until the first IrqLine's last capability is gone. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/irq_line.h"
#include "kernel/cap/kobject.h"
#include "kernel/process.h"

static int ic_line(void *self, struct capnp_call *call, capos_IrqControl_line_Params params,
                   capos_IrqControl_line_Results_builder results)
{
	(void)self;
	struct call *c = call_of(call);
	uint32_t irq = capos_IrqControl_line_Params_get_irq(params);
	/* Decode. */
	int err = irq_line_check(irq);
	if (err)
		return err;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	if ((err = irq_line_new(c->caller->kmem, irq, &o)))
		return err;
	/* Invoke. */
	capos_IrqControl_line_Results_set_line_cap(results, (capos_IrqLine){ call_give(c, o, capos_IrqLine_RIGHTS) });
	return CAPOS_OK;
}

static const struct capos_IrqControl_server server = { .line = ic_line };

static int ic_call(struct kobject *o, struct call *c) { return capos_IrqControl_dispatch(&server, o, &c->base); }

static const struct kobject_ops irq_control_ops = {
	.iface = &capos_IrqControl_interface,
	.call = ic_call,
};

static struct kobject irq_control = KOBJECT_INIT(&irq_control_ops);

struct kobject *irq_control_object(void) { return &irq_control; }
