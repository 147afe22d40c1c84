/* chaos: the generator. Random submissions drawn from the model's state
 * (live, stale and forged CapIds, the methods of what a slot holds, params
 * from random field values, buffers of every kind), and the checks their
 * success calls for. Included once, by chaos.c. */
#ifndef CAPOS_DEMOS_CHAOS_GEN_H
#define CAPOS_DEMOS_CHAOS_GEN_H

#include "demos/chaos_oracle.h"

static struct plan plan;
static uint32_t released_ids[16], nreleased;
static uint32_t names_made;

static bool late_phase(void) { return is_sub ? sent >= total / 2 : sent >= total - total / 16; }

/* Slots a random RELEASE must not hit: the Console we report through, the
 * FrameAllocator the ledger needs, a running sub-chaos, and until late in
 * the run the other bootstrap capabilities. */
static bool protected_slot(const struct mslot *s)
{
	if (s->kind == K_CONSOLE || s->kind == K_FRAMES)
		return true;
	if (s->kind == K_HANDLE)
		return children[s->child].bin == BIN_CHAOS;
	return !late_phase();
}

/* A random live CapId (0 if none). */
static uint32_t random_live(bool for_release)
{
	uint32_t live[CHAOS_SLOTS], n = 0;
	for (uint32_t i = 0; i < CHAOS_SLOTS; i++)
		if (mslot[i].live && (!for_release || !protected_slot(&mslot[i])))
			live[n++] = id_of(i);
	return n ? live[below(n)] : 0;
}

static uint32_t live_handle(bool spinner_only, bool allow_sub)
{
	uint32_t ids[MAX_CHILDREN], n = 0;
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && (allow_sub || children[i].bin != BIN_CHAOS) &&
		    (!spinner_only || children[i].bin == BIN_SPINNER))
			ids[n++] = children[i].handle;
	return n ? ids[below(n)] : 0;
}

/* An id that names nothing live: random, 0, a slot's past or future
 * generation, an index past the table, or one we released. */
static uint32_t bogus_id(void)
{
	uint32_t i = below(24);
	uint16_t gen = mslot[i].gen;
	switch (below(7)) {
	case 0: return (uint32_t)rnd();
	case 1: return 0;
	case 2: return (uint32_t)(uint16_t)(gen + 1 + below(3)) << 16 | i;
	case 3: return gen > 1 ? (uint32_t)(gen - 1 - below(gen - 1 < 4 ? gen - 1 : 4)) << 16 | i : (uint32_t)rnd();
	case 4: return (1 + below(4)) << 16 | (CHAOS_SLOTS + below(65536 - CHAOS_SLOTS));
	case 5: return (uint32_t)gen << 16 | i; /* live or free: the model knows which */
	default: return nreleased ? released_ids[below(nreleased < 16 ? nreleased : 16)] : (uint32_t)rnd();
	}
}

static uint32_t count_children(uint8_t bin)
{
	uint32_t n = 0;
	for (int i = 0; i < MAX_CHILDREN; i++)
		n += children[i].used && (bin == BIN_COUNT || children[i].bin == bin);
	return n;
}

static void random_text(char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		s[i] = (char)('a' + below(26));
}

static uint32_t pick_text(char *out, uint32_t cap, uint32_t max_ok)
{
	uint32_t len;
	switch (below(20)) {
	case 0: return 0;                                          /* empty */
	case 1: len = max_ok + below(cap - max_ok); break;          /* too long */
	case 2: len = 1 + below(max_ok); random_text(out, len); out[below(len)] = 0; return len; /* a NUL */
	default: len = 1 + below(max_ok < 20 ? max_ok : 20); break;
	}
	random_text(out, len);
	return len;
}

static void gen_grant(struct grant_plan *g)
{
	static const char *const pool[] = { "console", "null", "a", "b", "cap", "frames", "handle" };
	if (chance(90)) {
		const char *n = pool[below(7)];
		g->name_len = (uint32_t)strlen(n);
		memcpy(g->name, n, g->name_len);
	} else {
		g->name_len = pick_text(g->name, sizeof g->name, 23);
	}
	struct mslot *s = 0;
	uint32_t r = below(100);
	if (r < 80) {
		g->cap = random_live(false);
		model_resolve(g->cap, &s);
		if (s && s->kind == K_HANDLE && (children[s->child].bin == BIN_CHAOS || orphan_quota >= kmem_limit / 8))
			g->cap = bogus_id(), s = 0; /* keep the sub-chaos ours alone; bound the orphans */
	} else {
		g->cap = r < 95 ? bogus_id() : CAPNP_CAP_NONE;
	}
	uint32_t k = s ? s->kind : 1 + below(K_COUNT - 1);
	r = below(100);
	g->iface = r < 85 ? kind_ifc[k]->id : r < 92 ? 0 : kind_ifc[1 + below(K_COUNT - 1)]->id;
	g->badge = chance(60) ? 0 : rnd();
	r = below(10);
	g->rights = r < 4 ? 0xffffffffu : r < 7 ? (uint32_t)rnd() : (uint32_t)rnd() & 7;
}

/* A spawn request. It can succeed only with can_succeed: otherwise it
 * names a binary that cannot run. */
static bool gen_spawn(struct spawn_plan *sp, bool can_succeed, bool big_ok)
{
	memset(sp, 0, sizeof *sp);
	if (chance(80)) {
		sp->name_len = (uint32_t)fmt_snprintf(sp->name, sizeof sp->name, "%s-%u", is_sub ? "sub-kid" : "kid", names_made++);
	} else {
		sp->name_len = pick_text(sp->name, sizeof sp->name, 31);
	}
	static const uint8_t good[] = { BIN_EXIT0, BIN_EXIT0, BIN_EXIT0, BIN_EXIT0, BIN_SLEEPER, BIN_SLEEPER, BIN_SLEEPER,
		                        BIN_SPINNER };
	static const uint8_t bad[] = { BIN_MISSING, BIN_NOT_ELF, BIN_WX, BIN_MANIFEST };
	uint32_t r = below(100);
	if (r < 4) {
		sp->binary_len = chance(50) ? 0 : 128 + below(12); /* empty, or too long */
		memset(sp->binary, 'b', sp->binary_len);
		sp->bin = BIN_COUNT;
	} else {
		sp->bin = can_succeed && r < 80 ? good[below(sizeof good)] : bad[below(sizeof bad)];
		if (sp->bin == BIN_SPINNER && count_children(BIN_SPINNER) >= max_spinners)
			sp->bin = BIN_SLEEPER;
		sp->binary_len = (uint32_t)strlen(bin_name[sp->bin]);
		memcpy(sp->binary, bin_name[sp->bin], sp->binary_len);
	}
	sp->ngrants = big_ok && chance(3) ? CAPOS_CAPSET_MAX + 1 + below(2) : below(5);
	for (uint32_t i = 0; i < sp->ngrants; i++)
		gen_grant(&sp->g[i]);
	sp->nargs = below(3);
	uint32_t args_bytes = 0;
	for (uint32_t i = 0; i < sp->nargs; i++) {
		r = below(100);
		sp->arg_len[i] = big_ok && r < 3 ? 1530 + below(100) : below(40); /* too long for the CapSet, or not */
		random_text(sp->args[i], sp->arg_len[i]);
		if (r >= 3 && r < 6 && sp->arg_len[i])
			sp->args[i][below(sp->arg_len[i])] = 0;
		args_bytes += sp->arg_len[i];
	}
	r = below(100);
	if (r < 50)
		sp->kmem = 0;
	else if (r < 75)
		sp->kmem = CHAOS_DEFAULT_QUOTA + below(512 * 1024);
	else if (r < 83)
		sp->kmem = CHAOS_PAGE + 1 + below(CHAOS_DEFAULT_QUOTA - CHAOS_PAGE - 1);
	else if (r < 90)
		sp->kmem = 1 + below(CHAOS_PAGE);
	else
		sp->kmem = chance(50) ? kmem_limit + 1 + (rnd() >> 8) : ~0ull - below(3);
	return sp->ngrants > 8 || args_bytes > 200; /* the params need the big buffer */
}

static size_t build_spawn(struct capnp_builder *b, const struct spawn_plan *sp)
{
	capos_ProcessSpawner_spawn_Params_builder p = capos_ProcessSpawner_spawn_Params_init_root(b);
	capos_ProcessSpawner_spawn_Params_set_name(p, sp->name, sp->name_len);
	capos_ProcessSpawner_spawn_Params_set_binary(p, sp->binary, sp->binary_len);
	capos_ProcessSpawner_spawn_Params_set_kernelMemory(p, sp->kmem);
	capos_SpawnGrant_list_builder gl = capos_ProcessSpawner_spawn_Params_init_grants(p, sp->ngrants);
	for (uint32_t i = 0; i < sp->ngrants; i++) {
		const struct grant_plan *g = &sp->g[i];
		capos_SpawnGrant_builder gb = capos_SpawnGrant_list_builder_get(gl, i);
		capos_SpawnGrant_set_name(gb, g->name, g->name_len);
		if (g->cap != CAPNP_CAP_NONE)
			capnp_pb_set_cap(capos_SpawnGrant_init_cap(gb), g->cap);
		capos_SpawnGrant_set_interfaceId(gb, g->iface);
		capos_SpawnGrant_set_badge(gb, g->badge);
		capos_SpawnGrant_set_rights(gb, g->rights);
	}
	struct capnp_lb al = capos_ProcessSpawner_spawn_Params_init_args(p, sp->nargs);
	for (uint32_t i = 0; i < sp->nargs; i++)
		capnp_pb_set_text(capnp_lb_ptr(al, i), sp->args[i], sp->arg_len[i]);
	return capnp_builder_finish(b);
}

/* Random field values for method m of kind; true if the params need the
 * big buffer. */
static bool gen_fields(struct plan *p, uint8_t kind, uint16_t m, bool big_ok)
{
	p->v0 = p->v1 = p->v2 = 0;
	p->text_len = 0;
	uint32_t r = below(100);
	switch (kind) {
	case K_CONSOLE:
		if (big_ok && r < 20) {
			p->text_len = CHAOS_CONSOLE_MAX + 1 + below(100); /* refused: nothing printed */
			return true;
		}
		if (r < 35 && console_prints < 8)
			p->text_len = (uint32_t)fmt_snprintf(p->text, sizeof p->text, "%s~ noise %u%s", who, console_prints++,
			                                     m == capos_Console_write_ORDINAL ? "\n" : "");
		return false;
	case K_NULL:
		p->v0 = rnd();
		return false;
	case K_FRAMES:
		if (m == capos_FrameAllocator_alloc_ORDINAL) {
			p->v0 = r < 75 && nframes < MAX_FRAMES - 8 ? 1 : r < 85 ? 0 : r < 92 ? 2 : (uint32_t)rnd();
			p->v2 = chance(50);
		} else {
			p->v0 = r < 55 && nframes ? frames[below(nframes)] : r < 70 && nfreed ? freed[below(nfreed < 8 ? nfreed : 8)]
			        : r < 90 ? (rnd() | 1) : 0;
			p->v2 = chance(85) ? 1 : chance(50) ? 0 : (uint32_t)rnd();
		}
		return false;
	case K_SPAWNER: {
		bool can = count_children(BIN_COUNT) < max_children;
		p->sp = &splan;
		return gen_spawn(&splan, can, big_ok);
	}
	case K_BOOTPKG: {
		int f = nfiles ? (int)below(nfiles) : -1;
		if (r < 65 && f >= 0) {
			p->text_len = (uint32_t)strlen(file_name[f]);
			memcpy(p->text, file_name[f], p->text_len);
		} else if (r < 75) {
			p->text_len = (uint32_t)fmt_snprintf(p->text, sizeof p->text, "no-such-file-%u", below(10));
		} else {
			p->text_len = pick_text(p->text, sizeof p->text, 40);
		}
		uint64_t size = f >= 0 ? file_size[f] : 100;
		r = below(100);
		p->v0 = r < 40 ? 0 : r < 70 ? below((uint32_t)size + 1) : r < 80 ? size : r < 90 ? size + 1 + below(100) : rnd();
		r = below(100);
		p->v2 = r < 30 ? below(300) : r < 45 ? 0 : r < 60 ? (uint32_t)size : (uint32_t)rnd();
		return false;
	}
	default:
		return false;
	}
}

/* Builds the params for method m of kind from p's fields at buf. Returns
 * the message size (0 if it does not fit). */
static uint32_t build_params(const struct plan *p, uint8_t kind, uint16_t m, void *buf, uint32_t cap)
{
	struct capnp_builder b;
	capnp_builder_init(&b, buf, cap);
	switch (kind) {
	case K_CONSOLE: {
		struct capnp_pb root = capnp_builder_root(&b);
		capos_Console_write_Params_builder w = capos_Console_write_Params_init_ptr(root);
		if (p->text_len > sizeof p->text) { /* long text: 'x' repeated */
			struct capnp_lb l = capnp_pb_init_list(capnp_sb_ptr(w.b, 0), CAPNP_ELEM_BYTE, p->text_len + 1);
			if (l.elems)
				memset(l.elems, 'x', p->text_len);
		} else {
			capos_Console_write_Params_set_text(w, p->text, p->text_len); /* writeLine has the same layout */
		}
		break;
	}
	case K_NULL:
		if (m == capos_Null_echo_ORDINAL)
			capos_Null_echo_Params_set_value(capos_Null_echo_Params_init_root(&b), p->v0);
		else
			capos_Null_nop_Params_init_root(&b);
		break;
	case K_FRAMES:
		if (m == capos_FrameAllocator_alloc_ORDINAL) {
			capos_FrameAllocator_alloc_Params_builder a = capos_FrameAllocator_alloc_Params_init_root(&b);
			capos_FrameAllocator_alloc_Params_set_count(a, (uint32_t)p->v0);
			capos_FrameAllocator_alloc_Params_set_contiguous(a, p->v2);
		} else if (m == capos_FrameAllocator_free_ORDINAL) {
			capos_FrameAllocator_free_Params_builder f = capos_FrameAllocator_free_Params_init_root(&b);
			capos_FrameAllocator_free_Params_set_phys(f, p->v0);
			capos_FrameAllocator_free_Params_set_count(f, p->v2);
		} else {
			capos_FrameAllocator_stats_Params_init_root(&b);
		}
		break;
	case K_SPAWNER:
		return (uint32_t)build_spawn(&b, p->sp);
	case K_BOOTPKG:
		if (m == capos_BootPackage_stat_ORDINAL) {
			capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_Params_init_root(&b), p->text, p->text_len);
		} else if (m == capos_BootPackage_read_ORDINAL) {
			capos_BootPackage_read_Params_builder rd = capos_BootPackage_read_Params_init_root(&b);
			capos_BootPackage_read_Params_set_name(rd, p->text, p->text_len);
			capos_BootPackage_read_Params_set_offset(rd, p->v0);
			capos_BootPackage_read_Params_set_length(rd, p->v2);
		} else {
			capnp_init_root(&b, 0, 0);
		}
		break;
	default:
		capnp_init_root(&b, 0, 0);
		break;
	}
	return (uint32_t)capnp_builder_finish(&b);
}

/* The results size a successful call of m would need (for choosing
 * buf_cap: exactly it, one byte less, ...). */
static uint32_t results_need(const struct plan *p, const struct capnp_method *mt, uint8_t kind, uint16_t m,
                             const struct mslot *s)
{
	if (mt->results_bytes)
		return mt->results_bytes;
	if (kind == K_HANDLE)
		return s && s->kind == K_HANDLE ? 8 * (5 + text_words((uint32_t)strlen(children[s->child].name))) : 64;
	if (m == capos_BootPackage_manifest_ORDINAL)
		return 8 * (3 + data_words(manifest_bytes));
	if (m == capos_BootPackage_list_ORDINAL)
		return list_bytes;
	int f = file_find(p->text, p->text_len);
	if (f < 0 || p->v0 > file_size[f])
		return 64;
	uint64_t n = file_size[f] - p->v0 < p->v2 ? file_size[f] - p->v0 : p->v2;
	return 8 * (3 + data_words(n));
}

/* A params message that is not a message: itself as its own child. */
static uint32_t self_ref(uint64_t *w)
{
	w[0] = 0x0000000100000000ull;
	w[1] = 0x00010000FFFFFFFCull; /* struct, 0 data, 1 pointer, offset -1 */
	return 16;
}

/* A chain of 11 structs whose 4 pointers all point at the next (4^10 visits
 * for a naive walk; the kernel's budget is proportional to the size). */
static uint32_t dag(uint64_t *m)
{
	enum { FAN = 4, LEVELS = 11, WORDS = 2 + FAN * LEVELS };
	memset(m, 0, WORDS * 8);
	m[0] = (uint64_t)(WORDS - 1) << 32;
	m[1] = (uint64_t)FAN << 48;
	for (uint32_t i = 0; i + 1 < LEVELS; i++)
		for (uint32_t j = 0; j < FAN; j++) {
			uint32_t at = 2 + FAN * i + j, target = 2 + FAN * (i + 1);
			m[at] = (uint64_t)FAN << 48 | (uint32_t)(((int32_t)target - (int32_t)(at + 1)) << 2);
		}
	return WORDS * 8;
}

/* A valid segment table over random words, the root often plausible. */
static uint32_t random_message(uint64_t *w, uint32_t max_words)
{
	uint32_t words = 2 + below(max_words - 2);
	w[0] = (uint64_t)(words - 1) << 32;
	for (uint32_t i = 1; i < words; i++)
		w[i] = rnd();
	if (chance(50)) /* a struct pointer: small offset, sizes */
		w[1] = (uint64_t)below(4) << 48 | (uint64_t)below(3) << 32 | (uint32_t)(below(4) << 2);
	return words * 8;
}

/* Where the buffer is, and what of it is mapped. */
static void pick_buffer(struct op *o, struct plan *p, bool need_big, bool may_pend)
{
	uint32_t r = below(100);
	/* A wait holds its buffer until its process ends, whenever that is:
	 * never the big one, whose being busy steers the generator. */
	bool big_free = !big_busy && !may_pend;
	uint8_t k = need_big && big_free ? BK_BIG
	            : r < 84 ? BK_OWN : r < 87 ? (big_free ? BK_BIG : BK_OWN) : r < 90 ? BK_UNMAPPED : r < 91 ? BK_LOW
	            : r < 93 ? BK_KERNEL : r < 94 ? BK_USER_END : r < 96 ? BK_STACK_TOP : r < 98 ? BK_CAPSET : BK_RING_EDGE;
	uint64_t ring_va = (uint64_t)(uintptr_t)ring & ~(uint64_t)(CHAOS_PAGE - 1);
	uint64_t off;
	p->readable = p->writable = 0;
	switch (k) {
	case BK_OWN: p->sqe.buf = (uint64_t)(uintptr_t)opbuf[op_index(o)]; p->readable = p->writable = OPBUF; break;
	case BK_BIG: p->sqe.buf = (uint64_t)(uintptr_t)bigbuf; p->readable = p->writable = BIG_BYTES; break;
	case BK_UNMAPPED: p->sqe.buf = CHAOS_USER_LOW + 8 * below(64); break;
	case BK_LOW: p->sqe.buf = 8 * below(CHAOS_USER_LOW / 8); break;
	case BK_KERNEL: p->sqe.buf = 0xFFFF800000000000ull + 8 * below(1 << 20); break;
	case BK_USER_END: p->sqe.buf = CHAOS_USER_HIGH - 8 * (1 + below(8)); break;
	case BK_STACK_TOP: p->sqe.buf = CHAOS_STACK_TOP - 8; p->readable = p->writable = 8; break;
	case BK_CAPSET:
		off = 8 * below(CHAOS_PAGE / 8);
		p->sqe.buf = (uint64_t)(uintptr_t)rt.capset + off;
		p->readable = CHAOS_PAGE - (uint32_t)off;
		break;
	default: /* the ring page's last word, then the read-only CapSet page */
		p->sqe.buf = ring_va + CHAOS_PAGE - 8;
		p->readable = 8 + CHAOS_PAGE;
		p->writable = 8;
		break;
	}
	o->bufkind = k;
	o->big = k == BK_BIG;
	if (o->big)
		big_busy = true;
}

/* buf_cap for a buffer of kind k when a success needs `need` bytes. The
 * kernel may write anywhere in [buf, buf + buf_cap) that it found writable,
 * so buf_cap never reaches past memory we own into memory we use. */
static uint32_t pick_buf_cap(uint8_t k, uint32_t need)
{
	uint32_t r = below(100), cap;
	switch (k) {
	case BK_OWN:
		cap = r < 30 ? need : r < 40 ? (need ? need - 1 : 0) : r < 44 ? 0 : r < 57 ? below(OPBUF + 1) : OPBUF;
		return cap > OPBUF ? OPBUF : cap;
	case BK_BIG:
		cap = r < 40 ? need : r < 48 ? (need ? need - 1 : 0) : r < 65 ? below(BIG_BYTES + 1) : r < 82 ? BIG_BYTES
		      : r < 90 ? CAPOS_CALL_MAX_RESULTS + 1 + below(4096) /* over the limit: refused before any range check */
		      : CHAOS_ARENA_MAX + below(BIG_BYTES - CHAOS_ARENA_MAX + 1);
		return cap > CAPOS_CALL_MAX_RESULTS ? cap : cap > BIG_BYTES ? BIG_BYTES : cap;
	case BK_STACK_TOP: case BK_RING_EDGE:
		return r < 30 ? 0 : 16 + below(4096); /* never a buffer that fits the 8 writable bytes */
	case BK_CAPSET:
		return r < 40 ? 0 : below(128);
	default: /* nothing mapped there: the largest buffer faults too */
		return r < 20 ? 0 : r < 30 ? CAPOS_CALL_MAX_RESULTS : below(8192);
	}
}

static void gen_call(struct op *o, struct plan *p)
{
	uint32_t id = chance(82) ? random_live(false) : bogus_id();
	struct mslot *s;
	model_resolve(id, &s);
	uint8_t kind = s ? s->kind : (uint8_t)(1 + below(K_COUNT - 1));
	const struct capnp_interface *ifc = kind_ifc[kind];
	uint32_t r = below(100);
	uint16_t m = (uint16_t)below(ifc->method_count);
	if (kind == K_HANDLE && s && (m == capos_ProcessHandle_wait_ORDINAL
	                                  ? waits_bound() >= MAX_WAITS ||
	                                            (children[s->child].bin == BIN_CHAOS && children[s->child].waits)
	                                  : m == capos_ProcessHandle_kill_ORDINAL && children[s->child].bin == BIN_CHAOS))
		m = capos_ProcessHandle_info_ORDINAL; /* bounded waits; a sub-chaos runs to its end */
	if (kind == K_HANDLE && !s && m == capos_ProcessHandle_wait_ORDINAL)
		m = capos_ProcessHandle_info_ORDINAL; /* a forged id may still name a live handle */
	if (kind == K_FRAMES && m == capos_FrameAllocator_allocObject_ORDINAL)
		m = capos_FrameAllocator_stats_ORDINAL; /* not modelled: the shared-memory demo covers MemoryObjects */
	p->sqe = (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = id, .method = m,
		                     .interface_id = r < 90 ? ifc->id : r < 94 ? kind_ifc[1 + below(K_COUNT - 1)]->id
		                                     : r < 97 ? 0 : rnd() };
	if (chance(6))
		p->sqe.method = (uint16_t)(ifc->method_count + below(65536u - ifc->method_count));
	bool need_big = gen_fields(p, kind, m, !big_busy);
	pick_buffer(o, p, need_big, kind == K_HANDLE && m == capos_ProcessHandle_wait_ORDINAL);

	/* The params. */
	r = below(100);
	p->pclass = r < 6 ? P_EMPTY : r < 72 ? P_BUILT : r < 77 ? P_PADDED : r < 81 ? P_TRUNCATED : r < 84 ? P_SELFREF
	            : r < 87 ? P_DAG : r < 93 ? P_RANDOM : P_MUTATED;
	if ((p->pclass == P_RANDOM || p->pclass == P_MUTATED) &&
	    (kind == K_CONSOLE || (kind == K_FRAMES && m == capos_FrameAllocator_free_ORDINAL && nframes)))
		p->pclass = P_BUILT; /* no garbage on the console; no unknown frees of frames we hold */
	if (kind == K_CONSOLE && m == capos_Console_writeLine_ORDINAL &&
	    (p->pclass == P_EMPTY || (!p->text_len && p->pclass <= P_PADDED)))
		p->pclass = P_TRUNCATED; /* an empty line would print: refused instead */
	uint32_t len = 0;
	if (o->bufkind == BK_OWN || o->bufkind == BK_BIG) {
		uint64_t *w = (uint64_t *)(uintptr_t)p->sqe.buf;
		uint32_t room = p->writable;
		switch (p->pclass) {
		case P_SELFREF: len = self_ref(w); break;
		case P_DAG: len = dag(w); break;
		case P_RANDOM: len = random_message(w, 60); break;
		case P_EMPTY: break;
		default:
			len = build_params(p, kind, m, w, room);
			if (!len) { /* did not fit: send it empty */
				p->pclass = P_EMPTY;
				break;
			}
			if (p->pclass == P_PADDED) {
				uint32_t pad = 8 * (1 + below(8));
				for (uint32_t i = 0; i < pad / 8 && len + 8 <= room; i++, len += 8)
					w[len / 8] = rnd();
			} else if (p->pclass == P_TRUNCATED) {
				len = 8 * (1 + below(len / 8 - 1));
			} else if (p->pclass == P_MUTATED) {
				for (uint32_t i = 0, n = 1 + below(4); i < n; i++)
					((uint8_t *)w)[below(len)] = (uint8_t)rnd();
			}
			break;
		}
	} else if (o->bufkind == BK_STACK_TOP || o->bufkind == BK_RING_EDGE || o->bufkind == BK_CAPSET) {
		len = chance(40) ? 0 : 8 * below(p->readable / 8 + 1);
		p->pclass = P_FOREIGN;
	} else {
		len = chance(30) ? 0 : 8 * below(64);
		p->pclass = P_RANDOM;
	}
	uint32_t need = results_need(p, capnp_interface_method(ifc, m), kind, m, s);
	if (len == 0) { /* an empty message: every field reads as its default */
		p->pclass = P_EMPTY;
		p->v0 = p->v1 = p->v2 = 0, p->text_len = 0;
		if (p->sp)
			memset(p->sp, 0, sizeof *p->sp);
	}
	p->sqe.params_len = len;
	if (chance(3)) /* not a multiple of 8, or over the limit */
		p->sqe.params_len = chance(70) ? len + 1 + below(7) : CAPOS_CALL_MAX_PARAMS + 8 * (1 + below(100));
	p->sqe.buf_cap = pick_buf_cap(o->bufkind, need);
}

static void gen_release(struct plan *p)
{
	uint32_t r = below(100), id;
	if (r < 35 && (id = live_handle(false, false)))
		;
	else if (r < 40 && late_phase() && (id = random_live(true)))
		;
	else
		id = bogus_id();
	struct mslot *s;
	if (!model_resolve(id, &s) && protected_slot(s))
		id = (uint32_t)(uint16_t)(s->gen + 1) << 16 | (id & 0xffff); /* stale instead */
	p->sqe = (struct capos_sqe){ .opcode = CAPOS_OP_RELEASE, .cap = id };
}

/* One random submission into p. */
static void gen_op(struct op *o, struct plan *p)
{
	uint32_t r = below(1000);
	p->sp = 0;
	p->pclass = P_EMPTY;
	o->bufkind = BK_OWN;
	if (r < 70) {
		p->sqe = (struct capos_sqe){ .opcode = CAPOS_OP_NOP };
		if (chance(30)) /* junk in the fields a NOP does not use */
			p->sqe.cap = (uint32_t)rnd(), p->sqe.buf = rnd(), p->sqe.params_len = (uint32_t)rnd();
	} else if (r < 100) {
		p->sqe = (struct capos_sqe){ .opcode = (uint8_t)(CAPOS_OP_RELEASE + 1 + below(255 - CAPOS_OP_RELEASE)),
			                     .flags = (uint8_t)(chance(50) ? rnd() : 0), .cap = random_live(false) };
	} else if (r < 130) {
		p->sqe = (struct capos_sqe){ .opcode = (uint8_t)below(CAPOS_OP_RELEASE + 1),
			                     .flags = (uint8_t)(1u << below(8) | rnd()), .cap = random_live(false) };
	} else if (r < 220) {
		gen_release(p);
	} else if (r < 240) {
		p->sqe = (struct capos_sqe){ .opcode = (uint8_t)(chance(50) ? CAPOS_OP_RECV : CAPOS_OP_RETURN),
			                     .cap = chance(70) ? random_live(false) : bogus_id() };
	} else {
		gen_call(o, p);
	}
}

/* The check after success, from what was sent. */
static void set_post(struct op *o, const struct plan *p)
{
	struct mslot *s;
	o->pclass = p->pclass;
	if (p->sqe.opcode != CAPOS_OP_CALL || o->x.ok_len == EXP_NO_OK || model_resolve(p->sqe.cap, &s))
		return;
	bool known = p->pclass == P_EMPTY || p->pclass == P_BUILT || p->pclass == P_PADDED;
	uint16_t m = p->sqe.method;
	switch (s->kind) {
	case K_NULL:
		if (m == capos_Null_echo_ORDINAL && known)
			o->post = PC_ECHO, o->arg = p->pclass == P_EMPTY ? 0 : p->v0;
		break;
	case K_FRAMES:
		o->post = m == capos_FrameAllocator_stats_ORDINAL ? PC_STATS
		          : m == capos_FrameAllocator_alloc_ORDINAL ? PC_ALLOC : PC_NONE;
		o->frames_then = nframes;
		break;
	case K_SPAWNER:
		o->post = PC_SPAWN;
		break;
	case K_HANDLE:
		if (m == capos_ProcessHandle_wait_ORDINAL) {
			o->post = PC_WAIT;
			o->may_pend = true;
			o->snap = children[s->child];
			children[s->child].waits++;
		} else if (m == capos_ProcessHandle_info_ORDINAL) {
			o->post = PC_INFO;
			o->snap = children[s->child];
		}
		break;
	case K_BOOTPKG:
		if (!known || p->pclass == P_EMPTY)
			break;
		if (m == capos_BootPackage_stat_ORDINAL)
			o->post = PC_STAT, o->arg = file_size[file_find(p->text, p->text_len)];
		else if (m == capos_BootPackage_read_ORDINAL) {
			int f = file_find(p->text, p->text_len);
			o->post = PC_READ;
			o->arg = file_size[f] - p->v0 < p->v2 ? file_size[f] - p->v0 : p->v2;
		}
		break;
	}
}

/* Predicts, records and submits the operation planned in p. */
static struct op *submit_plan(struct op *o, struct plan *p)
{
	o->sqe = p->sqe;
	o->x = predict(o, p);
	set_post(o, p);
	if (o->post == PC_SPAWN) {
		spawn_copy_len = p->sqe.params_len <= sizeof spawn_copy ? p->sqe.params_len : 0;
		if (p->readable >= spawn_copy_len)
			memcpy(spawn_copy, (void *)(uintptr_t)p->sqe.buf, spawn_copy_len);
	}
	op_submit(o);
	return o;
}

#endif
