/* ProcessSpawner: creates processes from ELF binaries of the boot package,
 * granting them capabilities taken from the caller's own table — possibly
 * narrowed (fewer rights) or badged, never widened. Each binary is parsed
 * once; the parsed image backs every process made from it. */
#include "capos/capos.capnp.h"
#include "include/capos/capset.h"
#include "include/capos/ring.h"
#include "kernel/cap/boot_package.h"
#include "kernel/cap/kobject.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "lib/elf.h"
#include "lib/mem.h"

#define ELF_CACHE_SIZE 32
#define SPAWN_RESULTS_BYTES 64

struct elf_cache_entry {
	const void *data;
	struct elf_image img;
	int err;
};

static struct elf_cache_entry elf_cache[ELF_CACHE_SIZE];
static uint32_t elf_cached;

/* Parses the binary at data once; returns ELF_OK and the image, or the
 * parse error (cached too). */
static int parsed_image(const void *data, uint64_t len, const struct elf_image **img)
{
	for (uint32_t i = 0; i < elf_cached; i++) {
		if (elf_cache[i].data == data) {
			*img = &elf_cache[i].img;
			return elf_cache[i].err;
		}
	}
	struct elf_cache_entry *e = &elf_cache[elf_cached < ELF_CACHE_SIZE ? elf_cached++ : ELF_CACHE_SIZE - 1];
	e->data = data;
	e->err = elf_parse(data, len, USER_MIN, USER_TLS_VA, &e->img);
	*img = &e->img;
	return e->err;
}

/* Checks one grant against the caller's table and fills *g. */
static int check_grant(struct process *caller, capos_SpawnGrant sg, struct process_grant *g)
{
	memset(g, 0, sizeof(*g));
	if (!call_text(capos_SpawnGrant_get_name(sg), g->name, sizeof g->name))
		return CAPOS_E_BAD_ARGUMENT;
	uint32_t id;
	if (capnp_ptr_cap(capos_SpawnGrant_get_cap(sg), &id) != CAPNP_OK)
		return CAPOS_E_BAD_MESSAGE;
	struct cap_slot *slot;
	int err = cap_table_lookup(&caller->caps, id, capos_SpawnGrant_get_interfaceId(sg), 0, &slot);
	if (err == CAP_ERR_WRONG_INTERFACE)
		return CAPOS_E_BAD_ARGUMENT;
	if (err)
		return err == CAP_ERR_STALE ? CAPOS_E_STALE_CAP : CAPOS_E_BAD_CAP;
	uint64_t badge = capos_SpawnGrant_get_badge(sg);
	g->object = slot->object;
	g->interface_id = slot->interface_id;
	g->rights = slot->rights & capos_SpawnGrant_get_rights(sg);
	g->badge = badge ? badge : slot->badge;
	return CAPOS_OK;
}

static int check_grants(struct process *caller, capos_SpawnGrant_list list, struct process_grant *g, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		int err = check_grant(caller, capos_SpawnGrant_list_get(list, i), &g[i]);
		if (err)
			return err;
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(g[j].name, g[i].name))
				return CAPOS_E_BAD_ARGUMENT;
	}
	return CAPOS_OK;
}

/* Packs the args list into buf as NUL-terminated strings. */
static int pack_args(struct capnp_list args, char *buf, uint32_t *len)
{
	*len = 0;
	for (uint32_t i = 0; i < capnp_list_len(&args); i++) {
		struct capnp_text t = capnp_list_text(&args, i);
		if (!t.str || t.len + 1 > CAPOS_CAPSET_ARGS_MAX - *len)
			return CAPOS_E_BAD_ARGUMENT;
		for (uint32_t k = 0; k < t.len; k++)
			if (!t.str[k])
				return CAPOS_E_BAD_ARGUMENT;
		memcpy(buf + *len, t.str, t.len);
		buf[*len + t.len] = 0;
		*len += t.len + 1;
	}
	return CAPOS_OK;
}

struct spawn_request {
	char name[PROCESS_NAME_MAX];
	char binary[128];
	const void *elf;
	const struct elf_image *img;
	struct process_grant grants[CAPOS_CAPSET_MAX];
	uint32_t ngrants, argc, args_len;
	char args[CAPOS_CAPSET_ARGS_MAX];
};

/* Decode: every check, no side effects. */
static int decode(struct call *c, struct spawn_request *rq)
{
	capos_ProcessSpawner_spawn_Params p = capos_ProcessSpawner_spawn_Params_root(c->params);
	if (!call_text(capos_ProcessSpawner_spawn_Params_get_name(p), rq->name, sizeof rq->name) ||
	    !call_text(capos_ProcessSpawner_spawn_Params_get_binary(p), rq->binary, sizeof rq->binary))
		return CAPOS_E_BAD_ARGUMENT;
	capos_SpawnGrant_list grants = capos_ProcessSpawner_spawn_Params_get_grants(p);
	struct capnp_list args = capos_ProcessSpawner_spawn_Params_get_args(p);
	if (capnp_msg_error(c->params))
		return CAPOS_E_BAD_MESSAGE;
	rq->ngrants = capos_SpawnGrant_list_len(grants);
	rq->argc = capnp_list_len(&args);
	if (rq->ngrants > CAPOS_CAPSET_MAX || rq->argc > CAPOS_CAPSET_ARGS_MAX / 2)
		return CAPOS_E_BAD_ARGUMENT;
	if (!call_results_fit(c, SPAWN_RESULTS_BYTES))
		return CAPOS_E_TOO_BIG;
	uint64_t len;
	if (!boot_package_find(rq->binary, &rq->elf, &len))
		return CAPOS_E_NOT_FOUND;
	if (parsed_image(rq->elf, len, &rq->img) != ELF_OK)
		return CAPOS_E_BAD_ELF;
	int err = check_grants(c->caller, grants, rq->grants, rq->ngrants);
	if (!err)
		err = pack_args(args, rq->args, &rq->args_len);
	if (!err && capnp_msg_error(c->params))
		err = CAPOS_E_BAD_MESSAGE;
	return err;
}

static int spawner_call(struct kobject *o, struct call *c)
{
	(void)o;
	struct spawn_request *rq = kmalloc(sizeof(*rq));
	if (!rq)
		return CAPOS_E_NO_MEMORY;
	int err = decode(c, rq);
	struct process *child = 0;
	cap_id handle = 0;
	if (!err)
		child = process_spawn(rq->name, rq->elf, rq->img, rq->grants, rq->ngrants, rq->args, rq->args_len,
		                      rq->argc, &err);
	if (child) {
		err = cap_grant(c->caller, &child->obj, CAP_RIGHTS_ALL, 0, &handle);
		if (err)
			process_exit(child, -1);
		kobject_put(&child->obj); /* the spawn's reference; the handle keeps its own */
	}
	kfree(rq);
	if (err)
		return err;
	capos_ProcessSpawner_spawn_Results_builder r = capos_ProcessSpawner_spawn_Results_init_root(c->results);
	capos_ProcessSpawner_spawn_Results_set_handle(r, handle);
	capos_ProcessSpawner_spawn_Results_set_pid(r, child->pid);
	c->new_cap = handle;
	return CAPOS_OK;
}

static const struct kobject_ops spawner_ops = {
	.name = "ProcessSpawner",
	.interface_id = capos_ProcessSpawner_ID,
	.method_count = capos_ProcessSpawner_METHOD_COUNT,
	.call = spawner_call,
};

static struct kobject spawner = { &spawner_ops, 1 };

struct kobject *spawner_object(void) { return &spawner; }
