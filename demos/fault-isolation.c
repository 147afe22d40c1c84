/* fault-isolation: each kind of user fault kills only the faulting process,
 * which ends with exit code -1 and a diagnosis on the console. */
#include "demos/demo.h"

const char demo_name[] = "fault-isolation";

int main(void)
{
	static const char *const kinds[] = { "pf", "gp", "ud", "de", "kernel-read", "kernel-write",
		                             "exec-data", "write-rodata", "write-capset", "privileged" };
	uint32_t spawner = rt_capset_find("spawner", capos_ProcessSpawner_ID);
	uint32_t console = rt_capset_find("console", capos_Console_ID);
	struct rt_grant g = { "console", console, capos_Console_ID, 0, 0xFFFFFFFFu };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct rt_handle h;
		int64_t code = 0;
		const char *args[] = { kinds[i] };
		int r = spawner_spawn(spawner, "fault-child", "fault-child", &g, 1, args, 1, &h, 0);
		if (r == CAPOS_OK)
			r = process_wait(h.cap, &code);
		CHECK(r == CAPOS_OK && code == -1, "fault '%s' killed only the child (exit code %lld)", kinds[i],
		      (long long)code);
		rt_handle_close(&h);
	}
	struct rt_handle h;
	int64_t code = 0;
	const char *args[] = { "none" };
	CHECK(spawner_spawn(spawner, "fault-child", "fault-child", &g, 1, args, 1, &h, 0) == CAPOS_OK &&
	              process_wait(h.cap, &code) == CAPOS_OK && code == 100,
	      "a child that does not fault exits normally (%lld)", (long long)code);
	rt_handle_close(&h);
	return demo_finish();
}
