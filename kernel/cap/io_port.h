/* IoPort (kernel/cap/io_port.c): a range of x86 I/O ports. */
#ifndef CAPOS_KERNEL_CAP_IO_PORT_H
#define CAPOS_KERNEL_CAP_IO_PORT_H

#include <stdint.h>

struct kmem;
struct kobject;

#define IO_PORT_SPACE 0x10000u

/* A new IoPort for [base, base + count) (non-empty, inside the port space:
 * checked by the caller), charged to k, with one reference (the
 * caller's). CAPOS_OK, or CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY. */
int io_port_new(struct kmem *k, uint32_t base, uint32_t count, struct kobject **out);

/* The boot object for every port, init's "ioports". */
struct kobject *io_port_root(void);

#endif
