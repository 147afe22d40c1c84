/* Console: text output to the kernel's serial console (while a user driver
 * owns the UART, through the kernel log buffer it reads: KernelLog). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kernel_log.h"
#include "kernel/cap/kobject.h"
#include "kernel/log.h"

#define CONSOLE_MAX_TEXT 4096u /* per call: longer text is refused, not cut */

/* write and writeLine: the text, bounded, then end. */
static int print(struct capnp_call *call, struct capnp_text text, const char *end)
{
	if (capnp_msg_error(call->params))
		return CAPOS_E_BAD_MESSAGE;
	if (text.len > CONSOLE_MAX_TEXT)
		return CAPOS_E_BAD_ARGUMENT;
	kprintf("%.*s%s", (int)text.len, text.str ? text.str : "", end);
	kernel_log_wake(); /* buffered: tell the driver now, not at the next tick */
	return CAPOS_OK;
}

static int console_write(void *self, struct capnp_call *call, capos_Console_write_Params params,
                         capos_Console_write_Results_builder results)
{
	(void)self, (void)results;
	return print(call, capos_Console_write_Params_get_text(params), "");
}

static int console_write_line(void *self, struct capnp_call *call, capos_Console_writeLine_Params params,
                              capos_Console_writeLine_Results_builder results)
{
	(void)self, (void)results;
	return print(call, capos_Console_writeLine_Params_get_text(params), "\n");
}

static const struct capos_Console_server server = { .write = console_write, .writeLine = console_write_line };

static int console_call(struct kobject *o, struct call *c) { return capos_Console_dispatch(&server, o, &c->base); }

static const struct kobject_ops console_ops = {
	.iface = &capos_Console_interface,
	.call = console_call,
};

static struct kobject console = KOBJECT_INIT(&console_ops);

struct kobject *console_object(void) { return &console; }
