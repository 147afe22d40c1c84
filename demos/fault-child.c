/* fault-child KIND: commits one kind of fault (for fault-isolation). */
#include "lib/mem.h"
#include "rt/capos.h"

static const char rodata_word[8] = "rodata";
static uint8_t data_ret[16] = { 0xC3 };

/* An address the compiler cannot reason about (no bounds warnings). */
static volatile uint64_t *at(uint64_t a)
{
	__asm__("" : "+r"(a));
	return (volatile uint64_t *)(uintptr_t)a;
}

int main(void)
{
	const char *kind = rt_argc() ? rt_arg(0) : "";
	if (!strcmp(kind, "pf"))
		return (int)*at(0x10);
	if (!strcmp(kind, "gp"))
		return (int)*at(0x8000000000000000ull);
	if (!strcmp(kind, "ud"))
		__asm__ volatile("ud2");
	if (!strcmp(kind, "de"))
		__asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; cltd; idivl %%ecx" : : : "eax", "ecx", "edx");
	if (!strcmp(kind, "kernel-read"))
		return (int)*at(0xFFFFFFFF80100000ull);
	if (!strcmp(kind, "kernel-write"))
		*at(0xFFFF800000001000ull) = 1;
	if (!strcmp(kind, "exec-data"))
		((void (*)(void))(uintptr_t)data_ret)();
	if (!strcmp(kind, "write-rodata"))
		*(volatile char *)rodata_word = 'R';
	if (!strcmp(kind, "write-capset"))
		*(volatile uint32_t *)&rt.capset->count = 99;
	if (!strcmp(kind, "privileged"))
		__asm__ volatile("cli; hlt");
	return 100; /* no fault happened */
}
