/* Block-device request checks (lib/blkdev.h). Sums are done so that
 * nothing wraps: block + count is compared as capacity - count. */
#include "lib/blkdev.h"

static bool range_ok(const struct blk_geometry *g, uint64_t block, uint32_t count)
{
	return count <= g->capacity && block <= g->capacity - count;
}

enum blk_err blk_check(const struct blk_geometry *g, uint64_t block, uint32_t count, bool write)
{
	if (count == 0 || count > g->max_blocks)
		return BLK_E_COUNT;
	if (!range_ok(g, block, count))
		return BLK_E_RANGE;
	if (write && g->read_only)
		return BLK_E_READ_ONLY;
	return BLK_OK;
}

enum blk_err blk_check_inline_write(const struct blk_geometry *g, uint64_t block, uint64_t len, uint32_t max_inline)
{
	if (len % g->block_size)
		return BLK_E_LENGTH;
	if (len == 0 || len / g->block_size > max_inline)
		return BLK_E_COUNT;
	return blk_check(g, block, (uint32_t)(len / g->block_size), true);
}

enum blk_err blk_check_shared(const struct blk_geometry *g, uint64_t block, uint32_t count, uint64_t offset,
                              uint64_t buf_bytes, bool write)
{
	enum blk_err e = blk_check(g, block, count, write);
	if (e != BLK_OK)
		return e;
	uint64_t len = (uint64_t)count * g->block_size;
	if (len > buf_bytes || offset > buf_bytes - len)
		return BLK_E_BUFFER;
	return BLK_OK;
}

enum blk_err blk_negotiate(uint64_t offered, uint64_t *accepted)
{
	const uint64_t known = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE |
	                       1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_SIZE_MAX;
	*accepted = 0;
	if (!(offered >> VIRTIO_F_VERSION_1 & 1))
		return BLK_E_FEATURES;
	*accepted = offered & known;
	return BLK_OK;
}

const char *blk_strerror(enum blk_err e)
{
	switch (e) {
	case BLK_OK: return "ok";
	case BLK_E_COUNT: return "block count zero or over the limit";
	case BLK_E_RANGE: return "past the end of the disk";
	case BLK_E_READ_ONLY: return "the disk is read-only";
	case BLK_E_LENGTH: return "data not a whole number of blocks";
	case BLK_E_BUFFER: return "outside the shared buffer";
	case BLK_E_FEATURES: return "not a virtio 1.0 device (no VERSION_1)";
	}
	return "unknown";
}
