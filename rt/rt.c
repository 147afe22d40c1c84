/* Entry, system calls, the CapSet and arguments. */
#include "rt/capos.h"

#include "lib/mem.h"

struct rt_process rt;

void rt_start(struct capos_ring *ring, uint64_t pid, const struct capos_capset *capset);
void rt_heap_init(void);

int64_t sys_cap_enter(uint32_t min_complete, uint64_t timeout_ns)
{
	int64_t r;
	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"((uint64_t)CAPOS_SYS_CAP_ENTER), "D"((uint64_t)min_complete), "S"(timeout_ns)
	                 : "rcx", "r11", "memory");
	return r;
}

_Noreturn void sys_exit(int64_t code)
{
	__asm__ volatile("syscall" : : "a"((uint64_t)CAPOS_SYS_EXIT), "D"(code) : "rcx", "r11", "memory");
	__builtin_unreachable();
}

_Noreturn void rt_exit(int64_t code) { sys_exit(code); }

_Noreturn void rt_start(struct capos_ring *ring, uint64_t pid, const struct capos_capset *capset)
{
	rt.ring = ring;
	rt.pid = (uint32_t)pid;
	rt.capset = capset;
	rt_heap_init();
	sys_exit(main());
}

uint32_t rt_capset_find(const char *name, uint64_t interface_id)
{
	const struct capos_capset *cs = rt.capset;
	for (uint32_t i = 0; i < cs->count && i < CAPOS_CAPSET_MAX; i++) {
		const struct capos_capset_entry *e = &cs->entries[i];
		if (!strncmp(e->name, name, CAPOS_CAPSET_NAME_MAX) && e->interface_id == interface_id)
			return e->cap;
	}
	return 0;
}

uint32_t rt_argc(void) { return rt.capset->argc; }

const char *rt_arg(uint32_t i)
{
	const char *p = rt.capset->args;
	for (uint32_t k = 0; k < i && k < rt.capset->argc; k++)
		p += strlen(p) + 1;
	return i < rt.capset->argc ? p : 0;
}
