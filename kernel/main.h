#ifndef CAPOS_KERNEL_MAIN_H
#define CAPOS_KERNEL_MAIN_H

#include "lib/bootinfo.h"

/* The boot sequence (DESIGN.md section 3). Never returns. */
_Noreturn void kmain(const struct boot_info *bi);

#endif
