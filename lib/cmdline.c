#include "lib/cmdline.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Finds the last word "key" or "key=..."; returns a pointer just past the key
 * (at '=' or the word's end), or NULL. */
static const char *find_key(const char *s, const char *key)
{
	const char *found = 0;
	while (*s) {
		while (is_space(*s))
			s++;
		const char *k = key;
		while (*k && *s == *k)
			s++, k++;
		if (!*k && *key && (*s == '=' || is_space(*s) || !*s))
			found = s;
		while (*s && !is_space(*s))
			s++;
	}
	return found;
}

int cmdline_get(const char *cmdline, const char *key, char *out, size_t cap)
{
	if (!cmdline || !key || !out || cap == 0)
		return CMDLINE_INVALID;
	const char *p = find_key(cmdline, key);
	if (!p)
		return CMDLINE_ABSENT;
	if (*p == '=')
		p++;
	size_t n = 0;
	while (p[n] && !is_space(p[n]))
		n++;
	if (n >= cap)
		return CMDLINE_INVALID;
	for (size_t i = 0; i < n; i++)
		out[i] = p[i];
	out[n] = 0;
	return CMDLINE_OK;
}

int cmdline_get_u32(const char *cmdline, const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
	char buf[16];
	int r = cmdline_get(cmdline, key, buf, sizeof(buf));
	if (r != CMDLINE_OK)
		return r;
	if (!buf[0])
		return CMDLINE_INVALID;
	uint64_t v = 0;
	for (const char *c = buf; *c; c++) {
		if (*c < '0' || *c > '9')
			return CMDLINE_INVALID;
		v = v * 10 + (uint64_t)(*c - '0');
		if (v > max)
			return CMDLINE_INVALID;
	}
	if (v < min)
		return CMDLINE_INVALID;
	*out = (uint32_t)v;
	return CMDLINE_OK;
}
