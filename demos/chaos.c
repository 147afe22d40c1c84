/* chaos: a hostile, stateful fuzzer of the ring and every kernel object.
 *
 * It throws random submissions at the kernel — NOPs, reserved opcodes and
 * flags, RELEASEs of its own, stale and forged CapIds, RECV/RETURN, and
 * CALLs with right and wrong CapIds, interfaces, methods, rights, params
 * (built with the generated builders from random field values, empty,
 * padded, truncated, self-referencing, DAG-shaped, random, mutated, read
 * from memory it does not own) and buffers (its own, unmapped, kernel,
 * read-only, straddling the end of mapped memory, one byte short, huge) —
 * spawns children with random grants, rights, badges and quotas, waits for,
 * kills and inspects them, allocates and frees frames, and between batches
 * corrupts its ring's header. Every completion is checked against the set
 * of results the oracle (chaos_oracle.h, over the model of chaos.h; the
 * generator is chaos_gen.h) allows; every submission must complete
 * exactly once; nothing may block forever; and once everything it made is
 * gone its kernel memory, the free frames and the kernel heap must be back
 * where they were.
 *
 * Argument (init=chaos:ARG): "N" or "N:SEED" (N submissions, default
 * 100000; the seed, hex or decimal, defaults to the TSC and is printed so a
 * failure can be replayed). The kernel splits init= at commas, so the seed
 * follows a colon.
 *
 * At checkpoints chaos spawns copies of itself ("sub-chaos", argument
 * "sub:N:SEED:QUOTA:" and a rights/badge pair per bootstrap capability)
 * with randomly narrowed rights and badges: they fuzz the same way, so
 * PERMISSION_DENIED and write-once badges are exercised too, and must exit
 * with 0. A sub-chaos spawns no sub-chaos.
 *
 * The ring is driven directly (rt's client keeps completions it was not
 * asked for, which a fuzzer must see): printf, which goes through rt, is
 * used only at the start and the end, when nothing is in flight. */
#include "demos/chaos.h"

const char demo_name[] = "chaos";

/* ------------------------------------------------------------ the ring */
/* Puts o's SQE on the ring (the caller checked there is room). */
static void op_submit(struct op *o)
{
	o->busy = true;
	o->seq = next_seq++;
	o->sqe.user_data = o->seq << 8 | op_index(o);
	inflight++;
	if (o->may_pend)
		waits_inflight++;
	else
		immediate++;
	uint32_t tail = ring->sq_tail;
	ring->sq[tail & (CAPOS_RING_SQ_ENTRIES - 1)] = o->sqe;
	__atomic_store_n(&ring->sq_tail, tail + 1, __ATOMIC_RELEASE);
	sent++;
	cat_count[o->cat]++;
}

static void describe_op(const struct op *o, char *buf, size_t cap)
{
	const struct capos_sqe *q = &o->sqe;
	char want[160];
	exp_describe(&o->x, want, sizeof want);
	fmt_snprintf(buf, cap,
	             "#%llu op %u flags %#x cap %#x iface %#llx method %u buf %#llx (%s) params_len %u (%s) "
	             "buf_cap %u [%s]: allowed %s",
	             (unsigned long long)o->seq, q->opcode, q->flags, q->cap, (unsigned long long)q->interface_id,
	             q->method, (unsigned long long)q->buf, bufkind_name[o->bufkind], q->params_len,
	             pclass_name[o->pclass], q->buf_cap, cat_name[o->cat], want);
}

static uint32_t waits_on_sub(void);

/* ------------------------------------------------------------ results checks */
static bool open_results(struct op *o, int32_t len, struct capnp_msg *m)
{
	void *buf = (void *)(uintptr_t)o->sqe.buf;
	return len > 0 && capnp_msg_init(m, buf, (size_t)len, 0) == CAPNP_OK;
}

static struct child *child_by_pid(uint32_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && children[i].pid == pid)
			return &children[i];
	return 0;
}

static void note_exit(struct child *c, int64_t code)
{
	if (c) {
		c->seen_exited = true;
		c->seen_code = code;
	}
}

/* What a spawn made, from its params (the results overwrote them): for
 * params the model did not build (random or mutated) that still spawned. */
static void decode_spawn(struct child *c)
{
	struct capnp_msg m;
	capnp_msg_init(&m, spawn_copy, spawn_copy_len, 0);
	capos_ProcessSpawner_spawn_Params p = capos_ProcessSpawner_spawn_Params_root(&m);
	struct capnp_text name = capos_ProcessSpawner_spawn_Params_get_name(p);
	struct capnp_text bin = capos_ProcessSpawner_spawn_Params_get_binary(p);
	struct capnp_list args = capos_ProcessSpawner_spawn_Params_get_args(p);
	c->quota = capos_ProcessSpawner_spawn_Params_get_kernelMemory(p);
	memcpy(c->name, name.str, name.len < 31 ? name.len : 31);
	c->bin = BIN_COUNT;
	for (uint8_t b = 0; b < BIN_COUNT; b++)
		if (bin.len == strlen(bin_name[b]) && !memcmp(bin.str, bin_name[b], bin.len))
			c->bin = b;
	c->exit0_code = capnp_list_len(&args) ? capnp_list_text(&args, 0).len : 0;
}

static void spawn_done(struct op *o, const struct capos_cqe *c)
{
	struct capnp_msg m;
	uint32_t want = model_next_id();
	if (!open_results(o, c->result, &m)) {
		fail("spawn #%llu: results do not open", (unsigned long long)o->seq);
		return;
	}
	capos_ProcessSpawner_spawn_Results r = capos_ProcessSpawner_spawn_Results_root(&m);
	uint32_t handle = capos_ProcessSpawner_spawn_Results_get_handle(r);
	if (c->cap != want || handle != c->cap)
		fail("spawn #%llu: new CapId %#x (results say %#x), the table's free list says %#x",
		     (unsigned long long)o->seq, c->cap, handle, want);
	int slot = -1;
	for (int i = 0; i < MAX_CHILDREN && slot < 0; i++)
		if (!children[i].used)
			slot = i;
	if (slot < 0 || model_full()) {
		fail("spawn #%llu succeeded with no room in the model", (unsigned long long)o->seq);
		aborted = true;
		return;
	}
	struct child *ch = &children[slot];
	*ch = (struct child){ .used = true, .pid = capos_ProcessSpawner_spawn_Results_get_pid(r), .born = (uint32_t)sent };
	if (o->pclass == P_BUILT || o->pclass == P_PADDED) {
		ch->bin = splan.bin;
		ch->quota = splan.kmem;
		memcpy(ch->name, splan.name, splan.name_len);
		ch->exit0_code = splan.nargs ? splan.arg_len[0] : 0;
	} else {
		decode_spawn(ch);
	}
	if (!ch->quota)
		ch->quota = CHAOS_DEFAULT_QUOTA;
	/* Children holding a copy of a handle keep that child alive. */
	for (uint32_t i = 0; i < MAX_CHILDREN; i++) {
		bool granted = o->pclass != P_BUILT && o->pclass != P_PADDED;
		for (uint32_t g = 0; g < splan.ngrants && !granted; g++)
			granted = children[i].used && children[i].handle == splan.g[g].cap;
		children[i].shared |= children[i].used && granted;
	}
	if (ch->bin == BIN_CHAOS)
		subs_run++;
	spawned++;
	ch->handle = model_insert(K_HANDLE, capos_ProcessHandle_RIGHTS, 0, (int8_t)slot);
}

static void stats_done(struct op *o, const struct capos_cqe *c)
{
	struct capnp_msg m;
	if (!open_results(o, c->result, &m))
		return fail("stats #%llu: results do not open", (unsigned long long)o->seq);
	capos_FrameAllocator_stats_Results s = capos_FrameAllocator_stats_Results_root(&m);
	uint64_t granted = capos_FrameAllocator_stats_Results_get_grantedFrames(s);
	uint64_t used = capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s);
	if (granted != o->frames_then)
		fail("stats #%llu: %llu frames granted, the model holds %u", (unsigned long long)o->seq,
		     (unsigned long long)granted, o->frames_then);
	if (capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s) != kmem_limit && kmem_limit)
		fail("stats #%llu: kernel memory limit %llu, expected %llu", (unsigned long long)o->seq,
		     (unsigned long long)capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s),
		     (unsigned long long)kmem_limit);
	/* Waits pending on a running sub-chaos each hold a record charged to us. */
	uint64_t waits = waits_on_sub(), extra = used - o->arg;
	if (o->arg && (used < o->arg || (waits ? extra % waits || extra / waits > 256 : extra)))
		fail("ledger at #%llu: kernel memory used %llu, expected %llu and %llu waits' records",
		     (unsigned long long)o->seq, (unsigned long long)used, (unsigned long long)o->arg,
		     (unsigned long long)waits);
	if (o->arg)
		ledger_checks++;
}

/* The checks particular to a successful operation. */
static void post_check(struct op *o, const struct capos_cqe *c)
{
	struct capnp_msg m;
	switch (o->post) {
	case PC_ECHO:
		if (!open_results(o, c->result, &m) ||
		    capos_Null_echo_Results_get_value(capos_Null_echo_Results_root(&m)) != o->arg)
			fail("echo #%llu: the value did not come back", (unsigned long long)o->seq);
		break;
	case PC_STATS:
		stats_done(o, c);
		break;
	case PC_ALLOC: {
		uint64_t pa = 0;
		if (open_results(o, c->result, &m))
			pa = capos_FrameAllocator_alloc_Results_get_phys(capos_FrameAllocator_alloc_Results_root(&m));
		bool dup = false;
		for (uint32_t i = 0; i < nframes; i++)
			dup |= frames[i] == pa;
		if (!pa || (pa & (CHAOS_PAGE - 1)) || dup || nframes == MAX_FRAMES)
			fail("alloc #%llu: frame %#llx (aligned, new, and room for it expected)",
			     (unsigned long long)o->seq, (unsigned long long)pa);
		else
			frames[nframes++] = pa;
		break;
	}
	case PC_SPAWN:
		spawn_done(o, c);
		break;
	case PC_WAIT: {
		int64_t code = 12345;
		if (open_results(o, c->result, &m))
			code = capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&m));
		struct child *ch = child_by_pid(o->pid);
		if (!exit_code_allowed(ch ? ch : &o->snap, code))
			fail("wait #%llu: pid %u (%s) exit code %lld", (unsigned long long)o->seq, o->pid,
			     o->snap.bin < BIN_COUNT ? bin_name[o->snap.bin] : "?", (long long)code);
		note_exit(ch, code);
		break;
	}
	case PC_INFO: {
		struct child *ch = child_by_pid(o->pid);
		if (!ch) /* released later in the same batch */
			ch = &o->snap;
		if (!open_results(o, c->result, &m))
			return fail("info #%llu: results do not open", (unsigned long long)o->seq);
		capos_ProcessHandle_info_Results r = capos_ProcessHandle_info_Results_root(&m);
		struct capnp_text name = capos_ProcessHandle_info_Results_get_name(r);
		bool exited = capos_ProcessHandle_info_Results_get_exited(r);
		int64_t code = capos_ProcessHandle_info_Results_get_exitCode(r);
		if (capos_ProcessHandle_info_Results_get_pid(r) != ch->pid || name.len != strlen(ch->name) ||
		    memcmp(name.str, ch->name, name.len) || (exited && !exit_code_allowed(ch, code)) ||
		    (!exited && ch->seen_exited))
			fail("info #%llu: pid %u name '%.*s' exited %d code %lld; expected pid %u '%s'",
			     (unsigned long long)o->seq, capos_ProcessHandle_info_Results_get_pid(r), (int)name.len,
			     name.str, exited, (long long)code, ch->pid, ch->name);
		if (exited)
			note_exit(ch, code);
		break;
	}
	case PC_STAT:
		if (!open_results(o, c->result, &m) ||
		    capos_BootPackage_stat_Results_get_size(capos_BootPackage_stat_Results_root(&m)) != o->arg)
			fail("stat #%llu: size is not %llu", (unsigned long long)o->seq, (unsigned long long)o->arg);
		break;
	case PC_READ:
		if (!open_results(o, c->result, &m) ||
		    capos_BootPackage_read_Results_get_data(capos_BootPackage_read_Results_root(&m)).len != o->arg)
			fail("read #%llu: not %llu bytes", (unsigned long long)o->seq, (unsigned long long)o->arg);
		break;
	}
}

/* One completion: it must name an operation in flight, carry an allowed
 * result, and a capability only when a spawn made one. */
static void complete(const struct capos_cqe *c)
{
	uint32_t idx = (uint32_t)(c->user_data & 0xff);
	struct op *o = idx < NOPS ? &ops[idx] : 0;
	completions++;
	last_cqe = *c;
	if (!o || !o->busy || o->seq != c->user_data >> 8) {
		unexpected++;
		fail("a completion for nothing in flight: user_data %#llx result %d cap %#x",
		     (unsigned long long)c->user_data, c->result, c->cap);
		return;
	}
	o->busy = false;
	inflight--;
	if (o->may_pend)
		waits_inflight--;
	else
		immediate--;
	if (o->big)
		big_busy = false;
	if (c->result >= 0)
		ok_count++;
	else if (-c->result < 32)
		result_count[-c->result]++;
	char d[400];
	if (!exp_allows(&o->x, c->result)) {
		bad_results++;
		describe_op(o, d, sizeof d);
		fail("%s: got %d (%s)", d, c->result, c->result < 0 ? capos_strerror(c->result) : "OK");
		if (o->post == PC_SPAWN && c->result >= 0)
			spawn_done(o, c); /* keep the model in step with the kernel */
		return;
	}
	if (c->cap && !(o->post == PC_SPAWN && c->result >= 0)) {
		describe_op(o, d, sizeof d);
		fail("%s: completion carries capability %#x", d, c->cap);
	}
	if (c->result >= 0)
		post_check(o, c);
}

/* Reads every completion in the CQ. */
static void reap(void)
{
	uint32_t head = ring->cq_head, tail = __atomic_load_n(&ring->cq_tail, __ATOMIC_ACQUIRE);
	if (tail - head > CAPOS_RING_CQ_ENTRIES) {
		fail("cq_tail %u is %u entries past cq_head", tail, tail - head);
		aborted = true;
		return;
	}
	for (; head != tail; head++) {
		struct capos_cqe c = ring->cq[head & (CAPOS_RING_CQ_ENTRIES - 1)];
		__atomic_store_n(&ring->cq_head, head + 1, __ATOMIC_RELEASE);
		complete(&c);
	}
}

/* cap_enter with an honest ring: it must succeed and have consumed exactly
 * what sq_head says. */
static int64_t enter(uint32_t min_complete, uint64_t timeout_ns)
{
	uint32_t head = ring->sq_head;
	int64_t n = sys_cap_enter(min_complete, timeout_ns);
	if (n < 0 || (uint32_t)n != ring->sq_head - head) {
		fail("cap_enter(%u) returned %lld, sq_head moved by %u", min_complete, (long long)n, ring->sq_head - head);
		aborted = n < 0;
	}
	reap();
	return n;
}

/* Runs the ring until every operation that completes at once has. Waits
 * may stay pending. A completion that never comes fails the run. */
static void drain(void)
{
	for (uint32_t idle = 0; immediate && !aborted;) {
		if (enter(0, 0) > 0 || !immediate)
			idle = 0;
		else if (++idle > 3) {
			enter(1, 10 * 1000 * 1000);
			if (idle > 300) {
				fail("%u operations never completed", immediate);
				aborted = true;
			}
		}
	}
}

/* Waits until at most `keep` operations are in flight, for at most
 * tries x 10 ms. */
static bool settle(uint32_t keep, uint32_t tries)
{
	for (uint32_t i = 0; inflight > keep && i < tries && !aborted; i++)
		enter(1, 10 * 1000 * 1000);
	return inflight <= keep;
}

#include "demos/chaos_gen.h"

/* ------------------------------------------------------------ explicit operations */

/* A well-formed call of method m on id, its params built from plan's
 * fields in the operation's own buffer (or the big one). */
static struct op *explicit_call(uint8_t kind, uint16_t m, uint32_t id, bool big)
{
	struct op *o = op_new();
	struct plan *p = &plan;
	p->sqe = (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = id, .interface_id = kind_ifc[kind]->id, .method = m };
	o->bufkind = big ? BK_BIG : BK_OWN;
	o->big = big;
	big_busy |= big;
	p->sqe.buf = big ? (uint64_t)(uintptr_t)bigbuf : (uint64_t)(uintptr_t)opbuf[op_index(o)];
	p->readable = p->writable = p->sqe.buf_cap = big ? BIG_BYTES : OPBUF;
	p->pclass = P_BUILT;
	p->sqe.params_len = build_params(p, kind, m, (void *)(uintptr_t)p->sqe.buf, p->writable);
	return submit_plan(o, p);
}

static void explicit_release(uint32_t id)
{
	struct op *o = op_new();
	plan.sqe = (struct capos_sqe){ .opcode = CAPOS_OP_RELEASE, .cap = id };
	plan.pclass = P_EMPTY;
	submit_plan(o, &plan);
}

/* One call, run to its completion (nothing else may be pending but
 * waits); the completion is in last_cqe. */
static int sync_call(uint8_t kind, uint16_t m, uint32_t id, bool big, struct expect *x)
{
	struct op *o = explicit_call(kind, m, id, big);
	if (x)
		o->x = *x, o->post = PC_NONE;
	last_cqe = (struct capos_cqe){ .result = CAPOS_E_CANCELLED };
	drain();
	return last_cqe.result;
}

static uint32_t slot_of_kind(uint8_t kind)
{
	for (uint32_t i = 0; i < CHAOS_SLOTS; i++)
		if (mslot[i].live && mslot[i].kind == kind)
			return id_of(i);
	return 0;
}

static bool can_call(uint8_t kind, uint16_t m)
{
	uint32_t id = slot_of_kind(kind);
	return id && (mslot[id & 0xffff].rights & kind_ifc[kind]->methods[m].needs) == kind_ifc[kind]->methods[m].needs;
}

struct ledger {
	uint64_t free_frames, heap_frames, kmem;
	bool ok;
};

static struct ledger read_ledger(uint64_t expect_used)
{
	struct ledger l = { 0 };
	if (!can_call(K_FRAMES, capos_FrameAllocator_stats_ORDINAL))
		return l;
	struct op *o = explicit_call(K_FRAMES, capos_FrameAllocator_stats_ORDINAL, slot_of_kind(K_FRAMES), false);
	o->arg = expect_used;
	uint64_t *buf = opbuf[op_index(o)];
	drain();
	struct capnp_msg m;
	if (last_cqe.result == 64 && capnp_msg_init(&m, buf, 64, 0) == CAPNP_OK) {
		capos_FrameAllocator_stats_Results s = capos_FrameAllocator_stats_Results_root(&m);
		l = (struct ledger){ capos_FrameAllocator_stats_Results_get_freeFrames(s),
			             capos_FrameAllocator_stats_Results_get_heapFrames(s),
			             capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s), true };
		if (!kmem_limit)
			kmem_limit = capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s);
	}
	return l;
}

/* Learns the boot package's files (names, sizes) once. */
static void learn_boot_package(void)
{
	if (!can_call(K_BOOTPKG, capos_BootPackage_list_ORDINAL))
		return;
	uint32_t bp = slot_of_kind(K_BOOTPKG);
	struct expect any = exp_ok(EXP_ANY_LEN);
	struct capnp_msg m;
	int r = sync_call(K_BOOTPKG, capos_BootPackage_list_ORDINAL, bp, true, &any);
	if (r <= 0 || capnp_msg_init(&m, bigbuf, (size_t)r, 0) != CAPNP_OK)
		return fail("BootPackage.list: %d", r);
	list_bytes = (uint32_t)r;
	struct capnp_list names = capos_BootPackage_list_Results_get_names(capos_BootPackage_list_Results_root(&m));
	for (uint32_t i = 0; i < capnp_list_len(&names) && nfiles < MAX_FILES; i++) {
		struct capnp_text t = capnp_list_text(&names, i);
		if (t.len < sizeof file_name[0])
			memcpy(file_name[nfiles++], t.str, t.len);
	}
	for (uint32_t i = 0; i < nfiles; i++) {
		plan.text_len = (uint32_t)strlen(file_name[i]);
		memcpy(plan.text, file_name[i], plan.text_len);
		struct op *o = explicit_call(K_BOOTPKG, capos_BootPackage_stat_ORDINAL, bp, false);
		uint64_t *buf = opbuf[op_index(o)];
		o->x = any, o->post = PC_NONE;
		drain();
		if (last_cqe.result == 24 && capnp_msg_init(&m, buf, 24, 0) == CAPNP_OK)
			file_size[i] = capos_BootPackage_stat_Results_get_size(capos_BootPackage_stat_Results_root(&m));
		if (!strcmp(file_name[i], "manifest.bin"))
			manifest_bytes = (uint32_t)file_size[i];
	}
}

/* ------------------------------------------------------------ children */
static struct child *sub_child(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && children[i].bin == BIN_CHAOS)
			return &children[i];
	return 0;
}

static uint32_t waits_on_sub(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < NOPS; i++)
		n += ops[i].busy && ops[i].post == PC_WAIT && ops[i].snap.bin == BIN_CHAOS;
	return n;
}

/* Spawns a sub-chaos: N submissions with every bootstrap capability but
 * the Console narrowed to random rights and given random badges. */
static void spawn_sub(uint64_t n)
{
	struct spawn_plan *sp = &splan;
	memset(sp, 0, sizeof *sp);
	sp->name_len = (uint32_t)fmt_snprintf(sp->name, sizeof sp->name, "chaos-sub-%u", subs_run);
	sp->bin = BIN_CHAOS;
	sp->binary_len = 5;
	memcpy(sp->binary, "chaos", 5);
	sp->kmem = SUB_QUOTA;
	sp->nargs = 1;
	uint32_t len = (uint32_t)fmt_snprintf(sp->args[0], sizeof sp->args[0], "sub:%llu:%#llx:%#llx",
	                                      (unsigned long long)n, (unsigned long long)rnd(), SUB_QUOTA);
	for (uint32_t i = 0; i < NENTRIES; i++) {
		struct mslot *s;
		if (model_resolve(entry_id[i], &s))
			return; /* released late in the run: no more subs */
		struct grant_plan *g = &sp->g[sp->ngrants++];
		const struct capnp_interface *ifc = kind_ifc[entry_kind[i]];
		uint32_t r = below(10);
		g->rights = i == ENTRY_CONSOLE || r < 3 ? 0xffffffffu : r < 7 ? (uint32_t)rnd() & ifc->rights : (uint32_t)rnd();
		g->badge = i == ENTRY_CONSOLE || chance(50) ? 0 : rnd();
		g->name_len = (uint32_t)strlen(entry_name[i]);
		memcpy(g->name, entry_name[i], g->name_len);
		g->cap = entry_id[i];
		g->iface = ifc->id;
		len += (uint32_t)fmt_snprintf(sp->args[0] + len, sizeof sp->args[0] - len, ":%x:%llx", g->rights,
		                              (unsigned long long)g->badge);
	}
	sp->arg_len[0] = len;
	plan.sp = sp;
	explicit_call(K_SPAWNER, capos_ProcessSpawner_spawn_ORDINAL, entry_id[ENTRY_SPAWNER], true);
	drain();
}

/* Releases every child handle we hold (but a running sub-chaos's unless
 * all) and every frame; waits for the waits on them to complete. */
static void release_everything(bool all)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && (all || children[i].bin != BIN_CHAOS))
			explicit_release(children[i].handle);
	while (nframes) {
		plan.v0 = frames[0], plan.v2 = 1;
		explicit_call(K_FRAMES, capos_FrameAllocator_free_ORDINAL, slot_of_kind(K_FRAMES), false);
		if (!can_call(K_FRAMES, capos_FrameAllocator_free_ORDINAL))
			break;
	}
	drain();
	if (!settle(waits_on_sub(), 300))
		fail("%u operations still pending 3 s after every child they wait on was released", inflight);
	orphan_quota = 0;
	orphan_waits = 0;
}

/* Waits (at most 10 minutes) for a running sub-chaos to end, then releases
 * it; its exit code must be 0. Waiting here, rather than looking whether it
 * has ended, keeps the run the same for the same seed. */
static void collect_sub(void)
{
	struct child *sub = sub_child();
	if (!sub)
		return;
	if (!waits_on_sub()) {
		explicit_call(K_HANDLE, capos_ProcessHandle_wait_ORDINAL, sub->handle, false);
		drain();
	}
	for (uint32_t i = 0; i < 60000 && waits_on_sub() && !aborted; i++)
		enter(1, 10 * 1000 * 1000);
	if (waits_on_sub())
		fail("sub-chaos pid %u did not finish within 10 minutes", sub->pid);
	subs_ok += sub->seen_exited && sub->seen_code == 0;
	explicit_release(sub->handle);
	drain();
}

/* Between stretches of the run: everything we made is released (a
 * sub-chaos once it has ended) and our kernel memory must be back to its
 * base; then a new sub-chaos starts. */
static void checkpoint(uint32_t k)
{
	release_everything(false);
	collect_sub();
	if (kmem_base_known)
		read_ledger(kmem_base);
	if (!is_sub && k < 7 && can_call(K_SPAWNER, capos_ProcessSpawner_spawn_ORDINAL) && quota_room(SUB_QUOTA) == 1) {
		uint64_t n = total / 16;
		spawn_sub(n < 500 ? 500 : n > 20000 ? 20000 : n);
	}
}

/* ------------------------------------------------------------ ring-header corruption */
static void push_nops(uint32_t k)
{
	for (uint32_t i = 0; i < k; i++) {
		plan.sqe = (struct capos_sqe){ .opcode = CAPOS_OP_NOP };
		plan.pclass = P_EMPTY;
		submit_plan(op_new(), &plan);
	}
}

/* Between batches (only waits in flight, the CQ read): corrupts the ring's
 * header one way, checks the kernel refused or ignored it, repairs it, and
 * checks the NOPs submitted meanwhile all complete. */
static void corrupt_ring(void)
{
	uint8_t what = (uint8_t)below(R_COUNT);
	uint32_t k = 1 + below(12), sq_head = ring->sq_head, tail, cq_head, cq_tail;
	int64_t e, e2 = 0;
	uint32_t failures_before = failures;
	phase_count[what]++;
	reap();
	push_nops(k);
	tail = ring->sq_tail;
	switch (what) {
	case R_TAIL_AHEAD:
	case R_TAIL_BEHIND:
		ring->sq_tail = what == R_TAIL_AHEAD ? sq_head + CAPOS_RING_SQ_ENTRIES + 1 + below(1u << 31)
		                                      : sq_head - 1 - below(1u << 31);
		e = sys_cap_enter(0, 0);
		ring->sq_tail = tail;
		if (e != CAPOS_E_RING_CORRUPT || ring->sq_head != sq_head)
			fail("%s: cap_enter %lld, sq_head moved by %u (expected RING_CORRUPT, nothing taken)",
			     phase_name[what], (long long)e, ring->sq_head - sq_head);
		break;
	case R_GARBAGE_HEADER: {
		struct capos_ring saved = *ring;
		ring->magic = (uint32_t)rnd(), ring->version = (uint32_t)rnd();
		ring->sq_entries = (uint32_t)rnd(), ring->cq_entries = (uint32_t)rnd();
		ring->sq_head = (uint32_t)rnd();
		for (int i = 0; i < 8; i++)
			ring->reserved[i] = (uint32_t)rnd();
		e = sys_cap_enter(0, 0);
		uint32_t head_after = ring->sq_head;
		ring->magic = saved.magic, ring->version = saved.version;
		ring->sq_entries = saved.sq_entries, ring->cq_entries = saved.cq_entries;
		memcpy(ring->reserved, saved.reserved, sizeof saved.reserved);
		if (e != k || head_after != sq_head + k)
			fail("%s: cap_enter took %lld of %u, sq_head %u (expected %u)", phase_name[what], (long long)e, k,
			     head_after, sq_head + k);
		if (e <= 0)
			ring->sq_head = sq_head;
		break;
	}
	case R_CQ_HEAD_FULL:
		cq_head = ring->cq_head, cq_tail = ring->cq_tail;
		ring->cq_head = chance(50) ? cq_head - CAPOS_RING_CQ_ENTRIES - below(1u << 20)
		                           : cq_head + CAPOS_RING_CQ_ENTRIES + 1 + below(1u << 30);
		e = sys_cap_enter(0, 0);
		e2 = sys_cap_enter(1, 50 * 1000 * 1000); /* the CQ "has" entries: no wait */
		uint32_t sq_after = ring->sq_head, cq_after = ring->cq_tail;
		ring->cq_head = cq_head;
		if (e != 0 || e2 != 0 || sq_after != sq_head || cq_after != cq_tail)
			fail("%s: cap_enter %lld/%lld, sq_head moved by %u, cq_tail by %u (expected nothing taken or posted)",
			     phase_name[what], (long long)e, (long long)e2, sq_after - sq_head, cq_after - cq_tail);
		break;
	case R_CQ_HEAD_BACK: {
		uint32_t d = 1 + below(CAPOS_RING_CQ_ENTRIES - 1);
		cq_head = ring->cq_head;
		ring->cq_head = cq_head - d; /* claims d entries unread: less room, nothing lost */
		e = sys_cap_enter(0, 0);
		ring->cq_head = cq_head;
		if (e < 0 || e > k || (uint32_t)e + d > CAPOS_RING_CQ_ENTRIES)
			fail("%s by %u: cap_enter took %lld of %u", phase_name[what], d, (long long)e, k);
		break;
	}
	default:
		e = sys_cap_enter(CAPOS_RING_CQ_ENTRIES + 1 + (chance(50) ? below(1000) : UINT32_MAX - 65), 0);
		if (e != CAPOS_E_BAD_ARGUMENT || ring->sq_head != sq_head)
			fail("%s: cap_enter %lld, sq_head moved by %u (expected BAD_ARGUMENT, nothing taken)",
			     phase_name[what], (long long)e, ring->sq_head - sq_head);
		break;
	}
	drain();
	phase_failures += failures != failures_before;
}

/* ------------------------------------------------------------ the run */
/* A spinner eats the CPU the run needs: none lives long. */
static void expire_spinners(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && children[i].bin == BIN_SPINNER && sent - children[i].born > SPINNER_LIFE)
			explicit_release(children[i].handle);
	drain();
}

/* One batch of random submissions, then the ring runs until each has
 * completed (but waits, which complete when their process ends). A
 * submission whose effect the model learns only from its completion
 * (spawn, alloc) ends the batch. */
static void batch(void)
{
	uint32_t want = 1 + below(40);
	for (uint32_t i = 0; i < want && sent < total; i++) {
		struct op *o = op_new();
		gen_op(o, &plan);
		submit_plan(o, &plan);
		if (o->post == PC_SPAWN || o->post == PC_ALLOC)
			break;
	}
	drain();
}

static void run(void)
{
	uint64_t next_phase = 100 + below(300), next_checkpoint = is_sub ? ~0ull : total / 8;
	uint32_t k = 0;
	while (sent < total && !aborted) {
		if (sent >= next_checkpoint) {
			checkpoint(k++);
			next_checkpoint = k < 7 ? (k + 1) * total / 8 : ~0ull;
		}
		if (sent >= next_phase) {
			corrupt_ring();
			next_phase = sent + 100 + below(300);
		}
		expire_spinners();
		batch();
	}
}

/* Releases everything, lets a sub-chaos finish (for at most 10 minutes),
 * and checks nothing is left in flight. */
static void finish(void)
{
	release_everything(false);
	collect_sub();
	if (!settle(0, 500)) {
		for (uint32_t i = 0; i < NOPS; i++) {
			if (ops[i].busy) {
				char d[400];
				describe_op(&ops[i], d, sizeof d);
				fail("never completed: %s", d);
			}
		}
	}
	if (ring->sq_head != ring->sq_tail || ring->cq_head != ring->cq_tail)
		fail("the ring is not idle at the end: sq %u/%u cq %u/%u", ring->sq_head, ring->sq_tail, ring->cq_head,
		     ring->cq_tail);
}

/* ------------------------------------------------------------ setup and report */
static uint64_t parse_num(const char **s, bool hex)
{
	const char *p = *s;
	uint64_t v = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2, hex = true;
	for (;; p++) {
		unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0')
		             : hex && *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10) : 99;
		if (d == 99)
			break;
		v = v * (hex ? 16 : 10) + d;
	}
	if (*p == ':')
		p++;
	*s = p;
	return v;
}

static uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* "N", "N:SEED", or for a sub-chaos "sub:N:SEED:QUOTA" and a rights:badge
 * pair per bootstrap capability. */
static void parse_args(void)
{
	const char *a = rt_argc() ? rt_arg(0) : "";
	total = 100000;
	for (int i = 0; i < NENTRIES; i++)
		entry_rights[i] = 0xffffffffu;
	if (!strncmp(a, "sub:", 4)) {
		a += 4;
		is_sub = true;
		total = parse_num(&a, false);
		seed = parse_num(&a, false);
		kmem_limit = parse_num(&a, false);
		for (int i = 0; i < NENTRIES; i++) {
			entry_rights[i] = (uint32_t)parse_num(&a, true);
			entry_badge[i] = parse_num(&a, true);
		}
		return;
	}
	if (*a)
		total = parse_num(&a, false);
	if (*a)
		seed = parse_num(&a, false);
}

/* The bootstrap capabilities are the first slots of the table, in order. */
static void model_bootstrap(void)
{
	const struct capos_capset *cs = rt.capset;
	for (uint32_t i = 0; i < cs->count && i < CAPOS_CAPSET_MAX; i++) {
		const struct capos_capset_entry *e = &cs->entries[i];
		uint8_t kind = K_FREE;
		int entry = -1;
		for (uint8_t k = K_CONSOLE; k < K_HANDLE; k++)
			if (kind_ifc[k]->id == e->interface_id)
				kind = k;
		for (int j = 0; j < NENTRIES; j++)
			if (!strcmp(e->name, entry_name[j]))
				entry = j;
		if (!kind || e->cap != model_next_id()) {
			fail("bootstrap capability '%s': CapId %#x, interface %#llx (expected CapId %#x)", e->name, e->cap,
			     (unsigned long long)e->interface_id, model_next_id());
			aborted = true;
			return;
		}
		model_insert(kind, entry >= 0 ? entry_rights[entry] : 0xffffffffu, entry >= 0 ? entry_badge[entry] : 0, -1);
		if (entry >= 0)
			entry_id[entry] = e->cap;
	}
}

#define VERDICT(cond, ...)                                                     \
	do {                                                                   \
		bool ok_ = (cond);                                             \
		printf("%s: %s: ", who, ok_ ? "ok" : "FAILED");                \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		demo_failures += !ok_;                                         \
	} while (0)

/* Prints n counters named names[] on lines of a few each. */
static void print_counts(const char *what, const char *const *names, const uint64_t *counts, uint32_t n)
{
	char line[200];
	uint32_t len = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!counts[i] && names != cat_name)
			continue;
		len += (uint32_t)fmt_snprintf(line + len, sizeof line - len, " %s %llu,", names[i], (unsigned long long)counts[i]);
		if (len > 100 || i + 1 == n) {
			line[len - 1] = 0;
			printf("%s: %s:%s\n", who, what, line);
			len = 0;
		}
	}
	if (len) {
		line[len - 1] = 0;
		printf("%s: %s:%s\n", who, what, line);
	}
}

static void report(struct ledger before, struct ledger after)
{
	static const char *err_names[32];
	uint64_t results[32];
	err_names[0] = "OK";
	results[0] = ok_count;
	for (int e = 1; e < 32; e++)
		err_names[e] = capos_strerror(-e), results[e] = result_count[e];
	uint64_t phases = 0;
	for (int i = 0; i < R_COUNT; i++)
		phases += phase_count[i];
	for (uint32_t i = 0; i < nnotes; i++)
		printf("%s: note: %s\n", who, notes[i]);
	if (is_sub)
		printf("%s: replay: its argument was %s\n", who, rt_arg(0));
	else
		printf("%s: seed %#llx: replay with init=chaos:%llu:%#llx\n", who, (unsigned long long)seed,
		       (unsigned long long)total, (unsigned long long)seed);
	print_counts("sent", cat_name, cat_count, C_COUNT);
	print_counts("results", err_names, results, 32);
	print_counts("ring", phase_name, phase_count, R_COUNT);
	printf("%s: %u children spawned, %u capability slots retired (last generation)\n", who, spawned, retired_seen);
	VERDICT(bad_results == 0 && !aborted, "%llu submissions, every completion allowed (%llu not)",
	        (unsigned long long)sent, (unsigned long long)bad_results);
	VERDICT(completions == sent && unexpected == 0 && inflight == 0,
	        "every submission completed exactly once: %llu completions, %llu unexpected, %u missing",
	        (unsigned long long)completions, (unsigned long long)unexpected, inflight);
	VERDICT(phase_failures == 0, "%llu ring-header corruptions refused or ignored, the ring works after each",
	        (unsigned long long)phases);
	if (!is_sub)
		VERDICT(subs_ok == subs_run, "%u sub-chaos runs with narrowed rights and badges exited 0 (of %u)", subs_ok,
		        subs_run);
	if (nframes) /* a sub-chaos lacking the free right: its exit reclaims them */
		printf("%s: %u frames still held (no right to free them): not comparing kernel memory\n", who, nframes);
	else if (before.ok && after.ok) {
		VERDICT(after.kmem == before.kmem, "kernel memory used is back: %llu bytes (before %llu; %u checkpoints agreed)",
		        (unsigned long long)after.kmem, (unsigned long long)before.kmem, ledger_checks);
		if (!is_sub) {
			VERDICT(after.free_frames == before.free_frames, "free frames are back: %llu (before %llu)",
			        (unsigned long long)after.free_frames, (unsigned long long)before.free_frames);
			VERDICT(after.heap_frames == before.heap_frames, "kernel heap frames are back: %llu (before %llu)",
			        (unsigned long long)after.heap_frames, (unsigned long long)before.heap_frames);
		}
	}
	VERDICT(failures == 0, "no failure recorded (%u)", failures);
	printf("%s: %s (%d failed)\n", who, demo_failures ? "FAILED" : "done", demo_failures);
}

int main(void)
{
	ring = rt.ring;
	parse_args();
	if (!seed)
		seed = tsc() | 1;
	rng_state = seed;
	who = is_sub ? "chaos-sub" : "chaos";
	max_children = is_sub ? 2 : 8;
	printf("%s: pid %u, seed %#llx, %llu submissions\n", who, rt.pid, (unsigned long long)seed,
	       (unsigned long long)total);
	model_table_init();
	model_bootstrap();
	learn_boot_package();
	struct ledger before = read_ledger(0), after = { 0 };
	kmem_base = before.kmem;
	kmem_base_known = before.ok;
	if (!aborted)
		run();
	if (!aborted)
		finish();
	after = read_ledger(0);
	report(before, after);
	uint32_t n = failures + (uint32_t)demo_failures;
	return n > 100 ? 100 : (int)n;
}
