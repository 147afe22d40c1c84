/* virtio-blk: the disk driver, in ring 3 (docs/hardware.md, "virtio-blk").
 * Serves BlockDevice on its export "blk" for one virtio 1.0 block device
 * (PCI 1af4:1042), which the manifest grants as the one PciDevice "dev".
 *
 * Transport: the virtio PCI capability list read through configRead, the
 * common/notify/ISR/device structures in memory BARs (memoryBar, mapped
 * uncached), features negotiated (VERSION_1 required; lib/blkdev), one
 * split virtqueue (lib/virtq) in a contiguous DMA MemoryObject, bus
 * mastering on, completions by the legacy INTx line (IrqLine bound to a
 * Notification; the ISR register read deasserts it, then ack).
 *
 * Requests: every one is checked (lib/blkdev) before a descriptor is
 * written. Inline data goes through a bounce page per request; shared
 * requests put the physical pages of the client's attached MemoryObject
 * straight into the descriptors (zero-copy). Up to SLOTS requests are in
 * flight: the loop keeps NRECV RECVs and the interrupt wait posted
 * together, keeps each call's reply capability, and answers it when the
 * device completes it (deferred replies).
 *
 * Clients: an attached buffer belongs to (badge, caller pid). The driver
 * holds the buffer's capability while requests on it are in flight, so a
 * client that dies mid-request cannot free pages the device is writing;
 * its answers fail DISCONNECTED, and the buffer is released once its last
 * request completes. */
#include "lib/blkdev.h"
#include "lib/errors.h"
#include "lib/mem.h"
#include "lib/virtq.h"
#include "rt/capos.h"

#define QSIZE_MAX 256u
#define SLOTS 64u              /* requests in flight (and queued for descriptors) */
#define NRECV 8u               /* RECVs posted at once */
#define INLINE_BYTES 4096u     /* inline data per request: one bounce page */
#define SHARED_BYTES (64u * 1024) /* largest shared request */
#define ATTACH_MAX 16u
#define ATTACH_PAGES_MAX 256u  /* 1 MiB */
#define RECV_BYTES (sizeof(struct capos_recv_header) + 2 * INLINE_BYTES + 512u) /* room to refuse too much by name */
#define ARENA_BYTES (INLINE_BYTES + 256u)
#define PAGE 4096u
#define WATCHDOG_NS 100000000ull /* 100 ms */

/* user_data tags: the top byte says what completed. */
#define UD_RECV (0xB1ull << 56)
#define UD_NOTE (0xB2ull << 56)
#define UD_ACK (0xB3ull << 56)
#define UD_RETURN (0xB4ull << 56)
#define UD_TAG(u) ((u) & (0xFFull << 56))

/* virtio PCI (4.1.4) */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4
#define ST_ACK 1u
#define ST_DRIVER 2u
#define ST_DRIVER_OK 4u
#define ST_FEATURES_OK 8u
#define ST_FAILED 128u
#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u

struct attach {
	bool used, dead;     /* dead: detached or owner gone; dropped at refs 0 */
	uint64_t badge;
	uint32_t pid, cap, pages, refs;
	uint64_t last_use;
	uint64_t phys[ATTACH_PAGES_MAX];
};

enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_INFLIGHT };

struct slot {
	uint8_t state;
	uint16_t method, head;
	uint32_t reply, pid;
	uint64_t block, offset;
	uint32_t count;
	struct attach *att;
};

static struct {
	volatile uint8_t *bar[6];
	volatile uint8_t *common, *isr, *devcfg;
	volatile uint16_t *notify;
	capos_PciDevice pci;
	capos_IrqLine line;
	capos_Notification note;
	struct blk_geometry g;
	uint32_t inline_blocks;
	bool flush;            /* FLUSH negotiated: the device has a write cache */
	uint8_t *dma;
	uint64_t dma_phys;
	size_t hdr_off, page_off;
	struct virtq q;
} dev;

static struct slot slots[SLOTS];
static uint8_t head_slot[QSIZE_MAX];
static uint8_t queued[SLOTS];
static uint32_t nqueued, qfirst, nbusy, nposted;
static struct attach attached[ATTACH_MAX];
static uint64_t use_clock;
static uint64_t recvbuf[NRECV][RECV_BYTES / 8];
static bool recv_posted[NRECV];
static uint64_t slot_arena[SLOTS][ARENA_BYTES / 8], imm_arena[NRECV][64];
static uint64_t note_word, ack_buf[8];
static bool note_posted;
static uint32_t ack_len;

/* ---------------------------------------------------------------- small calls */

static int cfg_read(uint32_t off, uint8_t width, uint32_t *v)
{
	RT_CLIENT(cl, 64);
	capos_PciDevice_configRead_Params_builder p = capos_PciDevice_configRead_begin(&cl);
	capos_PciDevice_configRead_Params_set_offset(p, off);
	capos_PciDevice_configRead_Params_set_width(p, width);
	capos_PciDevice_configRead_Results res;
	int r = capos_PciDevice_configRead_call(dev.pci, &cl, &res);
	*v = r < 0 ? 0 : capos_PciDevice_configRead_Results_get_value(res);
	return r < 0 ? r : CAPOS_OK;
}

static int cfg_write16(uint32_t off, uint32_t v)
{
	RT_CLIENT(cl, 64);
	capos_PciDevice_configWrite_Params_builder p = capos_PciDevice_configWrite_begin(&cl);
	capos_PciDevice_configWrite_Params_set_offset(p, off);
	capos_PciDevice_configWrite_Params_set_width(p, 2);
	capos_PciDevice_configWrite_Params_set_value(p, v);
	int r = capos_PciDevice_configWrite_call(dev.pci, &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

/* Maps mo (writable if asked) where the kernel chooses; 0 on failure with
 * the error in *err. */
static uint64_t mo_map(uint32_t mo, bool writable, int *err)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_map_Params_set_writable(capos_MemoryObject_map_begin(&cl), writable);
	capos_MemoryObject_map_Results m;
	int r = capos_MemoryObject_map_call((capos_MemoryObject){ mo }, &cl, &m);
	*err = r < 0 ? r : CAPOS_OK;
	return r < 0 ? 0 : capos_MemoryObject_map_Results_get_addr(m);
}

static void mo_unmap(uint32_t mo, uint64_t va)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_unmap_Params_set_addr(capos_MemoryObject_unmap_begin(&cl), va);
	capos_MemoryObject_unmap_call((capos_MemoryObject){ mo }, &cl, 0);
}

static int mo_physical(uint32_t mo, uint32_t page, uint64_t *pa, bool *contiguous)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_physical_Params_set_page(capos_MemoryObject_physical_begin(&cl), page);
	capos_MemoryObject_physical_Results res;
	int r = capos_MemoryObject_physical_call((capos_MemoryObject){ mo }, &cl, &res);
	if (r < 0)
		return r;
	*pa = capos_MemoryObject_physical_Results_get_phys(res);
	*contiguous = capos_MemoryObject_physical_Results_get_contiguous(res);
	return CAPOS_OK;
}

static int mo_pages(uint32_t mo, uint32_t *pages)
{
	RT_CLIENT(cl, 64);
	capos_MemoryObject_size_Results res;
	int r = capos_MemoryObject_size_call((capos_MemoryObject){ mo }, &cl, &res);
	*pages = r < 0 ? 0 : capos_MemoryObject_size_Results_get_pages(res);
	return r < 0 ? r : CAPOS_OK;
}

static void submit(const struct capos_sqe *sqe)
{
	while (rt_ring_submit(sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
}

/* ---------------------------------------------------------------- the device */

static uint32_t mmio_r32(volatile uint8_t *p) { return *(volatile uint32_t *)p; }
static void mmio_w32(volatile uint8_t *p, uint32_t v) { *(volatile uint32_t *)p = v; }
static void mmio_w16(volatile uint8_t *p, uint16_t v) { *(volatile uint16_t *)p = v; }
static void mmio_w64(volatile uint8_t *p, uint64_t v)
{
	mmio_w32(p, (uint32_t)v);
	mmio_w32(p + 4, (uint32_t)(v >> 32));
}

/* The address of offset off in memory BAR bar, mapping it on first use. */
static volatile uint8_t *bar_at(uint32_t bar, uint32_t off)
{
	if (bar >= 6)
		return 0;
	if (!dev.bar[bar]) {
		RT_CLIENT(cl, 64);
		capos_PciDevice_memoryBar_Params_set_index(capos_PciDevice_memoryBar_begin(&cl), (uint8_t)bar);
		if (capos_PciDevice_memoryBar_call(dev.pci, &cl, 0) < 0)
			return 0;
		int err;
		dev.bar[bar] = (volatile uint8_t *)(uintptr_t)mo_map(cl.new_cap, true, &err);
		if (!dev.bar[bar])
			return 0;
	}
	return dev.bar[bar] + off;
}

/* Walks the PCI capability list for the virtio structures; the notify
 * multiplier in *mult. */
static const char *find_structures(uint32_t *mult)
{
	uint32_t status = 0, ptr = 0;
	if (cfg_read(0x06, 2, &status) || !(status & 0x10) || cfg_read(0x34, 1, &ptr))
		return "no PCI capability list";
	for (int guard = 0; ptr >= 0x40 && ptr < 0x100 && guard < 48; guard++) {
		uint32_t head = 0, bar = 0, off = 0;
		cfg_read(ptr & ~3u, 4, &head);
		uint32_t vndr = head & 0xFF, next = head >> 8 & 0xFF, type = head >> 24;
		if (vndr == 0x09) {
			cfg_read(ptr + 4, 1, &bar);
			cfg_read(ptr + 8, 4, &off);
			volatile uint8_t *at = bar_at(bar, off);
			if (type == CAP_COMMON && !dev.common) dev.common = at;
			else if (type == CAP_ISR && !dev.isr) dev.isr = at;
			else if (type == CAP_DEVICE && !dev.devcfg) dev.devcfg = at;
			else if (type == CAP_NOTIFY && !dev.notify) {
				dev.notify = (volatile uint16_t *)at;
				cfg_read(ptr + 16, 4, mult);
			}
		}
		ptr = next;
	}
	return dev.common && dev.isr && dev.devcfg && dev.notify ? 0 : "virtio capabilities missing";
}

/* Feature negotiation (3.1.1 steps 1-6). */
static const char *negotiate(uint64_t *accepted)
{
	volatile uint8_t *c = dev.common;
	c[0x14] = 0;
	while (c[0x14] != 0)
		;
	c[0x14] = ST_ACK;
	c[0x14] = ST_ACK | ST_DRIVER;
	mmio_w32(c + 0x00, 0);
	uint64_t offered = mmio_r32(c + 0x04);
	mmio_w32(c + 0x00, 1);
	offered |= (uint64_t)mmio_r32(c + 0x04) << 32;
	if (blk_negotiate(offered, accepted) != BLK_OK)
		return blk_strerror(BLK_E_FEATURES);
	mmio_w32(c + 0x08, 0);
	mmio_w32(c + 0x0C, (uint32_t)*accepted);
	mmio_w32(c + 0x08, 1);
	mmio_w32(c + 0x0C, (uint32_t)(*accepted >> 32));
	c[0x14] = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	if (!(c[0x14] & ST_FEATURES_OK))
		return "the device refused the features";
	return 0;
}

/* The disk's geometry from the device configuration (5.2.4). */
static void read_geometry(uint64_t features)
{
	volatile uint8_t *d = dev.devcfg;
	uint64_t sectors;
	uint8_t gen;
	do {
		gen = dev.common[0x15];
		sectors = mmio_r32(d) | (uint64_t)mmio_r32(d + 4) << 32;
	} while (gen != dev.common[0x15]);
	uint32_t bs = features >> VIRTIO_BLK_F_BLK_SIZE & 1 ? mmio_r32(d + 20) : 512;
	if (bs < 512 || bs > PAGE || (bs & (bs - 1)))
		bs = 512;
	uint32_t seg_max = features >> VIRTIO_BLK_F_SEG_MAX & 1 ? mmio_r32(d + 12) : 1;
	uint32_t max_bytes = SHARED_BYTES;
	/* A shared request spans at most bytes/4K + 1 pages, each a segment. */
	while (max_bytes > PAGE && max_bytes / PAGE + 1 > seg_max)
		max_bytes /= 2;
	dev.g = (struct blk_geometry){ sectors / (bs / 512), bs, max_bytes / bs, features >> VIRTIO_BLK_F_RO & 1 };
	dev.inline_blocks = INLINE_BYTES / bs < 8 ? INLINE_BYTES / bs : 8;
	dev.flush = features >> VIRTIO_BLK_F_FLUSH & 1;
}

/* The DMA region: the queue, request headers and status bytes, one bounce
 * page per slot. */
static const char *setup_queue(uint32_t mult)
{
	volatile uint8_t *c = dev.common;
	mmio_w16(c + 0x16, 0);
	uint16_t size = *(volatile uint16_t *)(c + 0x18);
	if (size == 0)
		return "queue 0 is not there";
	uint16_t qs = QSIZE_MAX;
	while (qs > size)
		qs /= 2;
	size_t avail_off, used_off, total;
	virtq_layout(qs, &avail_off, &used_off, &total);
	dev.hdr_off = total;
	dev.page_off = total + PAGE;
	uint32_t pages = (uint32_t)(dev.page_off / PAGE) + SLOTS;
	RT_CLIENT(cl, 64);
	capos_FrameAllocator_allocObject_Params_builder p = capos_FrameAllocator_allocObject_begin(&cl);
	capos_FrameAllocator_allocObject_Params_set_pages(p, pages);
	capos_FrameAllocator_allocObject_Params_set_contiguous(p, true);
	if (capos_FrameAllocator_allocObject_call(RT_CAP(capos_FrameAllocator, "frames"), &cl, 0) < 0)
		return "no contiguous DMA memory";
	uint32_t mo = cl.new_cap;
	int err;
	bool contiguous = false;
	dev.dma = (uint8_t *)(uintptr_t)mo_map(mo, true, &err);
	if (!dev.dma || mo_physical(mo, 0, &dev.dma_phys, &contiguous) || !contiguous)
		return "cannot map the DMA memory";
	virtq_init(&dev.q, qs, dev.dma);
	mmio_w16(c + 0x18, qs);
	mmio_w64(c + 0x20, dev.dma_phys);
	mmio_w64(c + 0x28, dev.dma_phys + avail_off);
	mmio_w64(c + 0x30, dev.dma_phys + used_off);
	uint16_t notify_off = *(volatile uint16_t *)(c + 0x1E);
	dev.notify = (volatile uint16_t *)((volatile uint8_t *)dev.notify + (uint32_t)notify_off * mult);
	mmio_w16(c + 0x1C, 1);
	return 0;
}

/* Bus mastering and memory decoding on, INTx enabled, the line bound. */
static const char *setup_interrupts(void)
{
	uint32_t cmd = 0;
	if (cfg_read(0x04, 2, &cmd) || cfg_write16(0x04, (cmd | 0x6) & ~0x400u))
		return "cannot turn bus mastering on";
	RT_CLIENT(cl, 64);
	if (capos_PciDevice_irqLine_call(dev.pci, &cl, 0) < 0)
		return "no INTx line";
	dev.line = (capos_IrqLine){ cl.new_cap };
	RT_CLIENT(cn, 64);
	if (capos_ObjectFactory_notification_call(RT_CAP(capos_ObjectFactory, "factory"), &cn, 0) < 0)
		return "no notification";
	dev.note = (capos_Notification){ cn.new_cap };
	RT_CLIENT(cb, 64);
	capos_IrqLine_bind_Params_builder b = capos_IrqLine_bind_begin(&cb);
	capos_IrqLine_bind_Params_set_notification(b, dev.note.id);
	capos_IrqLine_bind_Params_set_bits(b, 1);
	if (capos_IrqLine_bind_call(dev.line, &cb, 0) < 0)
		return "cannot bind the line";
	struct capnp_builder ab;
	capnp_builder_init(&ab, ack_buf, sizeof ack_buf);
	capos_IrqLine_ack_Params_init_root(&ab);
	ack_len = (uint32_t)capnp_builder_finish(&ab);
	return 0;
}

static const char *device_init(void)
{
	uint32_t mult = 0;
	uint64_t features = 0;
	const char *why = find_structures(&mult);
	if (!why)
		why = negotiate(&features);
	if (!why) {
		read_geometry(features);
		why = setup_interrupts();
	}
	if (!why)
		why = setup_queue(mult);
	if (why) {
		if (dev.common)
			dev.common[0x14] = ST_FAILED;
		return why;
	}
	dev.common[0x14] = ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	return 0;
}

/* ---------------------------------------------------------------- attachments */

static void attach_drop(struct attach *a)
{
	rt_release(a->cap);
	a->used = false;
}

/* The buffer's owner is gone or replaced it: released once idle. */
static void attach_retire(struct attach *a)
{
	a->dead = true;
	if (a->refs == 0)
		attach_drop(a);
}

static struct attach *attach_find(uint64_t badge, uint32_t pid)
{
	for (uint32_t i = 0; i < ATTACH_MAX; i++)
		if (attached[i].used && !attached[i].dead && attached[i].badge == badge && attached[i].pid == pid)
			return &attached[i];
	return 0;
}

/* A free entry, else the least recently used idle one (its client must
 * attach again), else 0. */
static struct attach *attach_entry(void)
{
	struct attach *lru = 0;
	for (uint32_t i = 0; i < ATTACH_MAX; i++) {
		struct attach *a = &attached[i];
		if (!a->used)
			return a;
		if (a->refs == 0 && (!lru || a->last_use < lru->last_use))
			lru = a;
	}
	if (lru)
		attach_drop(lru);
	return lru;
}

/* Checks mo as a DMA buffer (mappable writable, physical pages known) and
 * records its pages in a. */
static int attach_check(uint32_t mo, struct attach *a)
{
	uint32_t pages = 0;
	int r = mo_pages(mo, &pages);
	if (r)
		return r;
	if (pages == 0 || pages > ATTACH_PAGES_MAX)
		return CAPOS_E_TOO_BIG;
	uint64_t va = mo_map(mo, true, &r); /* proves rightWrite: the device writes it */
	if (!va)
		return r;
	mo_unmap(mo, va);
	bool contiguous = false;
	for (uint32_t i = 0; i < pages; i++) {
		r = mo_physical(mo, contiguous ? 0 : i, &a->phys[i], &contiguous);
		if (r)
			return r;
		if (contiguous)
			a->phys[i] = a->phys[0] + (uint64_t)i * PAGE;
	}
	a->pages = pages;
	return CAPOS_OK;
}

static int do_attach(const struct capos_recv_header *h)
{
	if (h->caps.count < 1)
		return CAPOS_E_BAD_ARGUMENT;
	uint32_t mo = h->caps.caps[0].cap;
	if (h->caps.caps[0].interface_id != capos_MemoryObject_ID)
		return CAPOS_E_WRONG_INTERFACE;
	static struct attach scratch;
	int r = attach_check(mo, &scratch);
	if (r)
		return r;
	struct attach *old = attach_find(h->badge, h->caller_pid);
	if (old)
		attach_retire(old);
	struct attach *a = attach_entry();
	if (!a)
		return CAPOS_E_BUSY;
	memcpy(a->phys, scratch.phys, sizeof a->phys[0] * scratch.pages);
	a->pages = scratch.pages;
	a->used = true;
	a->dead = false;
	a->badge = h->badge;
	a->pid = h->caller_pid;
	a->cap = mo;
	a->refs = 0;
	a->last_use = ++use_clock;
	return CAPOS_OK;
}

/* ---------------------------------------------------------------- answers */

static void answer(uint32_t reply, uint32_t pid, const void *results, uint32_t len, int err)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RETURN, .cap = reply, .user_data = UD_RETURN | pid,
		                 .buf = (uint64_t)(uintptr_t)results, .params_len = err ? 0 : len,
		                 .interface_id = (uint64_t)(int64_t)err };
	submit(&sqe);
}

/* An empty results struct (write, flush, attach, shared transfers). */
static void answer_empty(uint32_t reply, uint32_t pid, uint64_t *arena, int err)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, 64);
	capos_BlockDevice_flush_Results_init_root(&b);
	answer(reply, pid, arena, (uint32_t)capnp_builder_finish(&b), err);
}

static void answer_info(const struct capos_recv_header *h, uint64_t *arena)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, 512);
	capos_BlockDevice_info_Results_builder r = capos_BlockDevice_info_Results_init_root(&b);
	capos_BlockDevice_info_Results_set_capacity(r, dev.g.capacity);
	capos_BlockDevice_info_Results_set_blockSize(r, dev.g.block_size);
	capos_BlockDevice_info_Results_set_readOnly(r, dev.g.read_only);
	capos_BlockDevice_info_Results_set_maxBlocks(r, dev.g.max_blocks);
	answer(h->reply, h->caller_pid, arena, (uint32_t)capnp_builder_finish(&b), 0);
}

/* A completed request's answer (status: the device's status byte). */
static void slot_answer(uint32_t s, uint8_t status)
{
	struct slot *sl = &slots[s];
	int err = status == 0 ? 0 : status == 2 ? CAPOS_E_NOT_SUPPORTED : CAPOS_E_IO;
	if (sl->method == capos_BlockDevice_read_ORDINAL && !err) {
		struct capnp_builder b;
		capnp_builder_init(&b, slot_arena[s], sizeof slot_arena[s]);
		capos_BlockDevice_read_Results_builder r = capos_BlockDevice_read_Results_init_root(&b);
		capos_BlockDevice_read_Results_set_data(r, dev.dma + dev.page_off + (size_t)s * PAGE,
		                                        (size_t)sl->count * dev.g.block_size);
		answer(sl->reply, sl->pid, slot_arena[s], (uint32_t)capnp_builder_finish(&b), 0);
	} else {
		answer_empty(sl->reply, sl->pid, slot_arena[s], err);
	}
}

/* ---------------------------------------------------------------- requests */

/* The segments of slot s's request: header, data, status. */
static uint16_t slot_segments(uint32_t s, struct virtq_seg *seg)
{
	struct slot *sl = &slots[s];
	bool write = sl->method == capos_BlockDevice_write_ORDINAL || sl->method == capos_BlockDevice_writeShared_ORDINAL;
	uint32_t *hdr = (uint32_t *)(dev.dma + dev.hdr_off + (size_t)s * 16);
	uint64_t sector = sl->block * (dev.g.block_size / 512);
	hdr[0] = sl->method == capos_BlockDevice_flush_ORDINAL ? BLK_T_FLUSH : write ? BLK_T_OUT : BLK_T_IN;
	hdr[1] = 0;
	hdr[2] = (uint32_t)sector;
	hdr[3] = (uint32_t)(sector >> 32);
	uint16_t n = 0;
	seg[n++] = (struct virtq_seg){ dev.dma_phys + dev.hdr_off + (uint64_t)s * 16, 16, false };
	uint32_t bytes = sl->count * dev.g.block_size;
	if (sl->method == capos_BlockDevice_read_ORDINAL || sl->method == capos_BlockDevice_write_ORDINAL) {
		seg[n++] = (struct virtq_seg){ dev.dma_phys + dev.page_off + (uint64_t)s * PAGE, bytes, !write };
	} else if (sl->att) {
		uint64_t off = sl->offset;
		while (bytes) { /* split at page boundaries: the object need not be contiguous */
			uint32_t in_page = PAGE - (uint32_t)(off % PAGE), len = bytes < in_page ? bytes : in_page;
			seg[n++] = (struct virtq_seg){ sl->att->phys[off / PAGE] + off % PAGE, len, !write };
			off += len;
			bytes -= len;
		}
	}
	dev.dma[dev.hdr_off + SLOTS * 16 + s] = 0xFF;
	seg[n++] = (struct virtq_seg){ dev.dma_phys + dev.hdr_off + SLOTS * 16 + s, 1, true };
	return n;
}

/* Puts slot s on the ring; false (nothing changed) without descriptors. */
static bool slot_start(uint32_t s)
{
	struct virtq_seg seg[SHARED_BYTES / PAGE + 3];
	uint16_t n = slot_segments(s, seg), head;
	if (virtq_add(&dev.q, seg, n, &head) != VIRTQ_OK)
		return false;
	head_slot[head] = (uint8_t)s;
	slots[s].head = head;
	slots[s].state = SLOT_INFLIGHT;
	return true;
}

/* Starts the queued requests in order while descriptors last; tells the
 * device if any went on the ring. */
static void start_queued(void)
{
	bool added = false;
	while (nqueued && slot_start(queued[qfirst])) {
		qfirst = (qfirst + 1) % SLOTS;
		nqueued--;
		added = true;
	}
	if (added && virtq_publish(&dev.q))
		*dev.notify = 0;
}

static uint32_t slot_take(void)
{
	for (uint32_t s = 0; s < SLOTS; s++)
		if (slots[s].state == SLOT_FREE)
			return s;
	return SLOTS; /* cannot happen: RECVs are posted only for free slots */
}

static void slot_release(uint32_t s)
{
	struct attach *a = slots[s].att;
	if (a && --a->refs == 0 && a->dead)
		attach_drop(a);
	slots[s].state = SLOT_FREE;
	slots[s].att = 0;
	nbusy--;
}

/* Takes the device's completions and answers them. */
static void reap(void)
{
	uint16_t head;
	uint32_t len;
	int r;
	while ((r = virtq_take_used(&dev.q, &head, &len)) != 0) {
		if (r < 0) {
			printf("virtio-blk: the device completed an id that is not in flight; ignored\n");
			continue;
		}
		uint32_t s = head_slot[head];
		slot_answer(s, dev.dma[dev.hdr_off + SLOTS * 16 + s]);
		slot_release(s);
	}
	start_queued();
}

static int err_of(enum blk_err e)
{
	return e == BLK_OK ? CAPOS_OK : e == BLK_E_READ_ONLY ? CAPOS_E_PERMISSION_DENIED : CAPOS_E_BAD_ARGUMENT;
}

/* Decodes a transfer request into slot fields; an error refuses it before
 * anything is written. */
static int decode_request(const struct capos_recv_header *h, struct capnp_msg *msg, struct slot *sl, uint32_t s)
{
	struct capnp_data d;
	enum blk_err e = BLK_OK;
	switch (h->method) {
	case capos_BlockDevice_read_ORDINAL: {
		capos_BlockDevice_read_Params p = capos_BlockDevice_read_Params_root(msg);
		sl->block = capos_BlockDevice_read_Params_get_block(p);
		sl->count = capos_BlockDevice_read_Params_get_count(p);
		e = sl->count > dev.inline_blocks ? BLK_E_COUNT : blk_check(&dev.g, sl->block, sl->count, false);
		break;
	}
	case capos_BlockDevice_write_ORDINAL: {
		capos_BlockDevice_write_Params p = capos_BlockDevice_write_Params_root(msg);
		sl->block = capos_BlockDevice_write_Params_get_block(p);
		d = capos_BlockDevice_write_Params_get_data(p);
		e = blk_check_inline_write(&dev.g, sl->block, d.len, dev.inline_blocks);
		if (e == BLK_OK) {
			sl->count = d.len / dev.g.block_size;
			memcpy(dev.dma + dev.page_off + (size_t)s * PAGE, d.ptr, d.len);
		}
		break;
	}
	case capos_BlockDevice_flush_ORDINAL: /* harmless on a read-only disk too */
		break;
	default: { /* readShared, writeShared: the same params layout */
		capos_BlockDevice_readShared_Params p = capos_BlockDevice_readShared_Params_root(msg);
		bool write = h->method == capos_BlockDevice_writeShared_ORDINAL;
		sl->block = capos_BlockDevice_readShared_Params_get_block(p);
		sl->count = capos_BlockDevice_readShared_Params_get_count(p);
		sl->offset = capos_BlockDevice_readShared_Params_get_offset(p);
		sl->att = attach_find(h->badge, h->caller_pid);
		e = blk_check_shared(&dev.g, sl->block, sl->count, sl->offset,
		                     sl->att ? (uint64_t)sl->att->pages * PAGE : 0, write);
		break;
	}
	}
	return err_of(e);
}

/* A read/write/flush/readShared/writeShared call: checked, then queued
 * for the device; answered when it completes. */
static void request(const struct capos_recv_header *h, struct capnp_msg *msg, uint64_t *arena)
{
	uint32_t s = slot_take();
	struct slot *sl = &slots[s];
	*sl = (struct slot){ .method = h->method, .reply = h->reply, .pid = h->caller_pid };
	int err = decode_request(h, msg, sl, s);
	if (err) {
		sl->att = 0;
		answer_empty(h->reply, h->caller_pid, arena, err);
		return;
	}
	if (h->method == capos_BlockDevice_flush_ORDINAL && !dev.flush) {
		answer_empty(h->reply, h->caller_pid, arena, CAPOS_OK); /* no write cache: writes are durable */
		return;
	}
	if (sl->att) {
		sl->att->refs++;
		sl->att->last_use = ++use_clock;
	}
	sl->state = SLOT_QUEUED;
	nbusy++;
	queued[(qfirst + nqueued++) % SLOTS] = (uint8_t)s;
}

/* ---------------------------------------------------------------- the loop */

static void post_recv(uint32_t serve, uint32_t i)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = serve, .user_data = UD_RECV | i,
		                 .buf = (uint64_t)(uintptr_t)recvbuf[i], .buf_cap = sizeof recvbuf[i] };
	submit(&sqe);
	recv_posted[i] = true;
	nposted++;
}

static void post_note(void)
{
	struct capos_sqe sqe = { .opcode = CAPOS_OP_RECV, .cap = dev.note.id, .user_data = UD_NOTE,
		                 .buf = (uint64_t)(uintptr_t)&note_word, .buf_cap = 8 };
	submit(&sqe);
	note_posted = true;
}

/* The interrupt: read ISR (deasserts INTx), take completions, ack. */
static void interrupt(void)
{
	(void)*dev.isr;
	reap();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = dev.line.id, .interface_id = capos_IrqLine_ID,
		                 .method = capos_IrqLine_ack_ORDINAL, .user_data = UD_ACK,
		                 .buf = (uint64_t)(uintptr_t)ack_buf, .params_len = ack_len, .buf_cap = sizeof ack_buf };
	submit(&sqe);
}

/* One received call in recvbuf[i]. */
static void call(uint32_t i)
{
	const struct capos_recv_header *h = (const struct capos_recv_header *)recvbuf[i];
	static const uint64_t empty[2] = { 0x0000000100000000ull, 0 };
	bool keep_cap = h->method == capos_BlockDevice_attach_ORDINAL;
	for (uint32_t k = keep_cap ? 1 : 0; k < h->caps.count && k < CAPOS_TRANSFER_MAX; k++)
		rt_release(h->caps.caps[k].cap); /* nothing else is kept: no slot leaks */
	struct capnp_msg msg;
	const void *bytes = h->params_len ? (const void *)(h + 1) : empty;
	uint32_t n = h->params_len ? h->params_len : sizeof empty;
	struct capnp_limits lim = capnp_limits_for_size(n, CAPNP_TRAVERSAL_FACTOR);
	if (capnp_msg_init(&msg, bytes, n, &lim) != CAPNP_OK) {
		if (keep_cap && h->caps.count)
			rt_release(h->caps.caps[0].cap);
		answer_empty(h->reply, h->caller_pid, imm_arena[i], CAPOS_E_BAD_MESSAGE);
		return;
	}
	if (h->method == capos_BlockDevice_info_ORDINAL) {
		answer_info(h, imm_arena[i]);
	} else if (keep_cap) {
		int r = do_attach(h);
		if (r && h->caps.count)
			rt_release(h->caps.caps[0].cap);
		answer_empty(h->reply, h->caller_pid, imm_arena[i], r);
	} else {
		request(h, &msg, imm_arena[i]);
	}
}

/* A RETURN completed: DISCONNECTED means the caller died; its buffers go
 * once their requests are done. */
static void returned(uint64_t ud, int32_t result)
{
	if (result != CAPOS_E_DISCONNECTED)
		return;
	uint32_t pid = (uint32_t)ud;
	for (uint32_t k = 0; k < ATTACH_MAX; k++) {
		struct attach *a = &attached[k];
		if (!a->used || a->dead || a->pid != pid)
			continue;
		printf("virtio-blk: client pid %u went away; its buffer goes after its %u requests still on the device\n",
		       pid, a->refs);
		attach_retire(a);
	}
}

/* Handles one completion; false when the endpoint has closed. */
static bool event(uint32_t serve, const struct capos_cqe *c)
{
	switch (UD_TAG(c->user_data)) {
	case UD_RECV: {
		uint32_t i = (uint32_t)(c->user_data & 0xFF);
		recv_posted[i] = false;
		nposted--;
		if (c->result < 0)
			return c->result != CAPOS_E_CANCELLED;
		call(i);
		break;
	}
	case UD_NOTE:
		note_posted = false;
		interrupt();
		break;
	case UD_RETURN:
		returned(c->user_data, c->result);
		break;
	default: /* UD_ACK: a failed ack would leave the line masked */
		if (c->result < 0)
			printf("virtio-blk: IrqLine.ack: %s\n", capos_strerror(c->result));
		break;
	}
	(void)serve;
	return true;
}

static int serve_loop(uint32_t serve)
{
	for (;;) {
		for (uint32_t i = 0; i < NRECV && nposted + nbusy < SLOTS; i++)
			if (!recv_posted[i])
				post_recv(serve, i);
		if (!note_posted)
			post_note();
		start_queued();
		struct capos_cqe c;
		bool any = false;
		while (rt_ring_next(&c)) {
			any = true;
			if (!event(serve, &c))
				return CAPOS_OK;
		}
		reap(); /* the device may have finished without an interrupt yet */
		/* With requests on the device, wait with a time limit: the kernel
		 * cannot see that an interrupt is coming and would call a system
		 * where everyone waits a deadlock; the limit also recovers a lost
		 * interrupt (reap above). Idle, nothing can come from the device. */
		if (!any)
			sys_cap_enter(1, nbusy ? WATCHDOG_NS : CAPOS_TIMEOUT_NEVER);
	}
}

int main(void)
{
	uint32_t serve = rt_capset_find("blk", capos_Endpoint_ID);
	dev.pci = RT_CAP(capos_PciDevice, "dev");
	if (!serve || !dev.pci.id) {
		printf("virtio-blk: no 'blk' export or no 'dev' PciDevice granted\n");
		return 1;
	}
	const char *why = device_init();
	if (why) {
		printf("virtio-blk: device refused: %s\n", why);
		return 1;
	}
	printf("virtio-blk: %llu blocks of %u bytes (%llu MiB)%s, queue of %u, up to %u requests in flight\n",
	       (unsigned long long)dev.g.capacity, dev.g.block_size,
	       (unsigned long long)(dev.g.capacity * dev.g.block_size >> 20), dev.g.read_only ? ", read-only" : "",
	       dev.q.size, SLOTS);
	return serve_loop(serve) == CAPOS_OK ? 0 : 2;
}
