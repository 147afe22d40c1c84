/* chaos: the model, the expectations and the run's state (demos/chaos.c
 * describes the fuzzer).
 *
 * The model is what the fuzzer knows of its own state, kept independently
 * of the kernel: its capability table slot by slot (generation, live or
 * free, what each live slot holds and with which rights and badge, and the
 * free list, so it can name the exact CapId the next new capability gets),
 * its children, the frames it was granted, its kernel-memory account and
 * the boot package's files. An expectation is the set of results one
 * submission may complete with (demos/chaos_oracle.h computes it). */
#ifndef CAPOS_DEMOS_CHAOS_H
#define CAPOS_DEMOS_CHAOS_H

#include "demos/demo.h"
#include "lib/errors.h"
#include "lib/fmt.h"

/* Facts of the kernel the model needs that the ABI does not state. */
#define CHAOS_SLOTS 256u                          /* kernel/process.h PROCESS_CAP_SLOTS */
#define CHAOS_USER_LOW 0x10000ull                 /* kernel/mem/aspace.h USER_MIN */
#define CHAOS_USER_HIGH 0x0000800000000000ull     /* USER_MAX: the end of the lower half */
#define CHAOS_STACK_TOP 0x00007FFFFFF00000ull     /* kernel/process.h USER_STACK_TOP: unmapped above */
#define CHAOS_ARENA_MAX (256u * 1024)             /* kernel/ring.h CALL_RESULTS_ARENA */
#define CHAOS_DEFAULT_QUOTA (1024ull * 1024)      /* kernel/kmem.h KMEM_DEFAULT_CHILD */
#define CHAOS_CONSOLE_MAX 4096u                   /* kernel/cap/console.c: longer text is refused */
#define CHAOS_FRAME_LIMIT 512u                    /* PROCESS_MAX_FRAME_GRANTS */
#define CHAOS_PAGE 4096u

/* ------------------------------------------------------------ randomness */
static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n) (n > 0; the bias is irrelevant here). */
static inline uint32_t below(uint32_t n) { return (uint32_t)((rnd() >> 32) % n); }

/* True with probability pct / 100. */
static inline bool chance(uint32_t pct) { return below(100) < pct; }

/* ------------------------------------------------------------ expectations */
#define EXP_NO_OK (-1)   /* success is impossible */
#define EXP_ANY_LEN (-2) /* success with any results length */

/* The results a submission may complete with: errors (bit n allows
 * CAPOS_E_* == -n) and success (none, any length, or exactly ok_len). */
struct expect {
	uint32_t errs;
	int32_t ok_len;
};

static inline struct expect exp_err(int e) { return (struct expect){ 1u << -e, EXP_NO_OK }; }
static inline struct expect exp_ok(int32_t len) { return (struct expect){ 0, len }; }

static inline void exp_allow(struct expect *x, int e) { x->errs |= 1u << -e; }

static inline struct expect exp_union(struct expect a, struct expect b)
{
	struct expect u = { a.errs | b.errs, a.ok_len };
	if (a.ok_len == EXP_NO_OK)
		u.ok_len = b.ok_len;
	else if (b.ok_len != EXP_NO_OK && b.ok_len != a.ok_len)
		u.ok_len = EXP_ANY_LEN;
	return u;
}

static inline bool exp_allows(const struct expect *x, int32_t r)
{
	if (r >= 0)
		return x->ok_len == EXP_ANY_LEN || (x->ok_len >= 0 && x->ok_len == r);
	return -r < 32 && (x->errs >> -r & 1);
}

/* "OK(24) | BAD_MESSAGE | ..." into buf. */
static void exp_describe(const struct expect *x, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	if (x->ok_len == EXP_ANY_LEN)
		n += (size_t)fmt_snprintf(buf + n, cap - n, "OK(any)");
	else if (x->ok_len >= 0)
		n += (size_t)fmt_snprintf(buf + n, cap - n, "OK(%d)", x->ok_len);
	for (int e = 1; e < 32 && n < cap; e++)
		if (x->errs >> e & 1)
			n += (size_t)fmt_snprintf(buf + n, cap - n, "%s%s", n ? "|" : "", capos_strerror(-e));
	/* fmt_snprintf returns the untruncated length: n may pass cap, which ends the loop. */
}

/* ------------------------------------------------------------ the model */
enum kind { K_FREE, K_CONSOLE, K_NULL, K_FRAMES, K_SPAWNER, K_BOOTPKG, K_HANDLE, K_COUNT };

static const char *const kind_name[K_COUNT] = { "free", "console", "null", "frames", "spawner", "bootpkg",
	                                        "handle" };

static const struct capnp_interface *const kind_ifc[K_COUNT] = {
	0, &capos_Console_interface, &capos_Null_interface, &capos_FrameAllocator_interface,
	&capos_ProcessSpawner_interface, &capos_BootPackage_interface, &capos_ProcessHandle_interface,
};

/* One slot of our capability table, as we believe it is. */
struct mslot {
	uint16_t gen;   /* 0: retired for good */
	bool live;
	uint8_t kind;
	int8_t child;   /* K_HANDLE: index in children[] */
	uint32_t rights;
	uint64_t badge;
};

static struct mslot mslot[CHAOS_SLOTS];
static uint16_t free_next[CHAOS_SLOTS]; /* the free list, LIFO like lib/cap_table */
static uint32_t free_head;

static inline uint32_t id_of(uint32_t idx) { return (uint32_t)mslot[idx].gen << 16 | idx; }

static void model_table_init(void)
{
	for (uint32_t i = 0; i < CHAOS_SLOTS; i++) {
		mslot[i] = (struct mslot){ .gen = 1, .child = -1 };
		free_next[i] = (uint16_t)(i + 1);
	}
	free_head = 0;
}

static inline bool model_full(void) { return free_head >= CHAOS_SLOTS; }

/* The CapId the next inserted capability gets (0 if the table is full). */
static inline uint32_t model_next_id(void) { return model_full() ? 0 : id_of(free_head); }

static uint32_t model_insert(uint8_t kind, uint32_t rights, uint64_t badge, int8_t child)
{
	uint32_t idx = free_head;
	free_head = free_next[idx];
	mslot[idx] = (struct mslot){ mslot[idx].gen, true, kind, child, rights, badge };
	return id_of(idx);
}

/* lib/cap_table's resolve order: bad id, stale generation, free slot. */
static int model_resolve(uint32_t id, struct mslot **s)
{
	uint32_t idx = id & 0xffff, gen = id >> 16;
	*s = 0;
	if (gen == 0 || idx >= CHAOS_SLOTS)
		return CAPOS_E_BAD_CAP;
	if (mslot[idx].gen != gen)
		return CAPOS_E_STALE_CAP;
	if (!mslot[idx].live)
		return CAPOS_E_BAD_CAP;
	*s = &mslot[idx];
	return CAPOS_OK;
}

/* A release: the generation moves on (a slot at the last generation is
 * retired: no id naming it is ever valid again). */
static void model_release(struct mslot *s)
{
	uint32_t idx = (uint32_t)(s - mslot);
	uint16_t gen = s->gen;
	*s = (struct mslot){ .gen = (uint16_t)(gen == UINT16_MAX ? 0 : gen + 1), .child = -1 };
	if (gen != UINT16_MAX) {
		free_next[idx] = (uint16_t)free_head;
		free_head = idx;
	}
}

/* Binaries a spawn may name, with what the spawner makes of them. */
enum bin { BIN_EXIT0, BIN_SLEEPER, BIN_SPINNER, BIN_CHAOS, BIN_MISSING, BIN_NOT_ELF, BIN_WX, BIN_MANIFEST,
	   BIN_COUNT };
static const char *const bin_name[BIN_COUNT] = { "exit0", "sleeper", "spinner", "chaos", "no-such-binary",
	                                         "not-an-elf", "bad-wx", "manifest.bin" };

/* A child whose handle we hold. */
struct child {
	bool used;
	bool shared;      /* a copy of its handle was granted to another child */
	uint8_t bin;
	uint32_t handle;
	uint32_t pid;
	uint32_t born;    /* submission count at its spawn */
	int64_t exit0_code; /* BIN_EXIT0: the length of its first argument */
	uint64_t quota;
	char name[32];
	bool seen_exited;
	int64_t seen_code;
	uint32_t waits;   /* waits made on it while we held it */
};

#define MAX_CHILDREN 12
static struct child children[MAX_CHILDREN];

/* May this child exit with code? Killed (its handle released, a kill, or
 * its parent's end) is -9; exit0 exits with its first argument's length;
 * a sub-chaos with its failure count, which must be 0. */
static bool exit_code_allowed(const struct child *c, int64_t code)
{
	if (c->seen_exited)
		return code == c->seen_code;
	switch (c->bin) {
	case BIN_EXIT0: return code == c->exit0_code || code == CAPOS_EXIT_KILLED;
	case BIN_CHAOS: return code == 0;
	default: return code == CAPOS_EXIT_KILLED;
	}
}

/* Frames granted to us, and a few we gave back (freeing one again fails). */
#define MAX_FRAMES 48
static uint64_t frames[MAX_FRAMES], freed[8];
static uint32_t nframes, nfreed;

/* The boot package, learned once at the start. */
#define MAX_FILES 64
static char file_name[MAX_FILES][40];
static uint64_t file_size[MAX_FILES];
static uint32_t nfiles, manifest_bytes, list_bytes;

static int file_find(const char *name, uint32_t len)
{
	for (uint32_t i = 0; i < nfiles; i++)
		if (strlen(file_name[i]) == len && !memcmp(file_name[i], name, len))
			return (int)i;
	return -1;
}

/* Words of a Text / Data object of len bytes in a message. */
static inline uint32_t text_words(uint32_t len) { return (len + 1 + 7) / 8; }
static inline uint32_t data_words(uint64_t len) { return (uint32_t)((len + 7) / 8); }

/* A variable-size result of `words` words (segment table and root pointer
 * included) in the kernel's arena for buf_cap: the bytes, or TOO_BIG. The
 * generated dispatch first needs room for the root struct (root_words). */
static struct expect variable_result(uint32_t buf_cap, uint32_t root_words, uint64_t words)
{
	uint32_t arena = buf_cap < CHAOS_ARENA_MAX ? buf_cap & ~7u : CHAOS_ARENA_MAX;
	if (2 + root_words > arena / 8 || words > arena / 8)
		return exp_err(CAPOS_E_TOO_BIG);
	return exp_ok((int32_t)(words * 8));
}

/* ------------------------------------------------------------ a planned call */
/* How the params bytes were made. */
enum pclass {
	P_EMPTY,     /* params_len 0: an empty message, every field its default */
	P_BUILT,     /* the generated builder with the fields below */
	P_PADDED,    /* P_BUILT followed by junk words (the reader ignores them) */
	P_TRUNCATED, /* P_BUILT cut short: the segment runs past the end */
	P_SELFREF,   /* a struct whose pointer points at itself */
	P_DAG,       /* a chain of structs whose pointers all point at the next one */
	P_RANDOM,    /* a valid segment table over random words */
	P_MUTATED,   /* P_BUILT with random bytes changed */
	P_FOREIGN,   /* memory we do not own (the CapSet page, the stack's top) */
	P_COUNT
};
static const char *const pclass_name[P_COUNT] = { "empty", "built", "padded", "truncated", "self-ref", "dag",
	                                          "random", "mutated", "foreign" };

/* Where buf points. */
enum bufkind { BK_OWN, BK_BIG, BK_UNMAPPED, BK_LOW, BK_KERNEL, BK_USER_END, BK_STACK_TOP, BK_CAPSET,
	       BK_RING_EDGE, BK_COUNT };
static const char *const bufkind_name[BK_COUNT] = { "own", "big", "unmapped", "below-user", "kernel",
	                                            "user-end", "stack-top", "capset", "ring-edge" };

struct grant_plan {
	char name[32];
	uint32_t name_len;
	uint32_t cap;      /* CAPNP_CAP_NONE: a null pointer */
	uint64_t iface;
	uint64_t badge;
	uint32_t rights;
};

#define SPAWN_MAX_GRANTS 66
struct spawn_plan {
	char name[40];
	uint32_t name_len;
	char binary[140];
	uint32_t binary_len;
	uint8_t bin;       /* BIN_*, or BIN_COUNT for a name no table entry has */
	uint32_t ngrants;
	struct grant_plan g[SPAWN_MAX_GRANTS];
	uint32_t nargs;
	char args[3][1700];
	uint32_t arg_len[3];
	uint64_t kmem;
};

struct plan {
	struct capos_sqe sqe;
	uint8_t pclass, bufkind;
	uint32_t readable, writable; /* bytes from buf that are mapped readable / writable */
	/* The fields of P_BUILT params (and their defaults for P_EMPTY). */
	uint64_t v0, v1;  /* echo value; alloc count; free phys; read offset */
	uint32_t v2;      /* alloc contiguous; free count; read length */
	char text[48];    /* Console text prefix, stat/read name */
	uint32_t text_len;
	struct spawn_plan *sp;
};

/* Is len bytes of text acceptable to call_text (kernel/cap/kobject.c):
 * non-empty, shorter than cap, no NUL? */
static bool text_ok(const char *s, uint32_t len, uint32_t cap)
{
	if (len == 0 || len >= cap)
		return false;
	for (uint32_t i = 0; i < len; i++)
		if (!s[i])
			return false;
	return true;
}

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
static uint32_t orphan_waits; /* waits made on children that became orphans */

/* At least as many waits as are pending, counted from what was submitted
 * and released alone (never from completions, whose timing varies), so the
 * same seed generates the same submissions: a wait on a child we hold may
 * be pending, one on a child we released completed then — unless another
 * child held a copy of its handle. */
static uint32_t waits_bound(void)
{
	uint32_t n = orphan_waits;
	for (int i = 0; i < MAX_CHILDREN; i++)
		n += children[i].used ? children[i].waits : 0;
	return n;
}
static struct capos_cqe last_cqe; /* the latest completion */
static uint8_t spawn_copy[16384]; /* a spawn's params (one spawn in flight at a time) */
static uint32_t spawn_copy_len;
static struct spawn_plan splan;

/* A free operation record. The run never has more than about 80 in flight
 * (a batch, the waits, a checkpoint's releases), so running out is a bug
 * of the fuzzer: it stops. */
static struct op *op_new(void)
{
	for (uint32_t i = 0; i < NOPS; i++)
		if (!ops[i].busy)
			return memset(&ops[i], 0, sizeof ops[i]), &ops[i];
	printf("chaos: FAILED: no free operation record (%u in flight)\n", inflight);
	rt_exit(99);
}

static inline uint32_t op_index(const struct op *o) { return (uint32_t)(o - ops); }

#endif
