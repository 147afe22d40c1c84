/* mkmanifest: builds a boot package from a manifest source.
 *
 *   mkmanifest -o OUT.tar [-I SCHEMA_DIR] [--kmem-budget BYTES] [--kmem-default BYTES]
 *              SYSTEM.capnp BINARY_DIR
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
 * --check loads a package as init does (lib/manifest's
 * manifest_load_package) and prints its start order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/manifest/manifest.h"
#include "mkmanifest.h"

/* The user range of a capOS address space (kernel/mem/aspace.h USER_MIN,
 * kernel/process.h USER_TLS_VA): what the kernel's ELF loader accepts. */
#define USER_MIN 0x10000ull
#define USER_MAX 0x00007FFFF0000000ull

struct options {
	const char *out, *include, *source, *bindir, *check;
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
	                "SYSTEM.capnp BINARY_DIR\n       mkmanifest --check PACKAGE.tar\n");
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
	*data = b->data ? (const void *)b->data : (const void *)"";
	*len = b->len;
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
	} else if (!check_listed(o->source) && !write_package(o->out, &msg)) {
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
