/* init: the first process and the root of authority. Until the manifest
 * issue lands it runs the demos named in its arguments (init=a,b,c on the
 * kernel command line; "name:arg" passes arg to the demo), one at a time, each with exactly the capabilities
 * the table below grants it, and reports each one's verdict. init's own exit
 * code is 0 only if every demo exited with 0. */
#include "capos/capos.capnp.h"
#include "lib/errors.h"
#include "lib/mem.h"
#include "rt/capos.h"

/* Each demo's kernel-memory quota: enough for the children it spawns, or on
 * a small machine what init has left but an eighth (demo_kernel_memory). */
#define DEMO_KERNEL_MEMORY (32ull * 1024 * 1024)

enum {
	GRANT_CONSOLE = 1, GRANT_SPAWNER = 2, GRANT_NULL = 4, GRANT_FRAMES = 8, GRANT_BOOTPKG = 16, GRANT_FACTORY = 32,
	GRANT_VM = 64, GRANT_IOPORTS = 128, GRANT_IRQ = 256, GRANT_PCI = 512,
};

struct demo {
	const char *name;
	unsigned grants;
};

static const struct demo demos[] = {
	{ "capset-bootstrap", GRANT_CONSOLE | GRANT_NULL },
	{ "console-paths", GRANT_CONSOLE },
	{ "ring-nop", GRANT_CONSOLE },
	{ "ring-corruption", GRANT_CONSOLE | GRANT_NULL },
	{ "ring-reserved-opcodes", GRANT_CONSOLE | GRANT_NULL },
	{ "ring-fairness", GRANT_CONSOLE | GRANT_SPAWNER },
	{ "tls-smoke", GRANT_CONSOLE },
	{ "unprivileged-stranger", 0 },
	{ "fault-isolation", GRANT_CONSOLE | GRANT_SPAWNER },
	{ "spawn-hostile", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL },
	{ "process-teardown", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES },
	{ "boot-package", GRANT_CONSOLE | GRANT_BOOTPKG },
	{ "bench", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL | GRANT_FRAMES | GRANT_VM | GRANT_FACTORY | GRANT_IOPORTS | GRANT_IRQ },
	{ "rights", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL | GRANT_FRAMES | GRANT_BOOTPKG },
	{ "badge-write-once", GRANT_CONSOLE | GRANT_SPAWNER },
	{ "results-first", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES },
	{ "completions", GRANT_CONSOLE | GRANT_SPAWNER },
	{ "kmem-quota", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES },
	{ "deep-params", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL },
	{ "dag-params", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL },
	{ "fpu", GRANT_CONSOLE | GRANT_SPAWNER },
	{ "endpoint-roundtrip", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY },
	{ "ipc-server", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY },
	{ "ipc-transfer", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY | GRANT_NULL },
	{ "ipc-hostile", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY | GRANT_FRAMES },
	{ "user-console", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY },
	{ "chaos", GRANT_CONSOLE | GRANT_NULL | GRANT_SPAWNER | GRANT_FRAMES | GRANT_BOOTPKG },
	{ "virtual-memory", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES | GRANT_VM },
	{ "shared-memory", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES | GRANT_VM },
	{ "notification", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES | GRANT_FACTORY },
	{ "pci-list", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FACTORY | GRANT_PCI },
	{ "ioport", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_IOPORTS },
	{ "irq-line", GRANT_CONSOLE | GRANT_FACTORY | GRANT_IOPORTS | GRANT_IRQ },
	{ "irq-storm", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_NULL | GRANT_FACTORY | GRANT_IOPORTS | GRANT_IRQ },
	{ "dma-memory", GRANT_CONSOLE | GRANT_SPAWNER | GRANT_FRAMES },
};

static const struct demo *find_demo(const char *name)
{
	for (size_t i = 0; i < sizeof demos / sizeof demos[0]; i++)
		if (!strcmp(demos[i].name, name))
			return &demos[i];
	return 0;
}

/* Collects the grants d is entitled to from init's own CapSet. */
static uint32_t collect_grants(const struct demo *d, struct rt_grant *g)
{
	static const struct {
		unsigned bit;
		const char *name;
		uint64_t iface;
	} all[] = {
		{ GRANT_CONSOLE, "console", capos_Console_ID },
		{ GRANT_SPAWNER, "spawner", capos_ProcessSpawner_ID },
		{ GRANT_NULL, "null", capos_Null_ID },
		{ GRANT_FRAMES, "frames", capos_FrameAllocator_ID },
		{ GRANT_BOOTPKG, "bootpkg", capos_BootPackage_ID },
		{ GRANT_VM, "vm", capos_VirtualMemory_ID },
		{ GRANT_FACTORY, "factory", capos_ObjectFactory_ID },
		{ GRANT_IOPORTS, "ioports", capos_IoPort_ID },
		{ GRANT_IRQ, "irq", capos_IrqControl_ID },
		{ GRANT_PCI, "pci", capos_PciBus_ID },
	};
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!(d->grants & all[i].bit))
			continue;
		g[n] = (struct rt_grant){ all[i].name, rt_capset_find(all[i].name, all[i].iface), all[i].iface, 0,
			                  capos_rightsAll };
		n++;
	}
	return n;
}

/* The quota for the next demo: DEMO_KERNEL_MEMORY, or seven eighths of what
 * init's own account has left when that is less, so the default demos run on
 * a machine with less memory than DEMO_KERNEL_MEMORY. */
static uint64_t demo_kernel_memory(void)
{
	capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
	RT_CLIENT(cl, 128);
	capos_FrameAllocator_stats_Results s;
	if (capos_FrameAllocator_stats_call(frames, &cl, &s) < 0)
		return DEMO_KERNEL_MEMORY;
	uint64_t limit = capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(s);
	uint64_t used = capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(s);
	uint64_t room = used < limit ? limit - used : 0;
	room -= room / 8;
	if (room == 0)
		room = 1; /* 0 would ask for the default; 1 byte fails the spawn by name */
	return room < DEMO_KERNEL_MEMORY ? room : DEMO_KERNEL_MEMORY;
}

/* Runs one demo ("name" or "name:arg") to completion; true if it exited
 * with 0. */
static bool run_demo(capos_ProcessSpawner spawner, const char *spec)
{
	char name[32];
	const char *arg = 0;
	size_t len = 0;
	while (spec[len] && spec[len] != ':' && len < sizeof name - 1)
		len++;
	memcpy(name, spec, len);
	name[len] = 0;
	if (spec[len] == ':')
		arg = spec + len + 1;
	const struct demo *d = find_demo(name);
	if (!d) {
		printf("init: unknown demo '%s'\n", name);
		return false;
	}
	struct rt_grant g[8];
	uint32_t n = collect_grants(d, g);
	struct rt_spawn_args a = { d->name, d->name, g, n, &arg, arg ? 1 : 0, demo_kernel_memory() };
	capos_ProcessHandle h;
	uint32_t pid;
	int r = rt_spawn(spawner, &a, &h, &pid);
	if (r < 0) {
		printf("init: cannot spawn %s: %s\n", name, capos_strerror(r));
		return false;
	}
	int64_t code = -1;
	r = rt_wait(h, &code);
	rt_release(h.id);
	bool ok = r == CAPOS_OK && code == 0;
	printf("init: %s (pid %u) exited with code %lld: %s\n", name, pid, (long long)code, ok ? "PASS" : "FAIL");
	return ok;
}

int main(void)
{
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	printf("init: pid %u, %u demos to run\n", rt.pid, rt_argc());
	uint32_t passed = 0;
	for (uint32_t i = 0; i < rt_argc(); i++)
		passed += run_demo(spawner, rt_arg(i));
	printf("init: %u of %u demos passed\n", passed, rt_argc());
	return passed == rt_argc() ? 0 : 1;
}
