/* Console: text output to the kernel's serial console. Default rights: all
 * (there is only one operation). */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/log.h"

#define CONSOLE_MAX_TEXT 4096u /* per call: longer text is refused, not cut */

static int console_call(struct kobject *o, struct call *c)
{
	(void)o;
	/* write and writeLine have the same params layout. */
	capos_Console_write_Params params = capos_Console_write_Params_root(c->params);
	struct capnp_text text = capos_Console_write_Params_get_text(params);
	if (capnp_msg_error(c->params))
		return CAPOS_E_BAD_MESSAGE;
	if (text.len > CONSOLE_MAX_TEXT)
		return CAPOS_E_BAD_ARGUMENT;
	kprintf("%.*s%s", (int)text.len, text.str ? text.str : "",
	        c->method == capos_Console_writeLine_ORDINAL ? "\n" : "");
	return CAPOS_OK;
}

static const struct kobject_ops console_ops = {
	.name = "Console",
	.interface_id = capos_Console_ID,
	.method_count = capos_Console_METHOD_COUNT,
	.call = console_call,
};

static struct kobject console = { &console_ops, 1 };

struct kobject *console_object(void) { return &console; }
