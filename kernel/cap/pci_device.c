/* PciDevice: one PCI function, and nothing else.
 *
 * Configuration reads and writes reach this function's own configuration
 * space only, naturally aligned, inside what the mechanism gives (4 KiB
 * through ECAM, 256 bytes through the ports). Writes that would change
 * what the device is or where it decodes are refused with
 * PERMISSION_DENIED: the ID, class and header-type bytes, the BARs, the
 * subsystem IDs, the expansion ROM, the capabilities pointer and the
 * interrupt pin (0x00-0x03, 0x08-0x0B, 0x0E-0x3B, 0x3D-0x3F); and setting
 * the command register's bus-master bit needs rightBusMaster, since a bus
 * master can write any RAM (no IOMMU). The BARs are handed out as IoPorts
 * (I/O BARs) or as device MemoryObjects that map uncached (memory BARs),
 * the legacy interrupt as an IrqLine (the interrupt-line register's ISA
 * IRQ; the ACPI _PRT is not read, so on the I/O APIC this is right where
 * the firmware's PIC routing shows up at the same I/O APIC pin, as on
 * QEMU's q35 and pc). */
#include "kernel/cap/pci_device.h"

#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/arch.h"
#include "kernel/cap/io_port.h"
#include "kernel/cap/irq_line.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/memory_object.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/layout.h"
#include "kernel/pci.h"
#include "kernel/process.h"

#define CFG_COMMAND 0x04
#define CMD_BUS_MASTER 0x4u

struct pci_device {
	struct kobject obj;
	struct kmem *kmem; /* the creator's account (referenced) */
	const struct pci_function *f;
};

static struct pci_device *dev_of(void *self) { return (struct pci_device *)self; }

static int check_config(uint32_t offset, uint8_t width)
{
	if (width != 1 && width != 2 && width != 4)
		return CAPOS_E_BAD_ARGUMENT;
	if (offset % width || offset >= arch_pci_config_size() || width > arch_pci_config_size() - offset)
		return CAPOS_E_BAD_ARGUMENT;
	return CAPOS_OK;
}

/* Whether a write of width bytes at offset touches a register a driver may
 * not change (see the file comment). */
static bool write_protected(uint32_t offset, uint8_t width)
{
	for (uint32_t b = offset; b < offset + width; b++)
		if (b <= 0x03 || (b >= 0x08 && b <= 0x0B) || (b >= 0x0E && b <= 0x3B) || (b >= 0x3D && b <= 0x3F))
			return true;
	return false;
}

static int pd_info(void *self, struct capnp_call *call, capos_PciDevice_info_Params params,
                   capos_PciDevice_info_Results_builder r)
{
	(void)call, (void)params;
	const struct pci_function *f = dev_of(self)->f;
	capos_PciDevice_info_Results_set_bus(r, f->bus);
	capos_PciDevice_info_Results_set_device(r, f->dev);
	capos_PciDevice_info_Results_set_function(r, f->fn);
	capos_PciDevice_info_Results_set_vendorId(r, f->vendor);
	capos_PciDevice_info_Results_set_deviceId(r, f->device);
	capos_PciDevice_info_Results_set_classCode(r, f->class_code);
	capos_PciDevice_info_Results_set_irq(r, f->pin ? f->irq : 0xFF);
	uint8_t bars = 0;
	for (unsigned i = 0; i < PCI_BARS; i++)
		bars |= (uint8_t)((f->bars[i].kind != PCI_BAR_NONE) << i);
	capos_PciDevice_info_Results_set_bars(r, bars);
	return CAPOS_OK;
}

static int pd_config_read(void *self, struct capnp_call *call, capos_PciDevice_configRead_Params params,
                          capos_PciDevice_configRead_Results_builder results)
{
	(void)call;
	const struct pci_function *f = dev_of(self)->f;
	uint32_t offset = capos_PciDevice_configRead_Params_get_offset(params);
	uint8_t width = capos_PciDevice_configRead_Params_get_width(params);
	int err = check_config(offset, width);
	if (err)
		return err;
	capos_PciDevice_configRead_Results_set_value(results, arch_pci_read(f->bus, f->dev, f->fn, offset, width));
	return CAPOS_OK;
}

static int pd_config_write(void *self, struct capnp_call *call, capos_PciDevice_configWrite_Params params,
                           capos_PciDevice_configWrite_Results_builder results)
{
	(void)results;
	const struct pci_function *f = dev_of(self)->f;
	uint32_t offset = capos_PciDevice_configWrite_Params_get_offset(params);
	uint8_t width = capos_PciDevice_configWrite_Params_get_width(params);
	uint32_t value = capos_PciDevice_configWrite_Params_get_value(params);
	/* Decode. */
	int err = check_config(offset, width);
	if (err)
		return err;
	if (write_protected(offset, width))
		return CAPOS_E_PERMISSION_DENIED;
	bool touches_command = offset <= CFG_COMMAND && CFG_COMMAND < offset + width;
	if (touches_command && ((value << (8 * (offset & 3))) & CMD_BUS_MASTER) &&
	    !(call_of(call)->slot->rights & capos_PciDevice_rightBusMaster))
		return CAPOS_E_PERMISSION_DENIED;
	/* Invoke. */
	arch_pci_write(f->bus, f->dev, f->fn, offset, width, value);
	return CAPOS_OK;
}

/* BAR index of f, or NULL if it is not implemented. */
static const struct pci_bar *bar_of(const struct pci_function *f, uint8_t index)
{
	return index < PCI_BARS && f->bars[index].kind != PCI_BAR_NONE && f->bars[index].size ? &f->bars[index] : 0;
}

static int pd_bar(void *self, struct capnp_call *call, capos_PciDevice_bar_Params params, capos_PciDevice_bar_Results_builder r)
{
	(void)call;
	uint8_t index = capos_PciDevice_bar_Params_get_index(params);
	if (index >= PCI_BARS)
		return CAPOS_E_BAD_ARGUMENT;
	const struct pci_bar *b = &dev_of(self)->f->bars[index];
	capos_PciDevice_bar_Results_set_kind(r, b->kind);
	capos_PciDevice_bar_Results_set_base(r, b->base);
	capos_PciDevice_bar_Results_set_size(r, b->size);
	return CAPOS_OK;
}

static int pd_io_bar(void *self, struct capnp_call *call, capos_PciDevice_ioBar_Params params,
                     capos_PciDevice_ioBar_Results_builder results)
{
	struct call *c = call_of(call);
	const struct pci_bar *b = bar_of(dev_of(self)->f, capos_PciDevice_ioBar_Params_get_index(params));
	/* Decode. */
	if (!b || b->kind != PCI_BAR_IO || b->base + b->size > IO_PORT_SPACE)
		return CAPOS_E_BAD_ARGUMENT;
	if (arch_io_reserved((uint32_t)b->base, (uint32_t)b->size))
		return CAPOS_E_PERMISSION_DENIED;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	int err = io_port_new(c->caller->kmem, (uint32_t)b->base, (uint32_t)b->size, &o);
	if (err)
		return err;
	/* Invoke. */
	capos_PciDevice_ioBar_Results_set_port_cap(results, (capos_IoPort){ call_give(c, o, capos_IoPort_RIGHTS) });
	return CAPOS_OK;
}

static int pd_memory_bar(void *self, struct capnp_call *call, capos_PciDevice_memoryBar_Params params,
                         capos_PciDevice_memoryBar_Results_builder results)
{
	struct call *c = call_of(call);
	const struct pci_bar *b = bar_of(dev_of(self)->f, capos_PciDevice_memoryBar_Params_get_index(params));
	/* Decode. */
	if (!b || b->kind == PCI_BAR_IO || !b->base || (b->base & (PAGE_SIZE - 1)))
		return CAPOS_E_BAD_ARGUMENT;
	uint64_t pages = (b->size + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages > MEMORY_OBJECT_DEVICE_MAX_PAGES)
		return CAPOS_E_TOO_BIG;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	int err = memory_object_new_device(c->caller->kmem, b->base, (uint32_t)pages, &o);
	if (err)
		return err;
	/* Invoke. */
	capos_PciDevice_memoryBar_Results_set_memory_cap(results,
	                                                 (capos_MemoryObject){ call_give(c, o, capos_MemoryObject_RIGHTS) });
	return CAPOS_OK;
}

static int pd_irq_line(void *self, struct capnp_call *call, capos_PciDevice_irqLine_Params params,
                       capos_PciDevice_irqLine_Results_builder results)
{
	(void)params;
	struct call *c = call_of(call);
	const struct pci_function *f = dev_of(self)->f;
	/* Decode. */
	if (!f->pin || f->irq == 0xFF)
		return CAPOS_E_NOT_FOUND; /* no legacy interrupt */
	int err = irq_line_check(f->irq);
	if (err)
		return err;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	if ((err = irq_line_new(c->caller->kmem, f->irq, &o)))
		return err;
	/* Invoke. */
	capos_PciDevice_irqLine_Results_set_line_cap(results, (capos_IrqLine){ call_give(c, o, capos_IrqLine_RIGHTS) });
	return CAPOS_OK;
}

static const struct capos_PciDevice_server server = {
	.info = pd_info, .configRead = pd_config_read, .configWrite = pd_config_write, .bar = pd_bar,
	.ioBar = pd_io_bar, .memoryBar = pd_memory_bar, .irqLine = pd_irq_line,
};

static int pd_call(struct kobject *o, struct call *c) { return capos_PciDevice_dispatch(&server, o, &c->base); }

static void pd_destroy(struct kobject *o)
{
	struct pci_device *d = dev_of(o);
	struct kmem *k = d->kmem;
	kmem_free(k, d, sizeof(*d));
	kmem_put(k);
}

static const struct kobject_ops pci_device_ops = {
	.iface = &capos_PciDevice_interface,
	.call = pd_call,
	.destroy = pd_destroy,
};

int pci_device_new(struct kmem *k, uint32_t index, struct kobject **out)
{
	KASSERT(pci_get(index), "the caller checked the index");
	int err;
	struct pci_device *d = kmem_zalloc(k, sizeof(*d), &err);
	if (!d)
		return err;
	*d = (struct pci_device){ .obj = KOBJECT_INIT(&pci_device_ops), .kmem = k, .f = pci_get(index) };
	kmem_get(k);
	*out = &d->obj;
	return CAPOS_OK;
}
