/* blk: the virtio-blk service's client demos, one binary (the boot
 * package's binaries are counted) with the role as its argument:
 *   read      reads the whole test disk and checks every byte
 *   write     writes a pattern over blocks 2048-6151 (cmp'd by the host)
 *   readonly  a read-only disk refuses writes
 *   hostile   refusals by name, a client dying mid-request
 *   bench/N   make bench's figures (bench/run), N requests per figure
 * Each role's comment is above its function. The system tests are
 * tests/system/run blk-*; docs/hardware.md describes them. */
#include "demos/blk.h"
#include "bench/stats.h" /* after rt: it needs printf and uint64_t */

const char demo_name[] = "blk";

static uint8_t page[8192];

static unsigned long strtou(const char *p)
{
	unsigned long v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned long)(*p++ - '0');
	return v;
}

/* blk-read: reads the whole test disk through the virtio-blk service and
 * checks every byte against the pattern the host wrote (tools/mkdisk):
 * block 0's header inline, the whole disk through a shared 1 MiB buffer
 * (not physically contiguous: the driver splits at pages) with 16
 * requests of 64 KiB in flight, then 32 requests of 4 KiB in flight at
 * once, and a request at an unaligned offset. */

#define WINDOW (64u * 1024)

/* The whole disk, depth requests of bytes each in flight; mismatched words. */
static uint64_t read_all(capos_BlockDevice d, const struct blk_dev_info *in, const uint8_t *buf, uint32_t bytes,
                         uint32_t depth, int *err)
{
	static struct blk_async a[32];
	uint32_t per = bytes / in->block_size;
	uint64_t total = in->capacity / per, bad = 0, next = 0, done = 0;
	while (done < total && !*err) {
		uint32_t started = 0;
		for (; started < depth && next < total; started++, next++)
			*err |= blk_async_submit(d, &a[started], false, next * per, per, (uint64_t)started * bytes);
		for (uint32_t k = 0; k < started; k++) {
			int r = blk_async_wait(&a[k]);
			if (r && !*err)
				*err = r;
			uint64_t blk = next - started + k;
			bad += blk_mismatches(buf + (size_t)k * bytes, blk * per * in->block_size, bytes, 1);
			done++;
		}
	}
	return bad;
}

static int role_read(void)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk");
	if (!d.id) { /* a machine without the disk: init left the grant out */
		printf("blk: FAILED: no disk granted (blk)\n");
		return 1;
	}
	struct blk_dev_info in;
	int r = blk_info(d, &in);
	CHECK(r == CAPOS_OK && in.block_size == 512 && in.capacity == 16u * 2048 && !in.read_only && in.max_blocks >= 8,
	      "info: %llu blocks of %u bytes, max %u per request, %s", (unsigned long long)in.capacity, in.block_size,
	      in.max_blocks, in.read_only ? "read-only" : "writable");
	if (r)
		return demo_finish();
	uint32_t len = 0;
	r = blk_read(d, 0, 1, page, &len);
	size_t ml = sizeof BLK_DISK_MAGIC - 1;
	CHECK(r == CAPOS_OK && len == 512 && !memcmp(page, BLK_DISK_MAGIC, ml), "block 0 inline: %.*s",
	      (int)(ml - 1), page);
	r = blk_read(d, 1000, 8, page, &len);
	CHECK(r == CAPOS_OK && len == 4096 && !blk_mismatches(page, 1000 * 512, 4096, 1),
	      "8 blocks inline at block 1000 hold the pattern (%s)", hw_err(r));
	capos_MemoryObject mo;
	uint8_t *buf;
	r = blk_buffer(256, false, &mo, &buf);
	if (r == CAPOS_OK)
		r = blk_attach(d, mo);
	CHECK(r == CAPOS_OK, "a 256-page buffer attached: %s", hw_err(r));
	int err = 0;
	uint64_t bad = read_all(d, &in, buf, WINDOW, 16, &err);
	CHECK(!err && !bad, "the whole disk read through the shared buffer, 16 requests of 64 KiB in flight: %llu "
	      "words differ (%s)", (unsigned long long)bad, hw_err(err));
	bad = read_all(d, &in, buf, 4096, 32, &err);
	CHECK(!err && !bad, "the whole disk again, 32 requests of 4 KiB in flight at once: %llu words differ (%s)",
	      (unsigned long long)bad, hw_err(err));
	r = blk_shared(d, false, 77, 9, 4096 - 200);
	CHECK(r == CAPOS_OK && !blk_mismatches(buf + 4096 - 200, 77 * 512, 9 * 512, 1),
	      "9 blocks to an offset 200 bytes before a page boundary (%s)", hw_err(r));
	return demo_finish();
}

/* blk-write: writes a pattern (seed 7) over blocks 2048-6151 of the test
 * disk — 4096 blocks through a shared buffer with 16 requests of 64 KiB in
 * flight, 8 inline — flushes, reads them back, and has a facet without
 * rightWrite refused. After QEMU exits, tests/system/run compares the
 * image with `mkdisk --expect ... 2048 4104 7` using cmp. */

#define FIRST 2048u
#define SHARED_BLOCKS 4096u
#define SEED 7u

static int role_write(void)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk"), ro = RT_CAP(capos_BlockDevice, "blk-ro");
	struct blk_dev_info in;
	int r = blk_info(d, &in);
	CHECK(r == CAPOS_OK && !in.read_only, "info: %llu blocks, writable", (unsigned long long)in.capacity);
	capos_MemoryObject mo;
	uint8_t *buf;
	r = blk_buffer(256, false, &mo, &buf);
	if (r == CAPOS_OK)
		r = blk_attach(d, mo);
	CHECK(r == CAPOS_OK, "a 256-page buffer attached: %s", hw_err(r));
	if (r)
		return demo_finish();
	static struct blk_async a[16];
	int err = 0;
	for (uint32_t round = 0; round < SHARED_BLOCKS / 2048; round++) {
		for (uint32_t k = 0; k < 16; k++) {
			uint64_t blk = FIRST + round * 2048 + k * 128;
			blk_fill(buf + k * 65536, blk * 512, 65536, SEED);
			err |= blk_async_submit(d, &a[k], true, blk, 128, (uint64_t)k * 65536);
		}
		for (uint32_t k = 0; k < 16; k++) {
			r = blk_async_wait(&a[k]);
			err = err ? err : r;
		}
	}
	CHECK(!err, "4096 blocks written through the shared buffer, 16 requests of 64 KiB in flight (%s)", hw_err(err));
	blk_fill(page, (uint64_t)(FIRST + SHARED_BLOCKS) * 512, 4096, SEED);
	r = blk_write(d, FIRST + SHARED_BLOCKS, page, 4096);
	CHECK(r == CAPOS_OK, "8 blocks written inline at block %u (%s)", FIRST + SHARED_BLOCKS, hw_err(r));
	r = blk_write(ro, 0, page, 512);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "a write through a facet without rightWrite: %s", hw_err(r));
	r = blk_flush(d);
	CHECK(r == CAPOS_OK, "flush (%s)", hw_err(r));
	memset(buf, 0, 1u << 20);
	uint64_t bad = 0;
	for (uint32_t k = 0; k < SHARED_BLOCKS / 128 && !err; k++) {
		err = blk_shared(d, false, FIRST + k * 128, 128, 0);
		bad += blk_mismatches(buf, (uint64_t)(FIRST + k * 128) * 512, 65536, SEED);
	}
	uint32_t len = 0;
	r = blk_read(d, FIRST + SHARED_BLOCKS, 8, page, &len);
	bad += r ? 1 : blk_mismatches(page, (uint64_t)(FIRST + SHARED_BLOCKS) * 512, 4096, SEED);
	CHECK(!err && !r && !bad, "read back: %llu words differ", (unsigned long long)bad);
	r = blk_read(d, FIRST - 1, 1, page, &len);
	CHECK(r == CAPOS_OK && !blk_mismatches(page, (FIRST - 1) * 512ull, 512, 1), "the block before is untouched");
	return demo_finish();
}

/* blk-readonly: the test disk attached read-only (QEMU readonly=on, so the
 * device offers VIRTIO_BLK_F_RO): info says so, reads work, and inline
 * and shared writes are refused PERMISSION_DENIED by the driver before
 * they reach the device. tests/system/run then checks with cmp that the
 * image is unchanged. */

static int role_readonly(void)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk");
	struct blk_dev_info in;
	int r = blk_info(d, &in);
	CHECK(r == CAPOS_OK && in.read_only, "info: read-only (%s)", hw_err(r));
	uint32_t len = 0;
	r = blk_read(d, 0, 1, page, &len);
	CHECK(r == CAPOS_OK && !memcmp(page, BLK_DISK_MAGIC, sizeof BLK_DISK_MAGIC - 1), "block 0 reads (%s)",
	      hw_err(r));
	memset(page, 0xEE, sizeof page);
	r = blk_write(d, 0, page, 512);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "an inline write: %s", hw_err(r));
	capos_MemoryObject mo;
	uint8_t *buf;
	r = blk_buffer(4, false, &mo, &buf);
	if (r == CAPOS_OK)
		r = blk_attach(d, mo);
	CHECK(r == CAPOS_OK, "a buffer attached (%s)", hw_err(r));
	memset(buf, 0xEE, 4 * 4096);
	r = blk_shared(d, true, 100, 8, 0);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "a shared write: %s", hw_err(r));
	r = blk_shared(d, false, 100, 8, 0);
	CHECK(r == CAPOS_OK && !blk_mismatches(buf, 100 * 512, 4096, 1), "a shared read still works (%s)", hw_err(r));
	r = blk_flush(d);
	CHECK(r == CAPOS_OK, "flush is harmless (%s)", hw_err(r));
	return demo_finish();
}

/* blk-hostile: requests the virtio-blk service must refuse, each by name,
 * before anything reaches the device; a client that dies with 32 requests
 * in flight into its shared buffer; the driver still serving afterwards,
 * and the dead client's buffer freed once the device is done with it.
 * Children (this binary with an argument): "nophys" and "nowrite" attach
 * an object granted without rightPhysical / rightWrite; "die" attaches,
 * submits 32 shared reads and exits without waiting. */

static int child(const char *role)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk");
	if (!strcmp(role, "die")) {
		capos_MemoryObject mo;
		uint8_t *buf;
		if (blk_buffer(64, false, &mo, &buf) || blk_attach(d, mo))
			return 1;
		static struct blk_async a[32];
		for (uint32_t k = 0; k < 32; k++)
			blk_async_submit(d, &a[k], false, k * 16, 16, (uint64_t)k * 8192);
		sys_cap_enter(0, 0);
		return 0; /* exits with the requests in flight */
	}
	int r = blk_attach(d, RT_CAP(capos_MemoryObject, "mem"));
	printf("blk-hostile: child %s: attach: %s\n", role, hw_err(r));
	return r == CAPOS_E_PERMISSION_DENIED ? 0 : 1;
}

static int run_child(const char *role, uint32_t mo, uint32_t rights)
{
	struct rt_grant g[3] = { { "console", RT_CAP(capos_Console, "console").id, capos_Console_ID, 0, capos_rightsAll },
		                 { "blk", RT_CAP(capos_BlockDevice, "blk").id, capos_BlockDevice_ID, 0, capos_rightsAll },
		                 { "frames", RT_CAP(capos_FrameAllocator, "frames").id, capos_FrameAllocator_ID, 0,
		                   capos_rightsAll } };
	if (mo)
		g[2] = (struct rt_grant){ "mem", mo, capos_MemoryObject_ID, 0, rights };
	int64_t code = 99;
	int r = demo_run(RT_CAP(capos_ProcessSpawner, "spawner"), "blk", g, 3, &role, 1, 0, &code);
	return r ? r : (int)code;
}

static void refusals(capos_BlockDevice d, const struct blk_dev_info *in)
{
	uint32_t len;
	int r = blk_read(d, in->capacity, 1, page, &len);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read of the block after the last: %s", hw_err(r));
	r = blk_read(d, in->capacity - 1, 2, page, &len);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read of 2 blocks from the last: %s", hw_err(r));
	r = blk_read(d, UINT64_MAX - 1, 4, page, &len);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read at block 2^64 - 2 (the sum wraps): %s", hw_err(r));
	r = blk_read(d, 0, 0, page, &len);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read of 0 blocks: %s", hw_err(r));
	r = blk_read(d, 0, 9, page, &len);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "inline read of 9 blocks (the limit is 8): %s", hw_err(r));
	r = blk_write(d, 10, page, 100);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "inline write of 100 bytes (not whole blocks): %s", hw_err(r));
	r = blk_write(d, 10, page, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "inline write of no data: %s", hw_err(r));
	r = blk_write(d, 10, page, 9 * 512);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "inline write of 9 blocks: %s", hw_err(r));
	static uint8_t huge[12288];
	r = blk_write(d, 10, huge, sizeof huge);
	CHECK(r == CAPOS_E_TOO_BIG, "inline write of 24 blocks (more than the driver receives): %s", hw_err(r));
	r = blk_write(d, in->capacity - 1, page, 1024);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "inline write past the end: %s", hw_err(r));
	r = blk_shared(d, false, 0, 8, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "shared read with no buffer attached: %s", hw_err(r));
	r = blk_attach_as(d, 0, capos_MemoryObject_ID, false);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "attach without a capability: %s", hw_err(r));
	capos_Notification n;
	hw_notification(&n);
	r = blk_attach_as(d, n.id, capos_Notification_ID, true);
	CHECK(r == CAPOS_E_WRONG_INTERFACE, "attach of a Notification: %s", hw_err(r));
	capos_MemoryObject big;
	uint8_t *va;
	r = blk_buffer(300, false, &big, &va);
	r = r ? r : blk_attach(d, big);
	CHECK(r == CAPOS_E_TOO_BIG, "attach of a 300-page object (the limit is 256): %s", hw_err(r));
	rt_release(big.id);
}

static void shared_refusals(capos_BlockDevice d, const struct blk_dev_info *in)
{
	int r = blk_shared(d, false, 0, in->max_blocks + 1, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "shared read of maxBlocks + 1 (%u): %s", in->max_blocks + 1, hw_err(r));
	r = blk_shared(d, false, 0, 2, 16384 - 512);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "shared read running past the buffer's end: %s", hw_err(r));
	r = blk_shared(d, false, 0, 1, UINT64_MAX - 100);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "shared read at offset 2^64 - 101: %s", hw_err(r));
	r = blk_shared(d, false, in->capacity, 1, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "shared read past the disk: %s", hw_err(r));
}

/* Free plus kernel-heap frames: what a freed buffer gives back. */
static uint64_t frames_free(void)
{
	struct demo_ledger l = demo_ledger(RT_CAP(capos_FrameAllocator, "frames"));
	return l.free_frames + l.heap_frames;
}

static void dying_client(capos_BlockDevice d)
{
	uint64_t before = frames_free();
	int code = run_child("die", 0, 0);
	CHECK(code == 0, "a child attached a 64-page buffer, submitted 32 shared reads and exited (%d)", code);
	uint32_t len = 0;
	int r = blk_read(d, 0, 1, page, &len);
	CHECK(r == CAPOS_OK && !memcmp(page, BLK_DISK_MAGIC, 8), "the driver still serves (%s)", hw_err(r));
	/* The driver frees a dead client's buffer when an answer to it fails
	 * DISCONNECTED (its calls were delivered when it died) or when the
	 * buffer is evicted; whether calls were still unanswered at the exit
	 * depends on scheduling, so this is reported, not checked (a process-
	 * death notification for the driver is not done: docs/hardware.md). */
	uint64_t now = frames_free();
	for (int i = 0; i < 100 && now != before; i++) {
		sys_cap_enter(0, 10000000);
		blk_read(d, 0, 1, page, &len);
		now = frames_free();
	}
	printf("blk: note: after the dead client, free frames %llu (before %llu): its buffer %s\n",
	       (unsigned long long)now, (unsigned long long)before,
	       now == before ? "was freed" : "is still held by the driver");
}

static int role_hostile(void)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk");
	struct blk_dev_info in;
	int r = blk_info(d, &in);
	CHECK(r == CAPOS_OK, "info: %llu blocks", (unsigned long long)in.capacity);
	if (r)
		return demo_finish();
	refusals(d, &in);
	capos_MemoryObject mo;
	uint8_t *buf;
	r = blk_buffer(4, false, &mo, &buf);
	r = r ? r : blk_attach(d, mo);
	CHECK(r == CAPOS_OK, "a 4-page buffer attached (%s)", hw_err(r));
	shared_refusals(d, &in);
	int code = run_child("nophys", mo.id, capos_MemoryObject_rightMap | capos_MemoryObject_rightWrite);
	CHECK(code == 0, "a child's buffer without rightPhysical is refused PERMISSION_DENIED (%d)", code);
	code = run_child("nowrite", mo.id, capos_MemoryObject_rightMap | capos_MemoryObject_rightPhysical);
	CHECK(code == 0, "a child's buffer without rightWrite is refused PERMISSION_DENIED (%d)", code);
	dying_client(d);
	r = blk_shared(d, false, 40, 16, 4096);
	CHECK(r == CAPOS_OK && !blk_mismatches(buf + 4096, 40 * 512, 8192, 1),
	      "a shared read through the first buffer still holds the pattern (%s)", hw_err(r));
	return demo_finish();
}


/* ---- make bench (bench/run): the same requests as the Linux side
 * (bench/linux/bench.c blk_bench), through the shared-buffer path: 4 KiB
 * at block 8i of the first half (reads) or second half (writes) of the
 * disk, QD1 and QD32 (batches of 32 calls in flight, per request), and
 * the disk read (its second half written) in 64 KiB requests. */

#define BENCH_WARMUP 100
static uint64_t samples_[4096];

static void bench_qd1(capos_BlockDevice d, bool write, uint64_t half, int n)
{
	for (int i = 0; i < n + BENCH_WARMUP; i++) {
		uint64_t blk = (write ? half : 0) + ((uint64_t)(i % n) * 8) % half;
		uint64_t t0 = bench_tsc();
		int r = blk_shared(d, write, blk, 8, 0);
		uint64_t t = bench_tsc() - t0;
		if (r)
			printf("blk: bench: request failed: %s\n", hw_err(r));
		if (i >= BENCH_WARMUP)
			samples_[i - BENCH_WARMUP] = t;
	}
	bench_report(write ? "blk-write-4k-qd1" : "blk-read-4k-qd1", samples_, n, 1);
}

static void bench_qd32(capos_BlockDevice d, bool write, uint64_t half, int batches)
{
	static struct blk_async a[32];
	for (int b = 0; b < batches + 4; b++) {
		uint64_t first = (write ? half : 0) + ((uint64_t)b * 32 * 8) % half;
		uint64_t t0 = bench_tsc();
		for (uint32_t k = 0; k < 32; k++)
			blk_async_submit(d, &a[k], write, first + k * 8, 8, (uint64_t)k * 4096);
		int bad = 0;
		for (uint32_t k = 0; k < 32; k++)
			bad += blk_async_wait(&a[k]) != CAPOS_OK;
		uint64_t t = bench_tsc() - t0;
		if (bad)
			printf("blk: bench: %d requests failed\n", bad);
		if (b >= 4)
			samples_[b - 4] = t;
	}
	bench_report(write ? "blk-write-4k-qd32" : "blk-read-4k-qd32", samples_, batches, 32);
}

static void bench_seq(capos_BlockDevice d, bool write, uint64_t capacity)
{
	int n = 0;
	for (uint64_t blk = write ? capacity / 2 : 0; blk < capacity; blk += 128, n++) {
		uint64_t t0 = bench_tsc();
		int r = blk_shared(d, write, blk, 128, 0);
		samples_[n] = bench_tsc() - t0;
		if (r)
			printf("blk: bench: request failed: %s\n", hw_err(r));
	}
	bench_report(write ? "blk-seq-write-64k" : "blk-seq-read-64k", samples_, n, 1);
}

static int role_bench(const char *arg)
{
	capos_BlockDevice d = RT_CAP(capos_BlockDevice, "blk");
	int n = arg[5] == '/' ? (int)strtou(arg + 6) : 2048;
	n = n < 32 ? 32 : n > 2048 ? 2048 : n;
	struct blk_dev_info in;
	capos_MemoryObject mo;
	uint8_t *buf;
	int r = blk_info(d, &in);
	r = r ? r : blk_buffer(48, false, &mo, &buf);
	r = r ? r : blk_attach(d, mo);
	if (r || in.capacity < 2048) {
		printf("blk: bench: no disk to measure: %s\n", hw_err(r));
		return 1;
	}
	bench_calibrate(samples_, n);
	printf("bench: capos virtio-blk, %llu bytes, BlockDevice shared buffer, %d requests per figure\n",
	       (unsigned long long)(in.capacity * in.block_size), n);
	bench_qd1(d, false, in.capacity / 2, n);
	bench_qd1(d, true, in.capacity / 2, n);
	bench_qd32(d, false, in.capacity / 2, n / 32 < 16 ? 16 : n / 32);
	bench_qd32(d, true, in.capacity / 2, n / 32 < 16 ? 16 : n / 32);
	bench_seq(d, false, in.capacity);
	bench_seq(d, true, in.capacity);
	blk_flush(d);
	printf("bench: done\n");
	return 0;
}

int main(void)
{
	const char *role = rt_argc() ? rt_arg(0) : "";
	if (!strcmp(role, "read"))
		return role_read();
	if (!strcmp(role, "write"))
		return role_write();
	if (!strcmp(role, "readonly"))
		return role_readonly();
	if (!strcmp(role, "hostile"))
		return role_hostile();
	if (!strncmp(role, "bench", 5))
		return role_bench(role);
	return child(role);
}
