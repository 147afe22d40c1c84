/* lib/manifest on arbitrary bytes as a SystemManifest message: decode and
 * validate (binaries looked up in a fake package where a path exists unless
 * it starts with 'x' and is an ELF only if it starts with 'e' -- the bytes
 * are the input itself). Traps on a verdict that is no named error, a
 * message that does not format, or an accepted plan that breaks what
 * manifest_validate promises: the start order a permutation respecting
 * every "starts after", grants resolved to known interfaces with rights
 * within them, names NUL-terminated, counts within the limits.
 *
 * Seeds: manifests evaluated by capnp (tests/manifest, system.capnp). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static const uint8_t *input;
static size_t input_len;
static struct manifest_plan plan;

static bool files(void *ctx, const char *path, const void **data, size_t *len)
{
	(void)ctx;
	if (path[0] == 'x')
		return false;
	*data = path[0] == 'e' ? input : NULL; /* NULL: exists, ELF not checked */
	*len = input_len;
	return true;
}

static void check_grant(const struct manifest_grant *g)
{
	uint32_t all;
	CHECK(memchr(g->name, 0, sizeof g->name));
	CHECK(manifest_interface_rights(g->interface_id, &all));
	CHECK((g->rights & ~all) == 0);
	if (g->source == MANIFEST_SOURCE_KERNEL) {
		CHECK(g->badge == 0 && manifest_kernel_cap_interface(g->kernel) == g->interface_id);
	} else {
		CHECK(g->source == MANIFEST_SOURCE_EXPORT && g->service < plan.nservices);
		const struct manifest_service *src = &plan.services[g->service];
		CHECK(g->export_index < src->nexports && src->exports[g->export_index].interface_id == g->interface_id);
	}
}

static void check_plan(void)
{
	uint32_t seen = 0, started = 0;
	CHECK(plan.nservices >= 1 && plan.nservices <= MANIFEST_SERVICES_MAX);
	CHECK(plan.nbinaries <= MANIFEST_BINARIES_MAX);
	for (uint32_t i = 0; i < plan.nservices; i++) {
		uint32_t s = plan.order[i];
		CHECK(s < plan.nservices && !(seen >> s & 1));
		seen |= 1u << s;
		const struct manifest_service *sv = &plan.services[s];
		CHECK((sv->after_mask & ~started) == 0); /* everything it waits for started first */
		started |= 1u << s;
		CHECK(sv->binary < plan.nbinaries && plan.binaries[sv->binary].used);
		CHECK(sv->ngrants + sv->nexports <= MANIFEST_CAPSET_MAX && sv->args_bytes <= MANIFEST_ARGS_BYTES);
		for (uint32_t g = 0; g < sv->ngrants; g++)
			check_grant(&sv->grants[g]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_error err;
	struct manifest_config cfg = {
		.kernel_memory_budget = 64u << 20, .kernel_memory_default = 1u << 20, .file = files,
		.user_min = 0x10000, .user_max = 0x00007FFFF0000000ull,
	};
	char line[256];

	input = data;
	input_len = size;
	enum manifest_err r = manifest_load(data, size, &cfg, &plan, &err);
	CHECK(r == err.code && manifest_err_name(r) != NULL);
	int n = manifest_error_format(&err, line, sizeof line);
	CHECK(n > 0 && strlen(line) == ((size_t)n < sizeof line ? (size_t)n : sizeof line - 1));
	if (r == MANIFEST_OK)
		check_plan();
	return 0;
}
