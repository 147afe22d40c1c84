/* badge-child (for badge-write-once): holds "badged", a Console badged 5,
 * and tries to pass it on with other badges. With the argument "write" it
 * only writes one line through "badged" and exits with the call's error
 * (0 on success). */
#include "demos/demo.h"

const char demo_name[] = "badge-child";

static capos_ProcessSpawner spawner;
static uint32_t badged;

/* Spawns badge-child "write" holding badged under the given badge and
 * rights; returns the spawn error or the grandchild's exit code. */
static int pass_on(uint64_t badge, uint32_t rights)
{
	struct rt_grant g = { "badged", badged, capos_Console_ID, badge, rights };
	int64_t code = -1;
	int r = demo_run(spawner, "badge-child", &g, 1, (const char *const[]){ "write" }, 1, 0, &code);
	return r ? r : (int)code;
}

int main(void)
{
	badged = rt_capset_find("badged", capos_Console_ID);
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "write")) {
		RT_CLIENT(cl, 128);
		capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), "badge-child: written", 20);
		int r = capos_Console_writeLine_call((capos_Console){ badged }, &cl, 0);
		return r < 0 ? -r : 0;
	}
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	int r = pass_on(0x6, capos_rightsAll);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "re-badging 5 as 6 is refused (%d)", r);
	r = pass_on(UINT64_MAX, capos_rightsAll);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "re-badging 5 as 2^64-1 is refused (%d)", r);
	r = pass_on(0x5, capos_rightsAll);
	CHECK(r == 0, "passing it on with its own badge works (%d)", r);
	r = pass_on(0, capos_rightsAll);
	CHECK(r == 0, "passing it on with badge 0 (keep) works (%d)", r);
	r = pass_on(0, 0);
	CHECK(r == -CAPOS_E_PERMISSION_DENIED, "narrowed to no rights it is passed on, and cannot write (%d)", r);
	return demo_finish();
}
