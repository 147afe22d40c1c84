/* System-call dispatch (include/capos/syscall.h is the ABI). */
#ifndef CAPOS_KERNEL_SYSCALL_H
#define CAPOS_KERNEL_SYSCALL_H

#include <stdint.h>

/* Runs system call num for the current thread; returns the value for RAX. */
int64_t syscall_handle(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
