/* VirtualMemory (kernel/cap/virtual_memory.c): the caller's own address
 * space. The range rules are shared with MemoryObject.map. */
#ifndef CAPOS_KERNEL_CAP_VIRTUAL_MEMORY_H
#define CAPOS_KERNEL_CAP_VIRTUAL_MEMORY_H

#include <stdint.h>

struct process;

/* Pages one VirtualMemory call may map, unmap or protect. */
#define VM_CALL_MAX_PAGES 256u

/* Checks a user range of pages pages at addr (pages >= 1): CAPOS_OK,
 * CAPOS_E_BAD_ARGUMENT (unaligned, outside user space, wrapping) or
 * CAPOS_E_PERMISSION_DENIED (it touches the ring or CapSet page). */
int vm_range_check(uint64_t addr, uint64_t pages);

/* Where a new mapping of pages pages goes in p: addr (checked as above and
 * free, else CAPOS_E_BUSY) or, for addr 0, a free range the kernel chooses
 * (CAPOS_E_NO_MEMORY when none is found). Then checks that p's account and
 * the frame allocator can pay for new_frames frames and the tables
 * (CAPOS_E_LIMIT_EXCEEDED, CAPOS_E_NO_MEMORY). Changes nothing but the
 * search hint. */
int vm_place(struct process *p, uint64_t addr, uint64_t pages, uint64_t new_frames, uint64_t *va);

#endif
