/* hw-child: the other side of the hardware demos; its argument says what
 * to do and its exit code says how it went (0: as expected).
 *   out80        an outb to port 0x80 with no IoPort: must be killed (#GP)
 *   direct       IoPort "port".direct(), then an outb to its first port
 *   outside      the same, then an outb to the port after the range: killed
 *   physical     MemoryObject "mem".physical(0): expects PERMISSION_DENIED
 *   busmaster    PciDevice "dev": setting the bus-master bit expects
 *                PERMISSION_DENIED, the command register unchanged
 *   line8        IrqLine "line" is ISA IRQ 8 (a manifest-narrowed grant) */
#include "demos/hw.h"

const char demo_name[] = "hw-child";

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
	return 13;
}
