/* COM1 (16550 UART) polled output: the kernel's console from the first line
 * of C onwards. 115200 baud, 8N1, FIFOs on. */
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"

#define COM1 0x3F8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80

void arch_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0xC7); /* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03); /* DTR | RTS */
}

void arch_console_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (int spins = 0; spins < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); spins++)
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}
