/* What lib/manifest knows of the schema's interfaces: the interface of each
 * grantable kernel capability, and every interface's rights (the generated
 * capos_interfaces registry). */
#include "capos/capos.capnp.h"
#include "lib/manifest/manifest.h"

struct kernel_cap {
	const char *name;   /* as in enum KernelCap */
	uint64_t interface; /* 0: not grantable */
};

static const struct kernel_cap kernel_caps[] = {
	[capos_KernelCap_console] = { "console", capos_Console_ID },
	[capos_KernelCap_frameAllocator] = { "frameAllocator", capos_FrameAllocator_ID },
	[capos_KernelCap_virtualMemory] = { "virtualMemory", capos_VirtualMemory_ID },
	[capos_KernelCap_processSpawner] = { "processSpawner", capos_ProcessSpawner_ID },
	[capos_KernelCap_bootPackage] = { "bootPackage", capos_BootPackage_ID },
	[capos_KernelCap_nullCap] = { "nullCap", capos_Null_ID },
	[capos_KernelCap_endpoint] = { "endpoint", 0 }, /* a service's endpoints are its exports */
	[capos_KernelCap_objectFactory] = { "objectFactory", capos_ObjectFactory_ID },
	[capos_KernelCap_ioPorts] = { "ioPorts", capos_IoPort_ID },
	[capos_KernelCap_irqControl] = { "irqControl", capos_IrqControl_ID },
	[capos_KernelCap_pciBus] = { "pciBus", capos_PciBus_ID },
	[capos_KernelCap_systemMonitor] = { "systemMonitor", capos_SystemMonitor_ID },
	[capos_KernelCap_power] = { "power", capos_Power_ID },
	[capos_KernelCap_initServices] = { "initServices", capos_ServiceMonitor_ID },
	[capos_KernelCap_kernelLog] = { "kernelLog", capos_KernelLog_ID },
};

#define NKERNEL_CAPS (sizeof kernel_caps / sizeof kernel_caps[0])

uint64_t manifest_kernel_cap_interface(uint32_t k)
{
	return k < NKERNEL_CAPS ? kernel_caps[k].interface : 0;
}

const char *manifest_kernel_cap_name(uint32_t k)
{
	return k < NKERNEL_CAPS ? kernel_caps[k].name : NULL;
}

static const struct capnp_interface *find(uint64_t id)
{
	return id ? capnp_interface_find(capos_interfaces, CAPOS_INTERFACE_COUNT, id) : NULL;
}

bool manifest_interface_rights(uint64_t id, uint32_t *rights)
{
	const struct capnp_interface *i = find(id);
	if (i)
		*rights = i->rights;
	return i != NULL;
}

const char *manifest_interface_name(uint64_t id)
{
	const struct capnp_interface *i = find(id);
	return i ? i->name : NULL;
}
