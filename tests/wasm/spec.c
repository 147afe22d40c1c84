/* The Wasm spec test runner: runs the commands of wast2json output files
 * (one per .wast) against lib/wasm, with the `spectest` host module, and
 * prints one TAP line per file ("ok - wasm-spec/<file>"), every failing
 * assertion as "    <file>.wast:<line>: ...", and the summary
 *   wasm-spec: N of M assertions passed
 * Counted like wabt's spectest-interp: each module, action and assertion.
 * assert_malformed on text modules cannot reach a binary decoder: they are
 * counted apart and not in M.
 *
 * usage: wasm-spec FILE.json...   (the .wasm files beside each .json) */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "json.h"
#include "lib/wasm/wasm.h"

#define MAX_INSTANCES 256
#define MEM_PAGES 1024          /* memory reserved per instance */
#define STACK_SLOTS (1u << 20)
#define STACK_FRAMES 20000u

struct named {
	char *name;                 /* "$M" (module name) or a registered name */
	struct wasm_instance *inst;
};

/* The state of one .json file's run. */
struct run {
	const char *dir, *file;     /* directory of the .json, its base name */
	struct wasm_instance *cur;
	struct named names[MAX_INSTANCES], regs[MAX_INSTANCES];
	unsigned nnames, nregs;
	void *buffers[16384];
	unsigned nbuffers;
	void *maps[4096];
	size_t map_sizes[4096];
	unsigned nmaps;
	unsigned passed, total, text_malformed;
	bool file_failed;
};

static struct wasm_machine machine;

/* ---- the spectest module */

static const uint8_t t_i32[] = { WASM_I32 }, t_i64[] = { WASM_I64 }, t_f32[] = { WASM_F32 },
                     t_f64[] = { WASM_F64 }, t_i32_f32[] = { WASM_I32, WASM_F32 },
                     t_f64_f64[] = { WASM_F64, WASM_F64 };
static const struct {
	const char *name;
	struct wasm_functype type;
} spectest_funcs[] = {
	{ "print", { 0, 0, NULL, NULL } },
	{ "print_i32", { 1, 0, t_i32, NULL } },
	{ "print_i64", { 1, 0, t_i64, NULL } },
	{ "print_f32", { 1, 0, t_f32, NULL } },
	{ "print_f64", { 1, 0, t_f64, NULL } },
	{ "print_i32_f32", { 2, 0, t_i32_f32, NULL } },
	{ "print_f64_f64", { 2, 0, t_f64_f64, NULL } },
};
#define NSPECFUNCS (sizeof spectest_funcs / sizeof spectest_funcs[0])

static struct wasm_func spec_funcs[NSPECFUNCS];
static struct wasm_global spec_globals[4];
static struct wasm_table spec_table;
static struct wasm_memory spec_memory;
static uint8_t spec_arena_buf[3 * 65536 + 4096];

static int host_print(struct wasm_host_call *call, union wasm_value *args)
{
	return WASM_TRAP_NONE;
}

/* Fresh spectest objects for each file. */
static void spectest_init(void)
{
	static const struct wasm_limits tl = { 10, 20, true }, ml = { 1, 2, true };
	struct wasm_arena a;

	for (unsigned i = 0; i < NSPECFUNCS; i++)
		wasm_host_func_init(&spec_funcs[i], &spectest_funcs[i].type, host_print, NULL);
	spec_globals[0] = (struct wasm_global){ .v.i64 = 666, .type = { WASM_I32, false } };
	spec_globals[1] = (struct wasm_global){ .v.i64 = 666, .type = { WASM_I64, false } };
	spec_globals[2] = (struct wasm_global){ .v.i64 = 0, .type = { WASM_F32, false } };
	spec_globals[2].v.f32 = 666.6f;
	spec_globals[3] = (struct wasm_global){ .v.f64 = 666.6, .type = { WASM_F64, false } };
	wasm_arena_init(&a, spec_arena_buf, sizeof spec_arena_buf);
	if (wasm_table_init(&spec_table, &a, &tl, 20) || wasm_memory_init(&spec_memory, &a, &ml, 2)) {
		fprintf(stderr, "wasm-spec: cannot make the spectest module\n");
		exit(2);
	}
}

static bool name_is(const struct wasm_name *n, const char *s)
{
	return n->len == strlen(s) && memcmp(n->ptr, s, n->len) == 0;
}

static bool resolve_spectest(const struct wasm_import *im, struct wasm_extern *out)
{
	static const char *const globals[] = { "global_i32", "global_i64", "global_f32", "global_f64" };

	for (unsigned i = 0; i < NSPECFUNCS; i++)
		if (name_is(&im->field, spectest_funcs[i].name)) {
			out->kind = WASM_EXTERN_FUNC;
			out->u.func = &spec_funcs[i];
			return true;
		}
	for (unsigned i = 0; i < 4; i++)
		if (name_is(&im->field, globals[i])) {
			out->kind = WASM_EXTERN_GLOBAL;
			out->u.global = &spec_globals[i];
			return true;
		}
	if (name_is(&im->field, "table")) {
		out->kind = WASM_EXTERN_TABLE;
		out->u.table = &spec_table;
		return true;
	}
	if (name_is(&im->field, "memory")) {
		out->kind = WASM_EXTERN_MEMORY;
		out->u.memory = &spec_memory;
		return true;
	}
	return false;
}

static bool resolve(void *ctx, const struct wasm_import *im, struct wasm_extern *out)
{
	struct run *r = ctx;

	if (name_is(&im->module, "spectest"))
		return resolve_spectest(im, out);
	for (unsigned i = r->nregs; i-- > 0;)
		if (name_is(&im->module, r->regs[i].name))
			return wasm_instance_export(r->regs[i].inst, (const char *)im->field.ptr,
			                            im->field.len, out);
	return false;
}

/* ---- modules */

static void *keep(struct run *r, void *p)
{
	if (p && r->nbuffers < sizeof r->buffers / sizeof r->buffers[0])
		r->buffers[r->nbuffers++] = p;
	else if (p) {
		fprintf(stderr, "wasm-spec: too many modules in one file\n");
		exit(2);
	}
	return p;
}

/* Instance arenas are mapped, not malloc'd: ASan would poison the shadow of
 * every reserved memory page, which costs more than the tests themselves. */
static uint8_t *map_arena(struct run *r, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	               -1, 0);

	if (p == MAP_FAILED || r->nmaps >= sizeof r->maps / sizeof r->maps[0])
		exit(2);
	r->maps[r->nmaps] = p;
	r->map_sizes[r->nmaps++] = size;
	return p;
}

static uint8_t *read_file(struct run *r, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", r->dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return keep(r, buf);
}

/* Loads (and, when inst is given, instantiates) a module file. Returns the
 * wasm_err, with *phase 0 for load and 1 for instantiation. */
static int load_module(struct run *r, const char *file, struct wasm_instance **inst, int *phase)
{
	size_t len, asize, isize;
	uint8_t *bytes = read_file(r, file, &len), *buf;
	struct wasm_module *mod;
	struct wasm_arena a, ia;
	struct wasm_limits_cfg cfg = { .max_memory_pages = MEM_PAGES };
	int err, trap;

	*phase = 0;
	if (!bytes)
		return WASM_ERR_UNEXPECTED_END;
	asize = 64 * len + (1u << 16);
	buf = keep(r, malloc(asize));
	mod = keep(r, malloc(sizeof *mod));
	if (!buf || !mod)
		exit(2);
	wasm_arena_init(&a, buf, asize);
	err = wasm_module_load(mod, bytes, len, &cfg, &a);
	if (err || !inst)
		return err;
	*phase = 1;
	isize = 16 * len + (1u << 16);
	if (mod->has_memory && !mod->memory_imported)
		isize += (size_t)MEM_PAGES * WASM_PAGE_SIZE;
	buf = map_arena(r, isize);
	*inst = keep(r, malloc(sizeof **inst));
	if (!*inst)
		exit(2);
	wasm_arena_init(&ia, buf, isize);
	return wasm_instantiate(*inst, mod, resolve, r, &ia, &machine, &trap);
}

static struct wasm_instance *find_instance(struct run *r, const char *name)
{
	if (!name)
		return r->cur;
	for (unsigned i = r->nnames; i-- > 0;)
		if (!strcmp(r->names[i].name, name))
			return r->names[i].inst;
	return NULL;
}

/* ---- actions and values */

static uint64_t parse_u64(const char *s)
{
	return s ? strtoull(s, NULL, 10) : 0;
}

static int parse_args(const struct json *args, union wasm_value *out, unsigned max)
{
	unsigned n = args ? (unsigned)args->n : 0;

	if (n > max)
		return -1;
	for (unsigned i = 0; i < n; i++)
		out[i].i64 = parse_u64(json_str(args->items[i], "value"));
	return (int)n;
}

/* Runs an action; returns the trap (or -1 when it cannot be run) and the
 * result in *res, *nres. */
static int do_action(struct run *r, const struct json *act, union wasm_value *res, unsigned *nres)
{
	struct wasm_instance *inst = find_instance(r, json_str(act, "module"));
	size_t flen = 0;
	const char *field = json_strn(act, "field", &flen), *type = json_str(act, "type");
	struct wasm_extern x;
	union wasm_value args[64];
	int nargs;

	*nres = 0;
	if (!inst || !field || !wasm_instance_export(inst, field, flen, &x))
		return -1;
	if (!strcmp(type, "get")) {
		if (x.kind != WASM_EXTERN_GLOBAL)
			return -1;
		res[0] = x.u.global->v;
		*nres = 1;
		return 0;
	}
	nargs = parse_args(json_get(act, "args"), args, 64);
	if (x.kind != WASM_EXTERN_FUNC || nargs < 0 || (uint32_t)nargs != x.u.func->type->nparams)
		return -1;
	*nres = x.u.func->type->nresults;
	machine.use_fuel = false;
	return wasm_invoke(&machine, x.u.func, args, res);
}

static bool is_nan32(uint32_t b, bool canonical)
{
	if ((b & 0x7f800000u) != 0x7f800000u || !(b & 0x007fffffu))
		return false;
	return canonical ? (b & 0x007fffffu) == 0x00400000u : (b & 0x00400000u) != 0;
}

static bool is_nan64(uint64_t b, bool canonical)
{
	const uint64_t exp = 0x7ff0000000000000ull, frac = 0x000fffffffffffffull;

	if ((b & exp) != exp || !(b & frac))
		return false;
	return canonical ? (b & frac) == 0x0008000000000000ull : (b & 0x0008000000000000ull) != 0;
}

static bool value_matches(const struct json *want, union wasm_value got)
{
	const char *type = json_str(want, "type"), *v = json_str(want, "value");

	if (!type || !v)
		return false;
	if (!strcmp(type, "i32"))
		return got.i32 == (uint32_t)parse_u64(v);
	if (!strcmp(type, "i64"))
		return got.i64 == parse_u64(v);
	if (!strcmp(type, "f32")) {
		if (!strncmp(v, "nan:", 4))
			return is_nan32(got.i32, !strcmp(v, "nan:canonical"));
		return got.i32 == (uint32_t)parse_u64(v);
	}
	if (!strcmp(type, "f64")) {
		if (!strncmp(v, "nan:", 4))
			return is_nan64(got.i64, !strcmp(v, "nan:canonical"));
		return got.i64 == parse_u64(v);
	}
	return false;
}

/* ---- commands */

static void fail(struct run *r, const struct json *cmd, const char *fmt, const char *detail)
{
	printf("    %s:%s: %s: ", r->file, json_str(cmd, "line"), json_str(cmd, "type"));
	printf(fmt, detail);
	printf("\n");
	r->file_failed = true;
}

static bool cmd_module(struct run *r, const struct json *cmd)
{
	struct wasm_instance *inst = NULL;
	const char *name = json_str(cmd, "name");
	int phase, err = load_module(r, json_str(cmd, "filename"), &inst, &phase);

	if (err) {
		fail(r, cmd, "module failed: %s", wasm_err_name(err));
		r->cur = NULL;
		return false;
	}
	r->cur = inst;
	if (name && r->nnames < MAX_INSTANCES)
		r->names[r->nnames++] = (struct named){ strdup(name), inst };
	return true;
}

static bool cmd_register(struct run *r, const struct json *cmd)
{
	struct wasm_instance *inst = find_instance(r, json_str(cmd, "name"));
	const char *as = json_str(cmd, "as");

	if (!inst || !as || r->nregs >= MAX_INSTANCES)
		return false;
	r->regs[r->nregs++] = (struct named){ strdup(as), inst };
	return true;
}

static bool cmd_assert_return(struct run *r, const struct json *cmd, bool plain_action)
{
	union wasm_value res[1] = { { 0 } };
	unsigned nres;
	const struct json *exp = json_get(cmd, "expected");
	int trap = do_action(r, json_get(cmd, "action"), res, &nres);

	if (trap < 0) {
		fail(r, cmd, "%s", "cannot run the action");
		return false;
	}
	if (trap) {
		fail(r, cmd, "trapped: %s", wasm_trap_name(trap));
		return false;
	}
	if (plain_action)
		return true;
	if (!exp || exp->n != nres || (nres && !value_matches(exp->items[0], res[0]))) {
		char got[64];

		snprintf(got, sizeof got, "0x%llx", (unsigned long long)res[0].i64);
		fail(r, cmd, "wrong result %s", got);
		return false;
	}
	return true;
}

static bool cmd_assert_trap(struct run *r, const struct json *cmd, bool exhaustion)
{
	union wasm_value res[1];
	unsigned nres;
	int trap = do_action(r, json_get(cmd, "action"), res, &nres);

	if (trap <= 0) {
		fail(r, cmd, "expected a trap (%s)", json_str(cmd, "text"));
		return false;
	}
	if (exhaustion && trap != WASM_TRAP_STACK_EXHAUSTED) {
		fail(r, cmd, "trapped %s, not call stack exhausted", wasm_trap_name(trap));
		return false;
	}
	return true;
}

/* assert_invalid / _malformed / _unlinkable / _uninstantiable: the module
 * must fail in the right phase with an error of the right class. */
static bool cmd_assert_module(struct run *r, const struct json *cmd, enum wasm_err_class want)
{
	struct wasm_instance *inst = NULL;
	bool link = want == WASM_CLASS_UNLINKABLE || want == WASM_CLASS_TRAPPED;
	int phase, err = load_module(r, json_str(cmd, "filename"), link ? &inst : NULL, &phase);

	if (wasm_err_class(err) != want) {
		fail(r, cmd, err ? "wrong failure: %s" : "accepted (%s)",
		     err ? wasm_err_name(err) : json_str(cmd, "text"));
		return false;
	}
	return true;
}

static void run_command(struct run *r, const struct json *cmd)
{
	const char *type = json_str(cmd, "type");
	bool ok;

	if (!strcmp(type, "register")) {
		if (!cmd_register(r, cmd))
			fail(r, cmd, "%s", "cannot register");
		return;
	}
	if (!strcmp(type, "assert_malformed") && !strcmp(json_str(cmd, "module_type"), "text")) {
		r->text_malformed++;
		return;
	}
	if (!strcmp(type, "module"))
		ok = cmd_module(r, cmd);
	else if (!strcmp(type, "action"))
		ok = cmd_assert_return(r, cmd, true);
	else if (!strcmp(type, "assert_return"))
		ok = cmd_assert_return(r, cmd, false);
	else if (!strcmp(type, "assert_trap"))
		ok = cmd_assert_trap(r, cmd, false);
	else if (!strcmp(type, "assert_exhaustion"))
		ok = cmd_assert_trap(r, cmd, true);
	else if (!strcmp(type, "assert_invalid"))
		ok = cmd_assert_module(r, cmd, WASM_CLASS_INVALID);
	else if (!strcmp(type, "assert_malformed"))
		ok = cmd_assert_module(r, cmd, WASM_CLASS_MALFORMED);
	else if (!strcmp(type, "assert_unlinkable"))
		ok = cmd_assert_module(r, cmd, WASM_CLASS_UNLINKABLE);
	else if (!strcmp(type, "assert_uninstantiable"))
		ok = cmd_assert_module(r, cmd, WASM_CLASS_TRAPPED);
	else {
		fail(r, cmd, "%s", "unknown command");
		ok = false;
	}
	r->total++;
	r->passed += ok;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Runs one .json file; adds to the totals. */
static void run_file(const char *path, unsigned *passed, unsigned *total, unsigned *text)
{
	static struct run r;
	char dir[4096], base[512];
	const char *slash = strrchr(path, '/');
	size_t len;
	char *text_json = slurp(path, &len);
	struct json *doc = text_json ? json_parse(text_json, len) : NULL;
	const struct json *cmds = json_get(doc, "commands");

	memset(&r, 0, sizeof r);
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	snprintf(base, sizeof base, "%s", slash ? slash + 1 : path);
	if (strlen(base) > 5 && !strcmp(base + strlen(base) - 5, ".json"))
		base[strlen(base) - 5] = 0;
	strcat(base, ".wast");
	r.dir = dir;
	r.file = base;
	spectest_init();
	if (!cmds) {
		printf("    %s: cannot read %s\n", base, path);
		r.file_failed = true;
	}
	for (size_t i = 0; cmds && i < cmds->n; i++)
		run_command(&r, cmds->items[i]);
	base[strlen(base) - 5] = 0;
	if (r.total == 0 && !r.file_failed)
		printf("ok - wasm-spec/%s # SKIP its %u assertions are all text-format assert_malformed\n",
		       base, r.text_malformed);
	else
		printf("%s - wasm-spec/%s (%u of %u)\n", r.file_failed ? "not ok" : "ok", base,
		       r.passed, r.total);
	fflush(stdout);
	*passed += r.passed;
	*total += r.total;
	*text += r.text_malformed;
	for (unsigned i = 0; i < r.nbuffers; i++)
		free(r.buffers[i]);
	for (unsigned i = 0; i < r.nmaps; i++)
		munmap(r.maps[i], r.map_sizes[i]);
	for (unsigned i = 0; i < r.nnames; i++)
		free(r.names[i].name);
	for (unsigned i = 0; i < r.nregs; i++)
		free(r.regs[i].name);
	json_free(doc);
	free(text_json);
}

int main(int argc, char **argv)
{
	unsigned passed = 0, total = 0, text = 0;
	size_t asize = (size_t)STACK_SLOTS * 8 + (size_t)STACK_FRAMES * sizeof(struct wasm_frame) + 64;
	void *buf = malloc(asize);
	struct wasm_arena a;

	if (!buf)
		return 2;
	wasm_arena_init(&a, buf, asize);
	if (wasm_machine_init(&machine, &a, STACK_SLOTS, STACK_FRAMES))
		return 2;
	for (int i = 1; i < argc; i++)
		run_file(argv[i], &passed, &total, &text);
	printf("wasm-spec: %u of %u assertions passed\n", passed, total);
	printf("wasm-spec: %u assert_malformed on text modules not run (a binary decoder never sees "
	       "them; not in the %u)\n", text, total);
	free(buf);
	return passed == total ? 0 : 1;
}
