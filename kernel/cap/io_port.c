/* IoPort: x86 I/O ports [base, base + count).
 *
 * in/out through the ring act on one port of the range, width 1, 2 or 4,
 * the access wholly inside the range; restrict makes a narrower IoPort with
 * the same rights (charged to the caller); direct lets the calling process
 * run in/out on the whole range itself through the TSS I/O permission
 * bitmap (kernel/arch/x86_64/ioport.c) until it exits. Every access and
 * every range touching a port the kernel drives itself (arch_io_reserved:
 * PIC, PIT, COM1, PCI configuration, the exit device) is
 * PERMISSION_DENIED, whatever the capability's rights: the root object
 * covers the whole port space, so this is what keeps the kernel's own
 * devices its own (docs/hardware.md).
 *
 * COM1, the kernel console's UART, is handed over instead: an IoPort made
 * (restrict) covering any of its ports is a console IoPort; while one
 * exists the kernel logs to a buffer (kernel/cap/kernel_log.c), and only a
 * console IoPort reaches those ports (the root's own in/out/direct are
 * still refused). Direct access to them holds the object until the process
 * exits, since the instructions keep working after the capability goes. */
#include "kernel/cap/io_port.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/arch.h"
#include "kernel/cap/kernel_log.h"
#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/thread.h"

struct io_port {
	struct kobject obj;
	struct kmem *kmem; /* the creator's account (referenced); NULL for the root */
	uint32_t base, count;
	bool console;      /* covers a console UART port: holds a kernel_log_claim */
};

static struct io_port *io_of(void *self) { return (struct io_port *)self; }

/* Ports [base, base+count) are the kernel's for io: a reserved port, or a
 * console port through an IoPort that is not a console IoPort (the root). */
static bool kernel_ports(const struct io_port *io, uint32_t base, uint32_t count)
{
	return arch_io_reserved(base, count) || (!io->console && arch_io_console(base, count));
}

/* Decodes an access: offset and width inside the range, not a kernel port. */
static int check_access(const struct io_port *io, uint32_t offset, uint8_t width)
{
	if (width != 1 && width != 2 && width != 4)
		return CAPOS_E_BAD_ARGUMENT;
	if (offset >= io->count || width > io->count - offset)
		return CAPOS_E_BAD_ARGUMENT;
	if (kernel_ports(io, io->base + offset, width))
		return CAPOS_E_PERMISSION_DENIED;
	return CAPOS_OK;
}

static int io_in(void *self, struct capnp_call *call, capos_IoPort_in_Params params, capos_IoPort_in_Results_builder results)
{
	(void)call;
	struct io_port *io = io_of(self);
	uint32_t offset = capos_IoPort_in_Params_get_offset(params);
	uint8_t width = capos_IoPort_in_Params_get_width(params);
	int err = check_access(io, offset, width);
	if (err)
		return err;
	capos_IoPort_in_Results_set_value(results, arch_io_in((uint16_t)(io->base + offset), width));
	return CAPOS_OK;
}

static int io_out(void *self, struct capnp_call *call, capos_IoPort_out_Params params, capos_IoPort_out_Results_builder results)
{
	(void)call, (void)results;
	struct io_port *io = io_of(self);
	uint32_t offset = capos_IoPort_out_Params_get_offset(params);
	uint8_t width = capos_IoPort_out_Params_get_width(params);
	int err = check_access(io, offset, width);
	if (err)
		return err;
	arch_io_out((uint16_t)(io->base + offset), width, capos_IoPort_out_Params_get_value(params));
	return CAPOS_OK;
}

static int io_restrict(void *self, struct capnp_call *call, capos_IoPort_restrict_Params params,
                       capos_IoPort_restrict_Results_builder results)
{
	struct call *c = call_of(call);
	struct io_port *io = io_of(self);
	uint32_t offset = capos_IoPort_restrict_Params_get_offset(params);
	uint32_t count = capos_IoPort_restrict_Params_get_count(params);
	/* Decode. */
	if (!count || offset >= io->count || count > io->count - offset)
		return CAPOS_E_BAD_ARGUMENT;
	if (arch_io_reserved(io->base + offset, count))
		return CAPOS_E_PERMISSION_DENIED;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	int err = io_port_new(c->caller->kmem, io->base + offset, count, &o);
	if (err)
		return err;
	/* Invoke. */
	capos_IoPort_restrict_Results_set_port_cap(results, (capos_IoPort){ call_give(c, o, c->slot->rights) });
	return CAPOS_OK;
}

static int io_info(void *self, struct capnp_call *call, capos_IoPort_info_Params params, capos_IoPort_info_Results_builder results)
{
	(void)call, (void)params;
	capos_IoPort_info_Results_set_base(results, io_of(self)->base);
	capos_IoPort_info_Results_set_count(results, io_of(self)->count);
	return CAPOS_OK;
}

static int io_direct(void *self, struct capnp_call *call, capos_IoPort_direct_Params params,
                     capos_IoPort_direct_Results_builder results)
{
	(void)params, (void)results;
	struct call *c = call_of(call);
	struct io_port *io = io_of(self);
	uint32_t both = capos_IoPort_rightRead | capos_IoPort_rightWrite;
	if ((c->slot->rights & both) != both)
		return CAPOS_E_PERMISSION_DENIED; /* direct access reads and writes */
	if (kernel_ports(io, io->base, io->count))
		return CAPOS_E_PERMISSION_DENIED;
	if (arch_io_direct(&thread_current()->arch, (uint16_t)io->base, io->count))
		return CAPOS_E_LIMIT_EXCEEDED;
	if (io->console && !c->caller->console_io) /* the UART stays the driver's until it exits */
		c->caller->console_io = kobject_get(&io->obj);
	return CAPOS_OK;
}

static const struct capos_IoPort_server server = {
	.in = io_in, .out = io_out, .restrict_ = io_restrict, .info = io_info, .direct = io_direct,
};

static int io_call(struct kobject *o, struct call *c) { return capos_IoPort_dispatch(&server, o, &c->base); }

static void io_destroy(struct kobject *o)
{
	struct io_port *io = io_of(o);
	struct kmem *k = io->kmem;
	if (io->console)
		kernel_log_release();
	kmem_free(k, io, sizeof(*io));
	kmem_put(k);
}

static const struct kobject_ops io_port_ops = {
	.iface = &capos_IoPort_interface,
	.call = io_call,
	.destroy = io_destroy,
};

static const struct kobject_ops io_port_root_ops = {
	.iface = &capos_IoPort_interface,
	.call = io_call,
};

static struct io_port root = { .obj = KOBJECT_INIT(&io_port_root_ops), .base = 0, .count = IO_PORT_SPACE };

struct kobject *io_port_root(void) { return &root.obj; }

int io_port_new(struct kmem *k, uint32_t base, uint32_t count, struct kobject **out)
{
	KASSERT(count && base < IO_PORT_SPACE && count <= IO_PORT_SPACE - base, "the caller checked the range");
	int err;
	struct io_port *io = kmem_zalloc(k, sizeof(*io), &err);
	if (!io)
		return err;
	*io = (struct io_port){ .obj = KOBJECT_INIT(&io_port_ops), .kmem = k, .base = base, .count = count,
		                .console = arch_io_console(base, count) };
	kmem_get(k);
	if (io->console)
		kernel_log_claim();
	*out = &io->obj;
	return CAPOS_OK;
}
