/* BlockDevice client helpers for the blk-* demos and the benchmark
 * (services/virtio-blk, docs/hardware.md): one call each, returning
 * CAPOS_OK or the error; blk_async_* keep many requests in flight. */
#ifndef CAPOS_DEMOS_BLK_H
#define CAPOS_DEMOS_BLK_H

#include "demos/hw.h"
#include "lib/blkdev.h"

struct blk_dev_info {
	uint64_t capacity;
	uint32_t block_size, max_blocks;
	bool read_only;
};

static inline int blk_info(capos_BlockDevice d, struct blk_dev_info *i)
{
	RT_CLIENT(cl, 128);
	capos_BlockDevice_info_Results res;
	int r = capos_BlockDevice_info_call(d, &cl, &res);
	if (r < 0)
		return r;
	*i = (struct blk_dev_info){ capos_BlockDevice_info_Results_get_capacity(res),
		                    capos_BlockDevice_info_Results_get_blockSize(res),
		                    capos_BlockDevice_info_Results_get_maxBlocks(res),
		                    capos_BlockDevice_info_Results_get_readOnly(res) };
	return CAPOS_OK;
}

/* Inline read of count blocks into out (at most 8 KiB); *len: bytes got. */
static inline int blk_read(capos_BlockDevice d, uint64_t block, uint32_t count, void *out, uint32_t *len)
{
	static uint64_t buf[(8192 + 256) / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_BlockDevice_read_Params_builder p = capos_BlockDevice_read_begin(&cl);
	capos_BlockDevice_read_Params_set_block(p, block);
	capos_BlockDevice_read_Params_set_count(p, count);
	capos_BlockDevice_read_Results res;
	int r = capos_BlockDevice_read_call(d, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_data data = capos_BlockDevice_read_Results_get_data(res);
	if (data.len > 8192)
		return CAPOS_E_TOO_BIG;
	memcpy(out, data.ptr, data.len);
	*len = data.len;
	return CAPOS_OK;
}

static inline int blk_write(capos_BlockDevice d, uint64_t block, const void *data, uint32_t len)
{
	static uint64_t buf[(16384 + 256) / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_BlockDevice_write_Params_builder p = capos_BlockDevice_write_begin(&cl);
	capos_BlockDevice_write_Params_set_block(p, block);
	capos_BlockDevice_write_Params_set_data(p, data, len);
	int r = capos_BlockDevice_write_call(d, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

static inline int blk_flush(capos_BlockDevice d)
{
	RT_CLIENT(cl, 64);
	int r = capos_BlockDevice_flush_call(d, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

/* attach(buffer): the MemoryObject goes as a copied capability (transfer
 * block, docs/ipc.md); interface_id is what the block says it is. */
static inline int blk_attach_as(capos_BlockDevice d, uint32_t cap, uint64_t interface_id, bool send)
{
	uint64_t buf[(sizeof(struct capos_transfer) + 128) / 8] = { 0 };
	struct capos_transfer *t = (struct capos_transfer *)buf;
	*t = (struct capos_transfer){ .count = send ? 1 : 0, .caps = { { cap, CAPOS_TRANSFER_COPY, interface_id } } };
	struct capnp_builder b;
	capnp_builder_init(&b, buf + sizeof *t / 8, sizeof buf - sizeof *t);
	capos_BlockDevice_attach_Params_builder p = capos_BlockDevice_attach_Params_init_root(&b);
	capos_BlockDevice_attach_Params_set_buffer(p, cap);
	uint32_t len = (uint32_t)(sizeof *t + capnp_builder_finish(&b));
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .flags = CAPOS_SQE_TRANSFER, .cap = d.id,
		                 .interface_id = capos_BlockDevice_ID, .method = capos_BlockDevice_attach_ORDINAL,
		                 .buf = (uint64_t)(uintptr_t)buf, .params_len = len, .buf_cap = sizeof buf };
	int r = rt_submit_wait(&sqe, 0);
	return r < 0 ? r : CAPOS_OK;
}

static inline int blk_attach(capos_BlockDevice d, capos_MemoryObject mo)
{
	return blk_attach_as(d, mo.id, capos_MemoryObject_ID, true);
}

/* One shared request in flight: its own params/results buffer. */
struct blk_async {
	uint64_t buf[8];
	uint64_t ud;
};

static inline int blk_async_submit(capos_BlockDevice d, struct blk_async *a, bool write, uint64_t block, uint32_t count,
                                   uint64_t offset)
{
	struct capnp_builder b;
	capnp_builder_init(&b, a->buf, sizeof a->buf);
	capos_BlockDevice_readShared_Params_builder p = capos_BlockDevice_readShared_Params_init_root(&b);
	capos_BlockDevice_readShared_Params_set_block(p, block);
	capos_BlockDevice_readShared_Params_set_count(p, count);
	capos_BlockDevice_readShared_Params_set_offset(p, offset);
	a->ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = d.id, .interface_id = capos_BlockDevice_ID,
		                 .method = write ? capos_BlockDevice_writeShared_ORDINAL : capos_BlockDevice_readShared_ORDINAL,
		                 .user_data = a->ud, .buf = (uint64_t)(uintptr_t)a->buf,
		                 .params_len = (uint32_t)capnp_builder_finish(&b), .buf_cap = sizeof a->buf };
	int r;
	while ((r = rt_ring_submit(&sqe)) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
	return r;
}

static inline int blk_async_wait(struct blk_async *a)
{
	struct capos_cqe c;
	if (!rt_ring_wait(a->ud, &c))
		return CAPOS_E_BUSY;
	return c.result < 0 ? c.result : CAPOS_OK;
}

static inline int blk_shared(capos_BlockDevice d, bool write, uint64_t block, uint32_t count, uint64_t offset)
{
	struct blk_async a;
	int r = blk_async_submit(d, &a, write, block, count, offset);
	return r ? r : blk_async_wait(&a);
}

/* A MemoryObject of pages (contiguous if asked), mapped writable at *va. */
static inline int blk_buffer(uint32_t pages, bool contiguous, capos_MemoryObject *mo, uint8_t **va)
{
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_allocObject_Params_builder p = capos_FrameAllocator_allocObject_begin(&cl);
	capos_FrameAllocator_allocObject_Params_set_pages(p, pages);
	capos_FrameAllocator_allocObject_Params_set_contiguous(p, contiguous);
	int r = capos_FrameAllocator_allocObject_call(RT_CAP(capos_FrameAllocator, "frames"), &cl, 0);
	if (r < 0)
		return r;
	*mo = (capos_MemoryObject){ cl.new_cap };
	RT_CLIENT(cm, 64);
	capos_MemoryObject_map_Params_set_writable(capos_MemoryObject_map_begin(&cm), true);
	capos_MemoryObject_map_Results m;
	r = capos_MemoryObject_map_call(*mo, &cm, &m);
	if (r < 0)
		return r;
	*va = (uint8_t *)(uintptr_t)capos_MemoryObject_map_Results_get_addr(m);
	return CAPOS_OK;
}

/* Words of [p, p + len) (disk bytes from disk offset off) that differ from
 * the pattern of seed; block 0's header text is skipped. */
static inline uint64_t blk_mismatches(const uint8_t *p, uint64_t off, uint64_t len, uint64_t seed)
{
	uint64_t bad = 0;
	for (uint64_t i = 0; i < len; i += 8) {
		if (off + i < 512 && seed == 1)
			continue;
		uint64_t w;
		memcpy(&w, p + i, 8);
		bad += w != blk_pattern_word(off + i, seed);
	}
	return bad;
}

/* Fills [p, p + len) with the pattern of seed for disk offset off. */
static inline void blk_fill(uint8_t *p, uint64_t off, uint64_t len, uint64_t seed)
{
	for (uint64_t i = 0; i < len; i += 8) {
		uint64_t w = blk_pattern_word(off + i, seed);
		memcpy(p + i, &w, 8);
	}
}

#endif
