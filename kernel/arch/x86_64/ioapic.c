/* Interrupt lines for user drivers: the I/O APIC, or the 8259 PIC.
 *
 * With a MADT naming an I/O APIC (and the local APIC on), every
 * redirection entry is masked at boot and ISA IRQ n is routed on demand to
 * vector VECTOR_IRQ_BASE + n, at the GSI the MADT's override gives (else n),
 * with the override's polarity and trigger (else ISA's: active high, edge),
 * delivered to this CPU. Without one the line goes through the PIC at
 * VECTOR_PIC_BASE + n. Either way the handler masks the line, sends the
 * end of interrupt and calls irq_fired: the line stays masked until the
 * driver's IrqLine.ack unmasks it, so a device that keeps interrupting
 * cannot starve anything (docs/hardware.md). IRQ 0 (the timer) and 2 (the
 * cascade) are never given out. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/pic.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/log.h"
#include "kernel/mem/vm.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPICVER 0x01
#define REDIR(n) (0x10 + 2 * (n))
#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, lines;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static uint32_t nioapics;
static struct arch_irq_route routes[ARCH_IRQ_LINES];

static uint32_t io_read(struct ioapic *a, uint32_t reg)
{
	a->regs[IOREGSEL / 4] = reg;
	return a->regs[IOWIN / 4];
}

static void io_write(struct ioapic *a, uint32_t reg, uint32_t v)
{
	a->regs[IOREGSEL / 4] = reg;
	a->regs[IOWIN / 4] = v;
}

/* The I/O APIC serving gsi and its pin, or NULL. */
static struct ioapic *ioapic_of(uint32_t gsi, uint32_t *pin)
{
	for (uint32_t i = 0; i < nioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].lines) {
			*pin = gsi - ioapics[i].gsi_base;
			return &ioapics[i];
		}
	}
	return 0;
}

static void set_masked(uint32_t irq, bool masked)
{
	uint32_t pin;
	struct ioapic *a = nioapics ? ioapic_of(routes[irq].gsi, &pin) : 0;
	if (!a) {
		(masked ? pic_mask : pic_unmask)((uint8_t)irq);
		return;
	}
	uint32_t lo = io_read(a, REDIR(pin));
	io_write(a, REDIR(pin), masked ? lo | RED_MASKED : lo & ~RED_MASKED);
}

static void ioapic_line_interrupt(struct trap_frame *tf)
{
	uint32_t irq = (uint32_t)tf->vector - VECTOR_IRQ_BASE;
	set_masked(irq, true);
	lapic_eoi();
	irq_fired(irq);
}

static void pic_line_interrupt(struct trap_frame *tf)
{
	uint32_t irq = (uint32_t)tf->vector - VECTOR_PIC_BASE;
	pic_mask((uint8_t)irq);
	pic_eoi((uint8_t)irq);
	irq_fired(irq);
}

/* Programs the redirection entry of every ISA line, masked. */
static void route_isa_lines(const struct acpi_info *acpi)
{
	for (uint32_t irq = 0; irq < ARCH_IRQ_LINES; irq++) {
		struct arch_irq_route *r = &routes[irq];
		*r = (struct arch_irq_route){ .gsi = irq, .controller = "I/O APIC" };
		for (uint32_t i = 0; i < acpi->noverrides; i++) {
			const struct acpi_override *o = &acpi->overrides[i];
			if (o->bus == 0 && o->source == irq) {
				r->gsi = o->gsi;
				r->level = o->level;
				r->active_low = o->active_low;
			}
		}
		uint32_t pin;
		struct ioapic *a = ioapic_of(r->gsi, &pin);
		if (!a || irq == 0 || irq == 2)
			continue;
		io_write(a, REDIR(pin) + 1, lapic_id() << 24);
		io_write(a, REDIR(pin), RED_MASKED | (r->level ? RED_LEVEL : 0) | (r->active_low ? RED_ACTIVE_LOW : 0) |
		                                (VECTOR_IRQ_BASE + irq));
		trap_set_handler((uint8_t)(VECTOR_IRQ_BASE + irq), ioapic_line_interrupt);
	}
}

static void use_pic(void)
{
	nioapics = 0;
	for (uint32_t irq = 0; irq < ARCH_IRQ_LINES; irq++) {
		routes[irq] = (struct arch_irq_route){ .gsi = irq, .controller = "8259 PIC" };
		if (irq != 0 && irq != 2 && irq != 7 && irq != 15)
			trap_set_handler((uint8_t)(VECTOR_PIC_BASE + irq), pic_line_interrupt);
	}
}

void ioapic_init(const struct acpi_info *acpi)
{
	if (!acpi || !acpi->nioapics || !lapic_enabled()) {
		use_pic();
		kprintf("irq: driver interrupts through the 8259 PIC (%s)\n",
		        !lapic_enabled() ? "no local APIC" : "no I/O APIC in the ACPI tables");
		return;
	}
	for (uint32_t i = 0; i < acpi->nioapics; i++) {
		struct ioapic *a = &ioapics[nioapics];
		a->regs = vm_map_mmio(acpi->ioapics[i].addr, 4096);
		a->gsi_base = acpi->ioapics[i].gsi_base;
		a->lines = ((io_read(a, IOAPICVER) >> 16) & 0xFF) + 1;
		for (uint32_t pin = 0; pin < a->lines; pin++)
			io_write(a, REDIR(pin), RED_MASKED);
		kprintf("ioapic: id %u at 0x%08x, GSIs %u-%u, every line masked\n", acpi->ioapics[i].id,
		        acpi->ioapics[i].addr, a->gsi_base, a->gsi_base + a->lines - 1);
		nioapics++;
	}
	for (uint32_t i = 0; i < acpi->noverrides; i++) {
		const struct acpi_override *o = &acpi->overrides[i];
		kprintf("ioapic: override ISA IRQ %u -> GSI %u, %s, %s\n", o->source, o->gsi,
		        o->active_low ? "active low" : "active high", o->level ? "level" : "edge");
	}
	route_isa_lines(acpi);
}

bool arch_irq_lookup(uint32_t irq, struct arch_irq_route *r)
{
	uint32_t pin;
	if (irq >= ARCH_IRQ_LINES || irq == 0 || irq == 2 || !routes[irq].controller)
		return false;
	if (nioapics && !ioapic_of(routes[irq].gsi, &pin))
		return false;
	if (!nioapics && (irq == 7 || irq == 15))
		return false; /* the PIC's spurious lines are absorbed in pic.c */
	*r = routes[irq];
	return true;
}

void arch_irq_unmask(uint32_t irq) { set_masked(irq, false); }
void arch_irq_mask(uint32_t irq) { set_masked(irq, true); }
