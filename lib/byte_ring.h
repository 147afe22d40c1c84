/* A bounded byte FIFO over caller-supplied storage, for logs and device
 * receive buffers. Two policies when it is full: byte_ring_put_overwrite
 * drops the oldest byte (a log keeps the newest text), byte_ring_put
 * refuses the new one (a receive buffer keeps what arrived first). Either
 * way the loss is counted in `lost` until byte_ring_take_lost reports it.
 * No locking: the owner serializes access. */
#ifndef CAPOS_LIB_BYTE_RING_H
#define CAPOS_LIB_BYTE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_ring {
	uint8_t *buf;
	uint32_t cap;  /* bytes of buf (> 0) */
	uint32_t head; /* index of the oldest byte */
	uint32_t len;  /* bytes held */
	uint64_t lost; /* bytes dropped since the last byte_ring_take_lost */
};

/* An empty ring over buf[0, cap) (cap > 0). */
void byte_ring_init(struct byte_ring *r, uint8_t *buf, uint32_t cap);

/* Appends c, dropping the oldest byte (counted lost) when full. */
void byte_ring_put_overwrite(struct byte_ring *r, uint8_t c);

/* Appends c; false (c counted lost, nothing else changed) when full. */
bool byte_ring_put(struct byte_ring *r, uint8_t c);

/* Copies up to max of the oldest bytes to out without removing them;
 * returns how many. */
uint32_t byte_ring_peek(const struct byte_ring *r, uint8_t *out, uint32_t max);

/* Removes the n oldest bytes (n <= len). */
void byte_ring_drop(struct byte_ring *r, uint32_t n);

/* byte_ring_peek then byte_ring_drop of what was copied. */
uint32_t byte_ring_take(struct byte_ring *r, uint8_t *out, uint32_t max);

/* The loss count, reset to 0. */
uint64_t byte_ring_take_lost(struct byte_ring *r);

#endif
