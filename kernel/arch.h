/* What the generic kernel asks of the architecture. Implemented under
 * kernel/arch/<arch>/; nothing else in kernel/ includes an arch header. */
#ifndef CAPOS_KERNEL_ARCH_H
#define CAPOS_KERNEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/arch_types.h"

/* Early console (COM1 on x86_64): usable from the first instruction of C. */
void arch_console_init(void);
void arch_console_putc(char c);

/* Descriptor tables and exception handlers: after this a fault is diagnosed
 * instead of resetting the machine. */
void arch_traps_init(void);

/* CPU protections. arch_cpu_probe fills the feature flags; NX must be turned
 * on before any page table uses it, the rest after the kernel's own page
 * tables are live. */
struct cpu_features {
	bool nx, smep, smap, umip, pge, lapic;
	char vendor[13];
};
extern struct cpu_features cpu_features;
void arch_cpu_probe(void);
void arch_enable_nx(void);
void arch_enable_protections(void);

/* The FPU and SIMD units (x87, SSE, AVX where present) for user threads:
 * turns them on, picks how each thread's state is saved and sizes its save
 * area. Returns a description for the boot log. The kernel itself never
 * uses them. Call before the first user thread is created. */
const char *arch_fpu_init(void);

/* Switches the MMU to the page tables rooted at root (physical). */
void arch_vm_activate(uint64_t root);

/* Interrupt controller and periodic timer. device names one of the
 * architecture's timers (timer= on the command line; "" for the default);
 * arch_timer_devices lists the names, for messages. */
bool arch_timer_device_known(const char *device);
const char *arch_timer_devices(void);
void arch_timer_init(uint32_t hz, const char *device);
const char *arch_timer_source(void);

/* A reference clock independent of the tick, for measuring it (the TSC at
 * the rate arch_timer_init measured): start, then read the microseconds
 * elapsed. */
void arch_refclock_start(void);
uint64_t arch_refclock_elapsed_us(void);

/* The CPU's cycle counter (the TSC on x86_64). Under QEMU with -icount
 * shift=0 it counts guest instructions from reset. */
uint64_t arch_cycles(void);

void arch_irq_enable(void);
void arch_irq_disable(void);
void arch_wait_for_interrupt(void);

/* User mode. arch_user_init sets up the system-call entry. A new thread's
 * kernel stack is prepared so that the first arch_switch to it either enters
 * user mode at entry (stack user_rsp, a0..a2 in the first three argument
 * registers, the default FPU state) or calls fn on the kernel stack. A user
 * thread's FPU state lives at the top of its kernel stack, so the stack
 * must be kept until the thread is freed. */
void arch_user_init(void);
void arch_thread_init_user(struct arch_thread *t, uint64_t kstack_top, uint64_t entry, uint64_t user_rsp,
                           uint64_t a0, uint64_t a1, uint64_t a2);
void arch_thread_init_kernel(struct arch_thread *t, uint64_t kstack_top, void (*fn)(void));

/* t will never run again (it is exiting, or is about to be freed): the arch
 * layer lets go of it, and saves none of its state after this. */
void arch_thread_exit(struct arch_thread *t);

/* Switches from the current thread to another: its address space (root,
 * physical; skipped when equal), kernel stack, TLS base, FPU state. Returns
 * when some later switch comes back to from. */
void arch_switch(struct arch_thread *from, struct arch_thread *to, uint64_t to_root);

/* Starts running `to` without saving the current context (the boot path). */
_Noreturn void arch_switch_first(struct arch_thread *to, uint64_t to_root);

/* Tells an emulator to exit with code (isa-debug-exit); then halts forever.
 * On real hardware it just halts. */
_Noreturn void arch_halt(uint32_t code);

/* Resets the machine (under QEMU with -no-reboot, QEMU exits). */
_Noreturn void arch_reboot(void);

/* Fault injection for the kernel self-tests (kernel/ktest.c): an invalid
 * instruction; an instruction fault with an unusable stack pointer (a
 * double fault); fn called on the stack whose top is given. */
void arch_invalid_opcode(void);
void arch_fault_on_bad_stack(void);
void arch_call_on_stack(uintptr_t top, void (*fn)(void));

/* Thread-local storage of a user thread: where a TLS block of memsz bytes
 * aligned to align goes when the TLS area starts at base, and the thread
 * pointer. *block is the block's first byte, *tp the thread pointer (its
 * first word holds itself), *area_bytes how much of the area from base the
 * block and the thread control block need. */
void arch_tls_layout(uint64_t base, uint64_t memsz, uint64_t align, uint64_t *block, uint64_t *tp,
                     uint64_t *area_bytes);

/* Copies n bytes where dst or src is user memory of the current address
 * space (the caller has checked the user range lies in the user half),
 * accessing it directly: a page fault ends the copy instead of the kernel.
 * Returns true if every byte was copied. */
bool arch_user_copy(void *dst, const void *src, size_t n);

/* ---- Hardware for user drivers (docs/hardware.md) ---- */

struct boot_info;

/* Finds and parses the ACPI tables (the loader's RSDP, else a scan of the
 * EBDA and BIOS area), sets up the I/O APICs the MADT names (every line
 * masked) and logs one line per I/O APIC and override. Without ACPI or a
 * MADT, driver interrupts go through the 8259 PIC. Call after the timer. */
void arch_platform_init(const struct boot_info *bi);

/* I/O ports. arch_io_reserved: [base, base+count) touches a port the kernel
 * drives itself. arch_io_in/out: width 1, 2 or 4. arch_io_direct: lets t
 * (the running thread) use in/out on the range itself until it exits;
 * -1 when it has ARCH_IO_RANGES_MAX ranges already. arch_io_switch: loads
 * to's ranges (the context switch calls it). */
bool arch_io_reserved(uint32_t base, uint32_t count);
/* [base, base+count) touches the kernel console's UART, which the kernel
 * hands to a user driver (kernel/cap/kernel_log.c). */
bool arch_io_console(uint32_t base, uint32_t count);
uint32_t arch_io_in(uint16_t port, unsigned width);
void arch_io_out(uint16_t port, unsigned width, uint32_t v);
int arch_io_direct(struct arch_thread *t, uint16_t base, uint32_t count);
void arch_io_switch(const struct arch_thread *to);

/* Legacy (ISA) interrupt lines for drivers. arch_irq_lookup: whether irq can
 * be given to a driver (1, 3..15) and how it is wired. arch_irq_unmask /
 * arch_irq_mask: the line at its controller. When a line fires the arch
 * layer masks it, acknowledges the controller and calls irq_fired (the
 * generic kernel's, kernel/cap/irq_line.c) in interrupt context. */
#define ARCH_IRQ_LINES 16
struct arch_irq_route {
	uint32_t gsi;
	bool level, active_low;
	const char *controller; /* "I/O APIC" or "8259 PIC" */
};
bool arch_irq_lookup(uint32_t irq, struct arch_irq_route *r);
void arch_irq_unmask(uint32_t irq);
void arch_irq_mask(uint32_t irq);
void irq_fired(uint32_t irq);

/* PCI configuration space: ECAM (from the MCFG) or ports 0xCF8/0xCFC.
 * arch_pci_config_size: 4096 (ECAM), 256 (legacy) or 0 (no PCI). Accesses
 * are naturally aligned, width 1, 2 or 4, inside that size. */
uint32_t arch_pci_config_size(void);
const char *arch_pci_mechanism(void);
uint32_t arch_pci_read(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off, unsigned width);
void arch_pci_write(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off, unsigned width, uint32_t v);

/* Walks the frame-pointer chain starting at frame (NULL: the caller's) and
 * prints up to max return addresses. */
void arch_backtrace(uintptr_t frame, int max);

#endif
