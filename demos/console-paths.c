/* console-paths: every way to reach the Console, and its limits. */
#include "demos/demo.h"

const char demo_name[] = "console-paths";

static char big[5000];
static capos_Console console;

static int write_text(const char *s, size_t len, bool line)
{
	RT_CLIENT(cl, 4096 + 64);
	int r;
	if (line) {
		capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), s, len);
		r = capos_Console_writeLine_call(console, &cl, 0);
	} else {
		capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), s, len);
		r = capos_Console_write_call(console, &cl, 0);
	}
	return r < 0 ? r : CAPOS_OK;
}

int main(void)
{
	console = RT_CAP(capos_Console, "console");
	CHECK(write_text("console-paths: raw write\n", 25, false) == CAPOS_OK, "Console.write");
	CHECK(write_text("console-paths: writeLine", 24, true) == CAPOS_OK, "Console.writeLine");
	CHECK(printf("console-paths: printf %d %s %#x\n", 42, "works", 255) > 0, "printf through the runtime");
	memset(big, 'x', sizeof big);
	CHECK(write_text(big, 4096, false) == CAPOS_OK, "4096 bytes (the limit) are accepted");
	printf("\n");
	int r = write_text(big, 4097, false);
	CHECK(r == CAPOS_E_BAD_ARGUMENT || r == CAPOS_E_TOO_BIG, "4097 bytes are refused, not cut (%d)", r);
	CHECK(write_text("", 0, false) == CAPOS_OK, "an empty write is fine");
	r = rt_call(console.id, capos_Console_ID, 7, big, 0, 64, 0);
	CHECK(r == CAPOS_E_NO_SUCH_METHOD, "an unknown method ordinal is refused (%d)", r);
	r = rt_call(console.id, capos_Null_ID, 0, big, 0, 64, 0);
	CHECK(r == CAPOS_E_WRONG_INTERFACE, "a call naming another interface is refused (%d)", r);
	uint64_t garbage[4] = { 0x0000000500000000ull, 1, 2, 3 };
	r = rt_call(console.id, capos_Console_ID, 0, garbage, sizeof garbage, sizeof garbage, 0);
	CHECK(r == CAPOS_E_BAD_MESSAGE, "a params message whose segment overruns is refused (%d)", r);
	r = rt_call(console.id, capos_Console_ID, 0, (void *)0xFFFF800000000000ull, 8, 8, 0);
	CHECK(r == CAPOS_E_FAULT, "a kernel address as the buffer is refused (%d)", r);
	r = rt_call(console.id, capos_Console_ID, 0, (void *)0x10000, 8, 64, 0);
	CHECK(r == CAPOS_E_FAULT, "an unmapped buffer is refused (%d)", r);
	return demo_finish();
}
