/* Table-driven CRC-32 (IEEE) of an 2 MiB buffer: byte loads, table lookups. */
#include "bench.h"

#define LEN (2u << 20)
static uint8_t buf[LEN];
static uint32_t table[256];

BENCH_EXPORT uint64_t bench_run(void)
{
	uint32_t crc = 0xffffffffu, x = 1;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	for (uint32_t i = 0; i < LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	for (uint32_t i = 0; i < LEN; i++)
		crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}
