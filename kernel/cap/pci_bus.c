/* PciBus: the boot object listing the PCI functions found at boot
 * (kernel/pci.c) and handing out a PciDevice per function, by vendor:device
 * (the instance-th match) or by bus:device.function (init's "pci"). A
 * machine without PCI has a PciBus with no functions. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/cap/pci_device.h"
#include "kernel/pci.h"
#include "kernel/process.h"

static int pb_count(void *self, struct capnp_call *call, capos_PciBus_count_Params params,
                    capos_PciBus_count_Results_builder results)
{
	(void)self, (void)call, (void)params;
	capos_PciBus_count_Results_set_functions(results, pci_count());
	return CAPOS_OK;
}

static int pb_function(void *self, struct capnp_call *call, capos_PciBus_function_Params params,
                       capos_PciBus_function_Results_builder r)
{
	(void)self, (void)call;
	const struct pci_function *f = pci_get(capos_PciBus_function_Params_get_index(params));
	if (!f)
		return CAPOS_E_BAD_ARGUMENT;
	capos_PciBus_function_Results_set_bus(r, f->bus);
	capos_PciBus_function_Results_set_device(r, f->dev);
	capos_PciBus_function_Results_set_function(r, f->fn);
	capos_PciBus_function_Results_set_vendorId(r, f->vendor);
	capos_PciBus_function_Results_set_deviceId(r, f->device);
	capos_PciBus_function_Results_set_classCode(r, f->class_code);
	return CAPOS_OK;
}

/* Gives the caller a PciDevice for function index (found: NOT_FOUND else). */
static int give_device(struct call *c, int64_t index, capos_PciDevice *out)
{
	if (index < 0)
		return CAPOS_E_NOT_FOUND;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL;
	struct kobject *o;
	int err = pci_device_new(c->caller->kmem, (uint32_t)index, &o);
	if (err)
		return err;
	*out = (capos_PciDevice){ call_give(c, o, capos_PciDevice_RIGHTS) };
	return CAPOS_OK;
}

static int pb_by_id(void *self, struct capnp_call *call, capos_PciBus_byId_Params params,
                    capos_PciBus_byId_Results_builder results)
{
	(void)self;
	uint16_t vendor = capos_PciBus_byId_Params_get_vendorId(params);
	uint16_t device = capos_PciBus_byId_Params_get_deviceId(params);
	uint32_t instance = capos_PciBus_byId_Params_get_instance(params);
	int64_t found = -1;
	for (uint32_t i = 0; i < pci_count() && found < 0; i++)
		if (pci_get(i)->vendor == vendor && pci_get(i)->device == device && instance-- == 0)
			found = i;
	capos_PciDevice d;
	int err = give_device(call_of(call), found, &d);
	if (!err)
		capos_PciBus_byId_Results_set_device_cap(results, d);
	return err;
}

static int pb_by_slot(void *self, struct capnp_call *call, capos_PciBus_bySlot_Params params,
                      capos_PciBus_bySlot_Results_builder results)
{
	(void)self;
	uint8_t bus = capos_PciBus_bySlot_Params_get_bus(params);
	uint8_t dev = capos_PciBus_bySlot_Params_get_device(params);
	uint8_t fn = capos_PciBus_bySlot_Params_get_function(params);
	int64_t found = -1;
	for (uint32_t i = 0; i < pci_count() && found < 0; i++)
		if (pci_get(i)->bus == bus && pci_get(i)->dev == dev && pci_get(i)->fn == fn)
			found = i;
	capos_PciDevice d;
	int err = give_device(call_of(call), found, &d);
	if (!err)
		capos_PciBus_bySlot_Results_set_device_cap(results, d);
	return err;
}

static const struct capos_PciBus_server server = {
	.count = pb_count, .function = pb_function, .byId = pb_by_id, .bySlot = pb_by_slot,
};

static int pb_call(struct kobject *o, struct call *c) { return capos_PciBus_dispatch(&server, o, &c->base); }

static const struct kobject_ops pci_bus_ops = {
	.iface = &capos_PciBus_interface,
	.call = pb_call,
};

static struct kobject pci_bus = KOBJECT_INIT(&pci_bus_ops);

struct kobject *pci_bus_object(void) { return &pci_bus; }
