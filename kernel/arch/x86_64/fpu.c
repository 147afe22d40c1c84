/* Per-thread x87/SSE/AVX state.
 *
 * Each user thread has a save area at the top of its kernel stack (see
 * arch_thread_init_user): sized from CPUID leaf 0xD for the XSAVE family,
 * 512 bytes for FXSAVE, 64-byte aligned either way. It lives and dies with
 * the stack, so it needs no allocation of its own and is accounted as part
 * of the thread's stack. A new thread's area holds the default state, never
 * a copy of whatever was live.
 *
 * Switching is eager: the state is saved and restored in the context switch
 * itself, CR0.TS stays clear and #NM never happens. Lazy switching (TS set,
 * restore on the first #NM) saves work only for threads that do not touch
 * the FPU, and user code built for the normal ABI touches SSE almost at once
 * (memcpy, struct copies, printf's prologue); it also leaves one thread's
 * state in the registers while another runs, which speculative execution
 * can read (LazyFP, CVE-2018-3665).
 *
 * The registers belong to `owner`, the last user thread switched to. The
 * kernel itself never uses them (it is built without SSE or x87 code), so a
 * switch to the idle thread saves nothing, and a switch from idle back to
 * the owner restores nothing: only entering a different user thread saves
 * the owner's state and loads the newcomer's. A user thread never runs with
 * anyone else's state in the registers. An exiting thread stops being the
 * owner without a save (fpu_forget), so its area may be freed at once.
 *
 * The kernel must not use these units: XSAVE/FXSAVE here would otherwise
 * save kernel values, and user state live in the registers would be lost. */
#include "kernel/arch/x86_64/fpu.h"

#include <stdbool.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/log.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define CPUID1_EDX_FXSR (1u << 24)
#define CPUID1_EDX_SSE (1u << 25)
#define CPUID1_EDX_SSE2 (1u << 26)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX (1u << 28)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID_D1_EAX_XSAVEOPT (1u << 0)
#define CPUID_80000008_EBX_ERR_PTRS (1u << 2) /* FXRSTOR/XRSTOR always restore FIP, FDP, FOP */

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_FFXSR (1ull << 14) /* AMD fast FXSAVE: would skip the XMM registers at CPL 0 */

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

/* The legacy region, shared by FXSAVE and XSAVE; the XSAVE header follows
 * it and must be zero in a fresh area (XSTATE_BV 0: every component in its
 * initial state, which XRSTOR loads as such). */
#define LEGACY_FCW 0
#define LEGACY_MXCSR 24
#define LEGACY_BYTES 512
#define XSAVE_MIN_BYTES (LEGACY_BYTES + 64)
#define FCW_DEFAULT 0x037F
#define MXCSR_DEFAULT 0x1F80
#define AREA_MAX_BYTES 4096 /* x87 + SSE + AVX take 832; this bounds what a kernel stack gives up */
#define EMULATED_NOPS 256
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define EMULATED_CYCLES (EMULATED_NOPS * 64) /* hardware: about 1 per NOP; emulated: thousands */

enum fpu_mechanism { FPU_FXSAVE, FPU_XSAVE, FPU_XSAVEOPT };

static enum fpu_mechanism mechanism;
static uint64_t xcr0;            /* the components XSAVE covers (0 with FXSAVE) */
static uint32_t area_bytes;      /* what the instruction writes */
static bool clear_error_pointers; /* restores leave FIP/FDP/FOP alone (older AMD) */
static struct arch_thread *owner; /* whose state the registers hold; NULL: nobody's */
static const uint32_t zero_word;

uint32_t fpu_area_bytes(void) { return (area_bytes + 63) & ~63u; }

void fpu_area_init(void *area)
{
	uint8_t *a = area;
	memset(a, 0, area_bytes);
	*(uint16_t *)(a + LEGACY_FCW) = FCW_DEFAULT;
	*(uint32_t *)(a + LEGACY_MXCSR) = MXCSR_DEFAULT;
}

static void save(void *area)
{
	uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
	if (mechanism == FPU_XSAVEOPT)
		__asm__ volatile("xsaveopt64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
	else if (mechanism == FPU_XSAVE)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

/* On CPUs whose restores keep the last x87 instruction and data pointers
 * unless an exception is pending, the previous thread's pointers would show
 * through; one harmless x87 load first overwrites them with the kernel's
 * (after FNCLEX, so no pending exception fires, and EMMS, so the stack has
 * room). */
static void restore(const void *area)
{
	uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
	if (clear_error_pointers)
		__asm__ volatile("fnclex; emms; fildl %0" : : "m"(zero_word));
	if (mechanism == FPU_FXSAVE)
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	else
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
}

void fpu_switch_to(struct arch_thread *to)
{
	if (!to->fpu || to == owner)
		return;
	if (owner)
		save(owner->fpu);
	restore(to->fpu);
	owner = to;
}

void fpu_forget(const struct arch_thread *t)
{
	if (owner == t)
		owner = 0;
}

static bool amd_keeps_error_pointers(void)
{
	if (strcmp(cpu_features.vendor, "AuthenticAMD") && strcmp(cpu_features.vendor, "HygonGenuine"))
		return false;
	if (cpuid(0x80000000u, 0).eax < 0x80000008u)
		return true;
	return !(cpuid(0x80000008u, 0).ebx & CPUID_80000008_EBX_ERR_PTRS);
}

static void xsetbv0(uint64_t v) { __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }

/* Whether a hypervisor runs kernel code through an instruction emulator,
 * one trap per instruction. PVM, the software hypervisor behind /dev/kvm
 * on the machines capOS is developed on, runs a kernel that is not a PVM
 * guest that way; KVM's emulator has FXSAVE but no XSAVE, XRSTOR, XGETBV
 * or AVX instruction, and the first one it meets stops the VM, although
 * CPUID offers them all. A straight run of NOPs tells: hardware and TCG
 * take about a cycle for each, the emulator thousands. The least of five
 * runs discounts the host's scheduling. Never on bare metal. */
static bool kernel_is_emulated(uint32_t cpuid1_ecx)
{
	if (!(cpuid1_ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	uint64_t least = UINT64_MAX;
	for (int run = 0; run < 5; run++) {
		uint64_t t0 = rdtsc();
		__asm__ volatile(".rept " STRINGIFY(EMULATED_NOPS) "\n\tnop\n\t.endr");
		uint64_t t = rdtsc() - t0;
		least = t < least ? t : least;
	}
	return least > EMULATED_CYCLES;
}

/* XSAVE where CPUID has it: XCR0 covers x87 and SSE, and AVX when the CPU
 * has it; the area size is what CPUID leaf 0xD reports for that XCR0. */
static void use_xsave(uint32_t cpuid1_ecx)
{
	write_cr4(read_cr4() | CR4_OSXSAVE);
	struct cpuid_regs d0 = cpuid(0xD, 0);
	uint64_t supported = d0.eax | (uint64_t)d0.edx << 32;
	KASSERT((supported & (XCR0_X87 | XCR0_SSE)) == (XCR0_X87 | XCR0_SSE), "XSAVE covers x87 and SSE");
	xcr0 = XCR0_X87 | XCR0_SSE;
	if ((cpuid1_ecx & CPUID1_ECX_AVX) && (supported & XCR0_AVX))
		xcr0 |= XCR0_AVX;
	xsetbv0(xcr0);
	area_bytes = cpuid(0xD, 0).ebx;
	mechanism = (cpuid(0xD, 1).eax & CPUID_D1_EAX_XSAVEOPT) ? FPU_XSAVEOPT : FPU_XSAVE;
}

const char *arch_fpu_init(void)
{
	static char summary[256];
	struct cpuid_regs r1 = cpuid(1, 0);
	uint32_t need = CPUID1_EDX_FXSR | CPUID1_EDX_SSE | CPUID1_EDX_SSE2;
	KASSERT((r1.edx & need) == need, "every x86_64 CPU has FXSAVE, SSE and SSE2");

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	uint64_t efer = rdmsr(MSR_EFER);
	if (efer & EFER_FFXSR)
		wrmsr(MSR_EFER, efer & ~EFER_FFXSR);

	mechanism = FPU_FXSAVE;
	area_bytes = LEGACY_BYTES;
	bool emulated = kernel_is_emulated(r1.ecx);
	if ((r1.ecx & CPUID1_ECX_XSAVE) && cpuid(0, 0).eax >= 0xD && !emulated)
		use_xsave(r1.ecx);
	KASSERT(area_bytes >= (xcr0 ? XSAVE_MIN_BYTES : LEGACY_BYTES) && area_bytes <= AREA_MAX_BYTES,
	        "the save area size CPUID reports is plausible");
	clear_error_pointers = !emulated && amd_keeps_error_pointers();
	__asm__ volatile("fninit");

	static const char *const names[] = { "FXSAVE", "XSAVE", "XSAVEOPT" };
	const char *why = xcr0 ? ""
	                  : emulated ? " (a hypervisor emulates the kernel's instructions and has no XSAVE: "
	                               "AVX state, if user code uses it, is not saved)"
	                             : " (no XSAVE)";
	fmt_snprintf(summary, sizeof summary, "%s of x87 SSE%s%s, %u-byte save area per user thread, eager switch%s",
	             names[mechanism], (xcr0 & XCR0_AVX) ? " AVX" : "", why, fpu_area_bytes(),
	             clear_error_pointers ? ", x87 error pointers cleared before each restore" : "");
	return summary;
}
