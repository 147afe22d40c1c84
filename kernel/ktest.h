/* In-kernel self-tests, selected with ktest=NAME on the command line. Each
 * ends the run: HALT_PASS or HALT_FAIL, or — for the tests that fault on
 * purpose — the exception handler's diagnosis and HALT_FAULT, which the
 * QEMU harness checks line by line. */
#ifndef CAPOS_KERNEL_KTEST_H
#define CAPOS_KERNEL_KTEST_H

#include "lib/bootinfo.h"

_Noreturn void ktest_run(const char *name, const struct boot_info *bi);

#endif
