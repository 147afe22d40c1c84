/* The legacy 8259 PIC pair. capOS uses the local APIC; the PIC is remapped
 * away from the exception vectors and masked, except when the PIT fallback
 * timer needs IRQ 0. Its spurious IRQs 7 and 15 are absorbed here. */
#include "kernel/arch/x86_64/pic.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20

static void spurious_master(struct trap_frame *tf) { (void)tf; }
static void spurious_slave(struct trap_frame *tf)
{
	(void)tf;
	outb(PIC1_CMD, PIC_EOI); /* the master saw a real cascade interrupt */
}

void pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: initialize, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, VECTOR_PIC_BASE);     /* ICW2: vector base */
	outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
	outb(PIC1_DATA, 4); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	trap_set_handler(VECTOR_PIC_BASE + 7, spurious_master);
	trap_set_handler(VECTOR_PIC_BASE + 15, spurious_slave);
}

void pic_unmask(uint8_t irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	outb(port, inb(port) & ~(1u << (irq & 7)));
	if (irq >= 8)
		outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << 2));
}

void pic_mask(uint8_t irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
}

void pic_eoi(uint8_t irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
