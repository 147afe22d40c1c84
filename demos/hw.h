/* Helpers for the hardware demos (pci-list, ioport, irq-line, irq-storm,
 * dma-memory, hw-child): one call each, returning CAPOS_OK or the error. */
#ifndef CAPOS_DEMOS_HW_H
#define CAPOS_DEMOS_HW_H

#include "demos/demo.h"
#include "lib/errors.h"

static inline const char *hw_err(int r) { return r >= 0 ? "ok" : capos_strerror(r); }

static inline int hw_restrict(capos_IoPort io, uint32_t offset, uint32_t count, capos_IoPort *out)
{
	RT_CLIENT(cl, 64);
	capos_IoPort_restrict_Params_builder p = capos_IoPort_restrict_begin(&cl);
	capos_IoPort_restrict_Params_set_offset(p, offset);
	capos_IoPort_restrict_Params_set_count(p, count);
	int r = capos_IoPort_restrict_call(io, &cl, 0);
	*out = (capos_IoPort){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_out(capos_IoPort io, uint32_t offset, uint8_t width, uint32_t value)
{
	RT_CLIENT(cl, 64);
	capos_IoPort_out_Params_builder p = capos_IoPort_out_begin(&cl);
	capos_IoPort_out_Params_set_offset(p, offset);
	capos_IoPort_out_Params_set_width(p, width);
	capos_IoPort_out_Params_set_value(p, value);
	int r = capos_IoPort_out_call(io, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_in(capos_IoPort io, uint32_t offset, uint8_t width, uint32_t *value)
{
	RT_CLIENT(cl, 64);
	capos_IoPort_in_Params_builder p = capos_IoPort_in_begin(&cl);
	capos_IoPort_in_Params_set_offset(p, offset);
	capos_IoPort_in_Params_set_width(p, width);
	capos_IoPort_in_Results res;
	int r = capos_IoPort_in_call(io, &cl, &res);
	if (r >= 0)
		*value = capos_IoPort_in_Results_get_value(res);
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_direct(capos_IoPort io)
{
	RT_CLIENT(cl, 64);
	int r = capos_IoPort_direct_call(io, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static inline void hw_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t hw_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline int hw_notification(capos_Notification *n)
{
	RT_CLIENT(cl, 64);
	int r = capos_ObjectFactory_notification_call(RT_CAP(capos_ObjectFactory, "factory"), &cl, 0);
	*n = (capos_Notification){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_irq_line(uint32_t irq, capos_IrqLine *out)
{
	RT_CLIENT(cl, 64);
	capos_IrqControl_line_Params_set_irq(capos_IrqControl_line_begin(&cl), irq);
	int r = capos_IrqControl_line_call(RT_CAP(capos_IrqControl, "irq"), &cl, 0);
	*out = (capos_IrqLine){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_bind(capos_IrqLine l, uint32_t notification, uint64_t bits)
{
	RT_CLIENT(cl, 64);
	capos_IrqLine_bind_Params_builder p = capos_IrqLine_bind_begin(&cl);
	capos_IrqLine_bind_Params_set_notification(p, notification);
	capos_IrqLine_bind_Params_set_bits(p, bits);
	int r = capos_IrqLine_bind_call(l, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static inline int hw_ack(capos_IrqLine l)
{
	RT_CLIENT(cl, 64);
	int r = capos_IrqLine_ack_call(l, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

/* The line's delivered-interrupt count (UINT64_MAX on error). */
static inline uint64_t hw_irq_count(capos_IrqLine l, bool *ioapic)
{
	RT_CLIENT(cl, 64);
	capos_IrqLine_info_Results r;
	if (capos_IrqLine_info_call(l, &cl, &r) < 0)
		return UINT64_MAX;
	if (ioapic)
		*ioapic = capos_IrqLine_info_Results_get_ioapic(r);
	return capos_IrqLine_info_Results_get_count(r);
}

/* Waits on n (a ring RECV) up to timeout_ns (0: for ever); the bits, or 0
 * on timeout. A RECV that timed out stays posted and is the one the next
 * call waits for (one notification per process in these demos). */
static inline uint64_t hw_wait(capos_Notification n, uint64_t timeout_ns)
{
	static uint64_t word, pending;
	if (!pending) {
		struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = n.id, .user_data = rt_ring_next_user_data(),
			                 .buf = (uint64_t)(uintptr_t)&word, .buf_cap = 8 };
		word = 0;
		while (rt_ring_submit(&sqe) == RT_SQ_FULL)
			sys_cap_enter(0, 0);
		pending = sqe.user_data;
	}
	struct capos_cqe c;
	sys_cap_enter(0, 0);
	if (timeout_ns) {
		uint64_t waited = 0;
		while (!rt_ring_poll(pending, &c)) {
			if (waited >= timeout_ns)
				return 0;
			sys_cap_enter(1, 10000000);
			waited += 10000000;
		}
	} else if (!rt_ring_wait(pending, &c)) {
		return 0;
	}
	pending = 0;
	return c.result == 8 ? word : 0;
}

/* The CMOS RTC through an IoPort for ports 0x70-0x71. */
static inline uint8_t rtc_read(capos_IoPort rtc, uint8_t reg)
{
	uint32_t v = 0;
	hw_out(rtc, 0, 1, reg | 0x80); /* NMI stays disabled while we talk to it */
	hw_in(rtc, 1, 1, &v);
	return (uint8_t)v;
}

static inline void rtc_write(capos_IoPort rtc, uint8_t reg, uint8_t v)
{
	hw_out(rtc, 0, 1, reg | 0x80);
	hw_out(rtc, 1, 1, v);
}

/* Starts the RTC's periodic interrupt at 32768 >> (rate - 1) Hz (rate 3..15). */
static inline void rtc_periodic(capos_IoPort rtc, uint8_t rate)
{
	rtc_write(rtc, 0x0A, (uint8_t)((rtc_read(rtc, 0x0A) & 0xF0) | rate));
	rtc_write(rtc, 0x0B, rtc_read(rtc, 0x0B) | 0x40);
	rtc_read(rtc, 0x0C);
}

static inline void rtc_stop(capos_IoPort rtc)
{
	rtc_write(rtc, 0x0B, rtc_read(rtc, 0x0B) & ~0x40);
	rtc_read(rtc, 0x0C);
}

#endif
