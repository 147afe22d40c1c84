/* Kernel command-line parsing: space-separated words, each "key" or
 * "key=value". The last occurrence of a key wins. Pure logic. */
#ifndef CAPOS_LIB_CMDLINE_H
#define CAPOS_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cmdline_result {
	CMDLINE_ABSENT = 0,   /* key not present */
	CMDLINE_OK = 1,       /* found; value stored */
	CMDLINE_INVALID = -1, /* found, but the value does not fit / parse */
};

/* Copies key's value (NUL-terminated; "" for a bare key) into out[cap].
 * A value that does not fit is CMDLINE_INVALID, never silently truncated. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t cap);

/* Parses key's value as a decimal integer in [min, max]. */
int cmdline_get_u32(const char *cmdline, const char *key, uint32_t min, uint32_t max, uint32_t *out);

#endif
