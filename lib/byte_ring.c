/* A bounded byte FIFO (lib/byte_ring.h). */
#include "lib/byte_ring.h"

void byte_ring_init(struct byte_ring *r, uint8_t *buf, uint32_t cap)
{
	*r = (struct byte_ring){ .buf = buf, .cap = cap };
}

static void append(struct byte_ring *r, uint8_t c)
{
	r->buf[(r->head + r->len) % r->cap] = c;
	r->len++;
}

void byte_ring_put_overwrite(struct byte_ring *r, uint8_t c)
{
	if (r->len == r->cap) {
		r->head = (r->head + 1) % r->cap;
		r->len--;
		r->lost++;
	}
	append(r, c);
}

bool byte_ring_put(struct byte_ring *r, uint8_t c)
{
	if (r->len == r->cap) {
		r->lost++;
		return false;
	}
	append(r, c);
	return true;
}

uint32_t byte_ring_peek(const struct byte_ring *r, uint8_t *out, uint32_t max)
{
	uint32_t n = max < r->len ? max : r->len;
	for (uint32_t i = 0; i < n; i++)
		out[i] = r->buf[(r->head + i) % r->cap];
	return n;
}

void byte_ring_drop(struct byte_ring *r, uint32_t n)
{
	if (n > r->len)
		n = r->len; /* the contract says n <= len; never corrupt the ring anyway */
	r->head = (r->head + n) % r->cap;
	r->len -= n;
}

uint32_t byte_ring_take(struct byte_ring *r, uint8_t *out, uint32_t max)
{
	uint32_t n = byte_ring_peek(r, out, max);
	byte_ring_drop(r, n);
	return n;
}

uint64_t byte_ring_take_lost(struct byte_ring *r)
{
	uint64_t n = r->lost;
	r->lost = 0;
	return n;
}
