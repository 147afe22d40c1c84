/* test_manifest's manifests: a plain description (struct spec) that each
 * test starts from a good example of and breaks in one place, built into a
 * SystemManifest message with the lib/capnp builder and the generated
 * setters; a minimal valid ELF executable; a USTAR archive writer. */
#ifndef TEST_MANIFEST_SPEC_H
#define TEST_MANIFEST_SPEC_H

#include <stdio.h>
#include <string.h>

#include "capos/capos.capnp.h"
#include "lib/capnp/capnp_build.h"

#define SPEC_MAX 70
#define KERNEL(k) .kernel = capos_KernelCap_##k, .is_kernel = true

struct sgrant {
	const char *name, *svc, *exp;
	uint64_t iface, badge;
	uint32_t rights;  /* 0: leave the default (rightsAll) */
	bool is_kernel, zero_rights;
	uint16_t kernel, which; /* which: a raw union discriminant, if non-zero and > 1 */
};
struct sexport { const char *name; uint64_t iface; };
struct sservice {
	const char *name, *binary;
	struct sgrant grants[SPEC_MAX];
	struct sexport exports[SPEC_MAX];
	const char *after[SPEC_MAX], *args[SPEC_MAX];
	uint32_t ngrants, nexports, nafter, nargs;
	uint16_t restart;
	uint32_t limit, backoff, backoff_max; /* 0: leave the default */
	uint64_t kmem;
	const char *arg_raw; size_t arg_raw_len; /* an extra arg with arbitrary bytes */
};
struct sbinary { const char *name, *path; uint32_t digest_len; };
struct spec {
	uint32_t version, nbinaries, nservices;
	struct sbinary binaries[100];
	struct sservice services[70];
};

static uint8_t spec_arena[1 << 18];

static void set_text_list(struct capnp_lb l, const char *const *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		capnp_pb_set_text(capnp_lb_ptr(l, i), s[i], strlen(s[i]));
}

static void build_grant(capos_CapGrant_builder b, const struct sgrant *g)
{
	capos_CapGrant_set_name(b, g->name, strlen(g->name));
	capos_CapGrant_set_interfaceId(b, g->iface);
	if (g->is_kernel) {
		capos_CapGrant_set_kernel(b, g->kernel);
	} else {
		capos_CapGrant_serviceExport_builder se = capos_CapGrant_init_serviceExport(b);
		capos_CapGrant_serviceExport_set_service(se, g->svc, strlen(g->svc));
		capos_CapGrant_serviceExport_set_export(se, g->exp, strlen(g->exp));
	}
	if (g->which > 1)
		capnp_set_u16(b.b, 5, g->which);
	capos_CapGrant_set_badge(b, g->badge);
	if (g->rights || g->zero_rights)
		capos_CapGrant_set_rights(b, g->rights);
}

static void build_service(capos_Service_builder b, const struct sservice *s)
{
	capos_Service_set_name(b, s->name, strlen(s->name));
	capos_Service_set_binary(b, s->binary, strlen(s->binary));
	capos_CapGrant_list_builder gl = capos_Service_init_caps(b, s->ngrants);
	for (uint32_t i = 0; i < s->ngrants; i++)
		build_grant(capos_CapGrant_list_builder_get(gl, i), &s->grants[i]);
	capos_Export_list_builder xl = capos_Service_init_exports(b, s->nexports);
	for (uint32_t i = 0; i < s->nexports; i++) {
		capos_Export_builder x = capos_Export_list_builder_get(xl, i);
		capos_Export_set_name(x, s->exports[i].name, strlen(s->exports[i].name));
		capos_Export_set_interfaceId(x, s->exports[i].iface);
	}
	set_text_list(capos_Service_init_after(b, s->nafter), s->after, s->nafter);
	struct capnp_lb args = capos_Service_init_args(b, s->nargs + (s->arg_raw ? 1 : 0));
	set_text_list(args, s->args, s->nargs);
	if (s->arg_raw)
		capnp_pb_set_text(capnp_lb_ptr(args, s->nargs), s->arg_raw, s->arg_raw_len);
	capos_Service_set_restart(b, s->restart);
	if (s->limit)
		capos_Service_set_restartLimit(b, s->limit);
	if (s->backoff)
		capos_Service_set_restartBackoffMs(b, s->backoff);
	if (s->backoff_max)
		capos_Service_set_restartBackoffMaxMs(b, s->backoff_max);
	capos_Service_set_kernelMemory(b, s->kmem);
}

/* Builds sp into spec_arena; returns the message length (never 0). */
static size_t spec_build(const struct spec *sp)
{
	static const uint8_t digest[64];
	struct capnp_builder b;

	capnp_builder_init(&b, spec_arena, sizeof spec_arena);
	capos_SystemManifest_builder sm = capos_SystemManifest_init_root(&b);
	capos_SystemManifest_set_schemaVersion(sm, sp->version);
	capos_Binary_list_builder bl = capos_SystemManifest_init_binaries(sm, sp->nbinaries);
	for (uint32_t i = 0; i < sp->nbinaries; i++) {
		capos_Binary_builder x = capos_Binary_list_builder_get(bl, i);
		capos_Binary_set_name(x, sp->binaries[i].name, strlen(sp->binaries[i].name));
		capos_Binary_set_path(x, sp->binaries[i].path, strlen(sp->binaries[i].path));
		if (sp->binaries[i].digest_len)
			capos_Binary_set_blake3(x, digest, sp->binaries[i].digest_len);
	}
	capos_Service_list_builder svl = capos_SystemManifest_init_services(sm, sp->nservices);
	for (uint32_t i = 0; i < sp->nservices; i++)
		build_service(capos_Service_list_builder_get(svl, i), &sp->services[i]);
	size_t len = capnp_builder_finish(&b);
	if (!len) {
		fprintf(stderr, "spec_build: %s\n", capnp_strerror(capnp_builder_error(&b)));
		abort();
	}
	return len;
}

/* A minimal static x86-64 executable: one R+X PT_LOAD at 0x400000. */
static uint8_t elf_ok[4096];

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void make_elf(void)
{
	uint8_t *h = elf_ok, *ph = elf_ok + 64;

	memset(elf_ok, 0, sizeof elf_ok);
	memcpy(h, "\x7f" "ELF\x02\x01\x01", 7);
	put_le(h + 16, 2, 2);          /* ET_EXEC */
	put_le(h + 18, 62, 2);         /* EM_X86_64 */
	put_le(h + 20, 1, 4);
	put_le(h + 24, 0x400100, 8);   /* entry */
	put_le(h + 32, 64, 8);         /* phoff */
	put_le(h + 52, 64, 2);         /* ehsize */
	put_le(h + 54, 56, 2);         /* phentsize */
	put_le(h + 56, 1, 2);          /* phnum */
	put_le(ph, 1, 4);              /* PT_LOAD */
	put_le(ph + 4, 5, 4);          /* R+X */
	put_le(ph + 16, 0x400000, 8);  /* vaddr */
	put_le(ph + 24, 0x400000, 8);  /* paddr */
	put_le(ph + 32, 4096, 8);      /* filesz */
	put_le(ph + 40, 4096, 8);      /* memsz */
	put_le(ph + 48, 4096, 8);      /* align */
}

/* A USTAR archive, one member at a time. */
static uint8_t tar_buf[1 << 16];
static size_t tar_len;

static void tar_add(const char *name, const void *data, size_t size)
{
	uint8_t *h = tar_buf + tar_len;
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	memcpy(h + 512, data, size);
	tar_len += 512 + (size + 511) / 512 * 512;
	memset(tar_buf + tar_len, 0, 1024); /* the end, until the next member */
}

#endif
