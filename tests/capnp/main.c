/* capnp-test INDIR OUTDIR [FILTER]: runs every case, printing TAP-style
 * lines for tests/capnp/run. INDIR holds messages made by the capnp tool;
 * OUTDIR receives messages built here, for `capnp decode`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/capnp/t.h"

static const char *indir, *outdir;
static int case_failed;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	case_failed = 1;
}

int t_text_eq(struct capnp_text t, const char *want)
{
	size_t n = strlen(want);
	return t.str && t.len == n && memcmp(t.str, want, n) == 0 && t.str[n] == 0;
}

uint8_t *t_load(const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", indir, name);
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n = -1;
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	if (f)
		fclose(f);
	if (!buf)
		t_fail(__FILE__, __LINE__, "cannot read %s", path);
	*len = buf ? (size_t)n : 0;
	return buf;
}

void t_save(const char *name, const void *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len)
		t_fail(__FILE__, __LINE__, "cannot write %s", path);
	if (f)
		fclose(f);
}

uint32_t t_f32(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

uint64_t t_f64(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

size_t t_frame(uint8_t *buf, size_t cap, const uint64_t *const *segs, const uint32_t *sizes,
               uint32_t nsegs)
{
	size_t off = ((nsegs + 2) / 2) * 8;
	memset(buf, 0, off);
	uint32_t n1 = nsegs - 1;
	memcpy(buf, &n1, 4);
	for (uint32_t i = 0; i < nsegs; i++) {
		memcpy(buf + 4 + 4 * i, &sizes[i], 4);
		if (off + sizes[i] * 8ull > cap)
			abort();
		memcpy(buf + off, segs[i], sizes[i] * 8ull);
		off += sizes[i] * 8ull;
	}
	return off;
}

int main(int argc, char **argv)
{
	const struct tcase *tables[] = { interop_tests, build_tests, hostile_tests, iface_tests,
	                                client_tests, walk_tests };
	if (argc < 3) {
		fprintf(stderr, "usage: %s INDIR OUTDIR [NAME-PREFIX]\n", argv[0]);
		return 2;
	}
	indir = argv[1];
	outdir = argv[2];
	int failed = 0;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		for (const struct tcase *c = tables[t]; c->name; c++) {
			if (argc > 3 && strncmp(c->name, argv[3], strlen(argv[3])) != 0)
				continue;
			case_failed = 0;
			c->fn();
			printf("%s - capnp/%s\n", case_failed ? "not ok" : "ok", c->name);
			fflush(stdout);
			failed |= case_failed;
		}
	}
	return failed;
}
