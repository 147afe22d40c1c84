/* spawn-hostile: ProcessSpawner refuses every bad request with its own error
 * and creates nothing; a good request still works afterwards. */
#include "demos/demo.h"

const char demo_name[] = "spawn-hostile";

static capos_ProcessSpawner spawner;
static uint32_t console, null;

static int spawn(const char *name, const char *binary, const struct rt_grant *g, uint32_t n)
{
	struct rt_spawn_args a = { name, binary, g, n, 0, 0, 0 };
	capos_ProcessHandle h;
	int r = rt_spawn(spawner, &a, &h, 0);
	if (r == CAPOS_OK) {
		int64_t code;
		rt_wait(h, &code);
		rt_release(h.id);
	}
	return r;
}

static void bad_grants(void)
{
	struct rt_grant g[2] = { { "console", console, capos_Console_ID, 0, capos_rightsAll },
		                 { "console", console, capos_Console_ID, 0, capos_rightsAll } };
	int r = spawn("x", "exit0", g, 2);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "two grants with one name (%d)", r);
	g[0].cap = 0x00FF0007;
	r = spawn("x", "exit0", g, 1);
	CHECK(r == CAPOS_E_BAD_CAP || r == CAPOS_E_STALE_CAP, "a forged CapId (%d)", r);
	g[0].cap = console ^ 0x10000;
	r = spawn("x", "exit0", g, 1);
	CHECK(r == CAPOS_E_STALE_CAP || r == CAPOS_E_BAD_CAP, "a CapId with the wrong generation (%d)", r);
	g[0].cap = console;
	g[0].interface_id = capos_Null_ID;
	r = spawn("x", "exit0", g, 1);
	CHECK(r == CAPOS_E_WRONG_INTERFACE, "a grant claiming the wrong interface (%d)", r);
	g[0].interface_id = 0;
	r = spawn("x", "exit0", g, 1);
	CHECK(r == CAPOS_E_WRONG_INTERFACE, "a grant naming no interface (0) (%d)", r);
	g[0].interface_id = capos_Console_ID;
	g[0].name = "a-name-longer-than-the-capset-allows";
	r = spawn("x", "exit0", g, 1);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "a grant name that does not fit the CapSet (%d)", r);
	static struct rt_grant many[CAPOS_CAPSET_MAX + 1];
	static char names[CAPOS_CAPSET_MAX + 1][8];
	for (uint32_t i = 0; i <= CAPOS_CAPSET_MAX; i++) {
		names[i][0] = 'g', names[i][1] = (char)('A' + i / 26), names[i][2] = (char)('a' + i % 26);
		many[i] = (struct rt_grant){ names[i], null, capos_Null_ID, 0, capos_rightsAll };
	}
	r = spawn("x", "exit0", many, CAPOS_CAPSET_MAX + 1);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "%u grants, one more than a CapSet holds (%d)", CAPOS_CAPSET_MAX + 1, r);
}

int main(void)
{
	spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	console = rt_capset_find("console", capos_Console_ID);
	null = rt_capset_find("null", capos_Null_ID);
	int r = spawn("x", "no-such-binary", 0, 0);
	CHECK(r == CAPOS_E_NOT_FOUND, "a binary that is not in the boot package (%d)", r);
	r = spawn("x", "", 0, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "an empty binary name (%d)", r);
	r = spawn("a-process-name-much-longer-than-thirty-two", "exit0", 0, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "a process name that is too long (%d)", r);
	r = spawn("x", "not-an-elf", 0, 0);
	CHECK(r == CAPOS_E_BAD_ELF, "a file that is not ELF (%d)", r);
	r = spawn("x", "bad-wx", 0, 0);
	CHECK(r == CAPOS_E_BAD_ELF, "an ELF with a writable+executable segment (%d)", r);
	bad_grants();
	uint64_t junk[4] = { 0, 0x0000000900000003ull, 7, 7 };
	r = rt_call(spawner.id, capos_ProcessSpawner_ID, 0, junk, sizeof junk, sizeof junk, 0);
	CHECK(r == CAPOS_E_BAD_MESSAGE, "a params message that does not decode (%d)", r);
	uint64_t small[2];
	r = rt_call(spawner.id, capos_ProcessSpawner_ID, 0, small, 0, sizeof small, 0);
	CHECK(r == CAPOS_E_TOO_BIG, "empty params, tiny results buffer (%d)", r);
	struct rt_grant g = { "console", console, capos_Console_ID, 0, capos_rightsAll };
	struct rt_spawn_args a = { "exit0", "exit0", &g, 1, (const char *const[]){ "abc" }, 1, 0 };
	capos_ProcessHandle h;
	int64_t code = -1;
	r = rt_spawn(spawner, &a, &h, 0);
	CHECK(r == CAPOS_OK && rt_wait(h, &code) == CAPOS_OK && code == 3,
	      "a good spawn still works, and its argument arrives (exit code %lld)", (long long)code);
	CHECK(rt_release(h.id) == CAPOS_OK, "the handle is released");
	return demo_finish();
}
