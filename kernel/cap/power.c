/* Power: halting and rebooting the machine, for whoever the manifest
 * grants it (the shell). halt ends the system the way the kernel does when
 * init is done: a line on the console, then the exit device (under QEMU, a
 * pass). Neither method returns; nothing is torn down first, as at any
 * power-off. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/arch.h"
#include "kernel/cap/kobject.h"
#include "kernel/log.h"
#include "kernel/process.h"

static int power_halt(void *self, struct capnp_call *call, capos_Power_halt_Params params,
                      capos_Power_halt_Results_builder results)
{
	(void)self, (void)params, (void)results;
	log_set_buffered(false); /* the UART back from the serial service, the kernel log flushed */
	kprintf("capOS: halted through the Power capability by pid %u (%s)\n", call_of(call)->caller->pid,
	        call_of(call)->caller->name);
	arch_halt(HALT_PASS);
}

static int power_reboot(void *self, struct capnp_call *call, capos_Power_reboot_Params params,
                        capos_Power_reboot_Results_builder results)
{
	(void)self, (void)params, (void)results;
	log_set_buffered(false);
	kprintf("capOS: rebooting through the Power capability by pid %u (%s)\n", call_of(call)->caller->pid,
	        call_of(call)->caller->name);
	arch_reboot();
}

static const struct capos_Power_server server = { .halt = power_halt, .reboot = power_reboot };

static int power_call(struct kobject *o, struct call *c) { return capos_Power_dispatch(&server, o, &c->base); }

static const struct kobject_ops power_ops = {
	.iface = &capos_Power_interface,
	.call = power_call,
};

static struct kobject power = KOBJECT_INIT(&power_ops);

struct kobject *power_object(void) { return &power; }
