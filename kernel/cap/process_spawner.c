/* ProcessSpawner: creates processes from ELF binaries of the boot package,
 * granting them capabilities taken from the caller's own table — possibly
 * narrowed (fewer rights) or badged, never widened, and never re-badged
 * (badges are write-once). The child's kernel-memory quota is carved out of
 * the caller's. Each binary's signature is checked (boot_package_verify)
 * and it is parsed (boot_package_elf) once, on first use, before anything
 * is allocated or mapped for it; the parsed image backs every process made
 * from it, and the verified digest is each one's principal. */
#include "capos/capos.capnp.h"
#include "include/capos/capset.h"
#include "include/capos/ring.h"
#include "kernel/cap/boot_package.h"
#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "kernel/log.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "lib/crypto/arcsig.h"
#include "lib/elf.h"
#include "lib/mem.h"

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
	if (err)
		return cap_error(err);
	if (slot->interface_id == capos_Reply_ID)
		return CAPOS_E_BAD_ARGUMENT; /* a reply is answered, not passed on */
	uint64_t badge = capos_SpawnGrant_get_badge(sg);
	if (badge && slot->badge && badge != slot->badge)
		return CAPOS_E_PERMISSION_DENIED; /* badges are write-once */
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
	const struct boot_file *binary_file;
	const struct elf_image *img;
	uint64_t kmem_limit;
	struct process_grant grants[CAPOS_CAPSET_MAX];
	uint32_t ngrants, argc, args_len;
	char args[CAPOS_CAPSET_ARGS_MAX];
};

/* Decode: every check, no side effects. */
static int decode(struct call *c, capos_ProcessSpawner_spawn_Params p, struct spawn_request *rq)
{
	struct capnp_msg *m = c->base.params;
	if (!call_text(capos_ProcessSpawner_spawn_Params_get_name(p), rq->name, sizeof rq->name) ||
	    !call_text(capos_ProcessSpawner_spawn_Params_get_binary(p), rq->binary, sizeof rq->binary))
		return capnp_msg_error(m) ? CAPOS_E_BAD_MESSAGE : CAPOS_E_BAD_ARGUMENT;
	capos_SpawnGrant_list grants = capos_ProcessSpawner_spawn_Params_get_grants(p);
	struct capnp_list args = capos_ProcessSpawner_spawn_Params_get_args(p);
	rq->kmem_limit = capos_ProcessSpawner_spawn_Params_get_kernelMemory(p);
	if (!rq->kmem_limit)
		rq->kmem_limit = KMEM_DEFAULT_CHILD;
	if (capnp_msg_error(m))
		return CAPOS_E_BAD_MESSAGE;
	rq->ngrants = capos_SpawnGrant_list_len(grants);
	rq->argc = capnp_list_len(&args);
	if (rq->ngrants > CAPOS_CAPSET_MAX || rq->argc > CAPOS_CAPSET_ARGS_MAX / 2)
		return CAPOS_E_BAD_ARGUMENT;
	if (cap_table_full(&c->caller->caps))
		return CAPOS_E_TABLE_FULL; /* no slot for the handle */
	if (!kmem_room(c->caller->kmem, rq->kmem_limit))
		return CAPOS_E_LIMIT_EXCEEDED;
	if (!(rq->binary_file = boot_package_find(rq->binary)))
		return CAPOS_E_NOT_FOUND;
	int sig = boot_package_verify(rq->binary_file); /* before anything is allocated or mapped for it */
	if (sig != ARCSIG_OK) {
		kprintf("spawner: '%s' refused: %s; nothing of it allocated or mapped\n", rq->binary, arcsig_strerror(sig));
		return CAPOS_E_BAD_SIGNATURE;
	}
	if (boot_package_elf(rq->binary_file, &rq->img) != ELF_OK)
		return CAPOS_E_BAD_ELF;
	int err = check_grants(c->caller, grants, rq->grants, rq->ngrants);
	if (!err)
		err = pack_args(args, rq->args, &rq->args_len);
	if (!err && capnp_msg_error(m))
		err = CAPOS_E_BAD_MESSAGE;
	return err;
}

/* Invoke: creates the child (which fails cleanly, leaving nothing behind)
 * and hands the caller its handle (a free slot was checked). */
static int spawn(struct call *c, const struct spawn_request *rq, capos_ProcessSpawner_spawn_Results_builder r)
{
	struct spawn_spec spec = {
		.name = rq->name, .elf = rq->binary_file->data, .img = rq->img, .digest = rq->binary_file->digest, .grants = rq->grants, .ngrants = rq->ngrants,
		.args = rq->args, .args_len = rq->args_len, .argc = rq->argc,
		.parent_kmem = c->caller->kmem, .kmem_limit = rq->kmem_limit,
	};
	int err;
	struct process *child = process_spawn(&spec, &err);
	if (!child)
		return err;
	uint32_t pid = child->pid;
	capos_ProcessSpawner_spawn_Results_set_handle_cap(
		r, (capos_ProcessHandle){ call_give(c, &child->obj, capos_ProcessHandle_RIGHTS) });
	capos_ProcessSpawner_spawn_Results_set_pid(r, pid);
	return CAPOS_OK;
}

static int spawner_spawn(void *self, struct capnp_call *call, capos_ProcessSpawner_spawn_Params params,
                         capos_ProcessSpawner_spawn_Results_builder results)
{
	(void)self;
	struct call *c = call_of(call);
	struct spawn_request *rq = kmalloc(sizeof(*rq));
	if (!rq)
		return CAPOS_E_NO_MEMORY;
	int err = decode(c, params, rq);
	if (!err)
		err = spawn(c, rq, results);
	kfree(rq);
	return err;
}

static const struct capos_ProcessSpawner_server server = { .spawn = spawner_spawn };

static int spawner_call(struct kobject *o, struct call *c)
{
	return capos_ProcessSpawner_dispatch(&server, o, &c->base);
}

static const struct kobject_ops spawner_ops = {
	.iface = &capos_ProcessSpawner_interface,
	.call = spawner_call,
};

static struct kobject spawner = KOBJECT_INIT(&spawner_ops);

struct kobject *spawner_object(void) { return &spawner; }
