/* KernelLog: the kernel's own log while a user driver owns the console
 * device, and the handoff of that device (docs/hardware.md, "serial").
 *
 * The kernel writes to the UART itself until a user IoPort covering it
 * exists (kernel/cap/io_port.c claims it when one is made, and releases it
 * when the object is gone; direct access holds the object until its process
 * exits). From then on kprintf and the kernel Console append to the log
 * buffer (kernel/log.c), and the driver reads it out through this object:
 * read takes bytes, bind names a Notification to signal when text arrives.
 * The signal is sent from the timer tick (or at once by the kernel Console),
 * never from inside kprintf, which runs anywhere. When the last claim goes
 * the kernel takes the UART back, writes what is buffered and drops the
 * binding, whose Notification belonged to the driver. */
#include "kernel/cap/kernel_log.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/notification.h"
#include "kernel/log.h"
#include "kernel/process.h"

#define KERNEL_LOG_READ_MAX 4096u

static uint32_t claims;
static struct kobject *bound; /* referenced; NULL: nobody to tell */
static uint64_t bound_bits;
static bool told;             /* bound was signalled for what is buffered */

void kernel_log_claim(void)
{
	if (claims++ == 0) {
		kprintf("console: a user driver owns the UART; kernel messages go through it (KernelLog)\n");
		log_set_buffered(true);
	}
}

static void unbind(void)
{
	struct kobject *n = bound;
	bound = 0;
	told = false;
	if (n)
		kobject_put(n);
}

void kernel_log_release(void)
{
	KASSERT(claims > 0, "every release matches a claim");
	if (--claims)
		return;
	log_set_buffered(false);
	kprintf("console: the kernel has the UART back\n");
	unbind();
}

void kernel_log_wake(void)
{
	if (bound && !told && log_pending()) {
		told = true;
		notification_signal(bound, bound_bits);
	}
}

static int kl_read(void *self, struct capnp_call *call, capos_KernelLog_read_Params params,
                   capos_KernelLog_read_Results_builder results)
{
	(void)self, (void)call;
	uint32_t max = capos_KernelLog_read_Params_get_max(params);
	/* Decode. */
	if (max == 0 || max > KERNEL_LOG_READ_MAX)
		return CAPOS_E_BAD_ARGUMENT;
	/* The bytes are peeked and dropped only once the results hold them:
	 * a results buffer too small for them (TOO_BIG) loses nothing. (The
	 * arena is at most the caller's buffer, so what fits it is copied
	 * out.) One call at a time on one CPU: the chunk can be static. */
	static uint8_t chunk[KERNEL_LOG_READ_MAX];
	uint32_t n = log_peek(chunk, max);
	if (capos_KernelLog_read_Results_set_data(results, chunk, n))
		return CAPOS_E_TOO_BIG;
	/* Invoke. */
	capos_KernelLog_read_Results_set_lost(results, log_drop(n));
	told = false;
	return CAPOS_OK;
}

static int kl_bind(void *self, struct capnp_call *call, capos_KernelLog_bind_Params params,
                   capos_KernelLog_bind_Results_builder results)
{
	(void)self, (void)results;
	struct call *c = call_of(call);
	struct kobject *n;
	uint64_t bits;
	int err = notification_for_bind(c->caller, capos_KernelLog_bind_Params_get_notification(params),
	                                capos_KernelLog_bind_Params_get_bits(params), &n, &bits);
	if (err)
		return err;
	if (!claims)
		return CAPOS_E_BUSY; /* the kernel writes the UART itself: nothing will be buffered */
	/* Invoke. */
	kobject_get(n);
	unbind();
	bound = n;
	bound_bits = bits;
	kernel_log_wake(); /* what was buffered before the bind */
	return CAPOS_OK;
}

static const struct capos_KernelLog_server server = { .read = kl_read, .bind = kl_bind };

static int kl_call(struct kobject *o, struct call *c) { return capos_KernelLog_dispatch(&server, o, &c->base); }

static const struct kobject_ops kernel_log_ops = {
	.iface = &capos_KernelLog_interface,
	.call = kl_call,
};

static struct kobject kernel_log = KOBJECT_INIT(&kernel_log_ops);

struct kobject *kernel_log_object(void) { return &kernel_log; }
