/* capOS's interpreter on one benchmark module: loads FILE.wasm (no
 * imports), instantiates it, calls its export "run" once and prints
 * "<checksum> <milliseconds>" (the run only; loading is timed apart and
 * printed to stderr). Built -O2 without sanitizers by mk/wasm.mk. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/wasm/wasm.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf = NULL;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	size_t len, asize = (size_t)512 << 20;
	uint8_t *bytes = argc == 2 ? read_all(argv[1], &len) : NULL;
	struct wasm_arena a;
	struct wasm_module mod;
	struct wasm_machine m;
	struct wasm_instance inst;
	struct wasm_limits_cfg cfg = { .unmetered = getenv("WASM_BENCH_FUEL") == NULL };
	struct wasm_extern run;
	union wasm_value res[1];
	int err, trap;
	double t0, t1, t2;

	if (!bytes) {
		fprintf(stderr, "usage: wasm-bench FILE.wasm\n");
		return 2;
	}
	wasm_arena_init(&a, malloc(asize), asize);
	t0 = now_ms();
	err = wasm_module_load(&mod, bytes, len, &cfg, &a);
	if (!err)
		err = wasm_machine_init(&m, &a, 1u << 20, 10000);
	if (!err)
		err = wasm_instantiate(&inst, &mod, NULL, NULL, &a, &m, &trap);
	if (err || !wasm_instance_export(&inst, "run", 3, &run) || run.kind != WASM_EXTERN_FUNC) {
		fprintf(stderr, "wasm-bench: %s: %s\n", argv[1], wasm_err_name(err));
		return 1;
	}
	t1 = now_ms();
	trap = wasm_invoke(&m, run.u.func, NULL, res);
	t2 = now_ms();
	if (trap) {
		fprintf(stderr, "wasm-bench: %s trapped: %s\n", argv[1], wasm_trap_name(trap));
		return 1;
	}
	fprintf(stderr, "load+instantiate %.3f ms\n", t1 - t0);
	printf("%llu %.3f\n", (unsigned long long)res[0].i64, t2 - t1);
	return 0;
}
