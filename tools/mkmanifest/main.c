/* mkmanifest: builds a boot package from a manifest source.
 *
 *   mkmanifest -o OUT.tar [-I SCHEMA_DIR] [--kmem-budget BYTES] [--kmem-default BYTES]
 *              [--key KEY] SYSTEM.capnp BINARY_DIR
 *   mkmanifest --check PACKAGE.tar
 *
 * The first form evaluates the source's `manifest` constant with
 * `capnp eval -b` (the source imports "/capos.capnp" from SCHEMA_DIR,
 * default "schema"), validates it with lib/manifest as init will (every
 * binary a service runs read from BINARY_DIR/<path> and checked as an ELF
 * executable), and writes the USTAR package: manifest.bin, then every
 * listed binary under its path. One of them must have the path "init": the
 * kernel starts it. Any error is one line naming the source, the service
 * and the field, exit status 1, and no package written (OUT is replaced
 * only once it is complete).
 *
 * Every binary's Binary.blake3 is filled in: the BLAKE3 of the file's body
 * (the part before its ARCSIG trailer; the whole file if it has none). A
 * digest the source gives must equal it. With --key KEY (a tools/sign key
 * file) manifest.bin is signed: its ARCSIG trailer follows the message
 * (docs/signing.md).
 *
 * --check loads a package as init does (lib/manifest's
 * manifest_load_package) and prints its start order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/arcsig.h"
#include "lib/crypto/blake3.h"
#include "lib/crypto/wipe.h"
#include "capos/capos.capnp.h"
#include "lib/manifest/manifest.h"
#include "mkmanifest.h"

/* The user range of a capOS address space (kernel/mem/aspace.h USER_MIN,
 * kernel/process.h USER_TLS_VA): what the kernel's ELF loader accepts. */
#define USER_MIN 0x10000ull
#define USER_MAX 0x00007FFFF0000000ull

struct options {
	const char *out, *include, *source, *bindir, *check, *key;
	uint64_t budget, kmem_default;
};

/* Binaries read from BINARY_DIR, by package path. */
struct loaded {
	char path[MANIFEST_PATH_MAX];
	struct blob file;
};

static struct loaded loaded[MANIFEST_BINARIES_MAX];
static uint32_t nloaded;
static const char *bindir;
static struct manifest_plan plan;

static void usage(void)
{
	fprintf(stderr, "usage: mkmanifest -o OUT.tar [-I SCHEMA_DIR] [--kmem-budget BYTES] [--kmem-default BYTES] "
	                "[--key KEY] SYSTEM.capnp BINARY_DIR\n       mkmanifest --check PACKAGE.tar\n");
	exit(2);
}

static uint64_t number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

static struct options parse(int argc, char **argv)
{
	struct options o = { .include = "schema", .budget = 256ull << 20, .kmem_default = 1ull << 20 };
	int i = 1, npos = 0;
	for (; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "-o") && more)
			o.out = argv[++i];
		else if (!strcmp(a, "-I") && more)
			o.include = argv[++i];
		else if (!strcmp(a, "--kmem-budget") && more)
			o.budget = number(argv[++i]);
		else if (!strcmp(a, "--kmem-default") && more)
			o.kmem_default = number(argv[++i]);
		else if (!strcmp(a, "--key") && more)
			o.key = argv[++i];
		else if (!strcmp(a, "--check") && more)
			o.check = argv[++i];
		else if (a[0] == '-')
			usage();
		else if (npos++ == 0)
			o.source = a;
		else if (npos == 2)
			o.bindir = a;
		else
			usage();
	}
	if (!o.check && (!o.out || npos != 2))
		usage();
	return o;
}

/* The binary at package path, read from BINARY_DIR once; NULL if absent. */
static const struct blob *binary_file(const char *path)
{
	for (uint32_t i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i].path, path))
			return &loaded[i].file;
	char full[4096];
	snprintf(full, sizeof full, "%s/%s", bindir, path);
	struct loaded *l = &loaded[nloaded];
	if (nloaded == MANIFEST_BINARIES_MAX || mk_read_file(full, &l->file))
		return NULL;
	snprintf(l->path, sizeof l->path, "%s", path);
	nloaded++;
	return &l->file;
}

/* manifest_file_fn over BINARY_DIR. */
static bool lookup(void *ctx, const char *path, const void **data, size_t *len)
{
	(void)ctx;
	const struct blob *b = binary_file(path);
	if (!b)
		return false;
	size_t body;
	*data = b->data ? (const void *)b->data : (const void *)"";
	*len = arcsig_split(b->data, b->len, &body) == ARCSIG_OK ? body : b->len; /* the ELF, without its trailer */
	return true;
}

static void print_order(const char *what)
{
	printf("%s: %u binaries, %u services; start order:", what, plan.nbinaries, plan.nservices);
	for (uint32_t i = 0; i < plan.nservices; i++)
		printf(" %s", plan.services[plan.order[i]].name);
	printf("\n");
}

/* Every listed binary readable (services' ones were checked), and init among them. */
static int check_listed(const char *source)
{
	bool init = false;
	for (uint32_t i = 0; i < plan.nbinaries; i++) {
		const struct manifest_binary *b = &plan.binaries[i];
		init |= !strcmp(b->path, "init");
		if (!binary_file(b->path)) {
			fprintf(stderr, "%s: binary \"%s\": file \"%s/%s\" cannot be read: %s\n", source, b->name, bindir,
			        b->path, strerror(errno));
			return -1;
		}
	}
	if (!init)
		fprintf(stderr, "%s: binaries: none has the path \"init\" (the kernel starts the package's init)\n",
		        source);
	return init ? 0 : -1;
}

/* The digest of a package file: BLAKE3 of its body (before the trailer). */
static void body_digest(const struct blob *b, uint8_t d[MANIFEST_DIGEST_LEN])
{
	size_t body = b->len;
	if (arcsig_split(b->data, b->len, &body))
		body = b->len;
	blake3_hash(b->data ? (const void *)b->data : (const void *)"", body, d, MANIFEST_DIGEST_LEN);
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void put64(uint8_t *p, uint64_t v)
{
	for (int b = 0; b < 8; b++)
		p[b] = (uint8_t)(v >> (8 * b));
}

/* Fills every binary's empty blake3 field of the message: the digests go in
 * a segment appended to the message, each after a landing pad, and each
 * null blake3 pointer becomes a far pointer to its pad. A digest already
 * there must be the file's. */
static int fill_digests(struct blob *msg, const char *source)
{
	struct capnp_limits lim = capnp_limits_for_size(msg->len, CAPNP_TRAVERSAL_FACTOR);
	struct capnp_msg m;
	if (msg->len < 8 || capnp_msg_init(&m, msg->data, msg->len, &lim) != CAPNP_OK) {
		fprintf(stderr, "%s: mkmanifest: capnp eval wrote a bad message\n", source);
		return -1;
	}
	capos_Binary_list bins = capos_SystemManifest_get_binaries(capos_SystemManifest_root(&m));
	uint32_t n = capos_Binary_list_len(bins), k = 0;
	size_t ptr_at[MANIFEST_BINARIES_MAX];
	uint8_t digest[MANIFEST_BINARIES_MAX][MANIFEST_DIGEST_LEN];
	for (uint32_t i = 0; i < n && i < plan.nbinaries; i++) {
		const struct manifest_binary *b = &plan.binaries[i];
		capos_Binary r = capos_Binary_list_get(bins, i);
		uint8_t d[MANIFEST_DIGEST_LEN];
		body_digest(binary_file(b->path), d);
		if (b->has_digest) {
			if (memcmp(d, b->digest, sizeof d)) {
				fprintf(stderr, "%s: binary \"%s\": blake3: not the digest of \"%s/%s\"\n", source, b->name,
				        bindir, b->path);
				return -1;
			}
			continue;
		}
		if (r.s.nptrs < 3) {
			fprintf(stderr, "%s: binary \"%s\": no room for blake3 in the message\n", source, b->name);
			return -1;
		}
		ptr_at[k] = (size_t)(r.s.ptrs + 2 * 8 - msg->data);
		memcpy(digest[k++], d, sizeof d);
	}
	if (!k)
		return 0;
	uint32_t nseg = get32(msg->data) + 1;
	size_t old_table = (4 + 4 * (size_t)nseg + 7) & ~(size_t)7, new_table = (4 + 4 * (size_t)nseg + 4 + 7) & ~(size_t)7;
	size_t seg_bytes = (size_t)k * 5 * 8, len = msg->len - old_table + new_table + seg_bytes;
	uint8_t *p = calloc(1, len);
	if (!p)
		return -1;
	memcpy(p, msg->data, 4 + 4 * (size_t)nseg);
	p[0] = (uint8_t)nseg, p[1] = (uint8_t)(nseg >> 8), p[2] = (uint8_t)(nseg >> 16), p[3] = (uint8_t)(nseg >> 24);
	uint32_t words = k * 5;
	memcpy(p + 4 + 4 * (size_t)nseg, &words, 4); /* little-endian host */
	memcpy(p + new_table, msg->data + old_table, msg->len - old_table);
	uint8_t *seg = p + new_table + (msg->len - old_table);
	for (uint32_t j = 0; j < k; j++) {
		/* far pointer (single landing pad) into segment nseg, pad at word 5j */
		put64(p + ptr_at[j] - old_table + new_table, (uint64_t)(5 * j) << 3 | 2 | (uint64_t)nseg << 32);
		/* the pad: a byte list of 32 right after it */
		put64(seg + 5 * j * 8, 1 | (uint64_t)(2 | 32u << 3) << 32);
		memcpy(seg + 5 * j * 8 + 8, digest[j], MANIFEST_DIGEST_LEN);
	}
	free(msg->data);
	msg->data = p;
	msg->len = len;
	return 0;
}

/* Appends manifest.bin's trailer, signed with the key in key_path. */
static int sign_manifest(struct blob *msg, const char *key_path)
{
	struct blob seed;
	if (mk_read_file(key_path, &seed) || seed.len != ED25519_SEED_LEN) {
		fprintf(stderr, "mkmanifest: %s: not a key (a 32-byte seed file from tools/sign --keygen)\n", key_path);
		free(seed.data);
		return -1;
	}
	struct ed25519_keypair kp;
	ed25519_keypair_from_seed(&kp, seed.data);
	crypto_wipe(seed.data, seed.len);
	free(seed.data);
	uint8_t *p = realloc(msg->data, msg->len + ARCSIG_LEN);
	if (!p)
		return -1;
	msg->data = p;
	arcsig_sign(p + msg->len, p, msg->len, &kp);
	crypto_wipe(&kp, sizeof kp);
	msg->len += ARCSIG_LEN;
	return 0;
}

/* Writes the package to out (through out.tmp, renamed when complete). */
static int write_package(const char *out, const struct blob *msg)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	FILE *f = fopen(tmp, "wb");
	int r = f ? mk_tar_add(f, MANIFEST_PACKAGE_MANIFEST, msg->data, msg->len) : -1;
	for (uint32_t i = 0; !r && i < plan.nbinaries; i++) {
		bool seen = false; /* two binaries may share a file */
		for (uint32_t j = 0; j < i; j++)
			seen |= !strcmp(plan.binaries[j].path, plan.binaries[i].path);
		const struct blob *b = binary_file(plan.binaries[i].path);
		if (!seen)
			r = mk_tar_add(f, plan.binaries[i].path, b->data, b->len);
	}
	if (!r)
		r = mk_tar_end(f);
	if (f && fclose(f))
		r = -1;
	if (!r && rename(tmp, out))
		r = -1;
	if (r) {
		fprintf(stderr, "mkmanifest: %s: %s\n", out, strerror(errno));
		remove(tmp);
	}
	return r;
}

static int build(const struct options *o)
{
	struct blob msg;
	struct manifest_error err;
	char line[512];
	struct manifest_config cfg = {
		.kernel_memory_budget = o->budget, .kernel_memory_default = o->kmem_default,
		.file = lookup, .user_min = USER_MIN, .user_max = USER_MAX,
	};

	bindir = o->bindir;
	if (mk_eval(o->source, o->include, &msg))
		return 1;
	int r = 1;
	if (manifest_load(msg.data, msg.len, &cfg, &plan, &err) != MANIFEST_OK) {
		manifest_error_format(&err, line, sizeof line);
		fprintf(stderr, "%s: %s\n", o->source, line);
	} else if (!check_listed(o->source) && !fill_digests(&msg, o->source) &&
	           manifest_load(msg.data, msg.len, &cfg, &plan, &err) == MANIFEST_OK &&
	           (!o->key || !sign_manifest(&msg, o->key)) && !write_package(o->out, &msg)) {
		print_order(o->out);
		r = 0;
	}
	free(msg.data);
	for (uint32_t i = 0; i < nloaded; i++)
		free(loaded[i].file.data);
	return r;
}

static int check(const struct options *o)
{
	struct blob pkg;
	struct manifest_error err;
	char line[512];
	struct manifest_config cfg = {
		.kernel_memory_budget = o->budget, .kernel_memory_default = o->kmem_default,
		.user_min = USER_MIN, .user_max = USER_MAX,
	};

	if (mk_read_file(o->check, &pkg)) {
		fprintf(stderr, "mkmanifest: %s: %s\n", o->check, strerror(errno));
		return 1;
	}
	int r = manifest_load_package(pkg.data, pkg.len, &cfg, &plan, &err);
	if (r) {
		manifest_error_format(&err, line, sizeof line);
		fprintf(stderr, "%s: %s\n", o->check, line);
	} else {
		print_order(o->check);
	}
	free(pkg.data);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = parse(argc, argv);
	return o.check ? check(&o) : build(&o);
}
