/* chaos: the oracle. It turns one planned submission and the model
 * (chaos.h) into the set of results the kernel may complete it with,
 * walking the kernel's documented check order (include/capos/ring.h,
 * kernel/ring.c, each object's decode step): lib/ring_sqe (opcode, flags,
 * lengths, buffer range), the CapId, the interface, the method, the rights,
 * the results buffer (size for fixed-size results, then writable), the
 * params (readable, then a valid message), then the object. A result
 * outside the set is a kernel bug (or a model bug: the failure report names
 * the submission). Where the outcome depends on bytes the kernel decodes
 * and the model does not (random or mutated params), the set is the
 * method's documented errors plus success; it never holds success where
 * success is impossible.
 *
 * Effects that are certain when a submission is made (a RELEASE that
 * succeeds, a free of a frame we hold) are applied to the model as it is
 * made, so later submissions of the same batch are predicted against the
 * state the kernel will see. Submissions whose effect is known only from
 * their completion (spawn, alloc) end their batch. Included once, by
 * chaos.c. */
#ifndef CAPOS_DEMOS_CHAOS_ORACLE_H
#define CAPOS_DEMOS_CHAOS_ORACLE_H

#include "demos/chaos.h"

/* May we carve quota q out of our account? 1: certainly, 0: certainly not,
 * -1: it depends on charges the model only bounds. */
static int quota_room(uint64_t q)
{
	uint64_t min = nframes * (uint64_t)CHAOS_PAGE + (nframes ? CHAOS_PAGE : 0), max;
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used)
			min += children[i].quota;
	max = min + orphan_quota + waits_bound() * 128ull + QUOTA_MARGIN;
	uint64_t base = kmem_base_known ? kmem_base : 0;
	if (min + base > kmem_limit || q > kmem_limit - base - min)
		return 0;
	if (kmem_base_known && max + base <= kmem_limit && q <= kmem_limit - base - max)
		return 1;
	return -1;
}

static struct expect predict_grants(const struct spawn_plan *sp)
{
	for (uint32_t i = 0; i < sp->ngrants; i++) {
		const struct grant_plan *g = &sp->g[i];
		struct mslot *s;
		if (!text_ok(g->name, g->name_len, 24))
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		int e = model_resolve(g->cap, &s);
		if (e)
			return exp_err(e);
		if (g->iface != kind_ifc[s->kind]->id)
			return exp_err(CAPOS_E_WRONG_INTERFACE); /* 0 included: a grant names what it passes */
		if (g->badge && s->badge && g->badge != s->badge)
			return exp_err(CAPOS_E_PERMISSION_DENIED);
		for (uint32_t j = 0; j < i; j++)
			if (sp->g[j].name_len == g->name_len && !memcmp(sp->g[j].name, g->name, g->name_len))
				return exp_err(CAPOS_E_BAD_ARGUMENT);
	}
	return exp_ok(0);
}

/* ProcessSpawner.spawn with params we built: its decode order. */
static struct expect predict_spawn(const struct spawn_plan *sp)
{
	if (!text_ok(sp->name, sp->name_len, 32) || !text_ok(sp->binary, sp->binary_len, 128))
		return exp_err(CAPOS_E_BAD_ARGUMENT);
	if (sp->ngrants > CAPOS_CAPSET_MAX || sp->nargs > CAPOS_CAPSET_ARGS_MAX / 2)
		return exp_err(CAPOS_E_BAD_ARGUMENT);
	if (model_full())
		return exp_err(CAPOS_E_TABLE_FULL);
	uint64_t q = sp->kmem ? sp->kmem : CHAOS_DEFAULT_QUOTA;
	int room = quota_room(q);
	if (room == 0)
		return exp_err(CAPOS_E_LIMIT_EXCEEDED);
	struct expect x = room < 0 ? exp_err(CAPOS_E_LIMIT_EXCEEDED) : (struct expect){ 0, EXP_NO_OK };
	if (sp->bin == BIN_MISSING)
		return exp_union(x, exp_err(CAPOS_E_NOT_FOUND));
	if (sp->bin == BIN_MANIFEST && nfiles) /* in the package or not: we listed it */
		return exp_union(x, exp_err(file_find(sp->binary, sp->binary_len) < 0 ? CAPOS_E_NOT_FOUND : CAPOS_E_BAD_ELF));
	if (sp->bin == BIN_MANIFEST)
		exp_allow(&x, CAPOS_E_NOT_FOUND);
	if (sp->bin == BIN_NOT_ELF || sp->bin == BIN_WX || sp->bin == BIN_MANIFEST)
		return exp_union(x, exp_err(CAPOS_E_BAD_ELF));
	struct expect g = predict_grants(sp);
	if (g.ok_len == EXP_NO_OK)
		return exp_union(x, g);
	uint32_t args = 0;
	for (uint32_t i = 0; i < sp->nargs; i++) {
		if (sp->arg_len[i] + 1 > CAPOS_CAPSET_ARGS_MAX - args || strnlen(sp->args[i], sp->arg_len[i]) < sp->arg_len[i])
			return exp_union(x, exp_err(CAPOS_E_BAD_ARGUMENT));
		args += sp->arg_len[i] + 1;
	}
	/* The child's own quota pays for its process: a few KiB cannot. */
	if (q <= CHAOS_PAGE)
		return exp_union(x, exp_err(CAPOS_E_LIMIT_EXCEEDED));
	if (q < CHAOS_DEFAULT_QUOTA)
		exp_allow(&x, CAPOS_E_LIMIT_EXCEEDED);
	return exp_union(x, exp_ok(32));
}

static struct expect predict_bootpkg(const struct plan *p, uint16_t m, bool known)
{
	uint32_t cap = p->sqe.buf_cap;
	switch (m) {
	case capos_BootPackage_manifest_ORDINAL: {
		struct expect root = variable_result(cap, 1, 3);
		if (root.ok_len == EXP_NO_OK)
			return root;
		return file_find("manifest.bin", 12) < 0 ? exp_err(CAPOS_E_NOT_FOUND)
		                                         : variable_result(cap, 1, 3 + data_words(manifest_bytes));
	}
	case capos_BootPackage_list_ORDINAL:
		return variable_result(cap, 1, list_bytes / 8);
	case capos_BootPackage_stat_ORDINAL: {
		if (!known) {
			struct expect x = exp_err(CAPOS_E_BAD_ARGUMENT);
			exp_allow(&x, CAPOS_E_NOT_FOUND);
			return exp_union(x, exp_ok(24));
		}
		if (!text_ok(p->text, p->text_len, 256))
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		return file_find(p->text, p->text_len) < 0 ? exp_err(CAPOS_E_NOT_FOUND) : exp_ok(24);
	}
	default: { /* read */
		struct expect root = variable_result(cap, 1, 3);
		if (root.ok_len == EXP_NO_OK)
			return root; /* the dispatch found no room for the results' root */
		if (!known) {
			struct expect x = exp_err(CAPOS_E_BAD_ARGUMENT);
			exp_allow(&x, CAPOS_E_NOT_FOUND);
			exp_allow(&x, CAPOS_E_TOO_BIG);
			return exp_union(x, exp_ok(EXP_ANY_LEN));
		}
		if (!text_ok(p->text, p->text_len, 256))
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		int f = file_find(p->text, p->text_len);
		if (f < 0)
			return exp_err(CAPOS_E_NOT_FOUND);
		if (p->v0 > file_size[f])
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		uint64_t n = file_size[f] - p->v0 < p->v2 ? file_size[f] - p->v0 : p->v2;
		return variable_result(cap, 1, 3 + data_words(n));
	}
	}
}

/* The object's part, for params whose fields are known (known) or not. */
static struct expect predict_object(struct op *o, const struct plan *p, const struct mslot *s, bool known)
{
	uint16_t m = p->sqe.method;
	struct expect x;
	switch (s->kind) {
	case K_CONSOLE:
		x = known && p->text_len > CHAOS_CONSOLE_MAX ? exp_err(CAPOS_E_BAD_ARGUMENT) : exp_ok(16);
		if (!known)
			exp_allow(&x, CAPOS_E_BAD_ARGUMENT);
		return x;
	case K_NULL:
		return exp_ok(m == capos_Null_echo_ORDINAL ? 24 : 16);
	case K_FRAMES:
		if (m == capos_FrameAllocator_stats_ORDINAL)
			return exp_ok(64);
		if (m == capos_FrameAllocator_alloc_ORDINAL) {
			int room = quota_room(2 * CHAOS_PAGE); /* the frame, and the first grant's ledger page */
			x = exp_ok(24);
			if (room != 1)
				exp_allow(&x, CAPOS_E_LIMIT_EXCEEDED);
			if (!known)
				return exp_union(exp_err(CAPOS_E_BAD_ARGUMENT), x);
			return (uint32_t)p->v0 != 1 ? exp_err(CAPOS_E_BAD_ARGUMENT) : x;
		}
		if (!known) /* only sent while we hold no frame: nothing to free */
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		if (p->v2 != 1)
			return exp_err(CAPOS_E_BAD_ARGUMENT);
		for (uint32_t i = 0; i < nframes; i++) {
			if (frames[i] == p->v0) {
				frames[i] = frames[--nframes];
				freed[nfreed++ % 8] = p->v0;
				return exp_ok(16);
			}
		}
		return exp_err(CAPOS_E_BAD_ARGUMENT);
	case K_SPAWNER:
		if (!known) {
			x = exp_err(CAPOS_E_BAD_ARGUMENT);
			static const int e[] = { CAPOS_E_LIMIT_EXCEEDED, CAPOS_E_NOT_FOUND, CAPOS_E_BAD_ELF, CAPOS_E_BAD_CAP,
				                 CAPOS_E_STALE_CAP, CAPOS_E_WRONG_INTERFACE, CAPOS_E_PERMISSION_DENIED };
			for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
				exp_allow(&x, e[i]);
			if (model_full())
				exp_allow(&x, CAPOS_E_TABLE_FULL);
			return exp_union(x, exp_ok(32)); /* decode_spawn learns what it made */
		}
		return p->pclass == P_EMPTY ? exp_err(CAPOS_E_BAD_ARGUMENT) : predict_spawn(p->sp);
	case K_HANDLE: {
		const struct child *c = &children[s->child];
		o->child = s->child;
		o->pid = c->pid;
		if (m == capos_ProcessHandle_wait_ORDINAL)
			return exp_ok(24);
		if (m == capos_ProcessHandle_kill_ORDINAL)
			return exp_ok(16);
		return variable_result(p->sqe.buf_cap, 3, 5 + text_words((uint32_t)strlen(c->name)));
	}
	default:
		return predict_bootpkg(p, m, known);
	}
}

/* Walks the kernel's check order for one submission; applies the effects
 * that are certain to the model; sets o's category. */
static struct expect predict(struct op *o, const struct plan *p)
{
	const struct capos_sqe *q = &p->sqe;
	struct mslot *s;
	int e;
	o->cat = C_NOP;
	if (q->opcode > CAPOS_OP_RELEASE)
		return o->cat = C_BAD_OPCODE, exp_err(CAPOS_E_BAD_OPCODE);
	bool carries = q->opcode == CAPOS_OP_CALL || q->opcode == CAPOS_OP_RETURN;
	if ((q->flags & ~CAPOS_SQE_FLAGS_VALID) || (q->flags && !carries))
		return o->cat = C_BAD_FLAGS, exp_err(CAPOS_E_BAD_FLAGS);
	if (q->opcode == CAPOS_OP_NOP)
		return exp_ok(0);
	if (q->opcode == CAPOS_OP_RELEASE) {
		if ((e = model_resolve(q->cap, &s)))
			return o->cat = C_RELEASE_BOGUS, exp_err(e);
		o->cat = C_RELEASE_OWN;
		if (s->kind == K_HANDLE) {
			struct child *c = &children[s->child];
			if (c->shared) { /* alive while its holder is */
				orphan_quota += c->quota;
				orphan_waits += c->waits;
			}
			c->used = false;
		}
		retired_seen += s->gen == UINT16_MAX;
		model_release(s);
		return exp_ok(0);
	}
	if (q->params_len > CAPOS_CALL_MAX_PARAMS || (q->params_len & 7) || q->buf_cap > CAPOS_CALL_MAX_RESULTS ||
	    (q->opcode == CAPOS_OP_RECV && q->params_len) ||
	    (q->flags && (q->params_len < sizeof(struct capos_transfer) ||
	                  (q->opcode == CAPOS_OP_CALL && q->buf_cap < sizeof(struct capos_transfer)))))
		return o->cat = C_BAD_LENGTH, exp_err(CAPOS_E_BAD_LENGTH);
	uint64_t span = q->params_len > q->buf_cap ? q->params_len : q->buf_cap;
	if (span && (q->buf < CHAOS_USER_LOW || q->buf > CHAOS_USER_HIGH || span > CHAOS_USER_HIGH - q->buf))
		return o->cat = C_FAULT, exp_err(CAPOS_E_FAULT);
	if (q->opcode != CAPOS_OP_CALL) { /* no endpoint, notification or reply among chaos's capabilities */
		o->cat = C_RECV_RETURN;
		return (e = model_resolve(q->cap, &s)) ? exp_err(e) : exp_err(CAPOS_E_NOT_SUPPORTED);
	}
	if ((e = model_resolve(q->cap, &s)))
		return o->cat = C_BAD_CAP, exp_err(e);
	const struct capnp_interface *ifc = kind_ifc[s->kind];
	if (q->interface_id != ifc->id)
		return o->cat = C_WRONG_IFACE, exp_err(CAPOS_E_WRONG_INTERFACE);
	const struct capnp_method *m = capnp_interface_method(ifc, q->method);
	if (!m)
		return o->cat = C_NO_METHOD, exp_err(CAPOS_E_NO_SUCH_METHOD);
	if ((s->rights & m->needs) != m->needs)
		return o->cat = C_DENIED, exp_err(CAPOS_E_PERMISSION_DENIED);
	if (m->results_bytes && q->buf_cap < m->results_bytes)
		return o->cat = C_TOO_BIG, exp_err(CAPOS_E_TOO_BIG);
	if ((q->buf_cap && q->buf_cap > p->writable) || (q->params_len && q->params_len > p->readable))
		return o->cat = C_FAULT, exp_err(CAPOS_E_FAULT);
	switch (p->pclass) {
	case P_TRUNCATED: case P_SELFREF: case P_DAG:
	case P_FOREIGN: /* the CapSet's magic or a zero word where a segment table goes: never a message */
		return o->cat = C_BAD_MESSAGE, exp_err(CAPOS_E_BAD_MESSAGE);
	case P_RANDOM: case P_MUTATED:
		o->cat = C_UNKNOWN_PARAMS;
		return exp_union(exp_err(CAPOS_E_BAD_MESSAGE), predict_object(o, p, s, false));
	default:
		o->cat = (uint8_t)(C_OBJ_CONSOLE + s->kind - K_CONSOLE);
		return predict_object(o, p, s, true);
	}
}

#endif
