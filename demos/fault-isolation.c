/* fault-isolation: each kind of user fault kills only the faulting process,
 * which ends with exit code -1 and a diagnosis on the console. */
#include "demos/demo.h"

const char demo_name[] = "fault-isolation";

/* Whether the CPU has NX (CPUID 0x80000001 EDX bit 20), the same test the
 * kernel makes before it turns NX on. Without it no page can be made
 * non-executable, so executing data does not fault. */
static bool cpu_has_nx(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
	if (a < 0x80000001u)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	return d & (1u << 20);
}

int main(void)
{
	static const char *const kinds[] = { "pf", "gp", "ud", "de", "kernel-read", "kernel-write",
		                             "exec-data", "write-rodata", "write-capset", "privileged" };
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	struct rt_grant g = { "console", rt_capset_find("console", capos_Console_ID), capos_Console_ID, 0,
		              capos_rightsAll };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		int64_t code = 0;
		int r = demo_run(spawner, "fault-child", &g, 1, &kinds[i], 1, 0, &code);
		if (!strcmp(kinds[i], "exec-data") && !cpu_has_nx() && r == CAPOS_OK && code == 100) {
			printf("fault-isolation: skipped: exec-data (no NX on this CPU: data is executable)\n");
			continue;
		}
		CHECK(r == CAPOS_OK && code == -1, "fault '%s' killed only the child (exit code %lld)", kinds[i],
		      (long long)code);
	}
	int64_t code = 0;
	const char *args[] = { "none" };
	CHECK(demo_run(spawner, "fault-child", &g, 1, args, 1, 0, &code) == CAPOS_OK && code == 100,
	      "a child that does not fault exits normally (%lld)", (long long)code);
	return demo_finish();
}
