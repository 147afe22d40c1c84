/* lib/manifest: good manifests and their plans (start order, resolved
 * grants, quotas), then one bad manifest per validation rule, each checked
 * for the exact error code and the names it reports. Manifests are built
 * with the lib/capnp builder from a good example (manifest_spec.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/elf.h"
#include "lib/manifest/manifest.h"
#include "manifest_spec.h"

#define KMEM_DEFAULT (1u << 20)
#define ALL capos_rightsAll

static struct spec sp;
static struct manifest_plan plan;
static struct manifest_error err;
static char line[512];
static const char *missing_file; /* the package lacks this file */
static const char *bad_file;     /* this file is not an ELF */

static bool files(void *ctx, const char *path, const void **data, size_t *len)
{
	(void)ctx;
	if (missing_file && !strcmp(path, missing_file))
		return false;
	*data = elf_ok;
	*len = sizeof elf_ok;
	if (bad_file && !strcmp(path, bad_file))
		*len = 16;
	return true;
}

static struct manifest_config cfg = {
	.kernel_memory_budget = 64u << 20, .kernel_memory_default = KMEM_DEFAULT,
	.file = files, .user_min = 0x10000, .user_max = 0x00007FFFF0000000ull,
};

/* The worked example of README.md: log serves the console to the others,
 * net serves a Null endpoint, app uses both. */
static void good(void)
{
	memset(&sp, 0, sizeof sp);
	sp.version = capos_manifestSchemaVersion;
	sp.nbinaries = 4;
	sp.binaries[0] = (struct sbinary){ "init", "init", 0 };
	sp.binaries[1] = (struct sbinary){ "log", "bin/log", 32 };
	sp.binaries[2] = (struct sbinary){ "net", "bin/net", 0 };
	sp.binaries[3] = (struct sbinary){ "app", "bin/app", 0 };
	sp.nservices = 3;
	struct sservice *log = &sp.services[0], *net = &sp.services[1], *app = &sp.services[2];
	*log = (struct sservice){ .name = "log", .binary = "log", .ngrants = 1, .nexports = 1,
	                          .restart = capos_RestartPolicy_always, .kmem = 2u << 20 };
	log->grants[0] = (struct sgrant){ .name = "console", .iface = capos_Console_ID, KERNEL(console) };
	log->exports[0] = (struct sexport){ "log", capos_Console_ID };
	*net = (struct sservice){ .name = "net", .binary = "net", .ngrants = 1, .nexports = 1 };
	net->grants[0] = (struct sgrant){ .name = "log", .svc = "log", .exp = "log", .badge = 2,
	                                  .rights = capos_Console_rightWrite };
	net->exports[0] = (struct sexport){ "nic", capos_Null_ID };
	*app = (struct sservice){ .name = "app", .binary = "app", .ngrants = 3, .nargs = 2,
	                          .args = { "app", "-v" }, .restart = capos_RestartPolicy_onFailure };
	app->grants[0] = (struct sgrant){ .name = "log", .svc = "log", .exp = "log", .badge = 3 };
	app->grants[1] = (struct sgrant){ .name = "nic", .iface = capos_Null_ID, .svc = "net", .exp = "nic" };
	app->grants[2] = (struct sgrant){ .name = "spawner", KERNEL(processSpawner),
	                                  .rights = capos_ProcessSpawner_rightSpawn };
	missing_file = bad_file = NULL;
}

static enum manifest_err load(void)
{
	size_t len = spec_build(&sp);
	uint8_t *copy = malloc(len); /* exactly the message: ASan sees any overread */
	memcpy(copy, spec_arena, len);
	enum manifest_err r = manifest_load(copy, len, &cfg, &plan, &err);
	manifest_error_format(&err, line, sizeof line);
	/* the plan points into the message: keep it for the test's checks */
	static uint8_t *last;
	free(last);
	last = copy;
	return r;
}

/* Loads, expects code, and the service / item / ref the error names. */
static void expect(enum manifest_err code, const char *service, const char *kind, const char *item,
                   const char *ref)
{
	enum manifest_err r = load();
	if (r != code)
		fail_msg("expected %s, got %s: %s", manifest_err_name(code), manifest_err_name(r), line);
	assert_string_equal(err.service, service);
	if (kind) {
		assert_non_null(err.kind);
		assert_string_equal(err.kind, kind);
		assert_string_equal(err.item, item);
	} else {
		assert_null(err.kind);
	}
	assert_string_equal(err.ref, ref);
}

static void expect_line(const char *want)
{
	assert_string_equal(line, want);
}

/* ---- good manifests */

static void good_example(void **state)
{
	good();
	assert_int_equal(load(), MANIFEST_OK);
	assert_string_equal(line, "ok");
	assert_int_equal(plan.nservices, 3);
	assert_int_equal(plan.order[0], 0);
	assert_int_equal(plan.order[1], 1);
	assert_int_equal(plan.order[2], 2);
	const struct manifest_service *app = &plan.services[2];
	assert_string_equal(app->name, "app");
	assert_int_equal(app->binary, 3);
	assert_true(plan.binaries[3].used && !plan.binaries[0].used);
	assert_true(plan.binaries[1].has_digest);
	assert_int_equal(app->after_mask, 3);
	assert_int_equal(app->argc, 2);
	assert_int_equal(app->args_bytes, 7);
	assert_string_equal(app->args[1].str, "-v");
	/* grants resolved: interface inferred, rightsAll narrowed to the interface's */
	assert_int_equal(app->grants[0].source, MANIFEST_SOURCE_EXPORT);
	assert_int_equal(app->grants[0].service, 0);
	assert_int_equal(app->grants[0].export_index, 0);
	assert_true(app->grants[0].interface_id == capos_Console_ID);
	assert_int_equal(app->grants[0].rights, capos_Console_RIGHTS);
	assert_int_equal(app->grants[0].badge, 3);
	assert_int_equal(app->grants[1].service, 1);
	assert_int_equal(app->grants[2].source, MANIFEST_SOURCE_KERNEL);
	assert_true(app->grants[2].interface_id == capos_ProcessSpawner_ID);
	assert_int_equal(app->restart, capos_RestartPolicy_onFailure);
	assert_int_equal(app->restart_limit, 3);
	assert_int_equal(app->backoff_ms, 100);
	assert_int_equal(app->backoff_max_ms, 10000);
	/* quotas: log's own, the default for the others */
	assert_int_equal(plan.services[0].kernel_memory, 2u << 20);
	assert_int_equal(app->kernel_memory, KMEM_DEFAULT);
	assert_int_equal(plan.kernel_memory_total, (2u << 20) + 2 * KMEM_DEFAULT);
}

/* Declared backwards, started forwards; `after` orders independent ones. */
static void good_order(void **state)
{
	good();
	struct sservice s0 = sp.services[0];
	sp.services[0] = sp.services[2];
	sp.services[2] = s0;
	sp.services[3] = (struct sservice){ .name = "late", .binary = "init", .nafter = 1, .after = { "app" } };
	sp.services[4] = (struct sservice){ .name = "solo", .binary = "init" };
	sp.nservices = 5;
	assert_int_equal(load(), MANIFEST_OK);
	static const uint8_t want[] = { 2, 1, 0, 3, 4 }; /* log net app late solo */
	assert_memory_equal(plan.order, want, sizeof want);
}

/* A service granted nothing, a minimal manifest, and no package check. */
static void good_minimal(void **state)
{
	memset(&sp, 0, sizeof sp);
	sp.version = capos_manifestSchemaVersion;
	sp.nbinaries = 1;
	sp.binaries[0] = (struct sbinary){ "x", "x", 0 };
	sp.nservices = 1;
	sp.services[0] = (struct sservice){ .name = "lonely", .binary = "x" };
	struct manifest_config c = cfg;
	c.file = NULL;
	size_t len = spec_build(&sp);
	assert_int_equal(manifest_load(spec_arena, len, &c, &plan, &err), MANIFEST_OK);
	assert_int_equal(plan.services[0].ngrants, 0);
}

/* The same plan from the package as from the message. */
static void good_package(void **state)
{
	good();
	size_t len = spec_build(&sp);
	tar_len = 0;
	tar_add("manifest.bin", spec_arena, len);
	tar_add("init", elf_ok, sizeof elf_ok);
	tar_add("bin/log", elf_ok, sizeof elf_ok);
	tar_add("bin/net", elf_ok, sizeof elf_ok);
	tar_add("bin/app", elf_ok, sizeof elf_ok);
	assert_int_equal(manifest_load_package(tar_buf, tar_len + 1024, &cfg, &plan, &err), MANIFEST_OK);
	assert_int_equal(plan.nservices, 3);
	assert_int_equal(plan.order[2], 2);
}

static void error_names(void **state)
{
	for (int c = 0; c < MANIFEST_ERR_COUNT_; c++) {
		assert_non_null(manifest_err_name(c));
		assert_true(!strncmp(manifest_err_name(c), "MANIFEST_", 9));
	}
	assert_null(manifest_err_name(-1));
	assert_null(manifest_err_name(MANIFEST_ERR_COUNT_));
}

/* ---- one bad manifest per rule */

static void bad_message(void **state)
{
	static const uint8_t junk[16] = { 0, 0, 0, 0, 9 };
	assert_int_equal(manifest_load(junk, sizeof junk, &cfg, &plan, &err), MANIFEST_ERR_MESSAGE);
	manifest_error_format(&err, line, sizeof line);
	expect_line("not a valid Cap'n Proto message: CAPNP_ERR_SEGMENT_SIZE");
}

static void bad_schema_version(void **state)
{
	good();
	sp.version = 2;
	expect(MANIFEST_ERR_SCHEMA_VERSION, "", NULL, NULL, "");
	expect_line("schemaVersion 2, expected 1");
}

static void bad_no_services(void **state)
{
	good();
	sp.nservices = 0;
	expect(MANIFEST_ERR_NO_SERVICES, "", NULL, NULL, "");
}

static void bad_too_many(void **state)
{
	good();
	sp.nservices = 65;
	for (int i = 3; i < 65; i++)
		sp.services[i] = (struct sservice){ .name = "s", .binary = "init" };
	expect(MANIFEST_ERR_TOO_MANY, "", NULL, NULL, "");
	expect_line("65 services, at most 64");
	good();
	sp.nbinaries = 97;
	for (int i = 4; i < 97; i++)
		sp.binaries[i] = (struct sbinary){ "b", "b", 0 };
	expect(MANIFEST_ERR_TOO_MANY, "", NULL, NULL, "");
	expect_line("97 binaries, at most 96");
	good();
	struct sservice *app = &sp.services[2];
	for (app->nexports = 0; app->nexports < 17; app->nexports++)
		app->exports[app->nexports] = (struct sexport){ "e", capos_Null_ID };
	expect(MANIFEST_ERR_TOO_MANY, "app", NULL, NULL, "");
	expect_line("service \"app\": 17 exports, at most 16");
}

/* Grants and exports share the service's CapSet of 64 entries. */
static void bad_capset_full(void **state)
{
	static char names[70][16];
	good();
	struct sservice *app = &sp.services[2];
	for (unsigned i = 0; i < 70; i++) {
		snprintf(names[i], sizeof names[i], "g%u", i);
		if (i < 65)
			app->grants[i] = (struct sgrant){ .name = names[i], KERNEL(console) };
	}
	app->ngrants = 65;
	expect(MANIFEST_ERR_TOO_MANY, "app", NULL, NULL, "");
	expect_line("service \"app\": 65 grants, at most 64");
	app->ngrants = 50;
	for (app->nexports = 0; app->nexports < 16; app->nexports++)
		app->exports[app->nexports] = (struct sexport){ names[54 + app->nexports], capos_Null_ID };
	expect(MANIFEST_ERR_TOO_MANY, "app", NULL, NULL, "");
	expect_line("service \"app\": 66 grants and exports, at most 64");
	app->ngrants = 48;
	assert_int_equal(load(), MANIFEST_OK);
}

static void bad_args(void **state)
{
	good();
	static char big[1600];
	memset(big, 'a', sizeof big - 1);
	sp.services[2].args[1] = big;
	expect(MANIFEST_ERR_ARGS_TOO_LONG, "app", NULL, NULL, "");
	expect_line("service \"app\": args take 1604 bytes with their NULs, at most 1520");
	good();
	sp.services[2].arg_raw = "a\0b";
	sp.services[2].arg_raw_len = 3;
	expect(MANIFEST_ERR_ARG_NUL, "app", NULL, NULL, "");
	expect_line("service \"app\": arg 2 contains a NUL byte");
}

static void bad_names(void **state)
{
	good();
	sp.services[1].name = "";
	expect(MANIFEST_ERR_NAME_EMPTY, "", NULL, NULL, "");
	expect_line("service name is empty");
	good();
	sp.services[1].grants[0].name = "a-name-that-is-24-bytes!";
	expect(MANIFEST_ERR_NAME_TOO_LONG, "net", NULL, NULL, "a-name-that-is-24-bytes!");
	good();
	sp.services[1].exports[0].name = "nic card";
	expect(MANIFEST_ERR_NAME_CHARS, "net", NULL, NULL, "nic card");
	expect_line("service \"net\": export name \"nic card\" has a character outside [A-Za-z0-9._-]");
	good();
	sp.services[2].grants[0].exp = "";
	expect(MANIFEST_ERR_NAME_EMPTY, "app", "grant", "log", "");
	expect_line("service \"app\": grant \"log\": source export is empty");
	good();
	sp.binaries[1].name = "\x01";
	expect(MANIFEST_ERR_NAME_CHARS, "", NULL, NULL, "?");
}

static void bad_path(void **state)
{
	static const struct { const char *path, *why; } cases[] = {
		{ "/bin/log", "is absolute" },
		{ "bin/../log", "has an empty, \".\" or \"..\" component" },
		{ "bin//log", "has an empty, \".\" or \"..\" component" },
		{ "manifest.bin", "is the manifest's own file" },
		{ "bin/l og", "has a character outside [A-Za-z0-9._/-]" },
		{ "", "is empty" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		good();
		sp.binaries[1].path = cases[i].path;
		expect(MANIFEST_ERR_BAD_PATH, "", "binary", "log", cases[i].path);
		assert_string_equal(err.field, cases[i].why);
	}
}

static void bad_digest(void **state)
{
	good();
	sp.binaries[2].digest_len = 31;
	expect(MANIFEST_ERR_DIGEST_SIZE, "", "binary", "net", "");
	expect_line("binary \"net\": blake3 has 31 bytes, expected 32 or none");
}

static void bad_duplicates(void **state)
{
	good();
	sp.binaries[3].name = "net";
	expect(MANIFEST_ERR_DUP_BINARY, "", "binary", "net", "");
	good();
	sp.services[2].name = "log";
	expect(MANIFEST_ERR_DUP_SERVICE, "log", NULL, NULL, "");
	expect_line("service \"log\": the name is used twice");
	good();
	sp.services[1].exports[1] = sp.services[1].exports[0];
	sp.services[1].nexports = 2;
	expect(MANIFEST_ERR_DUP_EXPORT, "net", "export", "nic", "");
	good();
	sp.services[2].grants[2].name = "log";
	expect(MANIFEST_ERR_DUP_GRANT, "app", "grant", "log", "");
	expect_line("service \"app\": grant \"log\": the name is used twice");
	good();
	sp.services[1].grants[0].name = "nic";
	expect(MANIFEST_ERR_CAPSET_CLASH, "net", "grant", "nic", "");
}

static void bad_binaries(void **state)
{
	good();
	sp.services[1].binary = "netd";
	expect(MANIFEST_ERR_UNKNOWN_BINARY, "net", NULL, NULL, "netd");
	expect_line("service \"net\": binary \"netd\" is not in binaries");
	good();
	missing_file = "bin/net";
	expect(MANIFEST_ERR_BINARY_MISSING, "", "binary", "net", "bin/net");
	expect_line("binary \"net\": file \"bin/net\" is not in the boot package");
	good();
	bad_file = "bin/app";
	expect(MANIFEST_ERR_BINARY_NOT_ELF, "", "binary", "app", "bin/app");
	assert_int_equal(err.detail, ELF_ERR_TRUNCATED);
	/* a binary no service runs is not looked at */
	good();
	missing_file = "init";
	assert_int_equal(load(), MANIFEST_OK);
}

static void bad_restart(void **state)
{
	good();
	sp.services[0].restart = 3;
	expect(MANIFEST_ERR_RESTART_POLICY, "log", NULL, NULL, "");
	good();
	sp.services[0].limit = 1001;
	expect(MANIFEST_ERR_RESTART_LIMIT, "log", NULL, NULL, "");
	expect_line("service \"log\": restartLimit 1001, at most 1000");
	good();
	sp.services[0].backoff = 20000;
	expect(MANIFEST_ERR_BACKOFF, "log", NULL, NULL, "");
	good();
	sp.services[0].backoff_max = 3600001;
	expect(MANIFEST_ERR_BACKOFF, "log", NULL, NULL, "");
	expect_line("service \"log\": restartBackoffMs 100, restartBackoffMaxMs 3600001: "
	            "need 1 <= first <= max <= 3600000");
}

static void bad_export_interface(void **state)
{
	static const uint64_t bad[] = { 0, 1, capos_Endpoint_ID, capos_Reply_ID };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		good();
		sp.services[1].exports[0].iface = bad[i];
		expect(MANIFEST_ERR_EXPORT_INTERFACE, "net", "export", "nic", "");
	}
}

static void bad_sources(void **state)
{
	good();
	sp.services[2].grants[1].which = 2;
	expect(MANIFEST_ERR_SOURCE_UNKNOWN, "app", "grant", "nic", "");
	good();
	sp.services[2].grants[2].kernel = capos_KernelCap_endpoint;
	expect(MANIFEST_ERR_KERNEL_CAP, "app", "grant", "spawner", "endpoint");
	expect_line("service \"app\": grant \"spawner\": kernel capability endpoint is not grantable");
	good();
	sp.services[2].grants[2].kernel = 99;
	expect(MANIFEST_ERR_KERNEL_CAP, "app", "grant", "spawner", "099");
	good();
	sp.services[2].grants[1].svc = "pci";
	sp.services[2].grants[1].exp = "virtio-net";
	expect(MANIFEST_ERR_NO_SUCH_SERVICE, "app", "grant", "nic", "pci.virtio-net");
	expect_line("service \"app\": grant \"nic\": source \"pci.virtio-net\" is not exported by any service: "
	            "no such service");
	good();
	sp.services[2].grants[1].exp = "nics";
	expect(MANIFEST_ERR_NO_SUCH_EXPORT, "app", "grant", "nic", "net.nics");
}

static void bad_typing(void **state)
{
	good();
	sp.services[2].grants[1].iface = capos_Console_ID;
	expect(MANIFEST_ERR_INTERFACE_MISMATCH, "app", "grant", "nic", "net.nic");
	good();
	sp.services[0].grants[0].iface = capos_Null_ID;
	expect(MANIFEST_ERR_INTERFACE_MISMATCH, "log", "grant", "console", "console");
	good();
	sp.services[2].grants[2].rights = capos_ProcessSpawner_rightSpawn | 2;
	expect(MANIFEST_ERR_RIGHTS, "app", "grant", "spawner", "processSpawner");
	expect_line("service \"app\": grant \"spawner\": rights 0x3 are not within the interface's 0x1");
	good();
	sp.services[2].grants[2].rights = 0;
	sp.services[2].grants[2].zero_rights = true; /* no rights at all: narrow, allowed */
	assert_int_equal(load(), MANIFEST_OK);
	assert_int_equal(plan.services[2].grants[2].rights, 0);
}

static void bad_badge(void **state)
{
	good();
	sp.services[0].grants[0].badge = 7;
	expect(MANIFEST_ERR_BADGE, "log", "grant", "console", "console");
	expect_line("service \"log\": grant \"console\": badge 7 on kernel capability console: "
	            "only export grants take a badge");
}

static void bad_after(void **state)
{
	good();
	sp.services[0].nafter = 1;
	sp.services[0].after[0] = "dns";
	expect(MANIFEST_ERR_AFTER_UNKNOWN, "log", "after", "dns", "dns");
	expect_line("service \"log\": after \"dns\": there is no service \"dns\"");
}

static void bad_cycles(void **state)
{
	/* log uses app's export, app uses log's */
	good();
	sp.services[2].nexports = 1;
	sp.services[2].exports[0] = (struct sexport){ "ctl", capos_Null_ID };
	sp.services[0].grants[1] = (struct sgrant){ .name = "ctl", .svc = "app", .exp = "ctl" };
	sp.services[0].ngrants = 2;
	expect(MANIFEST_ERR_CYCLE, "log", NULL, NULL, "log -> app -> log");
	expect_line("service \"log\": start-up cycle log -> app -> log (each must start after the next)");
	/* an `after` cycle among independent services */
	good();
	sp.services[0].nafter = 1;
	sp.services[0].after[0] = "net";
	expect(MANIFEST_ERR_CYCLE, "log", NULL, NULL, "log -> net -> log");
	/* a service that uses its own export */
	good();
	sp.services[1].grants[0] = (struct sgrant){ .name = "self", .svc = "net", .exp = "nic" };
	expect(MANIFEST_ERR_CYCLE, "net", NULL, NULL, "net -> net");
}

static void bad_quota(void **state)
{
	good();
	sp.services[1].kmem = 62u << 20;
	expect(MANIFEST_ERR_QUOTA, "", NULL, NULL, "");
	expect_line("kernel-memory quotas add up to 68157440 bytes, over the budget of 67108864");
	good();
	sp.services[1].kmem = UINT64_MAX; /* the sum saturates, never wraps */
	expect(MANIFEST_ERR_QUOTA, "", NULL, NULL, "");
	assert_true(err.a == UINT64_MAX);
}

static void bad_package(void **state)
{
	good();
	size_t len = spec_build(&sp);
	tar_len = 0;
	tar_add("init", elf_ok, sizeof elf_ok);
	assert_int_equal(manifest_load_package(tar_buf, tar_len + 1024, &cfg, &plan, &err), MANIFEST_ERR_NO_MANIFEST);
	tar_buf[0] ^= 1; /* the checksum breaks */
	assert_int_equal(manifest_load_package(tar_buf, tar_len + 1024, &cfg, &plan, &err), MANIFEST_ERR_PACKAGE);
	manifest_error_format(&err, line, sizeof line);
	assert_non_null(strstr(line, "boot package: "));
	tar_len = 0;
	tar_add("manifest.bin", spec_arena, len);
	tar_add("bin/log", elf_ok, sizeof elf_ok);
	assert_int_equal(manifest_load_package(tar_buf, tar_len + 1024, &cfg, &plan, &err),
	                 MANIFEST_ERR_BINARY_MISSING);
	assert_string_equal(err.ref, "bin/net");
}

/* A long name is truncated in the error; the format never overflows. */
static void error_format_bounds(void **state)
{
	good();
	sp.services[2].grants[1].svc = "pci";
	sp.services[2].grants[1].exp = "virtio-net";
	load();
	char small[16];
	int n = manifest_error_format(&err, small, sizeof small);
	assert_int_equal(n, (int)strlen(line));
	assert_int_equal(strlen(small), 15);
	assert_int_equal(manifest_error_format(&err, NULL, 0), n);
}

int main(void)
{
	make_elf();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_example), cmocka_unit_test(good_order), cmocka_unit_test(good_minimal),
		cmocka_unit_test(good_package), cmocka_unit_test(error_names), cmocka_unit_test(bad_message),
		cmocka_unit_test(bad_schema_version), cmocka_unit_test(bad_no_services), cmocka_unit_test(bad_too_many),
		cmocka_unit_test(bad_capset_full), cmocka_unit_test(bad_args), cmocka_unit_test(bad_names),
		cmocka_unit_test(bad_path), cmocka_unit_test(bad_digest), cmocka_unit_test(bad_duplicates),
		cmocka_unit_test(bad_binaries), cmocka_unit_test(bad_restart), cmocka_unit_test(bad_export_interface),
		cmocka_unit_test(bad_sources), cmocka_unit_test(bad_typing), cmocka_unit_test(bad_badge),
		cmocka_unit_test(bad_after), cmocka_unit_test(bad_cycles), cmocka_unit_test(bad_quota),
		cmocka_unit_test(bad_package), cmocka_unit_test(error_format_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
