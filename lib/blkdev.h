/* Block-device request checks and virtio-blk feature negotiation: the
 * pure decisions of services/virtio-blk, unit-tested on the host
 * (tests/unit/test_blkdev.c). Every request is checked here before it can
 * reach the device; the first failing check decides. */
#ifndef CAPOS_LIB_BLKDEV_H
#define CAPOS_LIB_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

/* virtio 1.0 feature bits the driver knows (5.2.3) and the transport's. */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_F_VERSION_1 32

struct blk_geometry {
	uint64_t capacity;    /* blocks */
	uint32_t block_size;  /* bytes: 512 << k */
	uint32_t max_blocks;  /* per request */
	bool read_only;
};

enum blk_err {
	BLK_OK = 0,
	BLK_E_COUNT,      /* zero blocks, or more than max_blocks (or the inline limit) */
	BLK_E_RANGE,      /* block + count past the end of the disk (or wrapping) */
	BLK_E_READ_ONLY,  /* a write to a read-only disk */
	BLK_E_LENGTH,     /* inline data not a whole number of blocks */
	BLK_E_BUFFER,     /* no shared buffer, or offset + length outside it */
	BLK_E_FEATURES,   /* the device lacks VERSION_1: not a modern device */
};

/* A request of count blocks from block; write: it changes the disk. */
enum blk_err blk_check(const struct blk_geometry *g, uint64_t block, uint32_t count, bool write);

/* An inline write of len bytes at block, at most max_inline blocks. */
enum blk_err blk_check_inline_write(const struct blk_geometry *g, uint64_t block, uint64_t len, uint32_t max_inline);

/* A shared request: count blocks at offset of a buffer of buf_bytes (0:
 * none attached). */
enum blk_err blk_check_shared(const struct blk_geometry *g, uint64_t block, uint32_t count, uint64_t offset,
                              uint64_t buf_bytes, bool write);

/* The features to accept of those offered: VERSION_1 (required), and RO,
 * BLK_SIZE, FLUSH, SEG_MAX, SIZE_MAX when offered; nothing else. */
enum blk_err blk_negotiate(uint64_t offered, uint64_t *accepted);

const char *blk_strerror(enum blk_err e);

/* The test disk's pattern (tools/mkdisk writes it, the blk demos check
 * it): the 64-bit little-endian word at byte offset off of the image,
 * from seed (1: the image as built; others: what a test wrote). */
static inline uint64_t blk_pattern_word(uint64_t off, uint64_t seed)
{
	uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull ^ seed * 0xBF58476D1CE4E5B9ull;
	return x ^ (x >> 29);
}

/* The text the built image starts with (block 0; the pattern follows it). */
#define BLK_DISK_MAGIC "capOS test disk v1: every 64-bit word after block 0 is blk_pattern_word(offset, 1)\n"

#endif
