/* Split virtqueue bookkeeping (lib/virtq.h). Memory order: the device
 * reads descriptors after it sees the available index, and we read used
 * elements after we see the used index, so each index is written after
 * (release) and read before (acquire) what it covers. */
#include "lib/virtq.h"

#include "lib/mem.h"

void virtq_layout(uint16_t size, size_t *avail_off, size_t *used_off, size_t *total)
{
	size_t desc = 16u * size, avail = 6u + 2u * size, used = 6u + 8u * size;
	*avail_off = desc;
	*used_off = (desc + avail + 4095u) & ~(size_t)4095u;
	*total = (*used_off + used + 4095u) & ~(size_t)4095u;
}

int virtq_init(struct virtq *q, uint16_t size, void *mem)
{
	if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)))
		return VIRTQ_E_SIZE;
	size_t avail_off, used_off, total;
	virtq_layout(size, &avail_off, &used_off, &total);
	memset(q, 0, sizeof *q);
	q->size = size;
	q->desc = mem;
	q->avail = (volatile uint16_t *)((uint8_t *)mem + avail_off);
	q->used = (volatile uint16_t *)((uint8_t *)mem + used_off);
	for (uint16_t i = 0; i < size; i++)
		q->next_free[i] = (uint16_t)(i + 1);
	q->nfree = size;
	return VIRTQ_OK;
}

/* Pops a free descriptor (the caller checked nfree). */
static uint16_t desc_alloc(struct virtq *q)
{
	uint16_t d = q->free_head;
	q->free_head = q->next_free[d];
	q->nfree--;
	return d;
}

int virtq_add(struct virtq *q, const struct virtq_seg *segs, uint16_t n, uint16_t *head)
{
	if (n == 0)
		return VIRTQ_E_EMPTY;
	for (uint16_t i = 0; i < n; i++)
		if (segs[i].len == 0)
			return VIRTQ_E_EMPTY;
	if (n > q->nfree)
		return VIRTQ_E_FULL;
	uint16_t first = desc_alloc(q), d = first;
	for (uint16_t i = 0;; i++) {
		q->desc[d].addr = segs[i].addr;
		q->desc[d].len = segs[i].len;
		uint16_t flags = segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0;
		if (i + 1 == n) {
			q->desc[d].flags = flags;
			q->desc[d].next = 0;
			break;
		}
		uint16_t nx = desc_alloc(q);
		q->desc[d].flags = flags | VIRTQ_DESC_F_NEXT;
		q->desc[d].next = nx;
		q->next_free[d] = nx; /* our copy of the link, for chain_free */
		d = nx;
	}
	q->chain_len[first] = n;
	q->chain_tail[first] = d;
	q->avail[2 + (q->avail_idx & (q->size - 1))] = first;
	q->avail_idx++;
	*head = first;
	return VIRTQ_OK;
}

bool virtq_publish(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail[1] = q->avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the device's flag */
	return !(q->used[0] & VIRTQ_USED_F_NO_NOTIFY);
}

/* Returns head's chain to the free list. While in flight the chain is
 * linked through next_free (virtq_add), never through the descriptor
 * table the device could scribble on, so it goes back whole. */
static void chain_free(struct virtq *q, uint16_t head)
{
	q->next_free[q->chain_tail[head]] = q->free_head;
	q->free_head = head;
	q->nfree = (uint16_t)(q->nfree + q->chain_len[head]);
	q->chain_len[head] = 0;
}

int virtq_take_used(struct virtq *q, uint16_t *head, uint32_t *len)
{
	uint16_t idx = q->used[1];
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (idx == q->last_used)
		return 0;
	const volatile struct virtq_used_elem *e =
		(const volatile struct virtq_used_elem *)(q->used + 2) + (q->last_used & (q->size - 1));
	uint32_t id = e->id, n = e->len;
	q->last_used++;
	if (id >= q->size || q->chain_len[id] == 0)
		return VIRTQ_E_BAD_ID;
	chain_free(q, (uint16_t)id);
	*head = (uint16_t)id;
	*len = n;
	return 1;
}
