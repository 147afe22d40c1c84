/* The crypto suite's C program (tests/crypto/run drives it). Subcommands,
 * each printing one TAP line per group ("ok - crypto/<name>") and a count
 * line ("crypto: <what> N of M"):
 *
 *   blake3-vectors FILE   every case of the official BLAKE3 vector file:
 *                         hash, keyed_hash and derive_key at the file's full
 *                         extended length, one-shot and streamed, on the
 *                         portable and the SIMD path
 *   wycheproof FILE       every Wycheproof Ed25519 case gets its expected
 *                         verdict; also counts the cases where the
 *                         cofactored equation would decide otherwise
 *   b3sum SEED            BLAKE3 of random inputs of many lengths (every
 *                         chunk and tree boundary up to 1 MiB) equals b3sum's,
 *                         for hash, keyed hash, derive-key and long outputs
 *   sodium SEED N         N random key pairs and messages: capOS and
 *                         libsodium derive the same keys and signatures, each
 *                         verifies the other's, both reject corruptions
 *
 * Built with HCFLAGS (ASan + UBSan) and -lsodium by mk/crypto.mk. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/blake3_impl.h"
#include "lib/crypto/ed25519.h"
#include "lib/crypto/ge25519.h"
#include "lib/crypto/sc25519.h"
#include "lib/crypto/sha512.h"
#include "tests/crypto/json.h"

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("    ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static void report(const char *name, const char *what, size_t good, size_t total)
{
	printf("crypto: %s %zu of %zu\n", what, good, total);
	printf("%s - crypto/%s\n", good == total && total > 0 ? "ok" : "not ok", name);
}

/* ---- hex and randomness */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex into a new buffer of *len bytes; NULL on a bad digit. */
static uint8_t *unhex(const char *h, size_t *len)
{
	size_t n = strlen(h);
	uint8_t *out = malloc(n / 2 + 1);

	if (!out || n % 2)
		goto bad;
	for (size_t i = 0; i < n / 2; i++) {
		int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);

		if (a < 0 || b < 0)
			goto bad;
		out[i] = (uint8_t)(a << 4 | b);
	}
	*len = n / 2;
	return out;
bad:
	free(out);
	return NULL;
}

static void tohex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static uint64_t rng_state;

/* splitmix64: reproducible from the seed the suite prints. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* ---- BLAKE3 */

enum b3mode { B3_HASH, B3_KEYED, B3_DERIVE };

/* BLAKE3 of in in the given mode, fed in pieces of random sizes when
 * streamed (one update otherwise). */
static void b3(enum b3mode mode, const uint8_t *key, const char *ctx, const uint8_t *in,
	       size_t len, int streamed, uint8_t *out, size_t out_len)
{
	struct blake3_hasher h;

	if (mode == B3_HASH)
		blake3_init(&h);
	else if (mode == B3_KEYED)
		blake3_init_keyed(&h, key);
	else
		blake3_init_derive_key(&h, ctx, strlen(ctx));
	if (!streamed) {
		blake3_update(&h, in, len);
	} else {
		size_t off = 0;

		while (off < len) {
			size_t n = rnd() % 4 == 0 ? rnd() % 5000 : rnd() % 130;

			if (n > len - off)
				n = len - off;
			blake3_update(&h, in + off, n);
			off += n;
		}
	}
	blake3_finalize(&h, out, out_len);
}

static int blake3_case(const struct json *c, const uint8_t *key, const char *ctx)
{
	static const char *const names[] = {"hash", "keyed_hash", "derive_key"};
	const struct json *jl = json_get(c, "input_len");
	size_t len, ok = 1;
	uint8_t *in;

	if (!jl || jl->type != JSON_NUMBER) {
		fail("a case without input_len");
		return 0;
	}
	len = (size_t)jl->number;
	in = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		in[i] = (uint8_t)(i % 251);
	for (int m = 0; m < 3; m++) {
		const char *hexp = json_get_string(c, names[m]);
		size_t elen;
		uint8_t *exp = hexp ? unhex(hexp, &elen) : NULL;

		if (!exp) {
			fail("input_len %zu: no %s", len, names[m]);
			ok = 0;
			continue;
		}
		for (int path = 0; path < 2; path++) {
			blake3_force_portable(path == 1);
			for (int streamed = 0; streamed < 2; streamed++) {
				uint8_t *got = malloc(elen);
				uint8_t d32[BLAKE3_OUT_LEN];

				b3((enum b3mode)m, key, ctx, in, len, streamed, got, elen);
				b3((enum b3mode)m, key, ctx, in, len, streamed, d32, sizeof d32);
				if (memcmp(got, exp, elen) != 0 || memcmp(d32, exp, sizeof d32) != 0) {
					fail("input_len %zu %s (%s, %s): mismatch", len, names[m],
					     path ? "portable" : "simd", streamed ? "streamed" : "one-shot");
					ok = 0;
				}
				free(got);
			}
		}
		blake3_force_portable(false);
		free(exp);
	}
	free(in);
	return (int)ok;
}

static int cmd_blake3_vectors(const char *path)
{
	char err[256];
	struct json *j = json_parse_file(path, err, sizeof err);
	const struct json *cases;
	const char *key, *ctx;
	size_t good = 0, total = 0;

	if (!j) {
		fail("%s: %s", path, err);
		report("blake3-vectors", "blake3 vectors", 0, 0);
		return 1;
	}
	cases = json_get(j, "cases");
	key = json_get_string(j, "key");
	ctx = json_get_string(j, "context_string");
	if (!cases || cases->type != JSON_ARRAY || !key || strlen(key) != 32 || !ctx) {
		fail("%s: not the BLAKE3 vector format", path);
	} else {
		for (size_t i = 0; i < cases->n; i++, total++)
			good += (size_t)blake3_case(cases->items[i], (const uint8_t *)key, ctx);
	}
	report("blake3-vectors", "blake3 vectors", good, total);
	json_free(j);
	return good == total && total > 0 ? 0 : 1;
}

/* ---- Wycheproof Ed25519 */

/* The cofactored verdict: [8]([S]B - [k]A - R) is the identity, with A and
 * R decoded strictly and S < L. Only to count where it would differ. */
static int cofactored_valid(const uint8_t sig[64], const uint8_t *msg, size_t len,
			    const uint8_t pk[32])
{
	ge_p3 A, R, Q, E;
	ge_p2 q2;
	ge_cached c;
	ge_p1p1 t;
	uint8_t k[32], h[64], e[32];
	struct sha512_ctx ctx;
	static const uint8_t eight[32] = {8};

	if (!sc_is_canonical(sig + 32) || ge_frombytes(&A, pk) != GE_OK ||
	    ge_frombytes(&R, sig) != GE_OK)
		return 0;
	sha512_init(&ctx);
	sha512_update(&ctx, sig, 32);
	sha512_update(&ctx, pk, 32);
	sha512_update(&ctx, msg, len);
	sha512_final(&ctx, h);
	sc_reduce64(k, h);
	fe_neg(&A.X, &A.X);
	fe_neg(&A.T, &A.T);
	ge_double_scalarmult_vartime(&q2, k, &A, sig + 32);
	/* q2 to extended: T = XY/Z via re-encoding and decoding */
	ge_p2_tobytes(e, &q2);
	if (ge_frombytes(&Q, e) != GE_OK)
		return 0;
	ge_p3_to_cached(&c, &R);
	ge_sub(&t, &Q, &c);
	ge_p1p1_to_p3(&Q, &t);
	ge_scalarmult_vartime(&E, eight, &Q);
	ge_p3_0(&Q);
	return ge_p3_equal(&E, &Q);
}

static int cmd_wycheproof(const char *path)
{
	char err[256];
	struct json *j = json_parse_file(path, err, sizeof err);
	const struct json *groups = json_get(j, "testGroups");
	size_t good = 0, total = 0, cof_differs = 0;

	if (!j || !groups || groups->type != JSON_ARRAY) {
		fail("%s: %s", path, j ? "no testGroups" : err);
		report("wycheproof-ed25519", "wycheproof ed25519", 0, 0);
		json_free(j);
		return 1;
	}
	for (size_t g = 0; g < groups->n; g++) {
		const struct json *grp = groups->items[g];
		const char *pkhex = json_get_string(json_get(grp, "publicKey"), "pk");
		const struct json *tests = json_get(grp, "tests");
		size_t pklen = 0;
		uint8_t *pk = pkhex ? unhex(pkhex, &pklen) : NULL;

		for (size_t t = 0; tests && t < tests->n; t++, total++) {
			const struct json *tc = tests->items[t];
			const char *msgh = json_get_string(tc, "msg"), *sigh = json_get_string(tc, "sig");
			const char *result = json_get_string(tc, "result");
			const struct json *id = json_get(tc, "tcId");
			size_t mlen = 0, slen = 0;
			uint8_t *msg = msgh ? unhex(msgh, &mlen) : NULL;
			uint8_t *sig = sigh ? unhex(sigh, &slen) : NULL;
			int expect_valid, got_valid, verdict = 1;

			if (!pk || pklen != 32 || !msg || !sig || !result || !id) {
				fail("group %zu case %zu: malformed", g, t);
				goto next;
			}
			if (strcmp(result, "acceptable") == 0) {
				fail("tcId %.0f: 'acceptable' (no strict verdict expected)", id->number);
				goto next;
			}
			expect_valid = strcmp(result, "valid") == 0;
			/* The API takes exactly 64 bytes: other lengths are rejected
			 * by the caller, as a parser of signed images would. */
			if (slen == ED25519_SIGNATURE_LEN)
				verdict = ed25519_verify(sig, msg, mlen, pk);
			got_valid = verdict == ED25519_OK;
			if (got_valid == expect_valid)
				good++;
			else
				fail("tcId %.0f: expected %s, got %s (%s)", id->number, result,
				     got_valid ? "valid" : "invalid",
				     slen == 64 ? ed25519_strerror(verdict) : "length != 64");
			if (slen == 64 && cofactored_valid(sig, msg, mlen, pk) != got_valid)
				cof_differs++;
next:
			free(msg);
			free(sig);
		}
		free(pk);
	}
	report("wycheproof-ed25519", "wycheproof ed25519", good, total);
	printf("crypto: cases where the cofactored equation would decide otherwise: %zu\n",
	       cof_differs);
	json_free(j);
	return good == total && total > 0 ? 0 : 1;
}

/* ---- BLAKE3 against b3sum */

/* Runs b3sum with args on file and returns its hex output (first word). */
static int run_b3sum(const char *args, const char *file, const uint8_t *stdin_key, char *out,
		     size_t out_len)
{
	char cmd[512], keyfile[64] = "";
	FILE *p;
	int ok;

	if (stdin_key) {
		FILE *k;

		snprintf(keyfile, sizeof keyfile, "%s.key", file);
		k = fopen(keyfile, "wb");
		if (!k || fwrite(stdin_key, 1, 32, k) != 32)
			return 0;
		fclose(k);
	}
	snprintf(cmd, sizeof cmd, "b3sum --no-names %s '%s'%s%s", args, file,
		 stdin_key ? " < " : "", keyfile);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	ok = fscanf(p, "%4000s", out) == 1;
	(void)out_len;
	ok &= pclose(p) == 0;
	if (stdin_key)
		unlink(keyfile);
	return ok;
}

static int cmd_b3sum(uint64_t seed)
{
	static const size_t fixed[] = {
		0, 1, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2047, 2048, 2049, 3071, 3072, 3073,
		4095, 4096, 4097, 5120, 8191, 8192, 8193, 16383, 16384, 16385, 31743, 31744, 31745,
		32768, 32769, 65535, 65536, 65537, 131072, 131073, 262143, 262144, 524289,
		(1u << 20) - 1, 1u << 20, (1u << 20) + 1,
	};
	enum { NRANDOM = 40 };
	const char *ctx = "capOS 2025 b3sum differential test";
	char file[] = "/tmp/capos-b3-XXXXXX";
	size_t good = 0, total = 0;
	int fd = mkstemp(file);

	if (fd < 0) {
		fail("mkstemp failed");
		report("blake3-b3sum", "blake3 vs b3sum", 0, 0);
		return 1;
	}
	close(fd);
	rng_state = seed;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] + NRANDOM; i++) {
		size_t len = i < sizeof fixed / sizeof fixed[0] ? fixed[i] : rnd() % ((1u << 20) + 1);
		uint8_t *in = malloc(len + 1), key[32], out[200];
		char exp[4096], got[401], args[128];
		int mode = (int)(i % 3);
		size_t out_len = i % 4 == 3 ? 200 : 32;
		FILE *f;

		rnd_bytes(in, len);
		rnd_bytes(key, sizeof key);
		f = fopen(file, "wb");
		if (!f || fwrite(in, 1, len, f) != len) {
			fail("cannot write %s", file);
			free(in);
			break;
		}
		fclose(f);
		if (mode == B3_DERIVE)
			snprintf(args, sizeof args, "--length %zu --derive-key '%s'", out_len, ctx);
		else
			snprintf(args, sizeof args, "--length %zu%s", out_len,
				 mode == B3_KEYED ? " --keyed" : "");
		total++;
		if (!run_b3sum(args, file, mode == B3_KEYED ? key : NULL, exp, sizeof exp)) {
			fail("b3sum failed on length %zu", len);
			free(in);
			continue;
		}
		b3((enum b3mode)mode, key, ctx, in, len, (int)(i & 1), out, out_len);
		tohex(got, out, out_len);
		if (strcmp(got, exp) != 0)
			fail("length %zu mode %d out %zu: capOS %.16s..., b3sum %.16s...", len, mode,
			     out_len, got, exp);
		else
			good++;
		free(in);
	}
	unlink(file);
	report("blake3-b3sum", "blake3 vs b3sum", good, total);
	return good == total ? 0 : 1;
}

/* ---- Ed25519 against libsodium */

static int cmd_sodium(uint64_t seed, size_t n)
{
	size_t good = 0;

	if (sodium_init() < 0) {
		fail("sodium_init failed");
		report("ed25519-libsodium", "ed25519 vs libsodium", 0, n);
		return 1;
	}
	rng_state = seed;
	for (size_t i = 0; i < n; i++) {
		uint8_t s[32], spk[32], ssk[64], ssig[64], csig[64], bad[64];
		struct ed25519_keypair kp;
		size_t len = rnd() % 4 == 0 ? rnd() % 5000 : rnd() % 100;
		uint8_t *msg = malloc(len + 1);
		int ok = 1;

		rnd_bytes(s, sizeof s);
		rnd_bytes(msg, len);
		crypto_sign_seed_keypair(spk, ssk, s);
		ed25519_keypair_from_seed(&kp, s);
		if (memcmp(spk, kp.pk, 32) != 0 || memcmp(ssk, &kp, 64) != 0) {
			fail("case %zu: public keys differ", i);
			ok = 0;
		}
		ed25519_sign(csig, msg, len, &kp);
		crypto_sign_detached(ssig, NULL, msg, len, ssk);
		if (memcmp(csig, ssig, 64) != 0) {
			fail("case %zu: signatures differ", i);
			ok = 0;
		}
		if (crypto_sign_verify_detached(csig, msg, len, spk) != 0) {
			fail("case %zu: libsodium rejects capOS's signature", i);
			ok = 0;
		}
		if (ed25519_verify(ssig, msg, len, kp.pk) != ED25519_OK) {
			fail("case %zu: capOS rejects libsodium's signature", i);
			ok = 0;
		}
		/* One flipped bit in the signature, or in the message. */
		memcpy(bad, csig, 64);
		if (len == 0 || rnd() % 2) {
			bad[rnd() % 64] ^= (uint8_t)(1u << (rnd() % 8));
		} else {
			msg[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		}
		if (ed25519_verify(bad, msg, len, kp.pk) == ED25519_OK) {
			fail("case %zu: capOS accepts a corrupted signature", i);
			ok = 0;
		}
		if (crypto_sign_verify_detached(bad, msg, len, spk) == 0) {
			fail("case %zu: libsodium accepts a corrupted signature", i);
			ok = 0;
		}
		good += (size_t)ok;
		free(msg);
	}
	report("ed25519-libsodium", "ed25519 vs libsodium", good, n);
	return good == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "blake3-vectors") == 0)
		return cmd_blake3_vectors(argv[2]);
	if (argc == 3 && strcmp(argv[1], "wycheproof") == 0)
		return cmd_wycheproof(argv[2]);
	if (argc == 3 && strcmp(argv[1], "b3sum") == 0)
		return cmd_b3sum(strtoull(argv[2], NULL, 0));
	if (argc == 4 && strcmp(argv[1], "sodium") == 0)
		return cmd_sodium(strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: %s blake3-vectors FILE | wycheproof FILE | b3sum SEED | "
		"sodium SEED N\n", argv[0]);
	return 2;
}
