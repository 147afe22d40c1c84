/* CPU feature probing, protections and the halt path. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "lib/mem.h"

#define DEBUG_EXIT_PORT 0xF4

struct cpu_features cpu_features;

void arch_cpu_probe(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t max_leaf = r.eax;
	memcpy(cpu_features.vendor + 0, &r.ebx, 4);
	memcpy(cpu_features.vendor + 4, &r.edx, 4);
	memcpy(cpu_features.vendor + 8, &r.ecx, 4);
	cpu_features.vendor[12] = 0;

	r = cpuid(1, 0);
	cpu_features.lapic = r.edx & (1u << 9);
	cpu_features.pge = r.edx & (1u << 13);
	if (max_leaf >= 7) {
		r = cpuid(7, 0);
		cpu_features.smep = r.ebx & (1u << 7);
		cpu_features.smap = r.ebx & (1u << 20);
		cpu_features.umip = r.ecx & (1u << 2);
	}
	r = cpuid(0x80000000u, 0);
	if (r.eax >= 0x80000001u)
		cpu_features.nx = cpuid(0x80000001u, 0).edx & (1u << 20);
}

void arch_enable_nx(void)
{
	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

/* SMEP/SMAP: the kernel can neither execute nor (outside explicit windows)
 * touch user pages. UMIP: user mode cannot read descriptor-table registers.
 * Must run after the kernel's own page tables are live, since the loader's
 * identity map would otherwise count as user memory. */
extern uint8_t user_copy_stac;

void arch_enable_protections(void)
{
	uint64_t cr4 = read_cr4();
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap) {
		cr4 |= CR4_SMAP;
		user_copy_stac = 1; /* arch_user_copy opens its window with STAC */
	}
	if (cpu_features.umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
}

uint64_t arch_cycles(void) { return rdtsc(); }
void arch_irq_enable(void) { irq_enable(); }
void arch_irq_disable(void) { irq_disable(); }
void arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli" : : : "memory"); }

_Noreturn void arch_halt(uint32_t code)
{
	irq_disable();
	outl(DEBUG_EXIT_PORT, code);
	for (;;)
		__asm__ volatile("hlt");
}

/* The keyboard controller's reset line (port 0x64, command 0xFE) after
 * its input buffer drains; if the machine is still here, a triple fault:
 * an empty IDT and an exception. */
_Noreturn void arch_reboot(void)
{
	irq_disable();
	for (int i = 0; i < 0x10000 && (inb(0x64) & 2); i++)
		;
	outb(0x64, 0xFE);
	for (volatile int i = 0; i < 1000000; i++)
		;
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt) : "memory");
	for (;;)
		__asm__ volatile("hlt");
}

void arch_invalid_opcode(void) { __asm__ volatile("ud2"); }

void arch_fault_on_bad_stack(void) { __asm__ volatile("movq $0xdead0000, %rsp\n\tud2"); }

void arch_call_on_stack(uintptr_t top, void (*fn)(void))
{
	__asm__ volatile("movq %0, %%rsp\n\tcall *%1" : : "r"(top), "r"(fn) : "memory");
}

/* x86_64 TLS variant II: the block ends at the thread pointer and %fs:0
 * holds the thread pointer itself. The linker addresses TLS as tp minus the
 * block size rounded to the segment's own alignment, so that rounding (and
 * no other) decides where the block starts; the thread pointer is at least
 * 16-byte aligned, and the thread control block after it is two words (the
 * self pointer and one spare). */
void arch_tls_layout(uint64_t base, uint64_t memsz, uint64_t align, uint64_t *block, uint64_t *tp,
                     uint64_t *area_bytes)
{
	align = align ? align : 1;
	uint64_t tp_align = align > 16 ? align : 16;
	uint64_t size = (memsz + align - 1) & ~(align - 1);
	*tp = (base + size + tp_align - 1) & ~(tp_align - 1);
	*block = *tp - size;
	*area_bytes = *tp + 16 - base;
}
