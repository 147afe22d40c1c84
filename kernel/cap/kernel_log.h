/* KernelLog (kernel/cap/kernel_log.c): the kernel's log while a user driver
 * owns the console device, and the handoff of that device. */
#ifndef CAPOS_KERNEL_CAP_KERNEL_LOG_H
#define CAPOS_KERNEL_CAP_KERNEL_LOG_H

/* A user IoPort covering the console UART was made (claim) or is gone, or
 * a process holding direct access to it exited (release). While any claim
 * stands the kernel writes its log to the buffer, not the UART; the last
 * release takes the UART back, writes what is buffered and ends the
 * KernelLog binding. */
void kernel_log_claim(void);
void kernel_log_release(void);

/* Signals the bound notification if the buffer holds text nobody was told
 * of (the timer tick and the kernel Console call it; interrupt-safe). */
void kernel_log_wake(void);

#endif
