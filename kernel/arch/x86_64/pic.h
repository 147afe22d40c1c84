#ifndef CAPOS_ARCH_X86_64_PIC_H
#define CAPOS_ARCH_X86_64_PIC_H

#include <stdint.h>

/* Remaps the legacy 8259 pair to VECTOR_PIC_BASE.. and masks every line. */
void pic_init(void);
void pic_unmask(uint8_t irq);
void pic_mask(uint8_t irq);
void pic_eoi(uint8_t irq);

#endif
