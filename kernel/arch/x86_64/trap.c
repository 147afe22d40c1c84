/* The IDT, interrupt dispatch and the diagnosing exception handler.
 *
 * Any CPU exception taken in the kernel is a kernel bug: it is diagnosed on
 * the console (vector, name, error code decoded, RIP, CR2 for page faults,
 * every register, a frame-pointer backtrace) and the machine halts with
 * HALT_FAULT. It never returns into the faulting code and never triple
 * faults: double fault, NMI and machine check run on their own IST stacks,
 * and a fault taken while diagnosing stops at once. */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/log.h"
#include "kernel/mem/aspace.h"
#include "kernel/process.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gates are 16 bytes");

#define RFLAGS_IF 0x200ull
#define RFLAGS_USER_MASK 0xCD5ull /* CF PF AF ZF SF DF OF: the arithmetic flags and DF */
#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define ISR_STUB_SIZE 16

extern const char isr_stubs[];

static struct idt_gate idt[256];
static interrupt_handler handlers[256];
static volatile bool diagnosing;

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static void set_gate(int vector, uint8_t ist)
{
	uint64_t addr = (uint64_t)(uintptr_t)(isr_stubs + vector * ISR_STUB_SIZE);
	idt[vector] = (struct idt_gate){
		.offset_lo = addr & 0xFFFF,
		.selector = SEL_KERNEL_CODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (addr >> 16) & 0xFFFF,
		.offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(2, IST_NMI);
	set_gate(8, IST_DOUBLE_FAULT);
	set_gate(18, IST_MACHINE_CHECK);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void arch_traps_init(void)
{
	gdt_init();
	idt_init();
}

void trap_set_handler(uint8_t vector, interrupt_handler fn)
{
	KASSERT(vector >= 32, "exceptions are never routed to interrupt handlers");
	handlers[vector] = fn;
}

/* Decodes a page-fault error code into words. */
static void print_pf_error(uint64_t err)
{
	kprintf(" [%s, %s, %s%s%s]", (err & 2) ? "write" : "read",
	        (err & 1) ? "protection violation" : "not present", (err & 4) ? "user" : "kernel",
	        (err & 8) ? ", reserved bit set" : "", (err & 16) ? ", instruction fetch" : "");
}

static void diagnose(const struct trap_frame *tf)
{
	unsigned v = tf->vector & 0xFF;
	kprintf("\nFATAL: kernel exception %s (vector %u), error 0x%llx", exception_names[v], v,
	        (unsigned long long)tf->error);
	if (v == 14)
		print_pf_error(tf->error);
	kprintf("\n  RIP=%p CS=0x%llx RFLAGS=0x%llx RSP=%p SS=0x%llx\n", (void *)tf->rip,
	        (unsigned long long)tf->cs, (unsigned long long)tf->rflags, (void *)tf->rsp,
	        (unsigned long long)tf->ss);
	if (v == 14)
		kprintf("  CR2=%p (faulting address)\n", (void *)read_cr2());
	kprintf("  RAX=%p RBX=%p RCX=%p RDX=%p\n", (void *)tf->rax, (void *)tf->rbx, (void *)tf->rcx,
	        (void *)tf->rdx);
	kprintf("  RSI=%p RDI=%p RBP=%p R8 =%p\n", (void *)tf->rsi, (void *)tf->rdi, (void *)tf->rbp,
	        (void *)tf->r8);
	kprintf("  R9 =%p R10=%p R11=%p R12=%p\n", (void *)tf->r9, (void *)tf->r10, (void *)tf->r11,
	        (void *)tf->r12);
	kprintf("  R13=%p R14=%p R15=%p CR3=%p\n", (void *)tf->r13, (void *)tf->r14, (void *)tf->r15,
	        (void *)read_cr3());
	kprintf("backtrace (addr2line -e build/capos.elf ADDR):\n  #0 %p\n", (void *)tf->rip);
	arch_backtrace(tf->rbp, 16);
}

/* A fault in user mode ends that process only: one line of diagnosis, then
 * the process is torn down and the scheduler moves on. */
static _Noreturn void user_fault(const struct trap_frame *tf)
{
	unsigned v = tf->vector;
	struct process *p = process_current();
	kprintf("capOS: process %u (%s) killed: %s (vector %u), error 0x%llx, RIP=%p CS=0x%llx", p->pid, p->name,
	        exception_names[v], v, (unsigned long long)tf->error, (void *)tf->rip, (unsigned long long)tf->cs);
	if (v == 14) {
		kprintf(", address %p", (void *)read_cr2());
		print_pf_error(tf->error);
	}
	kprintf("\n");
	process_fault_exit();
}

/* Some hypervisors (PVM, the "KVM" of the machines this project is built
 * on) carry out SYSCALL from user mode only halfway: RCX, R11 and RIP are
 * set as SYSCALL defines, but the CPU stays in user mode, so the first fetch
 * at the entry point faults. That exact fault is completed as the system
 * call it was. A process that jumps to the entry point itself gets the same
 * treatment, which is harmless: the return address and flags it supplies
 * are checked like any user state. */
extern const char syscall_entry[];

static bool syscall_arrived_as_fault(const struct trap_frame *tf)
{
	return tf->vector == 14 && (tf->cs & 3) == 3 && tf->rip == (uintptr_t)syscall_entry &&
	       read_cr2() == tf->rip && tf->rcx < USER_MAX;
}

/* A page fault inside arch_user_copy's copying instructions: the copy
 * touched user memory that is not there (or not writable); it returns
 * failure instead of stopping the kernel. */
extern const char arch_user_copy_fault_start[], arch_user_copy_fault_end[], arch_user_copy_fixup[];

static bool user_copy_faulted(struct trap_frame *tf)
{
	if (tf->vector != 14 || (tf->cs & 3) || tf->rip < (uintptr_t)arch_user_copy_fault_start ||
	    tf->rip >= (uintptr_t)arch_user_copy_fault_end || read_cr2() >= USER_MAX)
		return false;
	tf->rip = (uintptr_t)arch_user_copy_fixup;
	return true;
}

/* Called by isr_common for every vector. Interrupts are off (gates are
 * interrupt gates) and stay off for the handler. */
void trap_dispatch(struct trap_frame *tf);
void trap_dispatch(struct trap_frame *tf)
{
	unsigned v = tf->vector & 0xFF;
	tf->vector = v;
	if (syscall_arrived_as_fault(tf)) {
		tf->rip = tf->rcx;
		tf->rflags = (tf->r11 & RFLAGS_USER_MASK) | RFLAGS_IF;
		syscall_dispatch(tf);
		return;
	}
	if (user_copy_faulted(tf))
		return;
	if (v >= 32) {
		if (handlers[v])
			handlers[v](tf);
		else if (v != VECTOR_SPURIOUS)
			kprintf("warning: unexpected interrupt vector %u ignored\n", v);
		return;
	}
	/* NMI, double fault and machine check are the machine's, not the
	 * interrupted process's: they stop the kernel even from user mode. */
	if ((tf->cs & 3) == 3 && v != 2 && v != 8 && v != 18)
		user_fault(tf);
	log_set_buffered(false); /* the diagnosis goes to the UART, after what was buffered */
	if (diagnosing) {
		kprintf("\nFATAL: exception %u while diagnosing a fault\n", v);
		arch_halt(HALT_FAULT);
	}
	diagnosing = true;
	diagnose(tf);
	arch_halt(HALT_FAULT);
}

/* A frame pointer is followed only while it stays in the kernel half,
 * aligned, and moving up the stack. */
void arch_backtrace(uintptr_t frame, int max)
{
	if (!frame)
		frame = (uintptr_t)__builtin_frame_address(0);
	for (int depth = 1; depth <= max; depth++) {
		if (frame < 0xFFFF800000000000ull || (frame & 7))
			return;
		const uint64_t *fp = (const uint64_t *)frame;
		if (!fp[1])
			return;
		kprintf("  #%d %p\n", depth, (void *)fp[1]);
		if (fp[0] <= frame)
			return;
		frame = fp[0];
	}
}
