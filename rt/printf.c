/* printf to the bootstrap capability named "console". */
#include "lib/fmt.h"
#include "rt/capos.h"

#define PRINTF_MAX 1024

int vprintf(const char *fmt, va_list ap)
{
	static capos_Console console;
	if (!console.id)
		console = RT_CAP(capos_Console, "console");
	char buf[PRINTF_MAX];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof buf ? sizeof buf - 1 : (size_t)n;
	if (console.id) {
		RT_CLIENT(cl, PRINTF_MAX + 64);
		capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), buf, len);
		capos_Console_write_call(console, &cl, 0);
	}
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
