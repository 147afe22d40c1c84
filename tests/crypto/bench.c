/* make bench-host: BLAKE3 throughput against b3sum --num-threads 1 on the
 * same 64 MiB of data, and Ed25519 verifications and signatures per second
 * against libsodium. Built -O2 without sanitizers (mk/crypto.mk). Best of
 * several runs; MB is 10^6 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/blake3_impl.h"
#include "lib/crypto/ed25519.h"

#define BUF_LEN (64u << 20)
#define RUNS 5
#define NKEYS 64
#define MSG_LEN 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double blake3_best(const uint8_t *buf, int portable)
{
	double best = 1e9;
	uint8_t out[32];

	blake3_force_portable(portable);
	for (int r = 0; r < RUNS; r++) {
		double t = now();

		blake3_hash(buf, BUF_LEN, out, sizeof out);
		t = now() - t;
		if (t < best)
			best = t;
	}
	blake3_force_portable(0);
	return BUF_LEN / best / 1e6;
}

/* b3sum on a file holding buf (page cache warm): best wall time. */
static double b3sum_best(const uint8_t *buf)
{
	char file[] = "/tmp/capos-b3bench-XXXXXX", cmd[128];
	int fd = mkstemp(file);
	double best = 1e9;

	if (fd < 0 || write(fd, buf, BUF_LEN) != (ssize_t)BUF_LEN) {
		perror("bench file");
		return 0;
	}
	close(fd);
	snprintf(cmd, sizeof cmd, "b3sum --num-threads 1 --no-names %s > /dev/null", file);
	for (int r = 0; r < RUNS + 1; r++) {
		double t = now();

		if (system(cmd) != 0) {
			fprintf(stderr, "bench: b3sum failed\n");
			best = 1e9;
			break;
		}
		t = now() - t;
		if (r > 0 && t < best) /* the first run warms the cache */
			best = t;
	}
	unlink(file);
	return BUF_LEN / best / 1e6;
}

struct sigs {
	uint8_t pk[NKEYS][32], sk[NKEYS][64], sig[NKEYS][64], msg[NKEYS][MSG_LEN];
	struct ed25519_keypair kp[NKEYS];
};

/* Operations per second of op over the NKEYS cases, run for ~0.5 s. */
static double rate(int (*op)(struct sigs *, int), struct sigs *s)
{
	double best = 0;

	for (int r = 0; r < 3; r++) {
		long n = 0;
		double t = now(), el;

		do {
			for (int i = 0; i < NKEYS; i++, n++)
				if (op(s, i) != 0) {
					fprintf(stderr, "bench: an operation failed\n");
					exit(1);
				}
			el = now() - t;
		} while (el < 0.5);
		if (n / el > best)
			best = n / el;
	}
	return best;
}

static int capos_verify(struct sigs *s, int i)
{
	return ed25519_verify(s->sig[i], s->msg[i], MSG_LEN, s->pk[i]);
}

static int sodium_verify(struct sigs *s, int i)
{
	return crypto_sign_verify_detached(s->sig[i], s->msg[i], MSG_LEN, s->pk[i]);
}

static int capos_sign(struct sigs *s, int i)
{
	ed25519_sign(s->sig[i], s->msg[i], MSG_LEN, &s->kp[i]);
	return 0;
}

static int sodium_sign(struct sigs *s, int i)
{
	return crypto_sign_detached(s->sig[i], NULL, s->msg[i], MSG_LEN, s->sk[i]);
}

int main(void)
{
	uint8_t *buf = malloc(BUF_LEN);
	static struct sigs s;
	double ours, port, ref, v1, v2, s1, s2;

	if (!buf || sodium_init() < 0)
		return 1;
	randombytes_buf(buf, BUF_LEN);
	ours = blake3_best(buf, 0);
	port = blake3_best(buf, 1);
	ref = b3sum_best(buf);
	printf("blake3: capOS %.0f MB/s (%s; portable path %.0f MB/s), b3sum --num-threads 1 "
	       "%.0f MB/s: ratio %.2f (64 MiB, best of %d)\n", ours,
	       blake3_avx2_usable() ? "AVX2" : "no AVX2: portable", port, ref, ref / ours, RUNS);
	for (int i = 0; i < NKEYS; i++) {
		uint8_t seed[32];

		randombytes_buf(seed, sizeof seed);
		randombytes_buf(s.msg[i], MSG_LEN);
		crypto_sign_seed_keypair(s.pk[i], s.sk[i], seed);
		ed25519_keypair_from_seed(&s.kp[i], seed);
		crypto_sign_detached(s.sig[i], NULL, s.msg[i], MSG_LEN, s.sk[i]);
	}
	v1 = rate(capos_verify, &s);
	v2 = rate(sodium_verify, &s);
	s1 = rate(capos_sign, &s);
	s2 = rate(sodium_sign, &s);
	printf("ed25519 verify: capOS %.0f/s, libsodium %.0f/s: ratio %.2f\n", v1, v2, v2 / v1);
	printf("ed25519 sign:   capOS %.0f/s, libsodium %.0f/s: ratio %.2f\n", s1, s2, s2 / s1);
	free(buf);
	return 0;
}
