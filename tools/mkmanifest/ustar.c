/* tools/mkmanifest: the USTAR writer (POSIX.1-1988 headers, as GNU tar
 * --format=ustar writes them; lib/tar reads them). Deterministic: owner 0,
 * mode 0644, mtime 0, so the same inputs give the same package. */
#include <string.h>

#include "mkmanifest.h"

#define BLOCK 512u

/* Writes v in octal into a field of width bytes: digits, then NUL. */
static void octal(char *field, size_t width, unsigned long long v)
{
	snprintf(field, width, "%0*llo", (int)(width - 1), v);
}

int mk_tar_add(FILE *f, const char *name, const void *data, size_t len)
{
	static const char zeros[BLOCK];
	char h[BLOCK];
	unsigned sum = 0;
	size_t n = strlen(name);

	if (n == 0 || n >= 100)
		return -1;
	memset(h, 0, sizeof h);
	memcpy(h, name, n);
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, len);
	octal(h + 136, 12, 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 7, "%06o", sum); /* six digits, NUL, and the space stays */
	size_t pad = (BLOCK - len % BLOCK) % BLOCK;
	if (fwrite(h, 1, BLOCK, f) != BLOCK || (len && fwrite(data, 1, len, f) != len) ||
	    fwrite(zeros, 1, pad, f) != pad)
		return -1;
	return 0;
}

int mk_tar_end(FILE *f)
{
	static const char zeros[2 * BLOCK];
	return fwrite(zeros, 1, sizeof zeros, f) == sizeof zeros ? 0 : -1;
}
