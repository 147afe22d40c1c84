/* MemoryObject (kernel/cap/memory_object.c): frames that several address
 * spaces may map at once. */
#ifndef CAPOS_KERNEL_CAP_MEMORY_OBJECT_H
#define CAPOS_KERNEL_CAP_MEMORY_OBJECT_H

#include <stdint.h>

struct kmem;
struct kobject;

/* Pages one MemoryObject may hold. */
#define MEMORY_OBJECT_MAX_PAGES 1024u

/* A new object of pages zeroed frames (1..MEMORY_OBJECT_MAX_PAGES: checked
 * by the caller), charged to k until it is destroyed, with one reference
 * (the caller's). CAPOS_OK, or CAPOS_E_LIMIT_EXCEEDED / CAPOS_E_NO_MEMORY
 * with nothing taken. */
int memory_object_new(struct kmem *k, uint32_t pages, struct kobject **out);

/* The same with physically consecutive frames (for DMA); CAPOS_E_NO_MEMORY
 * also when no run of pages free frames exists. */
int memory_object_new_contiguous(struct kmem *k, uint32_t pages, struct kobject **out);

/* An object over device memory [phys, phys + pages pages) (a PCI BAR;
 * phys page-aligned: checked by the caller): mapped uncached, never freed;
 * only the struct is charged. */
#define MEMORY_OBJECT_DEVICE_MAX_PAGES 65536u
int memory_object_new_device(struct kmem *k, uint64_t phys, uint32_t pages, struct kobject **out);

#endif
