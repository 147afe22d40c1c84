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
 * of results the oracle (chaos.h) allows; every submission must complete
 * exactly once; nothing may block forever; and once everything it made is
 * gone its kernel memory, the free frames and the kernel heap must be back
 * where they were.
 *
 * Argument (init=chaos:ARG): "N" or "N:SEED" (N submissions, default
 * 100000; the seed, hex or decimal, defaults to the TSC and is printed so a
 * failure can be replayed). The kernel splits init= at commas, so the seed
 * follows a colon.
 *
 * A chaos process also spawns copies of itself ("sub-chaos", argument
 * "sub:N:SEED:QUOTA:" and a rights/badge pair per bootstrap capability)
 * with randomly narrowed rights and badges: they fuzz the same way, so
 * PERMISSION_DENIED and write-once badges are exercised too, and must exit
 * with 0.
 *
 * The ring is driven directly (rt's client keeps completions it was not
 * asked for, which a fuzzer must see): printf, which goes through rt, is
 * used only at the start and the end, when nothing is in flight. */
#include "demos/chaos.h"

const char demo_name[] = "chaos";

/* ------------------------------------------------------------ run state */
static const char *who = "chaos";
static bool is_sub;
static uint64_t total, seed, sent;
static struct capos_ring *ring;

enum { ENTRY_CONSOLE, ENTRY_NULL, ENTRY_FRAMES, ENTRY_SPAWNER, ENTRY_BOOTPKG, NENTRIES };
static const char *const entry_name[NENTRIES] = { "console", "null", "frames", "spawner", "bootpkg" };
static const uint8_t entry_kind[NENTRIES] = { K_CONSOLE, K_NULL, K_FRAMES, K_SPAWNER, K_BOOTPKG };
static uint32_t entry_id[NENTRIES], entry_rights[NENTRIES];
static uint64_t entry_badge[NENTRIES];

/* Kernel-memory accounting, for predicting LIMIT_EXCEEDED. */
static uint64_t kmem_limit, kmem_base;
static bool kmem_base_known;
static uint64_t orphan_quota; /* children released while another child held their handle */
#define SUB_QUOTA (8ull * 1024 * 1024)
#define QUOTA_MARGIN (64u * 1024)

static uint32_t max_children, max_spinners = 1, console_prints;
#define MAX_WAITS 12
#define SPINNER_LIFE 200 /* submissions a spinner may live: it eats CPU */

/* ------------------------------------------------------------ reporting */
enum cat {
	C_NOP, C_BAD_OPCODE, C_BAD_FLAGS, C_RELEASE_OWN, C_RELEASE_BOGUS, C_RECV_RETURN, C_BAD_LENGTH, C_FAULT,
	C_BAD_CAP, C_WRONG_IFACE, C_NO_METHOD, C_DENIED, C_TOO_BIG, C_BAD_MESSAGE, C_UNKNOWN_PARAMS,
	C_OBJ_CONSOLE, C_OBJ_NULL, C_OBJ_FRAMES, C_OBJ_SPAWNER, C_OBJ_BOOTPKG, C_OBJ_HANDLE, C_COUNT
};
static const char *const cat_name[C_COUNT] = {
	"nop", "reserved-opcode", "reserved-flags", "release-own", "release-bogus", "recv-return",
	"bad-length", "bad-buffer", "bad-capid", "wrong-interface", "no-such-method", "lacking-rights",
	"results-too-small", "bad-message", "random-params", "console", "null", "frames", "spawner",
	"boot-package", "process-handle",
};
static uint64_t cat_count[C_COUNT], result_count[32], ok_count;

enum ring_phase { R_TAIL_AHEAD, R_TAIL_BEHIND, R_GARBAGE_HEADER, R_CQ_HEAD_FULL, R_CQ_HEAD_BACK, R_BAD_MIN,
	          R_COUNT };
static const char *const phase_name[R_COUNT] = { "sq_tail-ahead", "sq_tail-behind", "garbage-header",
	                                         "cq_head-dishonest", "cq_head-back", "min_complete>CQ" };
static uint64_t phase_count[R_COUNT];

static uint32_t failures, subs_run, subs_ok, ledger_checks, spawned, retired_seen;
static uint64_t completions, unexpected, bad_results;
static uint32_t phase_failures;
static bool aborted;
#define MAX_NOTES 40
static char notes[MAX_NOTES][320];
static uint32_t nnotes;

/* Records a failure (kept for the report: nothing is printed mid-run). */
__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	failures++;
	if (nnotes >= MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(notes[nnotes++], sizeof notes[0], fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ operations in flight */
#define NOPS 128
#define OPBUF 512
#define BIG_BYTES (320u * 1024)

enum post { PC_NONE, PC_ECHO, PC_STATS, PC_ALLOC, PC_SPAWN, PC_WAIT, PC_INFO, PC_STAT, PC_READ };

struct op {
	bool busy, may_pend, big;
	uint8_t cat, post, pclass, bufkind;
	uint64_t seq;
	struct capos_sqe sqe;
	struct expect x;
	uint64_t arg;       /* echo value, read length, expected kmem used */
	int32_t child;      /* PC_WAIT / PC_INFO: the child, by index, with its pid */
	uint32_t pid;
	uint32_t frames_then; /* PC_STATS: frames we held when the kernel runs it */
	struct child snap;  /* PC_WAIT: the child as it was when the wait was made */
};

static struct op ops[NOPS];
static uint64_t opbuf[NOPS][OPBUF / 8];
static uint64_t bigbuf[BIG_BYTES / 8];
static bool big_busy;
static uint64_t next_seq = 1;
static uint32_t inflight, immediate, waits_inflight;
static struct capos_cqe last_cqe; /* the latest completion */
static uint8_t spawn_copy[16384]; /* a spawn's params (one spawn in flight at a time) */
static uint32_t spawn_copy_len;
static struct spawn_plan splan;

static struct op *op_new(void)
{
	for (uint32_t i = 0; i < NOPS; i++)
		if (!ops[i].busy)
			return memset(&ops[i], 0, sizeof ops[i]), &ops[i];
	return 0;
}

static inline uint32_t op_index(const struct op *o) { return (uint32_t)(o - ops); }

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
	struct op *o = &ops[idx];
	completions++;
	last_cqe = *c;
	if (idx >= NOPS || !o->busy || o->seq != c->user_data >> 8) {
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

/* ------------------------------------------------------------ the oracle */
/* May we carve quota q out of our account? 1: certainly, 0: certainly not,
 * -1: it depends on charges the model only bounds. */
static int quota_room(uint64_t q)
{
	uint64_t min = nframes * (uint64_t)CHAOS_PAGE + (nframes ? CHAOS_PAGE : 0), max;
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used)
			min += children[i].quota;
	max = min + orphan_quota + waits_inflight * 128ull + QUOTA_MARGIN;
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
	if (q->flags)
		return o->cat = C_BAD_FLAGS, exp_err(CAPOS_E_BAD_FLAGS);
	if (q->opcode == CAPOS_OP_NOP)
		return exp_ok(0);
	if (q->opcode == CAPOS_OP_RELEASE) {
		if ((e = model_resolve(q->cap, &s)))
			return o->cat = C_RELEASE_BOGUS, exp_err(e);
		o->cat = C_RELEASE_OWN;
		if (s->kind == K_HANDLE) {
			struct child *c = &children[s->child];
			if (c->shared)
				orphan_quota += c->quota; /* alive while its holder is */
			c->used = false;
		}
		retired_seen += s->gen == UINT16_MAX;
		model_release(s);
		return exp_ok(0);
	}
	if (q->opcode != CAPOS_OP_CALL) {
		o->cat = C_RECV_RETURN;
		return (e = model_resolve(q->cap, &s)) ? exp_err(e) : exp_err(CAPOS_E_NOT_SUPPORTED);
	}
	if (q->params_len > CAPOS_CALL_MAX_PARAMS || (q->params_len & 7) || q->buf_cap > CAPOS_CALL_MAX_RESULTS)
		return o->cat = C_BAD_LENGTH, exp_err(CAPOS_E_BAD_LENGTH);
	uint64_t span = q->params_len > q->buf_cap ? q->params_len : q->buf_cap;
	if (span && (q->buf < CHAOS_USER_LOW || q->buf > CHAOS_USER_HIGH || span > CHAOS_USER_HIGH - q->buf))
		return o->cat = C_FAULT, exp_err(CAPOS_E_FAULT);
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

/* ------------------------------------------------------------ the generator */
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
	for (uint32_t i = 0; i < sp->nargs; i++) {
		r = below(100);
		sp->arg_len[i] = big_ok && r < 3 ? 1530 + below(100) : below(40);
		random_text(sp->args[i], sp->arg_len[i]);
		if (r >= 3 && r < 6 && sp->arg_len[i])
			sp->args[i][below(sp->arg_len[i])] = 0;
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
	return sp->ngrants > 8 || sp->nargs * 40 < sp->arg_len[0] + sp->arg_len[1] + (sp->nargs > 2 ? sp->arg_len[2] : 0);
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
static void pick_buffer(struct op *o, struct plan *p, bool need_big)
{
	uint32_t r = below(100);
	uint8_t k = need_big && !big_busy ? BK_BIG
	            : r < 84 ? BK_OWN : r < 87 ? (big_busy ? BK_OWN : BK_BIG) : r < 90 ? BK_UNMAPPED : r < 91 ? BK_LOW
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
	if (kind == K_HANDLE && s && (m == capos_ProcessHandle_wait_ORDINAL ? waits_inflight >= MAX_WAITS
	                              : m == capos_ProcessHandle_kill_ORDINAL && children[s->child].bin == BIN_CHAOS))
		m = capos_ProcessHandle_info_ORDINAL;
	if (kind == K_HANDLE && !s && m == capos_ProcessHandle_wait_ORDINAL)
		m = capos_ProcessHandle_info_ORDINAL; /* a forged id may still name a live handle */
	p->sqe = (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = id, .method = m,
		                     .interface_id = r < 90 ? ifc->id : r < 94 ? kind_ifc[1 + below(K_COUNT - 1)]->id
		                                     : r < 97 ? 0 : rnd() };
	if (chance(6))
		p->sqe.method = (uint16_t)(ifc->method_count + below(65536u - ifc->method_count));
	bool need_big = gen_fields(p, kind, m, !big_busy);
	pick_buffer(o, p, need_big);

	/* The params. */
	r = below(100);
	p->pclass = r < 6 ? P_EMPTY : r < 72 ? P_BUILT : r < 77 ? P_PADDED : r < 81 ? P_TRUNCATED : r < 84 ? P_SELFREF
	            : r < 87 ? P_DAG : r < 93 ? P_RANDOM : P_MUTATED;
	if ((p->pclass == P_RANDOM || p->pclass == P_MUTATED) &&
	    (kind == K_CONSOLE || (kind == K_FRAMES && m == capos_FrameAllocator_free_ORDINAL && nframes)))
		p->pclass = P_BUILT; /* no garbage on the console; no unknown frees of frames we hold */
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
}

/* Between stretches of the run: everything we made is released and our
 * kernel memory must be back to its base (plus a running sub-chaos's
 * quota); a finished sub-chaos is collected, a new one started. */
static void checkpoint(uint32_t k)
{
	release_everything(false);
	struct child *sub = sub_child();
	if (sub) {
		explicit_call(K_HANDLE, capos_ProcessHandle_info_ORDINAL, sub->handle, false);
		drain();
		if (sub->seen_exited) {
			subs_ok += sub->seen_code == 0;
			explicit_release(sub->handle);
			drain();
			sub = 0;
		}
	}
	if (kmem_base_known)
		read_ledger(kmem_base + (sub ? SUB_QUOTA : 0));
	if (!sub && !is_sub && k < 7 && can_call(K_SPAWNER, capos_ProcessSpawner_spawn_ORDINAL) &&
	    quota_room(SUB_QUOTA) == 1) {
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

/* The heap's high-water mark is set before the ledger is first read: our
 * most children at once, and the largest params and results of one call. */
static void warm_up(void)
{
	for (uint32_t i = 0; i < max_children; i++) {
		memset(&splan, 0, sizeof splan);
		splan.name_len = (uint32_t)fmt_snprintf(splan.name, sizeof splan.name, "warm-up-%u", i);
		splan.bin = i ? BIN_SLEEPER : BIN_SPINNER;
		splan.binary_len = (uint32_t)strlen(bin_name[splan.bin]);
		memcpy(splan.binary, bin_name[splan.bin], splan.binary_len);
		splan.kmem = CHAOS_DEFAULT_QUOTA + 512 * 1024;
		plan.sp = &splan;
		explicit_call(K_SPAWNER, capos_ProcessSpawner_spawn_ORDINAL, entry_id[ENTRY_SPAWNER], false);
		drain();
	}
	struct op *o = op_new();
	plan.sqe = (struct capos_sqe){ .opcode = CAPOS_OP_CALL, .cap = slot_of_kind(K_BOOTPKG),
		                       .interface_id = capos_BootPackage_ID, .method = capos_BootPackage_list_ORDINAL,
		                       .buf = (uint64_t)(uintptr_t)bigbuf, .params_len = CAPOS_CALL_MAX_PARAMS,
		                       .buf_cap = BIG_BYTES };
	o->bufkind = BK_BIG, o->big = big_busy = true;
	plan.readable = plan.writable = BIG_BYTES;
	plan.pclass = P_PADDED;
	build_params(&plan, K_BOOTPKG, capos_BootPackage_list_ORDINAL, bigbuf, BIG_BYTES);
	for (uint32_t i = 2; i < CAPOS_CALL_MAX_PARAMS / 8; i++)
		bigbuf[i] = rnd();
	submit_plan(o, &plan);
	drain();
	release_everything(true);
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
	struct child *sub = sub_child();
	if (sub) {
		if (!waits_on_sub()) {
			explicit_call(K_HANDLE, capos_ProcessHandle_wait_ORDINAL, sub->handle, false);
			drain();
		}
		for (uint32_t i = 0; i < 60000 && waits_on_sub() && !aborted; i++)
			enter(1, 10 * 1000 * 1000);
		if (waits_on_sub())
			fail("sub-chaos pid %u did not finish within 10 minutes", sub->pid);
		subs_ok += sub->seen_exited && sub->seen_code == 0;
		release_everything(true);
	}
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
	struct ledger before = read_ledger(0), after = { 0 };
	learn_boot_package();
	if (!is_sub && !aborted)
		warm_up();
	before = read_ledger(0);
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
