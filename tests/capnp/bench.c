/* Host benchmark (not a test): Cap'n Proto decode throughput, ns/message.
 *
 * "Decode" is what a receiver does: capnp_msg_init() over the bytes, then
 * reading every field it needs through the generated accessors. Measured
 * for a manifest-sized SystemManifest and a small Console.write params
 * message; also the schema-less capnp_msg_validate() of the manifest, and
 * the refusal of a hostile 368-byte DAG (22 levels of structs whose two
 * pointers share the next level: 8.4 M words under the fixed default
 * budget) under the budget a kernel receiver gives it.
 * Each figure is the median of RUNS runs of enough iterations to take about
 * 50 ms. Built with -O2 and no sanitizers (mk/capnp.mk: make bench-host). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capos/capos.capnp.h"

#define RUNS 9
#define SERVICES 16
#define GRANTS 4

static uint8_t manifest_buf[1 << 16], params_buf[256];
static size_t manifest_len, params_len;
static uint64_t dag_buf[46];
static volatile uint64_t sink;

static void set_text(struct capnp_pb p, const char *s) { capnp_pb_set_text(p, s, strlen(s)); }

static void build_service(capos_Service_builder s, int i)
{
	char name[32];
	snprintf(name, sizeof name, "service-%02d", i);
	capos_Service_set_name(s, name, strlen(name));
	capos_Service_set_binary(s, name, strlen(name));
	capos_Service_set_restart(s, capos_RestartPolicy_onFailure);
	capos_CapGrant_list_builder caps = capos_Service_init_caps(s, GRANTS);
	for (int g = 0; g < GRANTS; g++) {
		capos_CapGrant_builder cg = capos_CapGrant_list_builder_get(caps, (uint32_t)g);
		capos_CapGrant_set_name(cg, "console", 7);
		capos_CapGrant_set_interfaceId(cg, capos_Console_ID);
		if (g % 2)
			capos_CapGrant_set_kernel(cg, capos_KernelCap_console);
		else {
			capos_CapGrant_serviceExport_builder se = capos_CapGrant_init_serviceExport(cg);
			capos_CapGrant_serviceExport_set_service(se, "logger", 6);
			capos_CapGrant_serviceExport_set_export(se, "log", 3);
		}
		capos_CapGrant_set_badge(cg, (uint64_t)i << 8 | (uint64_t)g);
	}
	capos_Export_builder e = capos_Export_list_builder_get(capos_Service_init_exports(s, 1), 0);
	capos_Export_set_name(e, "log", 3);
	capos_Export_set_interfaceId(e, capos_Console_ID);
	struct capnp_lb args = capos_Service_init_args(s, 2);
	set_text(capnp_lb_ptr(args, 0), name);
	set_text(capnp_lb_ptr(args, 1), "--verbose");
}

static void build_messages(void)
{
	struct capnp_builder b;
	capnp_builder_init(&b, manifest_buf, sizeof manifest_buf);
	capos_SystemManifest_builder sm = capos_SystemManifest_init_root(&b);
	capos_SystemManifest_set_schemaVersion(sm, capos_manifestSchemaVersion);
	capos_Binary_list_builder bins = capos_SystemManifest_init_binaries(sm, SERVICES);
	capos_Service_list_builder svcs = capos_SystemManifest_init_services(sm, SERVICES);
	for (int i = 0; i < SERVICES; i++) {
		char path[32];
		snprintf(path, sizeof path, "bin/service-%02d", i);
		capos_Binary_builder bin = capos_Binary_list_builder_get(bins, (uint32_t)i);
		capos_Binary_set_name(bin, path + 4, strlen(path + 4));
		capos_Binary_set_path(bin, path, strlen(path));
		capos_Binary_set_blake3(bin, path, 32);
		build_service(capos_Service_list_builder_get(svcs, (uint32_t)i), i);
	}
	manifest_len = capnp_builder_finish(&b);
	capnp_builder_init(&b, params_buf, sizeof params_buf);
	capos_Console_write_Params_builder p = capos_Console_write_Params_init_root(&b);
	capos_Console_write_Params_set_text(p, "hello from a capOS service\n", 27);
	params_len = capnp_builder_finish(&b);
	if (!manifest_len || !params_len) {
		fprintf(stderr, "bench: building the messages failed\n");
		exit(1);
	}
}

/* dag_buf: a segment table, a root pointer, then 22 levels of two pointers
 * (one struct of two pointers), both pointing at the next level. */
static void build_dag(void)
{
	dag_buf[0] = (uint64_t)45 << 32;
	dag_buf[1] = (uint64_t)2 << 48; /* the first level, just after the root */
	for (int i = 2; i < 46 - 2; i++) {
		int next = i % 2 == 0 ? i + 2 : i + 1; /* the next level's word */
		dag_buf[i] = (uint64_t)(uint32_t)((next - i - 1) << 2) | (uint64_t)2 << 48;
	}
}

/* Reads everything init reads from a manifest. */
static void decode_manifest(void)
{
	struct capnp_msg m;
	capnp_msg_init(&m, manifest_buf, manifest_len, NULL);
	capos_SystemManifest sm = capos_SystemManifest_root(&m);
	uint64_t acc = capos_SystemManifest_get_schemaVersion(sm);
	capos_Binary_list bins = capos_SystemManifest_get_binaries(sm);
	for (uint32_t i = 0; i < capos_Binary_list_len(bins); i++) {
		capos_Binary bin = capos_Binary_list_get(bins, i);
		acc += capos_Binary_get_name(bin).len + capos_Binary_get_path(bin).len +
		       capos_Binary_get_blake3(bin).len;
	}
	capos_Service_list svcs = capos_SystemManifest_get_services(sm);
	for (uint32_t i = 0; i < capos_Service_list_len(svcs); i++) {
		capos_Service s = capos_Service_list_get(svcs, i);
		acc += capos_Service_get_name(s).len + capos_Service_get_binary(s).len +
		       capos_Service_get_restart(s) + capos_Service_get_restartLimit(s);
		capos_CapGrant_list caps = capos_Service_get_caps(s);
		for (uint32_t g = 0; g < capos_CapGrant_list_len(caps); g++) {
			capos_CapGrant cg = capos_CapGrant_list_get(caps, g);
			acc += capos_CapGrant_get_name(cg).len + capos_CapGrant_get_interfaceId(cg) +
			       capos_CapGrant_get_badge(cg) + capos_CapGrant_get_rights(cg);
			if (capos_CapGrant_which(cg) == capos_CapGrant_which_kernel)
				acc += capos_CapGrant_get_kernel(cg);
			else
				acc += capos_CapGrant_serviceExport_get_service(
					capos_CapGrant_get_serviceExport(cg)).len;
		}
		capos_Export_list ex = capos_Service_get_exports(s);
		for (uint32_t e = 0; e < capos_Export_list_len(ex); e++)
			acc += capos_Export_get_interfaceId(capos_Export_list_get(ex, e));
		struct capnp_list args = capos_Service_get_args(s);
		for (uint32_t a = 0; a < capnp_list_len(&args); a++)
			acc += capnp_list_text(&args, a).len;
	}
	sink += acc + (uint64_t)capnp_msg_error(&m);
}

static void validate_manifest(void)
{
	struct capnp_msg m;
	capnp_msg_init(&m, manifest_buf, manifest_len, NULL);
	sink += (uint64_t)capnp_msg_validate(&m);
}

static void refuse_dag(void)
{
	struct capnp_msg m;
	struct capnp_limits lim = capnp_limits_for_size(sizeof dag_buf, CAPNP_TRAVERSAL_FACTOR);
	capnp_msg_init(&m, dag_buf, sizeof dag_buf, &lim);
	sink += (uint64_t)capnp_msg_validate(&m);
}

static void decode_params(void)
{
	struct capnp_msg m;
	capnp_msg_init(&m, params_buf, params_len, NULL);
	struct capnp_text t = capos_Console_write_Params_get_text(capos_Console_write_Params_root(&m));
	sink += t.len + (uint8_t)t.str[0] + (uint64_t)capnp_msg_error(&m);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median ns per call of fn over RUNS runs of ~50 ms each. */
static double measure(void (*fn)(void))
{
	long iters = 1;
	for (;;) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++)
			fn();
		if (now_ns() - t0 > 5e6)
			break;
		iters *= 2;
	}
	iters *= 10;
	double runs[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++)
			fn();
		runs[r] = (now_ns() - t0) / (double)iters;
	}
	qsort(runs, RUNS, sizeof runs[0], cmp_double);
	return runs[RUNS / 2];
}

int main(void)
{
	build_messages();
	build_dag();
	struct capnp_msg m;
	capnp_msg_init(&m, dag_buf, sizeof dag_buf, NULL);
	struct capnp_limits lim = capnp_limits_for_size(sizeof dag_buf, CAPNP_TRAVERSAL_FACTOR);
	int dflt = capnp_msg_validate(&m);
	capnp_msg_init(&m, dag_buf, sizeof dag_buf, &lim);
	if (dflt != CAPNP_OK || capnp_msg_validate(&m) != CAPNP_ERR_TRAVERSAL_LIMIT) {
		fprintf(stderr, "bench: the DAG should pass the default budget, not the proportional\n");
		return 1;
	}
	printf("capnp decode (host, -O2, median of %d runs)\n", RUNS);
	printf("  %-44s %7s %10s\n", "message", "bytes", "ns/msg");
	printf("  %-44s %7zu %10.1f\n", "SystemManifest, 16 services x 4 grants", manifest_len,
	       measure(decode_manifest));
	printf("  %-44s %7zu %10.1f\n", "SystemManifest, capnp_msg_validate only", manifest_len,
	       measure(validate_manifest));
	printf("  %-44s %7zu %10.1f\n", "Console.write params (27-byte text)", params_len,
	       measure(decode_params));
	printf("  %-44s %7zu %10.1f\n", "DAG refused, capnp_limits_for_size(len, 4)",
	       sizeof dag_buf, measure(refuse_dag));
	return sink == 42 ? 1 : 0;
}
