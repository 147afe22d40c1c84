/* printf to the bootstrap capability named "console". */
#include "lib/fmt.h"
#include "rt/capos.h"
#include "capos/capos.capnp.h"

#define PRINTF_MAX 1024

int vprintf(const char *fmt, va_list ap)
{
	static uint32_t console;
	if (!console)
		console = rt_capset_find("console", capos_Console_ID);
	char buf[PRINTF_MAX];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof buf ? sizeof buf - 1 : (size_t)n;
	if (console)
		console_write(console, buf, len);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
