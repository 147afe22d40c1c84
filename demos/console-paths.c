/* console-paths: every way to reach the Console, and its limits. */
#include "demos/demo.h"

const char demo_name[] = "console-paths";

static char big[5000];

int main(void)
{
	uint32_t console = rt_capset_find("console", capos_Console_ID);
	CHECK(console_write(console, "console-paths: raw write\n", 25) == CAPOS_OK, "Console.write");
	CHECK(console_write_line(console, "console-paths: writeLine", 24) == CAPOS_OK, "Console.writeLine");
	CHECK(printf("console-paths: printf %d %s %#x\n", 42, "works", 255) > 0, "printf through the runtime");
	memset(big, 'x', sizeof big);
	CHECK(console_write(console, big, 4096) == CAPOS_OK, "4096 bytes (the limit) are accepted");
	printf("\n");
	int r = console_write(console, big, 4097);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "4097 bytes are refused, not cut (%d)", r);
	CHECK(console_write(console, "", 0) == CAPOS_OK, "an empty write is fine");
	r = rt_call(console, 7, 0, 0, big, 64, 0);
	CHECK(r == CAPOS_E_NO_SUCH_METHOD, "an unknown method ordinal is refused (%d)", r);
	uint64_t garbage[4] = { 0x0000000500000000ull, 1, 2, 3 };
	r = rt_call(console, 0, garbage, sizeof garbage, garbage, sizeof garbage, 0);
	CHECK(r == CAPOS_E_BAD_MESSAGE, "a params message whose segment overruns is refused (%d)", r);
	r = rt_call(console, 0, 0, 8, (void *)0xFFFF800000000000ull, 8, 0);
	CHECK(r == CAPOS_E_FAULT, "a kernel address as the buffer is refused (%d)", r);
	r = rt_call(console, 0, 0, 8, (void *)0x1000, 8, 0);
	CHECK(r == CAPOS_E_FAULT, "an unmapped buffer is refused (%d)", r);
	return demo_finish();
}
