/* vm-child KIND: misuses memory it managed through VirtualMemory (for
 * virtual-memory): "touch-unmapped" reads a page after unmapping it,
 * "write-protected" writes a page protected read-only. Either faults;
 * exit code 100 means no fault happened. */
#include "lib/mem.h"
#include "rt/capos.h"

static int call_vm(uint16_t method, uint64_t addr, uint32_t pages, uint32_t prot, uint64_t *out)
{
	capos_VirtualMemory vm = RT_CAP(capos_VirtualMemory, "vm");
	RT_CLIENT(cl, 64);
	int r;
	if (method == 0) {
		capos_VirtualMemory_map_Params_builder p = capos_VirtualMemory_map_begin(&cl);
		capos_VirtualMemory_map_Params_set_addr(p, addr);
		capos_VirtualMemory_map_Params_set_pages(p, pages);
		capos_VirtualMemory_map_Params_set_prot(p, prot);
		capos_VirtualMemory_map_Results res;
		r = capos_VirtualMemory_map_call(vm, &cl, &res);
		if (r >= 0)
			*out = capos_VirtualMemory_map_Results_get_addr(res);
	} else if (method == 1) {
		capos_VirtualMemory_unmap_Params_builder p = capos_VirtualMemory_unmap_begin(&cl);
		capos_VirtualMemory_unmap_Params_set_addr(p, addr);
		capos_VirtualMemory_unmap_Params_set_pages(p, pages);
		r = capos_VirtualMemory_unmap_call(vm, &cl, 0);
	} else {
		capos_VirtualMemory_protect_Params_builder p = capos_VirtualMemory_protect_begin(&cl);
		capos_VirtualMemory_protect_Params_set_addr(p, addr);
		capos_VirtualMemory_protect_Params_set_pages(p, pages);
		capos_VirtualMemory_protect_Params_set_prot(p, prot);
		r = capos_VirtualMemory_protect_call(vm, &cl, 0);
	}
	return r < 0 ? r : 0;
}

int main(void)
{
	const char *kind = rt_argc() ? rt_arg(0) : "";
	uint64_t a = 0;
	if (call_vm(0, 0, 1, capos_VirtualMemory_protRead | capos_VirtualMemory_protWrite, &a))
		return 101;
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;
	*w = 42;
	if (!strcmp(kind, "touch-unmapped")) {
		if (call_vm(1, a, 1, 0, 0))
			return 102;
		return (int)*w;
	}
	if (!strcmp(kind, "write-protected")) {
		if (call_vm(2, a, 1, capos_VirtualMemory_protRead, 0) || *w != 42)
			return 102;
		*w = 7;
	}
	return 100;
}
