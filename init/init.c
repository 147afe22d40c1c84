/* init: the first process and the root of authority. It reads the boot
 * manifest (manifest.bin of the boot package), validates all of it with
 * lib/manifest — every binary a service runs is read and checked as an ELF
 * — before anything starts (one bad grant and nothing starts), then starts
 * and supervises the services (init/services.c).
 *
 * Its arguments (init=... on the kernel command line) name the services to
 * run, "name" or "name:arg" (arg replaces the manifest's args), one after
 * another in that order; without any, every service marked autostart runs. The exit code is 0 only if
 * every job finished with 0 and no service was given up on. */
#include "init/init.h"

#include "lib/errors.h"
#include "lib/mem.h"

struct manifest_plan plan;
struct svc svcs[MANIFEST_SERVICES_MAX];

#define USER_LOW 0x10000ull
#define USER_HIGH 0x0000800000000000ull
#define READ_CHUNK (60u * 1024)

static capos_BootPackage bootpkg;

/* The manifest's bytes (a fresh heap copy: the plan points into them). */
static int read_manifest(const void **msg, size_t *len)
{
	RT_CLIENT(cl, 128);
	uint64_t *buf = malloc(256 * 1024);
	if (!buf)
		return CAPOS_E_NO_MEMORY;
	capnp_client_init(&cl, buf, 256 * 1024);
	capos_BootPackage_manifest_Results res;
	int r = capos_BootPackage_manifest_call(bootpkg, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_data d = capos_BootPackage_manifest_Results_get_manifest(res);
	uint8_t *copy = malloc(d.len ? d.len : 1);
	if (!copy)
		return CAPOS_E_NO_MEMORY;
	memcpy(copy, d.ptr, d.len);
	*msg = copy;
	*len = d.len;
	return CAPOS_OK;
}

/* lib/manifest's file lookup: the whole file, read into one buffer reused
 * from call to call, for the ELF check. */
static bool package_file(void *ctx, const char *path, const void **data, size_t *len)
{
	(void)ctx;
	static uint8_t *file;
	static size_t file_cap;
	RT_CLIENT(st, 256);
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&st), path, strlen(path));
	capos_BootPackage_stat_Results sres;
	if (capos_BootPackage_stat_call(bootpkg, &st, &sres) < 0)
		return false;
	uint64_t size = capos_BootPackage_stat_Results_get_size(sres);
	if (size > file_cap) {
		free(file);
		file_cap = size;
		if (!(file = malloc(file_cap)))
			return file_cap = 0, false;
	}
	static uint64_t chunk[(READ_CHUNK + 512) / 8];
	for (uint64_t off = 0; off < size; off += READ_CHUNK) {
		struct capnp_client cl;
		capnp_client_init(&cl, chunk, sizeof chunk);
		capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
		capos_BootPackage_read_Params_set_name(p, path, strlen(path));
		capos_BootPackage_read_Params_set_offset(p, off);
		capos_BootPackage_read_Params_set_length(p, READ_CHUNK);
		capos_BootPackage_read_Results rres;
		if (capos_BootPackage_read_call(bootpkg, &cl, &rres) < 0)
			return false;
		struct capnp_data d = capos_BootPackage_read_Results_get_data(rres);
		if (d.len > size - off)
			return false;
		memcpy(file + off, d.ptr, d.len);
	}
	*data = file;
	*len = size;
	return true;
}

/* What init's own account can give the services. */
static uint64_t kernel_memory_room(void)
{
	RT_CLIENT(cl, 128);
	capos_FrameAllocator_stats_Results s;
	if (capos_FrameAllocator_stats_call(RT_CAP(capos_FrameAllocator, "frames"), &cl, &s) < 0)
		return 0;
	uint64_t limit = capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s);
	uint64_t used = capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s);
	return used < limit ? limit - used : 0;
}

/* Marks the services to run: those named in init's arguments, or every
 * autostart one. False (with a message) for a name the manifest lacks. */
static bool select_services(void)
{
	for (uint32_t i = 0; i < plan.nservices; i++)
		svcs[i].state = !rt_argc() && plan.services[i].autostart ? SVC_WAITING : SVC_IDLE;
	uint32_t prev = UINT32_MAX;
	for (uint32_t a = 0; a < rt_argc(); a++) {
		const char *spec = rt_arg(a);
		size_t len = 0;
		while (spec[len] && spec[len] != ':')
			len++;
		const char *colon = spec[len] ? spec + len : 0;
		uint32_t i = 0;
		while (i < plan.nservices && (strlen(plan.services[i].name) != len || memcmp(plan.services[i].name, spec, len)))
			i++;
		if (i == plan.nservices) {
			printf("init: no service '%.*s' in the manifest; nothing started\n", (int)len, spec);
			return false;
		}
		svcs[i].state = SVC_WAITING;
		svcs[i].arg = colon ? colon + 1 : 0;
		if (prev != i && prev < plan.nservices)
			svcs[i].after_mask |= 1ull << prev; /* named ones run one after another */
		prev = i;
	}
	return true;
}

int main(void)
{
	bootpkg = RT_CAP(capos_BootPackage, "bootpkg");
	const void *msg;
	size_t len;
	int r = read_manifest(&msg, &len);
	if (r) {
		printf("init: cannot read manifest.bin: %s; nothing started\n", capos_strerror(r));
		return 1;
	}
	struct manifest_config cfg = {
		.kernel_memory_budget = kernel_memory_room(), .kernel_memory_default = 0,
		.file = package_file, .user_min = USER_LOW, .user_max = USER_HIGH,
	};
	struct manifest_error err;
	if (manifest_load(msg, len, &cfg, &plan, &err) != MANIFEST_OK) {
		char line[256];
		manifest_error_format(&err, line, sizeof line);
		printf("init: manifest.bin refused: %s; nothing started\n", line);
		return 1;
	}
	printf("init: manifest.bin: %u services, %u binaries, all valid\n", plan.nservices, plan.nbinaries);
	if (!select_services())
		return 1;
	uint32_t bad = services_run();
	return bad ? 1 : 0;
}
