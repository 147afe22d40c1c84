/* The split virtqueue of virtio 1.0 (section 2.6), driver side: the
 * descriptor free list, chains added to the available ring, and used
 * entries taken back. Pure bookkeeping over memory the caller supplies
 * (a driver's DMA pages, or a test's buffer playing the device); it never
 * touches the device's registers, so notifying is the caller's job.
 *
 * What the device writes (the used ring) is checked before it is
 * believed: a used id that is not the head of a chain in flight is
 * refused, never followed, so a confused device cannot make the driver
 * free a descriptor twice or complete the wrong request. The chain of each
 * head is remembered here, not read back from the descriptor table. */
#ifndef CAPOS_LIB_VIRTQ_H
#define CAPOS_LIB_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_SIZE_MAX 256u

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u   /* the device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 1u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* One buffer of a request: physical address, length, and whether the
 * device writes it (a read's data, the status byte) or reads it. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

enum virtq_err {
	VIRTQ_OK = 0,
	VIRTQ_E_SIZE = -1,    /* size not a power of two in 1..VIRTQ_SIZE_MAX */
	VIRTQ_E_EMPTY = -2,   /* a chain of no segments, or a zero-length one */
	VIRTQ_E_FULL = -3,    /* not enough free descriptors now */
	VIRTQ_E_BAD_ID = -4,  /* the device used an id that is not a chain in flight */
};

struct virtq {
	uint16_t size;
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail;             /* flags, idx, ring[size], used_event */
	volatile uint16_t *used;              /* flags, idx, then the elements */
	uint16_t free_head, nfree;
	uint16_t avail_idx, last_used;
	uint16_t next_free[VIRTQ_SIZE_MAX];   /* the free list, ours alone */
	uint16_t chain_len[VIRTQ_SIZE_MAX];   /* 0: not a head in flight */
	uint16_t chain_tail[VIRTQ_SIZE_MAX];
};

/* Byte offsets of the three parts in one region: descriptors at 0, the
 * available ring after them, the used ring at the next 4 KiB boundary;
 * *total is the region's size. */
void virtq_layout(uint16_t size, size_t *avail_off, size_t *used_off, size_t *total);

/* Takes the zeroed region at mem (virtq_layout's size) for a queue of
 * size entries. */
int virtq_init(struct virtq *q, uint16_t size, void *mem);

/* Writes a chain of n segments and puts its head in the available ring
 * (not yet visible to the device: virtq_publish). *head names it in
 * virtq_take_used. VIRTQ_E_FULL changes nothing. */
int virtq_add(struct virtq *q, const struct virtq_seg *segs, uint16_t n, uint16_t *head);

/* Makes the chains added so far visible to the device; true if the
 * device wants to be told (it has not set VIRTQ_USED_F_NO_NOTIFY). */
bool virtq_publish(struct virtq *q);

/* Takes the next used entry: 1 with its head and written length, 0 when
 * there is none, VIRTQ_E_BAD_ID for an entry naming no chain in flight
 * (skipped). The chain's descriptors are free again. */
int virtq_take_used(struct virtq *q, uint16_t *head, uint32_t *len);

static inline uint16_t virtq_free(const struct virtq *q) { return q->nfree; }

#endif
