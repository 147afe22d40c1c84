/* principal: every call's receive header carries the caller's principal,
 * stamped by the kernel (include/capos/ring.h): the fingerprint of the key
 * that signed its binary, its binary's BLAKE3 and the name it was spawned
 * under. This process serves Null on an endpoint to two clients — this
 * binary with the argument "client", named principal-a, and the
 * endpoint-roundtrip binary's client, named principal-b — and checks each
 * call's principal against the truth: the key compiled into the build, and
 * the digest of the binary's file in the boot package, hashed here. The
 * header is written by the kernel from what it recorded at spawn; a process
 * has no call that changes its own principal. */
#include "capos/signing_key.h"
#include "demos/demo.h"
#include "lib/crypto/arcsig.h"
#include "lib/crypto/blake3.h"

const char demo_name[] = "principal";

#define CALLS_A 50u
#define CALLS_B 1000u /* endpoint-roundtrip's client makes 1000 */

static const uint8_t key[ARCSIG_FINGERPRINT_LEN] = CAPOS_SIGNING_FINGERPRINT;
static struct capos_principal want[2];
static uint32_t calls[2], wrong[2], unknown;

static int echo(void *self, struct capnp_call *call, capos_Null_echo_Params p, capos_Null_echo_Results_builder r)
{
	(void)self, (void)call;
	capos_Null_echo_Results_set_value(r, capos_Null_echo_Params_get_value(p) + 1);
	return CAPOS_OK;
}

static int nop(void *self, struct capnp_call *call, capos_Null_nop_Params p, capos_Null_nop_Results_builder r)
{
	(void)self, (void)call, (void)p, (void)r;
	return CAPOS_OK;
}

static const struct capos_Null_server server = { .nop = nop, .echo = echo };

static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	if (h->badge == 1 || h->badge == 2) {
		uint32_t i = (uint32_t)h->badge - 1;
		calls[i]++;
		wrong[i] += memcmp(&h->principal, &want[i], sizeof want[i]) != 0;
	} else {
		unknown++;
	}
	return capos_Null_dispatch(&server, ctx, c);
}

static int client(void)
{
	capos_Null cap = RT_CAP(capos_Null, "echo");
	uint32_t bad = 0;
	for (uint32_t i = 0; i < CALLS_A; i++) {
		RT_CLIENT(cl, 64);
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), i);
		capos_Null_echo_Results res;
		int r = capos_Null_echo_call(cap, &cl, &res);
		bad += r < 0 || capos_Null_echo_Results_get_value(res) != i + 1;
	}
	return (int)bad;
}

/* BLAKE3 of the package file's body (before its trailer), read through BootPackage. */
static int digest_of(const char *path, uint8_t out[32])
{
	capos_BootPackage pkg = RT_CAP(capos_BootPackage, "bootpkg");
	RT_CLIENT(st, 256);
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&st), path, strlen(path));
	capos_BootPackage_stat_Results sres;
	int r = capos_BootPackage_stat_call(pkg, &st, &sres);
	if (r < 0)
		return r;
	uint64_t size = capos_BootPackage_stat_Results_get_size(sres);
	uint8_t *file = malloc(size ? size : 1);
	static uint64_t chunk[(16384 + 512) / 8];
	for (uint64_t off = 0; file && off < size; off += 16384) {
		struct capnp_client cl;
		capnp_client_init(&cl, chunk, sizeof chunk);
		capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
		capos_BootPackage_read_Params_set_name(p, path, strlen(path));
		capos_BootPackage_read_Params_set_offset(p, off);
		capos_BootPackage_read_Params_set_length(p, 16384);
		capos_BootPackage_read_Results rres;
		if ((r = capos_BootPackage_read_call(pkg, &cl, &rres)) < 0)
			return r;
		struct capnp_data d = capos_BootPackage_read_Results_get_data(rres);
		memcpy(file + off, d.ptr, d.len <= size - off ? d.len : size - off);
	}
	if (!file)
		return CAPOS_E_NO_MEMORY;
	size_t body = (size_t)size;
	if (arcsig_split(file, (size_t)size, &body) != ARCSIG_OK)
		return CAPOS_E_BAD_SIGNATURE;
	blake3_hash(file, body, out, 32);
	free(file);
	return CAPOS_OK;
}

static void expect(struct capos_principal *p, const char *name, const char *binary)
{
	memcpy(p->key, key, sizeof key);
	memcpy(p->name, name, strlen(name));
	int r = digest_of(binary, p->digest);
	CHECK(r == CAPOS_OK, "the digest of %s, hashed from the boot package (%d)", binary, r);
}

int main(void)
{
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "client"))
		return client();
	expect(&want[0], "principal-a", "principal");
	expect(&want[1], "principal-b", "endpoint-roundtrip");
	CHECK(memcmp(want[0].digest, want[1].digest, 32) != 0, "the two clients run different binaries");
	uint32_t serve = 0, ca = 0, cb = 0;
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Null_ID, 0, &serve);
	CHECK(r == CAPOS_OK, "an endpoint serving Null (%d)", r);
	r = rt_endpoint_mint(serve, 1, capos_rightsAll, &ca);
	if (!r)
		r = rt_endpoint_mint(serve, 2, capos_rightsAll, &cb);
	CHECK(r == CAPOS_OK, "two client capabilities (%d)", r);
	struct rt_grant ga = { "echo", ca, capos_Null_ID, 0, capos_rightsAll };
	struct rt_grant gb = { "echo", cb, capos_Null_ID, 0, capos_rightsAll };
	struct rt_spawn_args a = { "principal-a", "principal", &ga, 1, (const char *const[]){ "client" }, 1, 0 };
	struct rt_spawn_args b = { "principal-b", "endpoint-roundtrip", &gb, 1, (const char *const[]){ "client" }, 1, 0 };
	capos_ProcessHandle ha, hb;
	uint32_t pa, pb;
	r = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &a, &ha, &pa);
	int r2 = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &b, &hb, &pb);
	CHECK(r == CAPOS_OK && r2 == CAPOS_OK, "both clients run (%d, %d)", r, r2);
	if (r || r2)
		return demo_finish();
	r = rt_serve(serve, handle, 0, CALLS_A + CALLS_B);
	CHECK(r == CAPOS_OK && calls[0] == CALLS_A && calls[1] == CALLS_B && !unknown, "served %u + %u calls (%d)",
	      calls[0], calls[1], r);
	CHECK(wrong[0] == 0, "every call from principal-a carried its true principal (%u wrong)", wrong[0]);
	CHECK(wrong[1] == 0, "every call from principal-b carried its true principal (%u wrong)", wrong[1]);
	int64_t ca_code = -1, cb_code = -1;
	rt_wait(ha, &ca_code);
	rt_wait(hb, &cb_code);
	CHECK(ca_code == 0 && cb_code == 0, "both clients got every answer right (%lld, %lld)", (long long)ca_code,
	      (long long)cb_code);
	return demo_finish();
}
