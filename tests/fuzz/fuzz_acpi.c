/* acpi_parse on arbitrary "physical memory": the input is the memory at
 * physical 0xE0000 onwards, the RSDP at its first byte. The reader hands out
 * a fresh heap copy of exactly the bytes asked for, so ASan catches any read
 * beyond a request, and refuses ranges outside the input. acpi_find_rsdp
 * scans the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define PHYS_BASE 0xE0000u
#define MAX_COPIES 4096

struct mem {
	const uint8_t *data;
	size_t size;
	void *copies[MAX_COPIES];
	size_t ncopies;
};

static const void *reader(void *ctx, uint64_t phys, size_t len)
{
	struct mem *m = ctx;
	CHECK(len > 0);
	if (phys < PHYS_BASE || phys - PHYS_BASE > m->size || len > m->size - (phys - PHYS_BASE))
		return NULL;
	if (m->ncopies == MAX_COPIES)
		return NULL;
	void *copy = malloc(len);
	CHECK(copy != NULL);
	memcpy(copy, m->data + (phys - PHYS_BASE), len);
	m->copies[m->ncopies++] = copy;
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mem m;
	static struct acpi_info info;
	m.data = data;
	m.size = size;
	m.ncopies = 0;
	int rc = acpi_parse(PHYS_BASE, reader, &m, &info);
	CHECK(rc <= 0 && rc >= ACPI_ERR_MCFG_ENTRY);
	if (rc == ACPI_OK) {
		CHECK(info.nioapics <= ACPI_MAX_IOAPICS && info.noverrides <= ACPI_MAX_OVERRIDES);
		CHECK(info.nmcfg <= ACPI_MAX_MCFG);
		for (uint32_t i = 0; i < info.nmcfg; i++)
			CHECK(info.mcfg[i].bus_start <= info.mcfg[i].bus_end);
	} else {
		CHECK(!info.has_madt && !info.has_mcfg && info.nioapics == 0);
	}
	for (size_t i = 0; i < m.ncopies; i++)
		free(m.copies[i]);
	uint64_t pa = 0;
	rc = acpi_find_rsdp(data, size, PHYS_BASE, &pa);
	CHECK(rc == ACPI_OK || rc == ACPI_ERR_NO_RSDP);
	if (rc == ACPI_OK)
		CHECK(pa >= PHYS_BASE && pa - PHYS_BASE + ACPI_RSDP_V1_LEN <= size && (pa & 15) == 0);
	return 0;
}
