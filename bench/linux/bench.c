/* The Linux side of make bench: the /init of a tiny initramfs, static, run
 * by a Debian cloud kernel in the same QEMU as capOS. It measures the Linux
 * counterparts of capOS's benchmarks (demos/bench.c) with the same method
 * and statistics (bench/stats.h), prints one line per operation on the
 * serial console, and powers the machine off.
 *
 * Kernel command line: console=ttyS0 quiet -- SAMPLES SPAWNS [blk]
 *   SAMPLES  samples per operation (default 10000), after a warm-up
 *   SPAWNS   samples for fork+wait and vfork+exec (default 1000)
 *   blk      instead: the virtio-blk figures (blk_bench) on /dev/vda, the
 *            modules loaded from the initramfs's /modules
 *
 * Round trips are between two processes (one vCPU: every round trip is two
 * context switches, as capOS's IPC between two address spaces). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/stats.h"

static int samples = 10000, spawns = 1000, warmup = 100;
static uint64_t *s;

static void die(const char *what)
{
	printf("bench: FAILED: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	reboot(RB_POWER_OFF);
	_exit(1);
}

/* ---- round trips between two processes ---- */

enum kind { PIPE, SOCKET, EVENTFD, FUTEX, SOCKET_FD };

/* Shared with the echo child: the futex word and the one-way stamps. */
struct shared {
	uint32_t word;
	uint64_t sent, received, answered;
};

static long futex(uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* Sends len bytes on fd, with fd_to_pass as SCM_RIGHTS when >= 0. */
static void send_fd(int fd, const char *buf, size_t len, int fd_to_pass)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
		            .msg_controllen = sizeof ctl.space };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
	if (sendmsg(fd, &m, 0) != (ssize_t)len)
		die("sendmsg");
}

/* Receives len bytes and one passed descriptor from fd; returns it. */
static int recv_fd(int fd, char *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
		            .msg_controllen = sizeof ctl.space };
	if (recvmsg(fd, &m, 0) != (ssize_t)len)
		die("recvmsg");
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int got = -1;
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(c), sizeof(int));
	return got;
}

/* One round trip: requests go out on out, answers come back on in. */
static uint64_t round_trip(enum kind k, int out, int in, size_t len, struct shared *sh)
{
	char buf[64] = { 0 };
	uint64_t v = 1;
	uint64_t t0 = bench_tsc();
	switch (k) {
	case PIPE:
	case SOCKET:
		if (write(out, buf, len) != (ssize_t)len || read(in, buf, len) != (ssize_t)len)
			die("round trip");
		break;
	case EVENTFD:
		if (write(out, &v, 8) != 8 || read(in, &v, 8) != 8)
			die("eventfd round trip");
		break;
	case SOCKET_FD: {
		send_fd(out, buf, len, 1); /* passes its stdout */
		close(recv_fd(in, buf, len));
		break;
	}
	case FUTEX:
		sh->sent = t0;
		__atomic_store_n(&sh->word, 1, __ATOMIC_SEQ_CST);
		futex(&sh->word, FUTEX_WAKE, 1);
		while (__atomic_load_n(&sh->word, __ATOMIC_SEQ_CST) == 1)
			futex(&sh->word, FUTEX_WAIT, 1);
		break;
	}
	return bench_tsc() - t0;
}

/* The child's side: answers rounds requests. */
static void echo(enum kind k, int in, int out, size_t len, struct shared *sh, int rounds)
{
	char buf[64];
	uint64_t v;
	for (int i = 0; i < rounds; i++) {
		switch (k) {
		case PIPE:
		case SOCKET:
			if (read(in, buf, len) != (ssize_t)len || write(out, buf, len) != (ssize_t)len)
				_exit(1);
			break;
		case EVENTFD:
			if (read(in, &v, 8) != 8 || write(out, &v, 8) != 8)
				_exit(1);
			break;
		case SOCKET_FD: {
			int fd = recv_fd(in, buf, len);
			send_fd(out, buf, len, fd);
			close(fd);
			break;
		}
		case FUTEX:
			while (__atomic_load_n(&sh->word, __ATOMIC_SEQ_CST) != 1)
				futex(&sh->word, FUTEX_WAIT, __atomic_load_n(&sh->word, __ATOMIC_SEQ_CST));
			sh->received = bench_tsc();
			sh->answered = bench_tsc();
			__atomic_store_n(&sh->word, 2, __ATOMIC_SEQ_CST);
			futex(&sh->word, FUTEX_WAKE, 1);
			break;
		}
	}
	_exit(0);
}

static void pingpong(const char *name, enum kind k, size_t len)
{
	int a[2], b[2];
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap shared");
	memset(sh, 0, sizeof *sh);
	switch (k) {
	case PIPE:
		if (pipe(a) || pipe(b))
			die("pipe");
		break;
	case SOCKET:
	case SOCKET_FD: /* one socket pair: each end both sends and receives */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, a))
			die("socketpair");
		b[0] = a[0];
		b[1] = a[1];
		break;
	case EVENTFD:
		a[0] = a[1] = eventfd(0, 0);
		b[0] = b[1] = eventfd(0, 0);
		if (a[0] < 0 || b[0] < 0)
			die("eventfd");
		break;
	case FUTEX:
		a[0] = a[1] = b[0] = b[1] = -1;
		break;
	}
	/* Requests: parent writes a[1], child reads a[0]; answers: child
	 * writes b[1], parent reads b[0]. A socket pair's ends: the parent
	 * uses a[0], the child a[1]. */
	int p_out = a[1], p_in = b[0], c_in = a[0], c_out = b[1];
	if (k == SOCKET || k == SOCKET_FD)
		p_out = p_in = a[0], c_in = c_out = a[1];
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		echo(k, c_in, c_out, len, sh, warmup + samples);
	uint64_t *call = malloc((size_t)samples * 8), *ret = malloc((size_t)samples * 8);
	for (int i = 0; i < warmup; i++)
		round_trip(k, p_out, p_in, len, sh);
	for (int i = 0; i < samples; i++) {
		s[i] = round_trip(k, p_out, p_in, len, sh);
		call[i] = sh->received - sh->sent;
		ret[i] = s[i] + sh->sent - sh->answered;
	}
	waitpid(pid, NULL, 0);
	bench_report(name, s, samples, 1);
	if (k == EVENTFD) /* a ping-pong of two hops: per hop, as capOS's notification */
		bench_print("eventfd-signal-wake", s, samples, 2);
	if (k == FUTEX) {
		bench_report("futex-wake-oneway", call, samples, 1);
		bench_report("futex-wake-back-oneway", ret, samples, 1);
	}
	free(call);
	free(ret);
	munmap(sh, sizeof *sh);
	if (k == PIPE) {
		close(a[0]), close(a[1]), close(b[0]), close(b[1]);
	} else if (k != FUTEX) {
		close(a[0]);
		if (a[1] != a[0])
			close(a[1]);
		if (k == EVENTFD)
			close(b[0]);
	}
}

/* ---- io_uring NOPs, raw system calls ---- */

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void ring_setup(struct ring *r, unsigned entries)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if ((p.features & IORING_FEAT_SINGLE_MMAP) && cq_size > sq_size)
		sq_size = cq_size;
	char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	char *cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("io_uring mmap");
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* Submits batch NOPs in one io_uring_enter, waits for them and reaps them. */
static void ring_nops(struct ring *r, unsigned batch)
{
	unsigned tail = *r->sq_tail;
	for (unsigned k = 0; k < batch; k++, tail++) {
		unsigned i = tail & *r->sq_mask;
		memset(&r->sqes[i], 0, sizeof r->sqes[i]);
		r->sqes[i].opcode = IORING_OP_NOP;
		r->sq_array[i] = i;
	}
	__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, batch, batch, IORING_ENTER_GETEVENTS, NULL, 0) != (long)batch)
		die("io_uring_enter");
	unsigned head = *r->cq_head, end = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
	if (end - head != batch)
		die("io_uring completions");
	__atomic_store_n(r->cq_head, end, __ATOMIC_RELEASE);
}

static void uring_bench(void)
{
	static const unsigned batches[] = { 1, 16, 64 };
	struct ring r;
	ring_setup(&r, 64);
	for (unsigned b = 0; b < 3; b++) {
		for (int i = 0; i < warmup; i++)
			ring_nops(&r, batches[b]);
		for (int i = 0; i < samples; i++) {
			uint64_t t0 = bench_tsc();
			ring_nops(&r, batches[b]);
			s[i] = bench_tsc() - t0;
		}
		char name[40];
		snprintf(name, sizeof name, "io_uring-nop-batch%u", batches[b]);
		bench_report(name, s, samples, batches[b]);
	}
	close(r.fd);
}

/* ---- processes and memory ---- */

static void spawn_bench(void)
{
	for (int i = 0; i < spawns; i++) {
		uint64_t t0 = bench_tsc();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			die("fork+wait");
		s[i] = bench_tsc() - t0;
	}
	bench_report("fork-wait", s, spawns, 1);
	char *const argv[] = { "/true", NULL }, *const envp[] = { NULL };
	for (int i = 0; i < spawns; i++) {
		uint64_t t0 = bench_tsc();
		pid_t pid = vfork();
		if (pid == 0) {
			execve("/true", argv, envp);
			_exit(127);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
			die("vfork+exec");
		s[i] = bench_tsc() - t0;
	}
	bench_report("vfork-exec-wait", s, spawns, 1);
}

static void mmap_bench(void)
{
	for (int i = 0; i < warmup + samples; i++) {
		uint64_t t0 = bench_tsc();
		volatile uint64_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		*p = 1;
		munmap((void *)p, 4096);
		if (i >= warmup)
			s[i - warmup] = bench_tsc() - t0;
	}
	bench_report("mmap-touch-munmap", s, samples, 1);
}

/* ---- virtio-blk: O_DIRECT pread/pwrite (QD1), io_uring (QD32) ----
 * The same requests as capOS's blk bench (demos/blk.c role_bench): 4 KiB
 * at block 8i of the first half (reads) or the second half (writes) of the
 * disk; QD32 as batches of 32 submitted at once and all waited for (per
 * request); the whole disk read, and its second half written, in 64 KiB
 * requests. */

static void load_modules(void)
{
	static const char *const mods[] = { "virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev",
		                            "virtio_pci", "virtio_blk" };
	for (unsigned m = 0; m < sizeof mods / sizeof mods[0]; m++) {
		char path[64];
		snprintf(path, sizeof path, "/modules/%s.ko", mods[m]);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
			die(path);
		close(fd);
	}
}

/* io_uring reads or writes of 4 KiB: batch at once, all waited for. */
static void ring_rw(struct ring *r, int fd, bool write, char *buf, uint64_t first_off, unsigned batch)
{
	unsigned tail = *r->sq_tail;
	for (unsigned k = 0; k < batch; k++, tail++) {
		unsigned i = tail & *r->sq_mask;
		memset(&r->sqes[i], 0, sizeof r->sqes[i]);
		r->sqes[i].opcode = write ? IORING_OP_WRITE : IORING_OP_READ;
		r->sqes[i].fd = fd;
		r->sqes[i].addr = (uint64_t)(uintptr_t)(buf + (size_t)k * 4096);
		r->sqes[i].len = 4096;
		r->sqes[i].off = first_off + (uint64_t)k * 4096;
		r->sq_array[i] = i;
	}
	__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
	unsigned got = 0;
	while (got < batch) {
		if (syscall(__NR_io_uring_enter, r->fd, got ? 0 : batch, batch - got, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
			die("io_uring_enter (blk)");
		unsigned head = *r->cq_head, end = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
		for (; head != end; head++, got++) {
			struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
			if (c->res != 4096) {
				errno = c->res < 0 ? -c->res : EIO;
				die("io_uring read/write");
			}
		}
		__atomic_store_n(r->cq_head, end, __ATOMIC_RELEASE);
	}
}

static void blk_qd1(int fd, char *buf, bool write, uint64_t half, int n)
{
	for (int i = 0; i < n + warmup; i++) {
		uint64_t off = (write ? half : 0) + ((uint64_t)(i % n) * 4096) % half;
		uint64_t t0 = bench_tsc();
		ssize_t r = write ? pwrite(fd, buf, 4096, (off_t)off) : pread(fd, buf, 4096, (off_t)off);
		uint64_t t = bench_tsc() - t0;
		if (r != 4096)
			die(write ? "pwrite" : "pread");
		if (i >= warmup)
			s[i - warmup] = t;
	}
	bench_report(write ? "blk-write-4k-qd1" : "blk-read-4k-qd1", s, n, 1);
}

static void blk_qd32(int fd, char *buf, bool write, uint64_t half, int batches)
{
	struct ring r;
	ring_setup(&r, 64);
	for (int b = 0; b < batches + 4; b++) {
		uint64_t off = (write ? half : 0) + ((uint64_t)b * 32 * 4096) % half;
		uint64_t t0 = bench_tsc();
		ring_rw(&r, fd, write, buf, off, 32);
		if (b >= 4)
			s[b - 4] = bench_tsc() - t0;
	}
	close(r.fd);
	bench_report(write ? "blk-write-4k-qd32" : "blk-read-4k-qd32", s, batches, 32);
}

static void blk_seq(int fd, char *buf, bool write, uint64_t size)
{
	uint64_t from = write ? size / 2 : 0;
	int n = 0;
	for (uint64_t off = from; off < size; off += 65536, n++) {
		uint64_t t0 = bench_tsc();
		ssize_t r = write ? pwrite(fd, buf, 65536, (off_t)off) : pread(fd, buf, 65536, (off_t)off);
		s[n] = bench_tsc() - t0;
		if (r != 65536)
			die("sequential I/O");
	}
	bench_report(write ? "blk-seq-write-64k" : "blk-seq-read-64k", s, n, 1);
}

static void blk_bench(void)
{
	static uint64_t blk_samples[4096]; /* seq: 256 requests whatever SAMPLES is */
	s = blk_samples;
	load_modules();
	int fd = -1;
	for (int i = 0; i < 1000 && fd < 0; i++) /* the disk appears once the driver has probed it */
		if ((fd = open("/dev/vda", O_RDWR | O_DIRECT)) < 0)
			usleep(10000);
	if (fd < 0)
		die("/dev/vda");
	uint64_t size = (uint64_t)lseek(fd, 0, SEEK_END);
	char *buf = mmap(NULL, 32 * 4096 + 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED || size < 1 << 20)
		die("blk buffer");
	int n = samples < 32 ? 32 : samples < 2048 ? samples : 2048;
	printf("bench: linux virtio-blk /dev/vda, %llu bytes, O_DIRECT, %d requests per figure\n",
	       (unsigned long long)size, n);
	blk_qd1(fd, buf, false, size / 2, n);
	blk_qd1(fd, buf, true, size / 2, n);
	blk_qd32(fd, buf, false, size / 2, n / 32 < 16 ? 16 : n / 32);
	blk_qd32(fd, buf, true, size / 2, n / 32 < 16 ? 16 : n / 32);
	blk_seq(fd, buf, false, size);
	blk_seq(fd, buf, true, size);
	fsync(fd);
	close(fd);
}

int main(int argc, char **argv)
{
	uint64_t start = bench_tsc(); /* under -icount shift=0: instructions since reset */
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0) {
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0)
			dup2(fd, 1), dup2(fd, 2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		samples = atoi(argv[1]);
	if (argc > 2)
		spawns = atoi(argv[2]);
	samples = samples < 1 ? 1 : samples;
	spawns = spawns < 1 ? 1 : spawns > samples ? samples : spawns;
	warmup = samples < 100 ? samples : 100;
	s = malloc((size_t)samples * 8);
	if (!s)
		die("malloc");
	printf("bench: linux %d samples per operation, %d for fork and vfork+exec\n", samples, spawns);
	bench_print("boot-to-init", &start, 1, 1);
	bench_calibrate(s, samples);
	if (argc > 3 && !strcmp(argv[3], "blk")) {
		blk_bench();
		printf("bench: done\n");
		sync();
		reboot(RB_POWER_OFF);
	}
	for (int i = 0; i < warmup + samples; i++) {
		uint64_t t0 = bench_tsc();
		syscall(SYS_getppid);
		if (i >= warmup)
			s[i - warmup] = bench_tsc() - t0;
	}
	bench_report("getppid", s, samples, 1);
	uring_bench();
	pingpong("futex-roundtrip", FUTEX, 0);
	pingpong("pipe-roundtrip-24b", PIPE, 24);
	pingpong("pipe-roundtrip-64b", PIPE, 64);
	pingpong("unix-socket-roundtrip-24b", SOCKET, 24);
	pingpong("unix-socket-roundtrip-fd", SOCKET_FD, 24);
	pingpong("eventfd-roundtrip", EVENTFD, 8);
	spawn_bench();
	mmap_bench();
	printf("bench: done\n");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
