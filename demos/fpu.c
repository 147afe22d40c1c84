/* fpu: every process has its own x87, SSE and AVX state, and starts with
 * the default one.
 *
 * The demo and a worker running this same binary each fill the x87 stack,
 * xmm0-15 and (with AVX) the upper halves of ymm0-15 with values of their
 * own, spin until the timer has switched them out and back in, and check
 * that every register still holds what they put there, many times over,
 * with fresh values each round. The demo runs with a non-default x87
 * control word and MXCSR, the worker with the defaults.
 *
 * Fresh processes of this binary, spawned while the demo's or the worker's
 * values are live in the registers, check the state they started with.
 * This binary's entry point (fpu_entry, set in mk/user.mk) records the
 * registers before any C code can touch them, then goes on to _start.
 *
 * Last, children that unmask an x87 and an SSE exception and trigger it
 * are killed, each alone.
 *
 * Roles, by argument: none (the demo), "worker GAP LIMIT WANT" (TSC cycles
 * that mean "switched out", the longest spin, the switches wanted),
 * "fresh LABEL", "x87-fault", "simd-fault".
 *
 * A switch is seen as a gap between two TSC readings longer than an
 * interrupt could take; on a busy host, the emulator being descheduled
 * looks the same, which only makes the rounds shorter. */
#include "demos/demo.h"
#include "lib/fmt.h"

const char demo_name[] = "fpu";

#define FCW_DEFAULT 0x037F
#define MXCSR_DEFAULT 0x1F80
#define DEMO_FCW 0x0F7F   /* round toward zero, all exceptions masked */
#define DEMO_MXCSR 0xFF80 /* flush to zero, round toward zero, all masked */
#define FSW_CHECKED 0x38FF /* TOP, exception summary, stack fault, exception flags */
#define WANT_SWITCHES 16
#define ROUNDS_MAX 200 /* at most 50 ms each: a bound, should the other process stop */
#define ROLE_DEMO 1
#define ROLE_WORKER 2

/* ------------------------------------------------------------ entry state */

/* The FXSAVE64 image. */
struct fxsave_image {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved0; /* abridged tag word: one bit per register, 0 = empty */
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16]; /* 10 bytes each */
	uint8_t xmm[16][16];
	uint8_t reserved1[96];
};
_Static_assert(sizeof(struct fxsave_image) == 512, "FXSAVE writes 512 bytes");

struct entry_state {
	struct fxsave_image fx;
	uint8_t ymm_hi[16][16];
	uint8_t has_avx;
};
_Static_assert(__builtin_offsetof(struct entry_state, ymm_hi) == 512, "fpu_entry: ymm_hi");
_Static_assert(__builtin_offsetof(struct entry_state, has_avx) == 768, "fpu_entry: has_avx");

extern struct entry_state fpu_at_entry;
__attribute__((used, aligned(64))) struct entry_state fpu_at_entry;

/* The entry point: FXSAVE, then the upper halves of ymm0-15 when CPUID
 * says AVX and OSXSAVE and XCR0 enables AVX. Keeps RDI, RSI, RDX (the
 * arguments _start passes on) and RSP. */
__asm__(".pushsection .text.fpu_entry, \"ax\", @progbits\n"
        ".globl fpu_entry\n"
        ".type fpu_entry, @function\n"
        "fpu_entry:\n"
        "	fxsave64 fpu_at_entry(%rip)\n"
        "	movq %rdx, %r8\n"
        "	movl $1, %eax\n"
        "	xorl %ecx, %ecx\n"
        "	cpuid\n"
        "	andl $0x18000000, %ecx\n" /* OSXSAVE | AVX */
        "	cmpl $0x18000000, %ecx\n"
        "	jne 1f\n"
        "	xorl %ecx, %ecx\n"
        "	xgetbv\n"
        "	andl $6, %eax\n" /* SSE | AVX */
        "	cmpl $6, %eax\n"
        "	jne 1f\n"
        "	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "	vextractf128 $1, %ymm\\r, fpu_at_entry+512+16*\\r(%rip)\n"
        "	.endr\n"
        "	movb $1, fpu_at_entry+768(%rip)\n"
        "1:	movq %r8, %rdx\n"
        "	jmp _start\n"
        ".size fpu_entry, . - fpu_entry\n"
        ".popsection\n");

/* ------------------------------------------------------------ reporting */

/* CHECK's format, printed with one console write so that lines of the
 * processes running side by side never mix. */
__attribute__((format(printf, 2, 3))) static void check(bool ok, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	printf("%s: %s: %s\n", demo_name, ok ? "ok" : "FAILED", line);
	demo_failures += !ok;
}

/* Appends to a NUL-terminated list of findings. */
__attribute__((format(printf, 3, 4))) static void note(char *buf, size_t cap, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf + used, cap - used, fmt, ap);
	va_end(ap);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A process of this binary checks what its entry point recorded: FNINIT's
 * x87 state (FCW 0x37F, FSW 0 so TOP 0, every tag empty, no last
 * instruction or operand), MXCSR 0x1F80 and every register zero. */
static void check_entry_state(const char *who)
{
	const struct fxsave_image *fx = &fpu_at_entry.fx;
	char why[320] = "";
	if (fx->fcw != FCW_DEFAULT)
		note(why, sizeof why, " FCW=%#x", fx->fcw);
	if (fx->fsw)
		note(why, sizeof why, " FSW=%#x", fx->fsw);
	if (fx->ftw)
		note(why, sizeof why, " tags=%#x", fx->ftw);
	if (fx->fop || fx->fip || fx->fdp)
		note(why, sizeof why, " FOP=%#x FIP=%#llx FDP=%#llx", fx->fop, (unsigned long long)fx->fip,
		     (unsigned long long)fx->fdp);
	if (fx->mxcsr != MXCSR_DEFAULT)
		note(why, sizeof why, " MXCSR=%#x", fx->mxcsr);
	for (int i = 0; i < 8; i++)
		if (!all_zero(fx->st[i], 10))
			note(why, sizeof why, " st%d", i);
	for (int i = 0; i < 16; i++)
		if (!all_zero(fx->xmm[i], 16))
			note(why, sizeof why, " xmm%d", i);
	for (int i = 0; i < 16 && fpu_at_entry.has_avx; i++)
		if (!all_zero(fpu_at_entry.ymm_hi[i], 16))
			note(why, sizeof why, " ymm%d-upper", i);
	check(!why[0], "%s started with the default FPU state (FCW 0x37f, FSW 0, x87 stack empty, MXCSR 0x1f80, "
	      "st0-7, xmm0-15%s zero)%s%s", who, fpu_at_entry.has_avx ? ", ymm0-15 upper halves" : "",
	      why[0] ? "; not default:" : "", why);
}

/* ------------------------------------------------------------ holding values */

struct fpu_values {
	int64_t x87[8];      /* st(i) = x87[i] */
	uint8_t ymm[16][32]; /* xmm in the low 16 bytes */
	uint32_t mxcsr;
	uint16_t fcw;
	uint16_t fsw; /* read back only */
};
_Static_assert(__builtin_offsetof(struct fpu_values, ymm) == 64, "fpu_hold: ymm");
_Static_assert(__builtin_offsetof(struct fpu_values, mxcsr) == 576, "fpu_hold: mxcsr");
_Static_assert(__builtin_offsetof(struct fpu_values, fcw) == 580, "fpu_hold: fcw");
_Static_assert(__builtin_offsetof(struct fpu_values, fsw) == 582, "fpu_hold: fsw");

/* Loads in's control words, x87 stack and vector registers (whole ymm
 * registers with avx, else xmm), spins reading the TSC until two readings
 * are more than gap apart (the process was switched out in between) or
 * limit has passed, then stores everything into out, emptying the x87
 * stack. Returns whether it was switched out. The control words stay as
 * loaded, and so do the vector registers: the next fresh process is to see
 * none of them. */
bool fpu_hold(const struct fpu_values *in, struct fpu_values *out, uint64_t avx, uint64_t gap, uint64_t limit);
__asm__(".text\n"
        ".globl fpu_hold\n"
        ".type fpu_hold, @function\n"
        "fpu_hold:\n"
        "	movq %rdx, %r9\n"
        "	fldcw 580(%rdi)\n"
        "	ldmxcsr 576(%rdi)\n"
        "	.irp i, 7,6,5,4,3,2,1,0\n"
        "	fildq 8*\\i(%rdi)\n"
        "	.endr\n"
        "	testq %r9, %r9\n"
        "	jz 1f\n"
        "	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "	vmovdqu 64+32*\\r(%rdi), %ymm\\r\n"
        "	.endr\n"
        "	jmp 2f\n"
        "1:	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "	movdqu 64+32*\\r(%rdi), %xmm\\r\n"
        "	.endr\n"
        "2:	rdtsc\n"
        "	shlq $32, %rdx\n"
        "	orq %rdx, %rax\n"
        "	movq %rax, %r10\n" /* start */
        "	movq %rax, %r11\n" /* previous reading */
        "3:	rdtsc\n"
        "	shlq $32, %rdx\n"
        "	orq %rax, %rdx\n"
        "	movq %rdx, %rax\n"
        "	subq %r11, %rax\n"
        "	movq %rdx, %r11\n"
        "	cmpq %rcx, %rax\n"
        "	ja 4f\n"
        "	subq %r10, %rdx\n"
        "	cmpq %r8, %rdx\n"
        "	jb 3b\n"
        "	xorl %eax, %eax\n"
        "	jmp 5f\n"
        "4:	movl $1, %eax\n"
        "5:	fnstcw 580(%rsi)\n"
        "	stmxcsr 576(%rsi)\n"
        "	testq %r9, %r9\n"
        "	jz 6f\n"
        "	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "	vmovdqu %ymm\\r, 64+32*\\r(%rsi)\n"
        "	.endr\n"
        "	jmp 7f\n"
        "6:	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "	movdqu %xmm\\r, 64+32*\\r(%rsi)\n"
        "	.endr\n"
        "7:	.irp i, 0,1,2,3,4,5,6,7\n"
        "	fistpq 8*\\i(%rsi)\n"
        "	.endr\n"
        "	fnstsw 582(%rsi)\n"
        "	ret\n"
        ".size fpu_hold, . - fpu_hold\n");

static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 29)) * 0xBF58476D1CE4E5B9ull;
	return x ^ (x >> 32);
}

/* Values of their own for each role and round. */
static void make_values(uint32_t role, uint32_t round, struct fpu_values *v)
{
	uint64_t seed = (uint64_t)role << 48 | (uint64_t)round << 16;
	for (int i = 0; i < 8; i++) {
		int64_t x = (int64_t)(mix(seed + (uint64_t)i) >> 2);
		v->x87[i] = (i & 1) ? -x : x;
	}
	for (int r = 0; r < 16; r++)
		for (int k = 0; k < 4; k++) {
			uint64_t w = mix(seed + 0x100 + (uint64_t)(r * 4 + k));
			memcpy(&v->ymm[r][k * 8], &w, 8);
		}
	v->fcw = role == ROLE_DEMO ? DEMO_FCW : FCW_DEFAULT;
	v->mxcsr = role == ROLE_DEMO ? DEMO_MXCSR : MXCSR_DEFAULT;
	v->fsw = 0;
}

/* The first difference between what was loaded and what came back, or
 * an empty string. */
static void compare(const struct fpu_values *in, const struct fpu_values *out, bool avx, char *why, size_t cap)
{
	why[0] = 0;
	for (int i = 0; i < 8 && !why[0]; i++)
		if (in->x87[i] != out->x87[i])
			note(why, cap, "st%d %lld, loaded %lld", i, (long long)out->x87[i], (long long)in->x87[i]);
	for (int r = 0; r < 16 && !why[0]; r++) {
		if (memcmp(in->ymm[r], out->ymm[r], 16))
			note(why, cap, "xmm%d changed", r);
		else if (avx && memcmp(in->ymm[r] + 16, out->ymm[r] + 16, 16))
			note(why, cap, "ymm%d upper half changed", r);
	}
	if (!why[0] && out->fcw != in->fcw)
		note(why, cap, "FCW %#x, loaded %#x", out->fcw, in->fcw);
	if (!why[0] && out->mxcsr != in->mxcsr)
		note(why, cap, "MXCSR %#x, loaded %#x", out->mxcsr, in->mxcsr);
	if (!why[0] && (out->fsw & FSW_CHECKED))
		note(why, cap, "FSW %#x after emptying the stack", out->fsw);
}

struct tally {
	uint32_t rounds, switched, bad;
	char first_bad[160];
};

/* One round: load this role's values for the round, hold them until
 * switched out and back (or limit), check them. */
static bool hold_round(uint32_t role, bool avx, uint64_t gap, uint64_t limit, struct tally *t)
{
	static struct fpu_values in, out;
	char why[160];
	make_values(role, t->rounds, &in);
	memset(&out, 0, sizeof out);
	bool switched = fpu_hold(&in, &out, avx, gap, limit);
	compare(&in, &out, avx, why, sizeof why);
	if (why[0] && !t->bad++)
		fmt_snprintf(t->first_bad, sizeof t->first_bad, "round %u: %s", t->rounds, why);
	t->rounds++;
	t->switched += switched;
	return switched;
}

static void report_tally(const char *who, uint32_t role, bool avx, uint32_t want, const struct tally *t)
{
	struct fpu_values v;
	make_values(role, 0, &v);
	check(t->switched >= want && !t->bad,
	      "%s held its own values over %u switches to other processes in %u rounds (x87 st0-7, xmm0-15%s, "
	      "MXCSR %#x, FCW %#x)%s%s",
	      who, t->switched, t->rounds, avx ? ", ymm0-15 upper halves" : "", v.mxcsr, v.fcw,
	      t->bad ? "; wrong values, first in " : t->switched < want ? "; too few switches" : "", t->first_bad);
}

/* ------------------------------------------------------------ roles */

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static bool avx_usable(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if ((c & 0x18000000u) != 0x18000000u) /* OSXSAVE | AVX */
		return false;
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6; /* XCR0: SSE | AVX */
}

static uint64_t parse_u64(const char *s)
{
	uint64_t v = 0;
	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* The worker: holds values until it has been switched out `want` times
 * (the demo keeps competing for the CPU until the worker has exited). */
static int worker(void)
{
	check_entry_state("the worker");
	uint64_t gap = parse_u64(rt_arg(1)), limit = parse_u64(rt_arg(2));
	uint32_t want = (uint32_t)parse_u64(rt_arg(3));
	bool avx = avx_usable();
	struct tally t = { 0 };
	while (t.switched < want && t.rounds < ROUNDS_MAX)
		hold_round(ROLE_WORKER, avx, gap, limit, &t);
	report_tally("the worker", ROLE_WORKER, avx, want, &t);
	return demo_failures;
}

static struct {
	capos_ProcessSpawner spawner;
	uint32_t console;
} caps;

/* Spawns this binary in role args[0]; the child gets the console. */
static bool spawn_self(const char *const *args, uint32_t nargs, capos_ProcessHandle *h)
{
	struct rt_grant g = { "console", caps.console, capos_Console_ID, 0, capos_rightsAll };
	struct rt_spawn_args a = { "fpu", "fpu", &g, 1, args, nargs, 0 };
	return rt_spawn(caps.spawner, &a, h, 0) == CAPOS_OK;
}

/* A fresh process, spawned while label's values are live; waits for it. */
static void spawn_fresh(const char *label)
{
	const char *args[] = { "fresh", label };
	capos_ProcessHandle h = { 0 };
	int64_t code = -1;
	bool ok = spawn_self(args, 2, &h) && rt_wait(h, &code) == CAPOS_OK && code == 0;
	check(ok, "the fresh process spawned %s exited with code %lld", label, (long long)code);
	rt_release(h.id);
}

/* TSC cycles per millisecond, from a 30 ms timed wait (the tick rounds it
 * up by at most one tick: close enough for telling a 10 ms time slice
 * from an interrupt). */
static uint64_t tsc_per_ms(void)
{
	uint64_t t0 = tsc();
	sys_cap_enter(1, 30 * 1000 * 1000);
	return (tsc() - t0) / 30;
}

/* A process that unmasks invalid-operation exceptions and divides 0 by 0:
 * the x87 raises #MF at the next FWAIT (CR0.NE), SSE raises #XM at once
 * (CR4.OSXMMEXCPT). Either kills only that process. Exit code 100: no
 * fault; 101: SSE only set the exception flag (QEMU's TCG never raises
 * #XM). */
static int fault(bool x87)
{
	static const uint16_t fcw = FCW_DEFAULT & ~0x5;        /* IM and ZM clear */
	static const uint32_t mxcsr = MXCSR_DEFAULT & ~0x280u; /* IM and ZM clear */
	uint32_t after = 0;
	if (x87)
		__asm__ volatile("fldcw %0; fldz; fldz; fdivp; fwait" : : "m"(fcw) : "memory");
	else
		__asm__ volatile("ldmxcsr %1; xorps %%xmm0, %%xmm0; divss %%xmm0, %%xmm0; stmxcsr %0"
		                 : "=m"(after)
		                 : "m"(mxcsr)
		                 : "xmm0", "memory");
	return (after & 1) ? 101 : 100;
}

static void spawn_fault(const char *role, const char *what)
{
	const char *args[] = { role };
	capos_ProcessHandle h = { 0 };
	int64_t code = 0;
	bool ok = spawn_self(args, 1, &h) && rt_wait(h, &code) == CAPOS_OK;
	rt_release(h.id);
	if (ok && code == 101)
		printf("fpu: %s was only flagged in MXCSR, not raised (as under QEMU's TCG): not checked\n", what);
	else
		check(ok && code == -1, "%s killed only that process (exit code %lld)", what, (long long)code);
}

static int demo(void)
{
	check_entry_state("the demo (spawned by init)");
	caps.spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	caps.console = rt_capset_find("console", capos_Console_ID);
	bool avx = avx_usable();
	if (avx)
		printf("fpu: AVX is usable (CPUID AVX and OSXSAVE, XCR0 has SSE|AVX): ymm upper halves are checked\n");
	else
		printf("fpu: no AVX here (CPUID AVX, OSXSAVE or XCR0 lacks it): only x87 and SSE state are checked\n");

	/* The demo's values stay live while the child starts (but for the x87
	 * stack, which fpu_hold empties as it reads it back). */
	struct tally t = { 0 };
	hold_round(ROLE_DEMO, avx, UINT64_MAX, 0, &t);
	spawn_fresh("after the demo loaded its values");

	uint64_t per_ms = tsc_per_ms();
	uint64_t gap = 2 * per_ms, limit = 50 * per_ms;
	char gap_s[24], limit_s[24], want_s[24];
	fmt_snprintf(gap_s, sizeof gap_s, "%llu", (unsigned long long)gap);
	fmt_snprintf(limit_s, sizeof limit_s, "%llu", (unsigned long long)limit);
	fmt_snprintf(want_s, sizeof want_s, "%u", WANT_SWITCHES);
	const char *args[] = { "worker", gap_s, limit_s, want_s };
	capos_ProcessHandle w = { 0 };
	check(spawn_self(args, 4, &w), "spawned the worker (a switch is a TSC gap over %llu cycles, 2 ms)",
	      (unsigned long long)gap);

	/* Compete with the worker until it has exited (it stops after its
	 * WANT_SWITCHES switches); halfway, start a fresh process. */
	static uint64_t waitbuf[8];
	struct capos_sqe wait = { .opcode = CAPOS_OP_CALL, .cap = w.id, .interface_id = capos_ProcessHandle_ID,
		                  .method = capos_ProcessHandle_wait_ORDINAL, .user_data = rt_ring_next_user_data(),
		                  .buf = (uint64_t)(uintptr_t)waitbuf, .buf_cap = sizeof waitbuf };
	rt_ring_submit(&wait);
	sys_cap_enter(0, 0);
	struct capos_cqe exited;
	bool fresh_done = false;
	while (!rt_ring_poll(wait.user_data, &exited) && t.rounds < ROUNDS_MAX) {
		hold_round(ROLE_DEMO, avx, gap, limit, &t);
		if (!fresh_done && t.switched >= WANT_SWITCHES / 2) {
			spawn_fresh("while the worker holds its values");
			fresh_done = true;
		}
	}
	int64_t code = -1;
	bool waited = rt_wait(w, &code) == CAPOS_OK;
	report_tally("the demo", ROLE_DEMO, avx, WANT_SWITCHES / 2, &t);
	check(waited && code == 0, "the worker exited with code %lld", (long long)code);
	rt_release(w.id);

	spawn_fault("x87-fault", "an unmasked x87 exception (#MF)");
	spawn_fault("simd-fault", "an unmasked SIMD exception (#XM)");
	hold_round(ROLE_DEMO, avx, UINT64_MAX, 0, &t);
	check(!t.bad, "the demo's own values and control words are intact after the faults");
	return demo_finish();
}

int main(void)
{
	const char *role = rt_argc() ? rt_arg(0) : "";
	if (!strcmp(role, "worker"))
		return worker();
	if (!strcmp(role, "x87-fault") || !strcmp(role, "simd-fault"))
		return fault(!strcmp(role, "x87-fault"));
	if (!strcmp(role, "fresh")) {
		char who[96];
		fmt_snprintf(who, sizeof who, "a fresh process spawned %s", rt_arg(1));
		check_entry_state(who);
		return demo_failures;
	}
	return demo();
}
