/* hw-child: the other side of the hardware demos; its argument says what
 * to do and its exit code says how it went (0: as expected).
 *   out80        an outb to port 0x80 with no IoPort: must be killed (#GP)
 *   direct       IoPort "port".direct(), then an outb to its first port
 *   outside      the same, then an outb to the port after the range: killed
 *   physical     MemoryObject "mem".physical(0): expects PERMISSION_DENIED
 *   busmaster    PciDevice "dev": setting the bus-master bit expects
 *                PERMISSION_DENIED, the command register unchanged
 *   line8        IrqLine "line" is ISA IRQ 8 (a manifest-narrowed grant)
 * Driver confinement (test driver-confinement, docs/hardware.md "serial"):
 *   com1         IoPort "port" is COM1's 8 ports: restrict and in past them
 *                are BAD_ARGUMENT; direct, then an inb of COM2's 0x2F8:
 *                must be killed (#GP); exits 20-24 if a check failed first
 *   pci-own      PciDevice "dev" (the SMBus controller) reads its own IDs,
 *                a read past its space is BAD_ARGUMENT, its I/O BAR's
 *                IoPort cannot be widened, and there is no PciBus to find
 *                another function: 0, or 30-34 naming the failed check
 *   klog         KernelLog "kernellog": read max 0 and 5000, bind with no
 *                bits and bind to a capability that is not a Notification
 *                are refused (nothing read: the driver's text stays its
 *                own): 0, or 50-53 naming the failed check
 *   lines:N      writes N lines to "console" (the serial driver's), then one
 *                saying how many calls failed: 0 when at most one did (the
 *                call in flight when the driver died) */
#include "demos/hw.h"
#include "lib/fmt.h"

const char demo_name[] = "hw-child";

static int com1(void)
{
	capos_IoPort port = RT_CAP(capos_IoPort, "port"), wider;
	uint32_t v;
	if (hw_restrict(port, 8, 1, &wider) != CAPOS_E_BAD_ARGUMENT)
		return 20;
	if (hw_restrict(port, 0, 9, &wider) != CAPOS_E_BAD_ARGUMENT)
		return 21;
	if (hw_in(port, 8, 1, &v) != CAPOS_E_BAD_ARGUMENT)
		return 22;
	if (hw_in(port, 5, 1, &v) != CAPOS_OK) /* its own LSR: the range is the UART's */
		return 23;
	if (hw_direct(port) != CAPOS_OK)
		return 24;
	(void)hw_inb(0x2F8); /* COM2: not granted */
	return 25;           /* not reached: #GP */
}

static int pci_own(void)
{
	capos_PciDevice d = RT_CAP(capos_PciDevice, "dev");
	RT_CLIENT(cl, 128);
	capos_PciDevice_configRead_Params_builder p = capos_PciDevice_configRead_begin(&cl);
	capos_PciDevice_configRead_Params_set_offset(p, 0);
	capos_PciDevice_configRead_Params_set_width(p, 4);
	capos_PciDevice_configRead_Results res;
	if (capos_PciDevice_configRead_call(d, &cl, &res) < 0 || capos_PciDevice_configRead_Results_get_value(res) != 0x29308086)
		return 30;
	p = capos_PciDevice_configRead_begin(&cl);
	capos_PciDevice_configRead_Params_set_offset(p, 0x1000); /* the next function's space under ECAM */
	capos_PciDevice_configRead_Params_set_width(p, 4);
	if (capos_PciDevice_configRead_call(d, &cl, 0) != CAPOS_E_BAD_ARGUMENT)
		return 31;
	capos_PciDevice_ioBar_Params_set_index(capos_PciDevice_ioBar_begin(&cl), 4);
	if (capos_PciDevice_ioBar_call(d, &cl, 0) < 0)
		return 32;
	capos_IoPort bar = { cl.new_cap }, wider;
	if (hw_restrict(bar, 0x40, 1, &wider) != CAPOS_E_BAD_ARGUMENT)
		return 33;
	if (rt_capset_find("pci", capos_PciBus_ID) || rt_capset_find("ioports", capos_IoPort_ID))
		return 34;
	return 0;
}

static int klog_read(uint32_t max)
{
	RT_CLIENT(cl, 128);
	capos_KernelLog_read_Params_set_max(capos_KernelLog_read_begin(&cl), max);
	return capos_KernelLog_read_call(RT_CAP(capos_KernelLog, "kernellog"), &cl, 0);
}

static int klog_bind(uint32_t notification, uint64_t bits)
{
	RT_CLIENT(cl, 128);
	capos_KernelLog_bind_Params_builder p = capos_KernelLog_bind_begin(&cl);
	capos_KernelLog_bind_Params_set_notification_cap(p, (capos_Notification){ notification });
	capos_KernelLog_bind_Params_set_bits(p, bits);
	return capos_KernelLog_bind_call(RT_CAP(capos_KernelLog, "kernellog"), &cl, 0);
}

static int klog(void)
{
	capos_Notification n;
	if (klog_read(0) != CAPOS_E_BAD_ARGUMENT)
		return 50;
	if (klog_read(5000) != CAPOS_E_BAD_ARGUMENT)
		return 51;
	if (hw_notification(&n) != CAPOS_OK || klog_bind(n.id, 0) != CAPOS_E_BAD_ARGUMENT)
		return 52;
	if (klog_bind(rt_capset_find("kernellog", capos_KernelLog_ID), 1) != CAPOS_E_WRONG_INTERFACE)
		return 53;
	return 0;
}

static int lines(const char *count)
{
	uint32_t n = 0, failed = 0;
	for (; *count >= '0' && *count <= '9'; count++)
		n = n * 10 + (uint32_t)(*count - '0');
	capos_Console console = RT_CAP(capos_Console, "console");
	for (uint32_t i = 1; i <= n; i++) {
		char line[64];
		int len = fmt_snprintf(line, sizeof line, "confine: line %u of %u", i, n);
		RT_CLIENT(cl, 128);
		capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), line, (size_t)len);
		failed += capos_Console_writeLine_call(console, &cl, 0) < 0;
	}
	printf("confine: %u lines written, %u calls failed (the one in flight when the driver died)\n", n, failed);
	return failed <= 1 ? 0 : 40;
}

int main(void)
{
	const char *what = rt_argc() ? rt_arg(0) : "";
	if (!strcmp(what, "out80")) {
		hw_outb(0x80, 1);
		return 10; /* not reached: #GP */
	}
	if (!strcmp(what, "direct") || !strcmp(what, "outside")) {
		capos_IoPort port = RT_CAP(capos_IoPort, "port");
		RT_CLIENT(cl, 64);
		capos_IoPort_info_Results info;
		if (capos_IoPort_info_call(port, &cl, &info) < 0 || hw_direct(port) != CAPOS_OK)
			return 11;
		uint16_t base = (uint16_t)capos_IoPort_info_Results_get_base(info);
		uint32_t count = capos_IoPort_info_Results_get_count(info);
		hw_outb(base, 2);
		if (!strcmp(what, "outside"))
			hw_outb((uint16_t)(base + count), 3);
		return 0;
	}
	if (!strcmp(what, "physical")) {
		RT_CLIENT(cl, 64);
		capos_MemoryObject_physical_Params_set_page(capos_MemoryObject_physical_begin(&cl), 0);
		int r = capos_MemoryObject_physical_call(RT_CAP(capos_MemoryObject, "mem"), &cl, 0);
		return r == CAPOS_E_PERMISSION_DENIED ? 0 : 12;
	}
	if (!strcmp(what, "busmaster")) {
		capos_PciDevice d = RT_CAP(capos_PciDevice, "dev");
		RT_CLIENT(cl, 64);
		capos_PciDevice_configWrite_Params_builder p = capos_PciDevice_configWrite_begin(&cl);
		capos_PciDevice_configWrite_Params_set_offset(p, 4);
		capos_PciDevice_configWrite_Params_set_width(p, 2);
		capos_PciDevice_configWrite_Params_set_value(p, 0x7);
		int r = capos_PciDevice_configWrite_call(d, &cl, 0);
		return r == CAPOS_E_PERMISSION_DENIED ? 0 : 14;
	}
	if (!strcmp(what, "line8")) {
		RT_CLIENT(cl, 128);
		capos_IrqLine_info_Results info;
		int r = capos_IrqLine_info_call(RT_CAP(capos_IrqLine, "line"), &cl, &info);
		return r >= 0 && capos_IrqLine_info_Results_get_irq(info) == 8 ? 0 : 15;
	}
	if (!strcmp(what, "com1"))
		return com1();
	if (!strcmp(what, "pci-own"))
		return pci_own();
	if (!strcmp(what, "klog"))
		return klog();
	if (!strncmp(what, "lines:", 6))
		return lines(what + 6);
	return 13;
}
