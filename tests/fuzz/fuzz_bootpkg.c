/* A whole boot package on arbitrary bytes, as init reads one: the USTAR
 * archive (lib/tar), its manifest.bin decoded and validated (lib/manifest),
 * every binary a service runs found in the archive and parsed as an ELF
 * executable. Traps on a verdict that is no named error, or on an accepted
 * package whose services' binaries are not in it.
 *
 * Seeds: small packages (a manifest and tiny executables). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/manifest/manifest.h"
#include "lib/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct manifest_plan plan;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_error err;
	struct manifest_config cfg = {
		.kernel_memory_budget = 64u << 20, .kernel_memory_default = 1u << 20,
		.user_min = 0x10000, .user_max = 0x00007FFFF0000000ull,
	};
	char line[256];
	struct tar_entry e;

	enum manifest_err r = manifest_load_package(data, size, &cfg, &plan, &err);
	CHECK(r == err.code && manifest_err_name(r) != NULL);
	CHECK(manifest_error_format(&err, line, sizeof line) > 0);
	if (r != MANIFEST_OK)
		return 0;
	CHECK(tar_find(data, size, MANIFEST_PACKAGE_MANIFEST, &e) == TAR_OK);
	for (uint32_t i = 0; i < plan.nservices; i++) {
		const struct manifest_binary *b = &plan.binaries[plan.services[i].binary];
		CHECK(tar_find(data, size, b->path, &e) == TAR_OK && e.type == '0');
	}
	return 0;
}
