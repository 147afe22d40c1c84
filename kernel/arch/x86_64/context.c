/* Threads on x86_64: system-call MSRs, per-CPU data, new-thread stacks and
 * the context switch. */
#include <stddef.h>

#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/log.h"
#include "kernel/syscall.h"
#include "lib/mem.h"

#define MSR_STAR 0xC0000081u
#define MSR_LSTAR 0xC0000082u
#define MSR_SFMASK 0xC0000084u
#define MSR_FS_BASE 0xC0000100u
#define MSR_GS_BASE 0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define EFER_SCE (1ull << 0)
#define RFLAGS_IF 0x200ull
#define SFMASK_BITS 0x47700ull /* AC, NT, IOPL, DF, IF, TF */
#define SYSCALL_VECTOR 0x100

/* What GS points at in the kernel. syscall.S knows these offsets. */
struct percpu {
	uint64_t kernel_rsp; /* top of the current thread's kernel stack */
	uint64_t user_rsp;   /* scratch: user RSP during system-call entry */
};
_Static_assert(offsetof(struct percpu, kernel_rsp) == 0, "syscall.S: PERCPU_KERNEL_RSP");
_Static_assert(offsetof(struct percpu, user_rsp) == 8, "syscall.S: PERCPU_USER_RSP");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * 8, "syscall.S: FRAME_RIP");

static struct percpu percpu;

extern char syscall_entry[], thread_entry_user[], thread_entry_kernel[];
void arch_switch_stack(uint64_t *save_rsp, uint64_t new_rsp);

void arch_user_init(void)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&percpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_CODE - 16) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, SFMASK_BITS);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* The switch frame arch_switch_stack pops: r15 r14 r13 r12 rbx rbp, ret. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp, ret;
};

/* A user thread's kernel stack, from the top: the FPU save area (64-byte
 * aligned), the trap frame the first entry leaves through, the switch
 * frame. TSS.RSP0 and the system-call stack start below the save area. */
void arch_thread_init_user(struct arch_thread *t, uint64_t kstack_top, uint64_t entry, uint64_t user_rsp,
                           uint64_t a0, uint64_t a1, uint64_t a2)
{
	KASSERT((kstack_top & 63) == 0, "kernel stack tops are 64-byte aligned");
	t->fpu = (void *)(uintptr_t)(kstack_top - fpu_area_bytes());
	fpu_area_init(t->fpu);
	kstack_top = (uint64_t)(uintptr_t)t->fpu;
	struct trap_frame *tf = (struct trap_frame *)(kstack_top - sizeof(*tf));
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->cs = SEL_USER_CODE;
	tf->rflags = RFLAGS_IF;
	tf->rsp = user_rsp;
	tf->ss = SEL_USER_DATA;
	tf->rdi = a0;
	tf->rsi = a1;
	tf->rdx = a2;
	struct switch_frame *sf = (struct switch_frame *)tf - 1;
	memset(sf, 0, sizeof(*sf));
	sf->ret = (uint64_t)(uintptr_t)thread_entry_user;
	t->saved_rsp = (uint64_t)(uintptr_t)sf;
	t->kstack_top = kstack_top;
	t->fs_base = 0;
	t->io = (struct arch_io_ranges){ 0 };
}

void arch_thread_init_kernel(struct arch_thread *t, uint64_t kstack_top, void (*fn)(void))
{
	KASSERT((kstack_top & 15) == 0, "kernel stacks are 16-byte aligned");
	struct switch_frame *sf = (struct switch_frame *)kstack_top - 1; /* ret in the top word */
	memset(sf, 0, sizeof(*sf));
	sf->r12 = (uint64_t)(uintptr_t)fn;
	sf->ret = (uint64_t)(uintptr_t)thread_entry_kernel;
	t->saved_rsp = (uint64_t)(uintptr_t)sf;
	t->kstack_top = kstack_top;
	t->fs_base = 0;
	t->fpu = 0;
	t->io = (struct arch_io_ranges){ 0 };
}

void arch_thread_exit(struct arch_thread *t) { fpu_forget(t); }

static void load_thread_state(struct arch_thread *to, uint64_t to_root)
{
	gdt_set_kernel_stack(to->kstack_top);
	percpu.kernel_rsp = to->kstack_top;
	wrmsr(MSR_FS_BASE, to->fs_base);
	if (read_cr3() != to_root)
		write_cr3(to_root);
	fpu_switch_to(to);
	arch_io_switch(to);
}

void arch_switch(struct arch_thread *from, struct arch_thread *to, uint64_t to_root)
{
	load_thread_state(to, to_root);
	arch_switch_stack(&from->saved_rsp, to->saved_rsp);
}

_Noreturn void arch_switch_first(struct arch_thread *to, uint64_t to_root)
{
	uint64_t discard;
	load_thread_state(to, to_root);
	arch_switch_stack(&discard, to->saved_rsp);
	panic("arch_switch_first returned");
}

/* Called by syscall.S with interrupts off. */
void syscall_dispatch(struct trap_frame *tf)
{
	tf->rax = (uint64_t)syscall_handle(tf->rax, tf->rdi, tf->rsi, tf->rdx);
}
