/* wasm: runs WebAssembly modules from the boot package in lib/wasm's
 * sandbox, one after another. Each host function a module may import is
 * backed by one of this service's own capabilities (docs/wasm.md):
 *   capos.add(i32, i32) -> i32           the seeds' demo, no capability
 *   capos.host_print(ptr, len)           linear memory -> "console"
 *   wasi_snapshot_preview1.*             a WASI preview 1 subset: fd_write to
 *                                        fd 1 and 2 through "console" (or "log"),
 *                                        EBADF without either; args, environ
 *                                        (empty), clock_time_get, random_get,
 *                                        proc_exit, and the fd_* probes
 *                                        wasi-libc's stdio makes
 * Arguments: [--status] MODULE [ARG...] [-- MODULE [ARG...]]...
 * MODULE is FILE[:EXPORT], a file of the boot package ("bootpkg") and the
 * function to call (default _start); the ARGs are the module's arguments
 * (argv[0] is FILE). Each module gets a fresh arena, a bounded memory
 * (MAX_PAGES), value and call stacks and a fuel budget. Each outcome is one
 * line: "wasm: MODULE exited with status N", "... returned N", "... trapped:
 * REASON" or "... failed to load: WHY". The exit code is the number of
 * modules that failed to load, or with --status the last module's exit
 * status (a trap or load failure is 128). */
#include "lib/errors.h"
#include "lib/fmt.h"
#include "lib/mem.h"
#include "lib/wasm/wasm.h"
#include "rt/capos.h"

#define ARENA_BYTES (6u << 20)
#define FILE_MAX (1u << 20)
#define MAX_PAGES 32u          /* 2 MiB of linear memory per module */
#define STACK_SLOTS (1u << 16)
#define STACK_FRAMES 2000u
#define FUEL 50000000ll
#define READ_CHUNK (60u * 1024)
#define MAX_ARGS 16

static uint8_t arena_buf[ARENA_BYTES] __attribute__((aligned(64)));
static uint8_t file_buf[FILE_MAX] __attribute__((aligned(16)));

static capos_BootPackage bootpkg;
static capos_Console console;
static capos_Log logcap;

/* WASI errno values (wasi_snapshot_preview1). */
enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28, WASI_ESPIPE = 70 };

/* The module being run. */
struct run {
	const char *name;            /* FILE[:EXPORT] as given */
	const char *argv[MAX_ARGS];  /* argv[0] = FILE */
	uint32_t argc;
	bool exited;                 /* proc_exit was called */
	uint32_t status;
	const struct wasm_import *missing; /* the import the resolver lacked */
};

static struct run cur;
static uint64_t rng_state;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* ------------------------------------------------------------ output */

/* Writes len bytes to the module's stdout: the console, else the log (one
 * Log.write per line, at most 200 bytes). False when neither is granted. */
static bool out_write(const uint8_t *p, size_t len)
{
	if (console.id) {
		while (len) {
			size_t n = len < 1024 ? len : 1024;
			RT_CLIENT(cl, 1024 + 256);
			capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), (const char *)p, n);
			capos_Console_write_call(console, &cl, 0);
			p += n, len -= n;
		}
		return true;
	}
	if (logcap.id) {
		static char line[200];
		static size_t have;
		for (size_t i = 0; i < len; i++) {
			bool nl = p[i] == '\n';
			if (!nl)
				line[have++] = (char)p[i];
			if (nl || have == sizeof line) {
				RT_CLIENT(cl, 512);
				capos_Log_write_Params_set_text(capos_Log_write_begin(&cl), line, have);
				capos_Log_write_call(logcap, &cl, 0);
				have = 0;
			}
		}
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ host functions */

static bool mem_read32(struct wasm_host_call *c, uint32_t addr, uint32_t *v)
{
	return c->mem && wasm_memory_read(c->mem, addr, v, 4);
}

static bool mem_write(struct wasm_host_call *c, uint32_t addr, const void *src, uint32_t len)
{
	return c->mem && wasm_memory_write(c->mem, addr, src, len);
}

static int capos_add(struct wasm_host_call *c, union wasm_value *a)
{
	(void)c;
	a[0].i32 = a[0].i32 + a[1].i32;
	return WASM_TRAP_NONE;
}

/* host_print(ptr, len): the bytes, as they are, to the console. An address
 * outside linear memory is a trap. */
static int capos_host_print(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t ptr = a[0].i32, len = a[1].i32;
	if (!c->mem || (uint64_t)ptr + len > c->mem->size)
		return WASM_TRAP_OOB_MEMORY;
	out_write(c->mem->data + ptr, len);
	return WASM_TRAP_NONE;
}

/* fd_write(fd, iovs, iovs_len, nwritten) -> errno */
static int wasi_fd_write(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t fd = a[0].i32, iovs = a[1].i32, n = a[2].i32, nwritten = a[3].i32, total = 0;
	if ((fd != 1 && fd != 2) || (!console.id && !logcap.id)) {
		a[0].i32 = WASI_EBADF;
		return WASM_TRAP_NONE;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t ptr, len;
		if (!mem_read32(c, iovs + 8 * i, &ptr) || !mem_read32(c, iovs + 8 * i + 4, &len) ||
		    (uint64_t)ptr + len > c->mem->size) {
			a[0].i32 = WASI_EFAULT;
			return WASM_TRAP_NONE;
		}
		out_write(c->mem->data + ptr, len);
		total += len;
	}
	a[0].i32 = mem_write(c, nwritten, &total, 4) ? WASI_ESUCCESS : WASI_EFAULT;
	return WASM_TRAP_NONE;
}

/* fd_fdstat_get(fd, buf) -> errno: fd 1 and 2 are character devices that
 * can be written (when something backs them). */
static int wasi_fd_fdstat_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t fd = a[0].i32;
	if ((fd != 1 && fd != 2) || (!console.id && !logcap.id)) {
		a[0].i32 = WASI_EBADF;
		return WASM_TRAP_NONE;
	}
	uint8_t st[24] = { 0 };
	st[0] = 2;                          /* filetype: character device */
	st[8] = 1u << 6;                    /* rights: fd_write */
	a[0].i32 = mem_write(c, a[1].i32, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
	return WASM_TRAP_NONE;
}

static int wasi_fd_seek(struct wasm_host_call *c, union wasm_value *a)
{
	(void)c;
	a[0].i32 = a[0].i32 <= 2 ? WASI_ESPIPE : WASI_EBADF;
	return WASM_TRAP_NONE;
}

static int wasi_fd_close(struct wasm_host_call *c, union wasm_value *a)
{
	(void)c;
	a[0].i32 = a[0].i32 <= 2 ? WASI_ESUCCESS : WASI_EBADF;
	return WASM_TRAP_NONE;
}

static uint32_t args_bytes(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < cur.argc; i++)
		n += (uint32_t)strlen(cur.argv[i]) + 1;
	return n;
}

/* args_sizes_get(argc, argv_buf_size) -> errno */
static int wasi_args_sizes_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t size = args_bytes();
	a[0].i32 = mem_write(c, a[0].i32, &cur.argc, 4) && mem_write(c, a[1].i32, &size, 4) ? WASI_ESUCCESS
	                                                                                     : WASI_EFAULT;
	return WASM_TRAP_NONE;
}

/* args_get(argv, argv_buf) -> errno */
static int wasi_args_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t argv = a[0].i32, buf = a[1].i32;
	for (uint32_t i = 0; i < cur.argc; i++) {
		uint32_t len = (uint32_t)strlen(cur.argv[i]) + 1;
		if (!mem_write(c, argv + 4 * i, &buf, 4) || !mem_write(c, buf, cur.argv[i], len)) {
			a[0].i32 = WASI_EFAULT;
			return WASM_TRAP_NONE;
		}
		buf += len;
	}
	a[0].i32 = WASI_ESUCCESS;
	return WASM_TRAP_NONE;
}

/* environ_sizes_get(count, buf_size) -> errno: no environment. */
static int wasi_environ_sizes_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t zero = 0;
	a[0].i32 = mem_write(c, a[0].i32, &zero, 4) && mem_write(c, a[1].i32, &zero, 4) ? WASI_ESUCCESS
	                                                                                : WASI_EFAULT;
	return WASM_TRAP_NONE;
}

static int wasi_environ_get(struct wasm_host_call *c, union wasm_value *a)
{
	(void)c;
	a[0].i32 = WASI_ESUCCESS;
	return WASM_TRAP_NONE;
}

/* clock_time_get(id, precision, time) -> errno: every clock is the TSC
 * count, monotonic but not calibrated to nanoseconds. */
static int wasi_clock_time_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint64_t t = rdtsc();
	a[0].i32 = a[0].i32 > 3 ? WASI_EINVAL : mem_write(c, a[2].i32, &t, 8) ? WASI_ESUCCESS : WASI_EFAULT;
	return WASM_TRAP_NONE;
}

/* random_get(buf, len) -> errno: xorshift64* seeded from the TSC. Not a
 * cryptographic source. */
static int wasi_random_get(struct wasm_host_call *c, union wasm_value *a)
{
	uint32_t buf = a[0].i32, len = a[1].i32;
	if (!c->mem || (uint64_t)buf + len > c->mem->size) {
		a[0].i32 = WASI_EFAULT;
		return WASM_TRAP_NONE;
	}
	if (!rng_state)
		rng_state = rdtsc() | 1;
	for (uint32_t i = 0; i < len; i++) {
		rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
		c->mem->data[buf + i] = (uint8_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 56);
	}
	a[0].i32 = WASI_ESUCCESS;
	return WASM_TRAP_NONE;
}

/* proc_exit(status): ends the module (a host trap the runner recognises). */
static int wasi_proc_exit(struct wasm_host_call *c, union wasm_value *a)
{
	(void)c;
	cur.exited = true;
	cur.status = a[0].i32;
	return WASM_TRAP_HOST;
}

/* ------------------------------------------------------------ imports */

static const uint8_t T_I[] = { WASM_I32 }, T_II[] = { WASM_I32, WASM_I32 },
		     T_IIII[] = { WASM_I32, WASM_I32, WASM_I32, WASM_I32 },
		     T_ILI[] = { WASM_I32, WASM_I64, WASM_I32 }, T_ILII[] = { WASM_I32, WASM_I64, WASM_I32, WASM_I32 };

struct host_import {
	const char *module, *field;
	struct wasm_functype type;
	wasm_host_fn fn;
};

#define SIG(p, r) { sizeof p, r, p, T_I }
static const struct host_import host_imports[] = {
	{ "capos", "add", SIG(T_II, 1), capos_add },
	{ "capos", "host_print", SIG(T_II, 0), capos_host_print },
	{ "wasi_snapshot_preview1", "fd_write", SIG(T_IIII, 1), wasi_fd_write },
	{ "wasi_snapshot_preview1", "fd_fdstat_get", SIG(T_II, 1), wasi_fd_fdstat_get },
	{ "wasi_snapshot_preview1", "fd_seek", SIG(T_ILII, 1), wasi_fd_seek },
	{ "wasi_snapshot_preview1", "fd_close", SIG(T_I, 1), wasi_fd_close },
	{ "wasi_snapshot_preview1", "args_sizes_get", SIG(T_II, 1), wasi_args_sizes_get },
	{ "wasi_snapshot_preview1", "args_get", SIG(T_II, 1), wasi_args_get },
	{ "wasi_snapshot_preview1", "environ_sizes_get", SIG(T_II, 1), wasi_environ_sizes_get },
	{ "wasi_snapshot_preview1", "environ_get", SIG(T_II, 1), wasi_environ_get },
	{ "wasi_snapshot_preview1", "clock_time_get", SIG(T_ILI, 1), wasi_clock_time_get },
	{ "wasi_snapshot_preview1", "random_get", SIG(T_II, 1), wasi_random_get },
	{ "wasi_snapshot_preview1", "proc_exit", SIG(T_I, 0), wasi_proc_exit },
};
#define NHOST (sizeof host_imports / sizeof host_imports[0])

static struct wasm_func host_funcs[NHOST];

static bool name_is(struct wasm_name n, const char *s)
{
	return n.len == strlen(s) && !memcmp(n.ptr, s, n.len);
}

static bool resolve(void *ctx, const struct wasm_import *imp, struct wasm_extern *out)
{
	(void)ctx;
	if (imp->kind == WASM_EXTERN_FUNC)
		for (uint32_t i = 0; i < NHOST; i++)
			if (name_is(imp->module, host_imports[i].module) && name_is(imp->field, host_imports[i].field)) {
				out->kind = WASM_EXTERN_FUNC;
				out->u.func = &host_funcs[i];
				return true;
			}
	cur.missing = imp;
	return false;
}

/* ------------------------------------------------------------ running */

/* The whole file path of the boot package into file_buf. */
static int package_file(const char *path, size_t *len)
{
	RT_CLIENT(st, 256);
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&st), path, strlen(path));
	capos_BootPackage_stat_Results sres;
	int r = capos_BootPackage_stat_call(bootpkg, &st, &sres);
	if (r < 0)
		return r;
	uint64_t size = capos_BootPackage_stat_Results_get_size(sres);
	if (size > FILE_MAX)
		return CAPOS_E_NO_MEMORY;
	static uint64_t chunk[(READ_CHUNK + 512) / 8];
	for (uint64_t off = 0; off < size; off += READ_CHUNK) {
		struct capnp_client cl;
		capnp_client_init(&cl, chunk, sizeof chunk);
		capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
		capos_BootPackage_read_Params_set_name(p, path, strlen(path));
		capos_BootPackage_read_Params_set_offset(p, off);
		capos_BootPackage_read_Params_set_length(p, READ_CHUNK);
		capos_BootPackage_read_Results rres;
		if ((r = capos_BootPackage_read_call(bootpkg, &cl, &rres)) < 0)
			return r;
		struct capnp_data d = capos_BootPackage_read_Results_get_data(rres);
		if (d.len > size - off)
			return CAPOS_E_BAD_ARGUMENT;
		memcpy(file_buf + off, d.ptr, d.len);
	}
	*len = size;
	return CAPOS_OK;
}

enum outcome { RAN, TRAPPED, LOAD_FAILED };

/* Loads cur's module, calls its entry, prints the outcome. *status: the
 * exit status (proc_exit's, 0 on return, 128 otherwise). */
static enum outcome run_module(uint32_t *status)
{
	static char file[128];
	const char *entry = "_start";
	size_t fl = 0;
	while (cur.name[fl] && cur.name[fl] != ':')
		fl++;
	if (fl >= sizeof file) {
		printf("wasm: %s failed to load: name too long\n", cur.name);
		return LOAD_FAILED;
	}
	memcpy(file, cur.name, fl);
	file[fl] = 0;
	if (cur.name[fl])
		entry = cur.name + fl + 1;
	cur.argv[0] = file;
	*status = 128;

	size_t len;
	int r = package_file(file, &len);
	if (r < 0) {
		printf("wasm: %s failed to load: %s: %s\n", cur.name, file, capos_strerror(r));
		return LOAD_FAILED;
	}
	struct wasm_arena a;
	wasm_arena_init(&a, arena_buf, sizeof arena_buf);
	struct wasm_limits_cfg cfg = { .max_memory_pages = MAX_PAGES };
	struct wasm_module mod;
	struct wasm_machine m;
	struct wasm_instance inst;
	int trap = WASM_TRAP_NONE;
	int err = wasm_module_load(&mod, file_buf, len, &cfg, &a);
	if (!err)
		err = wasm_machine_init(&m, &a, STACK_SLOTS, STACK_FRAMES);
	m.use_fuel = true;
	m.fuel = FUEL;
	if (!err)
		err = wasm_instantiate(&inst, &mod, resolve, 0, &a, &m, &trap);
	if (err == WASM_ERR_UNKNOWN_IMPORT && cur.missing) {
		printf("wasm: %s failed to load: unknown import %.*s.%.*s\n", cur.name, (int)cur.missing->module.len,
		       (const char *)cur.missing->module.ptr, (int)cur.missing->field.len,
		       (const char *)cur.missing->field.ptr);
		return LOAD_FAILED;
	}
	if (err && err != WASM_ERR_START_TRAP) {
		printf("wasm: %s failed to load: %s\n", cur.name, wasm_err_name(err));
		return LOAD_FAILED;
	}
	struct wasm_extern ex = { 0 };
	union wasm_value res[1] = { { 0 } };
	if (!err) {
		if (!wasm_instance_export(&inst, entry, strlen(entry), &ex) || ex.kind != WASM_EXTERN_FUNC ||
		    ex.u.func->type->nparams != 0) {
			printf("wasm: %s failed to load: no export %s() to call\n", cur.name, entry);
			return LOAD_FAILED;
		}
		trap = wasm_invoke(&m, ex.u.func, 0, res);
	}
	if (cur.exited) {
		*status = cur.status;
		printf("wasm: %s exited with status %u\n", cur.name, cur.status);
		return RAN;
	}
	if (trap) {
		printf("wasm: %s trapped: %s\n", cur.name, wasm_trap_name(trap));
		return TRAPPED;
	}
	*status = 0;
	if (ex.u.func && ex.u.func->type->nresults)
		printf("wasm: %s returned %u\n", cur.name, res[0].i32);
	else
		printf("wasm: %s returned\n", cur.name);
	return RAN;
}

int main(void)
{
	bootpkg = RT_CAP(capos_BootPackage, "bootpkg");
	console = RT_CAP(capos_Console, "console");
	logcap = RT_CAP(capos_Log, "log");
	for (uint32_t i = 0; i < NHOST; i++)
		wasm_host_func_init(&host_funcs[i], &host_imports[i].type, host_imports[i].fn, 0);

	uint32_t i = 0, nmod = 0, failed = 0, trapped = 0, status = 0;
	bool want_status = false;
	if (rt_argc() && !strcmp(rt_arg(0), "--status"))
		want_status = true, i++;
	while (i < rt_argc()) {
		memset(&cur, 0, sizeof cur);
		cur.name = rt_arg(i++);
		cur.argc = 1;
		while (i < rt_argc() && strcmp(rt_arg(i), "--")) {
			if (cur.argc < MAX_ARGS)
				cur.argv[cur.argc++] = rt_arg(i);
			i++;
		}
		i += i < rt_argc(); /* the "--" */
		nmod++;
		enum outcome o = run_module(&status);
		failed += o == LOAD_FAILED;
		trapped += o == TRAPPED;
	}
	printf("wasm: %u modules: %u ran, %u trapped, %u failed to load\n", nmod, nmod - failed - trapped, trapped,
	       failed);
	return want_status ? (int)status : (int)failed;
}
