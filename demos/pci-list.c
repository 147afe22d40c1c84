/* pci-list: the PciBus and PciDevice capabilities (docs/hardware.md). Lists
 * every function from init's PciBus, checks that QEMU q35's chipset is
 * there with its IDs (host bridge 8086:29c0, ISA bridge 8086:2918, SATA
 * 8086:2922, SMBus 8086:2930), takes the SMBus controller's PciDevice and
 * reads its own configuration space, gets its I/O BAR as an IoPort and its
 * interrupt as an IrqLine, and has writes that would move a BAR, rewrite an
 * ID or turn on bus mastering without the right refused. With the argument
 * "none" it expects a machine without PCI (microvm): an empty bus. */
#include "demos/hw.h"

const char demo_name[] = "pci-list";

static int by_id(capos_PciBus bus, uint16_t vendor, uint16_t device, capos_PciDevice *out)
{
	RT_CLIENT(cl, 64);
	capos_PciBus_byId_Params_builder p = capos_PciBus_byId_begin(&cl);
	capos_PciBus_byId_Params_set_vendorId(p, vendor);
	capos_PciBus_byId_Params_set_deviceId(p, device);
	int r = capos_PciBus_byId_call(bus, &cl, 0);
	*out = (capos_PciDevice){ r >= 0 ? cl.new_cap : 0 };
	return r < 0 ? r : CAPOS_OK;
}

static int cfg_read(capos_PciDevice d, uint32_t off, uint8_t width, uint32_t *v)
{
	RT_CLIENT(cl, 64);
	capos_PciDevice_configRead_Params_builder p = capos_PciDevice_configRead_begin(&cl);
	capos_PciDevice_configRead_Params_set_offset(p, off);
	capos_PciDevice_configRead_Params_set_width(p, width);
	capos_PciDevice_configRead_Results res;
	int r = capos_PciDevice_configRead_call(d, &cl, &res);
	if (r >= 0)
		*v = capos_PciDevice_configRead_Results_get_value(res);
	return r < 0 ? r : CAPOS_OK;
}

static int cfg_write(capos_PciDevice d, uint32_t off, uint8_t width, uint32_t v)
{
	RT_CLIENT(cl, 64);
	capos_PciDevice_configWrite_Params_builder p = capos_PciDevice_configWrite_begin(&cl);
	capos_PciDevice_configWrite_Params_set_offset(p, off);
	capos_PciDevice_configWrite_Params_set_width(p, width);
	capos_PciDevice_configWrite_Params_set_value(p, v);
	int r = capos_PciDevice_configWrite_call(d, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static uint32_t list(capos_PciBus bus, bool *chipset)
{
	RT_CLIENT(cl, 64);
	capos_PciBus_count_Results c;
	if (capos_PciBus_count_call(bus, &cl, &c) < 0)
		return 0;
	uint32_t n = capos_PciBus_count_Results_get_functions(c);
	static const uint32_t want[] = { 0x808629c0, 0x80862918, 0x80862922, 0x80862930 };
	unsigned seen = 0;
	for (uint32_t i = 0; i < n; i++) {
		RT_CLIENT(fl, 64);
		capos_PciBus_function_Params_set_index(capos_PciBus_function_begin(&fl), i);
		capos_PciBus_function_Results f;
		if (capos_PciBus_function_call(bus, &fl, &f) < 0)
			continue;
		uint32_t id = (uint32_t)capos_PciBus_function_Results_get_vendorId(f) << 16 |
		              capos_PciBus_function_Results_get_deviceId(f);
		printf("pci-list: %02x:%02x.%x %04x:%04x class %06x\n", capos_PciBus_function_Results_get_bus(f),
		       capos_PciBus_function_Results_get_device(f), capos_PciBus_function_Results_get_function(f), id >> 16,
		       id & 0xFFFF, capos_PciBus_function_Results_get_classCode(f));
		for (unsigned w = 0; w < 4; w++)
			seen |= (id == want[w]) << w;
	}
	*chipset = seen == 0xF;
	return n;
}

static void smbus(capos_PciBus bus)
{
	capos_PciDevice d;
	int r = by_id(bus, 0x8086, 0x2930, &d);
	CHECK(r == CAPOS_OK, "byId(8086:2930, the SMBus controller): %s", hw_err(r));
	uint32_t v = 0;
	CHECK(cfg_read(d, 0, 4, &v) == CAPOS_OK && v == 0x29308086, "its configuration dword 0: %#x", v);
	CHECK(cfg_read(d, 0x0A, 2, &v) == CAPOS_OK && v == 0x0C05, "its class (0x0a, 16 bits): %#x", v);
	r = cfg_read(d, 2, 4, &v);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an unaligned 32-bit read: %s", hw_err(r));
	r = cfg_read(d, 4096, 1, &v);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "a read past its configuration space: %s", hw_err(r));
	r = cfg_write(d, 0x20, 4, 0xFFFFFFFFu);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "a write to BAR4 (moving its ports): %s", hw_err(r));
	r = cfg_write(d, 0x00, 2, 0x1234);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "a write to the vendor ID: %s", hw_err(r));
	uint32_t cmd = 0;
	cfg_read(d, 4, 2, &cmd);
	CHECK(cfg_write(d, 4, 2, cmd) == CAPOS_OK, "the command register written back unchanged (%#x)", cmd);
	struct rt_grant g = { "dev", d.id, capos_PciDevice_ID, 0,
		              capos_PciDevice_rightConfigRead | capos_PciDevice_rightConfigWrite };
	const char *arg = "busmaster";
	int64_t code = 99;
	r = demo_run(RT_CAP(capos_ProcessSpawner, "spawner"), "hw-child", &g, 1, &arg, 1, 0, &code);
	CHECK(r == CAPOS_OK && code == 0, "a child granted it without rightBusMaster is refused turning bus mastering on "
	      "(exit %lld)", (long long)code);
	RT_CLIENT(cl, 64);
	capos_PciDevice_bar_Params_set_index(capos_PciDevice_bar_begin(&cl), 4);
	capos_PciDevice_bar_Results b;
	r = capos_PciDevice_bar_call(d, &cl, &b);
	CHECK(r >= 0 && capos_PciDevice_bar_Results_get_kind(b) == 1 && capos_PciDevice_bar_Results_get_size(b) == 64,
	      "BAR4: I/O, 64 ports at %#llx", (unsigned long long)capos_PciDevice_bar_Results_get_base(b));
	RT_CLIENT(ci, 64);
	capos_PciDevice_ioBar_Params_set_index(capos_PciDevice_ioBar_begin(&ci), 4);
	r = capos_PciDevice_ioBar_call(d, &ci, 0);
	capos_IoPort port = { r >= 0 ? ci.new_cap : 0 };
	uint32_t hst = 0;
	CHECK(r >= 0 && hw_in(port, 0, 1, &hst) == CAPOS_OK, "ioBar(4) is an IoPort; its status register reads %#x", hst);
	RT_CLIENT(cm, 64);
	capos_PciDevice_memoryBar_Params_set_index(capos_PciDevice_memoryBar_begin(&cm), 4);
	r = capos_PciDevice_memoryBar_call(d, &cm, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "memoryBar(4) of an I/O BAR: %s", hw_err(r));
	RT_CLIENT(cq, 64);
	r = capos_PciDevice_irqLine_call(d, &cq, 0);
	capos_IrqLine line = { r >= 0 ? cq.new_cap : 0 };
	bool ioapic = false;
	CHECK(r >= 0 && hw_irq_count(line, &ioapic) == 0, "irqLine() gives its INTA line as an IrqLine (%s)",
	      r >= 0 ? (ioapic ? "I/O APIC" : "PIC") : hw_err(r));
	rt_release(line.id);
	RT_CLIENT(cn, 64);
	r = capos_PciDevice_configWrite_call(d, &cn, 0); /* empty params: offset 0, width 0 */
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "a write of width 0: %s", hw_err(r));
}

/* The VGA's MMIO BAR (2) as a device MemoryObject: mapped uncached, its
 * Bochs display ID register read; a ring buffer pointing into it is
 * refused (FAULT): the kernel never copies through device memory. */
static void vga_bar(capos_PciBus bus)
{
	capos_PciDevice d;
	if (by_id(bus, 0x1234, 0x1111, &d) != CAPOS_OK) {
		printf("pci-list: skipped: no QEMU VGA (1234:1111) for the memory BAR checks\n");
		return;
	}
	RT_CLIENT(cl, 64);
	capos_PciDevice_memoryBar_Params_set_index(capos_PciDevice_memoryBar_begin(&cl), 2);
	int r = capos_PciDevice_memoryBar_call(d, &cl, 0);
	capos_MemoryObject mo = { r >= 0 ? cl.new_cap : 0 };
	CHECK(r >= 0, "memoryBar(2) of the VGA: %s", hw_err(r));
	RT_CLIENT(cm, 64);
	capos_MemoryObject_map_Params_set_writable(capos_MemoryObject_map_begin(&cm), true);
	capos_MemoryObject_map_Results m;
	r = capos_MemoryObject_map_call(mo, &cm, &m);
	uint64_t va = r >= 0 ? capos_MemoryObject_map_Results_get_addr(m) : 0;
	uint16_t id = va ? *(volatile uint16_t *)(uintptr_t)(va + 0x500) : 0;
	CHECK(r >= 0 && (id & 0xFFF0) == 0xB0C0, "mapped uncached: its Bochs display ID register reads %#x", id);
	capos_Notification n;
	if (hw_notification(&n) != CAPOS_OK)
		return;
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = n.id, .user_data = rt_ring_next_user_data(),
		                 .buf = va, .buf_cap = 8 };
	struct capos_cqe c = { 0 };
	r = demo_submit_wait(sqe, &c);
	CHECK(c.result == CAPOS_E_FAULT, "a RECV whose buffer is the device memory: %s", hw_err(c.result));
	rt_release(n.id);
}

int main(void)
{
	capos_PciBus bus = RT_CAP(capos_PciBus, "pci");
	bool chipset = false;
	uint32_t n = list(bus, &chipset);
	if (rt_argc() && !strcmp(rt_arg(0), "none")) {
		CHECK(n == 0, "no PCI here: the bus lists %u functions", n);
		return demo_finish();
	}
	CHECK(n >= 4, "PciBus lists %u functions", n);
	CHECK(chipset, "q35's host bridge 8086:29c0, ISA bridge 8086:2918, SATA 8086:2922 and SMBus 8086:2930 are there");
	capos_PciDevice d;
	int r = by_id(bus, 0x1AF4, 0x9999, &d);
	CHECK(r == CAPOS_E_NOT_FOUND, "byId of a device that is not there: %s", hw_err(r));
	RT_CLIENT(cl, 64);
	capos_PciBus_bySlot_Params_builder p = capos_PciBus_bySlot_begin(&cl);
	capos_PciBus_bySlot_Params_set_device(p, 31);
	capos_PciBus_bySlot_Params_set_function(p, 7);
	r = capos_PciBus_bySlot_call(bus, &cl, 0);
	CHECK(r == CAPOS_E_NOT_FOUND, "bySlot(00:1f.7), an empty slot: %s", hw_err(r));
	smbus(bus);
	vga_bar(bus);
	return demo_finish();
}
