/* In-kernel self-tests (ktest=NAME). The QEMU harness (tests/system/run)
 * boots one kernel per test and checks the lines printed here together with
 * the exit code. Tests that fault on purpose print what they expect first,
 * so the harness can compare the handler's diagnosis against it. */
#include "kernel/ktest.h"

#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/mem/kstack.h"
#include "kernel/mem/layout.h"
#include "kernel/mem/vm.h"
#include "kernel/timer.h"
#include "lib/mem.h"

#define USER_TEST_VA 0x400000ull

static int failures;

static void check(bool ok, const char *what)
{
	kprintf("  %s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

static void __attribute__((noinline)) ktest_divide_error(void)
{
	volatile int zero = 0;
	volatile int one = 1;
	kprintf("ktest: dividing by zero\n");
	one = one / zero;
}

static void ktest_invalid_opcode(void)
{
	kprintf("ktest: executing ud2\n");
	arch_invalid_opcode();
}

static void ktest_general_protection(void)
{
	kprintf("ktest: reading non-canonical address 0x8000000000000000\n");
	(void)*(volatile uint64_t *)0x8000000000000000ull;
}

static void ktest_page_fault(void)
{
	kprintf("ktest: reading unmapped address %p\n", (void *)0xdead000ull);
	(void)*(volatile uint64_t *)0xdead000ull;
}

static void ktest_write_text(void)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)ktest_run;
	kprintf("ktest: writing to kernel text at %p\n", (void *)text);
	*text = 0xCC;
}

static uint8_t data_ret[16] __attribute__((aligned(16))) = { 0xC3 }; /* ret */

static void ktest_execute_data(void)
{
	kprintf("ktest: executing kernel data at %p\n", (void *)data_ret);
	((void (*)(void))(uintptr_t)data_ret)();
}

static void ktest_double_fault(void)
{
	kprintf("ktest: faulting with an unmapped stack (expect #DF on its IST stack)\n");
	arch_fault_on_bad_stack();
}

static void ktest_panic(void) { panic("ktest requested a panic"); }

/* Recurses (not a tail call) until the stack runs out. */
static uint64_t __attribute__((noinline)) recurse(uint64_t depth)
{
	volatile uint64_t frame[64];
	frame[0] = depth;
	if (depth < 1000000)
		frame[1] = recurse(depth + 1);
	return frame[0] + frame[1];
}

static void overflow_entry(void) { recurse(0); }

static void ktest_kstack_guard(void)
{
	void *stack = kstack_alloc();
	KASSERT(stack, "a kernel stack is available");
	kprintf("ktest: overflowing a kernel stack at %p (guard page below; expect #DF on its IST stack)\n", stack);
	arch_call_on_stack((uintptr_t)stack + KSTACK_SIZE, overflow_entry);
}

/* Maps a fresh frame at USER_TEST_VA as a user page; with code, writes a
 * single 'ret' there first (through the direct map). */
static void map_user_page(bool code)
{
	uint64_t pa = frame_alloc();
	KASSERT(pa, "a frame is free for the user test page");
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	if (code)
		*(uint8_t *)phys_to_virt(pa) = 0xC3;
	int err = vm_map(vm_kernel_root, USER_TEST_VA, pa, VM_USER | (code ? VM_EXEC : VM_WRITE));
	KASSERT(err == VM_OK, "the user test page maps");
}

static void ktest_smep(void)
{
	if (!cpu_features.smep) {
		kprintf("ktest smep: FAIL: the CPU has no SMEP\n");
		arch_halt(HALT_FAIL);
	}
	map_user_page(true);
	kprintf("ktest: kernel calling user code at %p\n", (void *)USER_TEST_VA);
	((void (*)(void))USER_TEST_VA)();
}

static void ktest_smap(void)
{
	if (!cpu_features.smap) {
		kprintf("ktest smap: FAIL: the CPU has no SMAP\n");
		arch_halt(HALT_FAIL);
	}
	map_user_page(false);
	kprintf("ktest: kernel reading user memory at %p\n", (void *)USER_TEST_VA);
	(void)*(volatile uint64_t *)USER_TEST_VA;
}

/* Permissions of every kernel section, and W^X in the mapping API itself. */
static void ktest_wx(const struct boot_info *bi)
{
	(void)bi;
	uint64_t pa;
	unsigned f;
	check(vm_translate(vm_kernel_root, (uintptr_t)__text_start, &pa, &f) && (f & VM_EXEC) && !(f & VM_WRITE),
	      "text is executable and read-only");
	check(vm_translate(vm_kernel_root, (uintptr_t)__rodata_start, &pa, &f) && !(f & (VM_EXEC | VM_WRITE)),
	      "rodata is read-only and not executable");
	check(vm_translate(vm_kernel_root, (uintptr_t)data_ret, &pa, &f) && (f & VM_WRITE) && !(f & VM_EXEC),
	      "data is writable and not executable");
	check(vm_translate(vm_kernel_root, HHDM_BASE + 0x200000, &pa, &f) && (f & VM_WRITE) && !(f & VM_EXEC),
	      "the direct map is writable and not executable");
	check(!vm_translate(vm_kernel_root, (uintptr_t)__boot_start, &pa, &f), "the loader's identity map is gone");
	uint64_t frame = frame_alloc();
	check(vm_map(vm_kernel_root, USER_TEST_VA, frame, VM_WRITE | VM_EXEC) == VM_ERR_WX,
	      "vm_map refuses writable+executable");
	check(!vm_translate(vm_kernel_root, USER_TEST_VA, &pa, &f), "the refused mapping was not made");
	check(vm_map(vm_kernel_root, USER_TEST_VA + 1, frame, VM_WRITE) == VM_ERR_ALIGN, "vm_map refuses misaligned va");
	frame_free(frame);
}

static bool in_usable_region(const struct boot_info *bi, uint64_t pa)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MEM_USABLE && pa >= bi->mmap[i].base && pa + PAGE_SIZE <= bi->mmap[i].base + bi->mmap[i].len)
			return true;
	return false;
}

static bool in_reservation(uint64_t pa)
{
	int n;
	const struct frame_reservation *r = frame_reservations(&n);
	for (int i = 0; i < n; i++)
		if (pa < r[i].end && r[i].base < pa + PAGE_SIZE)
			return true;
	return false;
}

/* Counts the usable frames outside every reservation, from the memory map
 * alone — the figure the allocator must reproduce. */
static uint64_t expected_frames(const struct boot_info *bi)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (bi->mmap[i].type != MEM_USABLE)
			continue;
		for (uint64_t pa = bi->mmap[i].base; pa < bi->mmap[i].base + bi->mmap[i].len; pa += PAGE_SIZE)
			n += !in_reservation(pa);
	}
	return n;
}

/* Drains the allocator: every usable frame exactly once, nothing reserved,
 * every frame real memory; then returns them all. */
static void ktest_frames(const struct boot_info *bi)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MEM_USABLE && bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	uint64_t nframes = top / PAGE_SIZE;
	uint64_t *seen = kzalloc((nframes + 63) / 64 * 8);
	KASSERT(seen, "the heap can hold the seen-bitmap");

	uint64_t free_before = frame_free_count();
	uint64_t expected = expected_frames(bi);
	uint64_t count = 0, bad = 0, dup = 0;
	for (uint64_t pa; (pa = frame_alloc()) != 0; count++) {
		uint64_t f = pa / PAGE_SIZE;
		if ((pa & (PAGE_SIZE - 1)) || f >= nframes || !in_usable_region(bi, pa) || in_reservation(pa)) {
			bad++;
			continue;
		}
		if (seen[f / 64] & (1ull << (f % 64)))
			dup++;
		seen[f / 64] |= 1ull << (f % 64);
		*(volatile uint64_t *)phys_to_virt(pa) = pa;
	}
	uint64_t tag_errors = 0;
	for (uint64_t f = 0; f < nframes; f++) {
		if (!(seen[f / 64] & (1ull << (f % 64))))
			continue;
		tag_errors += *(volatile uint64_t *)phys_to_virt(f * PAGE_SIZE) != f * PAGE_SIZE;
		frame_free(f * PAGE_SIZE);
	}
	kprintf("ktest frames: %llu usable frames in the memory map, %llu free at boot, %llu in use, "
	        "%llu (%llu MiB) handed out\n", (unsigned long long)expected, (unsigned long long)frame_total_usable(),
	        (unsigned long long)(frame_total_usable() - free_before), (unsigned long long)count,
	        (unsigned long long)(count * PAGE_SIZE >> 20));
	check(frame_total_usable() == expected, "the allocator started with exactly the map's usable frames");
	check(count == free_before, "every free frame was handed out");
	check(bad == 0, "no reserved, unaligned or non-RAM frame was handed out");
	check(dup == 0, "no frame was handed out twice");
	check(tag_errors == 0, "every frame holds its own distinct memory");
	check(frame_free_count() == free_before, "freeing them all restores the free count");
	kfree(seen);
}

/* Random allocations and frees with a full consistency check after each. */
static void heap_random(void)
{
	enum { SLOTS = 64, ROUNDS = 4000 };
	void *slot[SLOTS] = { 0 };
	size_t size[SLOTS] = { 0 };
	uint64_t rng = 0x9E3779B97F4A7C15ull;
	uint64_t corrupt = 0;
	size_t live_before = kheap_stats().live_allocs;
	for (int i = 0; i < ROUNDS; i++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		int s = (int)(rng % SLOTS);
		if (slot[s]) {
			for (size_t b = 0; b < size[s]; b++)
				corrupt += ((uint8_t *)slot[s])[b] != (uint8_t)(s + b);
			kfree(slot[s]);
			slot[s] = 0;
		} else {
			size[s] = 1 + (size_t)((rng >> 16) % ((rng & 1) ? 64 : 20000));
			slot[s] = kmalloc(size[s]);
			if (slot[s])
				for (size_t b = 0; b < size[s]; b++)
					((uint8_t *)slot[s])[b] = (uint8_t)(s + b);
		}
		if (!kheap_check()) {
			check(false, "heap consistent after every operation");
			return;
		}
	}
	for (int s = 0; s < SLOTS; s++)
		kfree(slot[s]);
	struct heap_stats st = kheap_stats();
	check(corrupt == 0, "no allocation overlapped another");
	check(kheap_check() && st.live_allocs == live_before, "heap consistent, every test allocation freed");
	kprintf("  heap: %zu KiB committed after %d random operations\n", st.committed_bytes / 1024, ROUNDS);
}

/* A burst of allocations — many small blocks, as pending operations are, and
 * some large ones — freed again: the heap's committed pages and the free
 * frame count (page tables included) must return to their starting values. */
static void heap_burst(void)
{
	enum { SMALL = 20000, LARGE = 8 };
	uint8_t **small = kmalloc(SMALL * sizeof *small);
	uint8_t *large[LARGE];
	size_t large_size[LARGE];
	KASSERT(small, "the heap holds the burst's pointer array");
	struct heap_stats before = kheap_stats();
	uint64_t frames_before = frame_free_count(), bad = 0, missing = 0;
	size_t burst_bytes = 0;

	for (int i = 0; i < SMALL; i++) {
		size_t n = 16 + (size_t)(i * 37) % 200;
		small[i] = kmalloc(n);
		burst_bytes += n;
		missing += !small[i];
		if (small[i])
			small[i][0] = small[i][n - 1] = (uint8_t)i;
	}
	for (int i = 0; i < LARGE; i++) {
		large_size[i] = (64 * 1024) << (i % 6); /* 64 KiB .. 2 MiB */
		large[i] = kmalloc(large_size[i]);
		burst_bytes += large_size[i];
		missing += !large[i];
		for (size_t off = 0; large[i] && off < large_size[i]; off += PAGE_SIZE)
			large[i][off] = (uint8_t)i;
	}
	struct heap_stats peak = kheap_stats();
	uint64_t frames_peak = frame_free_count();
	for (int i = 0; i < LARGE; i++) {
		for (size_t off = 0; large[i] && off < large_size[i]; off += PAGE_SIZE)
			bad += large[i][off] != (uint8_t)i;
		kfree(large[i]);
	}
	for (int i = 0; i < SMALL; i++) {
		size_t n = 16 + (size_t)(i * 37) % 200;
		bad += small[i] && (small[i][0] != (uint8_t)i || small[i][n - 1] != (uint8_t)i);
		kfree(small[i]);
	}
	struct heap_stats after = kheap_stats();
	uint64_t frames_after = frame_free_count();
	kprintf("  heap burst: %d small + %d large blocks: committed %zu KiB -> %zu KiB -> %zu KiB, "
	        "free frames %llu -> %llu -> %llu\n", SMALL, LARGE, before.committed_bytes / 1024,
	        peak.committed_bytes / 1024, after.committed_bytes / 1024, (unsigned long long)frames_before,
	        (unsigned long long)frames_peak, (unsigned long long)frames_after);
	check(missing == 0 && bad == 0, "every burst block was allocated and kept its contents");
	check(peak.committed_bytes >= before.committed_bytes + burst_bytes &&
	      frames_before - frames_peak >= (peak.committed_bytes - before.committed_bytes) / PAGE_SIZE,
	      "the burst committed heap pages, each a frame taken from the allocator");
	check(after.committed_bytes == before.committed_bytes && after.live_allocs == before.live_allocs,
	      "the heap's committed pages are back to their starting value");
	check(frames_after == frames_before, "the free frame count is back to its starting value");
	check(kheap_check(), "heap consistent after the burst");
	kfree(small);
}

/* Takes every free frame, chaining them through their own first word;
 * returns the chain's head. */
static uint64_t hoard_frames(void)
{
	uint64_t head = 0;
	for (uint64_t pa; (pa = frame_alloc()) != 0; head = pa)
		*(uint64_t *)phys_to_virt(pa) = head;
	return head;
}

/* Frees frames from the chain at *head until count are free. */
static void unhoard_frames(uint64_t *head, uint64_t count)
{
	while (*head && frame_free_count() < count) {
		uint64_t next = *(uint64_t *)phys_to_virt(*head);
		frame_free(*head);
		*head = next;
	}
}

/* With only a few frames left, an allocation that needs more fails at every
 * point of its commit: NULL, the heap consistent and unchanged, every frame
 * the failed commit took (page tables included) given back. */
static void heap_exhaustion(void)
{
	enum { NEED = 64 * 1024 };
	struct heap_stats before = kheap_stats();
	uint64_t wrong = 0, hoard = hoard_frames();
	for (uint64_t keep = 0; keep < 12; keep++) {
		unhoard_frames(&hoard, keep);
		void *p = kmalloc(NEED);
		wrong += p != 0 || frame_free_count() != keep || !kheap_check() ||
		         kheap_stats().committed_bytes != before.committed_bytes;
		kfree(p);
	}
	unhoard_frames(&hoard, UINT64_MAX);
	void *p = kmalloc(NEED);
	check(wrong == 0, "an allocation short of frames fails cleanly and gives back what it took");
	check(p != 0, "the same allocation succeeds once frames are free again");
	kfree(p);
}

static void ktest_heap(const struct boot_info *bi)
{
	(void)bi;
	heap_random();
	heap_burst();
	heap_exhaustion();
}

/* The tick rate over one second of the reference clock (the TSC, measured
 * at boot) must be within 10% of timer_hz. The CPU halts between ticks and
 * reads the clock once per wake-up; the wake-ups are bounded, so a tick far
 * too fast ends the test early instead of stretching it out. */
static void ktest_timer(const struct boot_info *bi)
{
	(void)bi;
	uint64_t max_wakeups = 2 * (uint64_t)timer_hz + 100, wakeups = 0;
	arch_refclock_start();
	uint64_t start = timer_ticks, us;
	while ((us = arch_refclock_elapsed_us()) < 1000000 && wakeups++ < max_wakeups)
		arch_wait_for_interrupt();
	uint64_t ticks = timer_ticks - start;
	uint64_t want = (uint64_t)timer_hz * us / 1000000;
	kprintf("ktest timer: %llu ticks in %llu us at %u Hz (want %llu +/- 10%%)\n", (unsigned long long)ticks,
	        (unsigned long long)us, timer_hz, (unsigned long long)want);
	check(us >= 1000000, "a full second of reference time passed within the bound on wake-ups");
	check(ticks * 10 >= want * 9 && ticks * 10 <= want * 11, "tick rate within 10% of the configured rate");
}

struct ktest {
	const char *name;
	void (*run)(const struct boot_info *bi);
	void (*fault)(void); /* faults on purpose; never returns */
};

static const struct ktest tests[] = {
	{ "wx", ktest_wx, 0 },
	{ "frames", ktest_frames, 0 },
	{ "heap", ktest_heap, 0 },
	{ "timer", ktest_timer, 0 },
	{ "de", 0, ktest_divide_error },
	{ "ud", 0, ktest_invalid_opcode },
	{ "gp", 0, ktest_general_protection },
	{ "pf", 0, ktest_page_fault },
	{ "df", 0, ktest_double_fault },
	{ "write-text", 0, ktest_write_text },
	{ "exec-data", 0, ktest_execute_data },
	{ "smep", 0, ktest_smep },
	{ "smap", 0, ktest_smap },
	{ "panic", 0, ktest_panic },
	{ "kstack-guard", 0, ktest_kstack_guard },
};

_Noreturn void ktest_run(const char *name, const struct boot_info *bi)
{
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (strcmp(tests[i].name, name))
			continue;
		if (tests[i].fault) {
			tests[i].fault();
			kprintf("ktest %s: FAIL: the expected fault did not happen\n", name);
			arch_halt(HALT_FAIL);
		}
		kprintf("ktest %s:\n", name);
		tests[i].run(bi);
		kprintf("ktest %s: %s\n", name, failures ? "FAIL" : "PASS");
		arch_halt(failures ? HALT_FAIL : HALT_PASS);
	}
	kprintf("ktest: unknown test '%s'; known:", name);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		kprintf(" %s", tests[i].name);
	kprintf("\n");
	arch_halt(HALT_FAIL);
}
