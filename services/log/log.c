/* log: the log service. Serves Log on its export "log": each line written
 * is labelled with the caller's principal, which the kernel stamps on every
 * call (include/capos/ring.h): "[name digest]", its service name and the
 * first 4 bytes of its binary's BLAKE3 in hex — never anything from the
 * message. When the name the caller's badge stands for (this service's
 * arguments "BADGE=NAME", written in the manifest beside the badges of the
 * grants) is not the principal's name, both show: "[badge-name: name
 * digest]". Lines are forwarded to the console and kept, the last
 * LOG_LINES of them, for `recent`. */
#include "lib/fmt.h"
#include "lib/mem.h"
#include "rt/capos.h"

#define LOG_LINES 64
#define LINE_MAX 240

static char lines[LOG_LINES][LINE_MAX];
static uint32_t next_line, nlines;
static capos_Console console;

/* The name badge stands for, or NULL. */
static const char *badge_name(uint64_t badge)
{
	for (uint32_t i = 0; i < rt_argc(); i++) {
		const char *a = rt_arg(i);
		uint64_t b = 0;
		while (*a >= '0' && *a <= '9')
			b = b * 10 + (uint64_t)(*a++ - '0');
		if (*a == '=' && b == badge)
			return a + 1;
	}
	return 0;
}

static int log_write(void *self, struct capnp_call *call, capos_Log_write_Params p, capos_Log_write_Results_builder r)
{
	(void)call, (void)r;
	const struct capos_recv_header *h = self;
	struct capnp_text t = capos_Log_write_Params_get_text(p);
	if (!t.str || t.len > 200)
		return CAPOS_E_BAD_ARGUMENT;
	const char *name = badge_name(h->badge);
	const struct capos_principal *pr = &h->principal;
	char who[64];
	int w = 0;
	if (!name)
		w = fmt_snprintf(who, sizeof who, "badge %llu: ", (unsigned long long)h->badge);
	else if (strncmp(name, pr->name, sizeof pr->name))
		w = fmt_snprintf(who, sizeof who, "%s: ", name);
	char *line = lines[next_line];
	int n = fmt_snprintf(line, LINE_MAX, "[%.*s%.*s %02x%02x%02x%02x] ", w, who, (int)sizeof pr->name, pr->name,
	                     pr->digest[0], pr->digest[1], pr->digest[2], pr->digest[3]);
	for (uint32_t i = 0; i < t.len; i++)
		line[n + i] = t.str[i] == '\n' || t.str[i] == '\r' ? ' ' : t.str[i];
	line[n + t.len] = 0;
	next_line = (next_line + 1) % LOG_LINES;
	nlines += nlines < LOG_LINES;
	RT_CLIENT(cl, 512);
	char out[LINE_MAX + 8];
	int len = fmt_snprintf(out, sizeof out, "log: %s", line);
	capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), out, (size_t)len);
	capos_Console_writeLine_call(console, &cl, 0);
	return CAPOS_OK;
}

static int log_recent(void *self, struct capnp_call *call, capos_Log_recent_Params p,
                      capos_Log_recent_Results_builder r)
{
	(void)self, (void)call;
	uint32_t want = capos_Log_recent_Params_get_count(p);
	uint32_t n = want < nlines ? want : nlines;
	struct capnp_lb list = capos_Log_recent_Results_init_lines(r, n);
	for (uint32_t i = 0; i < n; i++) {
		const char *line = lines[(next_line + LOG_LINES - n + i) % LOG_LINES];
		capnp_pb_set_text(capnp_lb_ptr(list, i), line, strlen(line));
	}
	return CAPOS_OK;
}

static const struct capos_Log_server server = { .write = log_write, .recent = log_recent };

static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	(void)ctx;
	return capos_Log_dispatch(&server, (void *)h, c);
}

int main(void)
{
	console = RT_CAP(capos_Console, "console");
	uint32_t serve = rt_capset_find("log", capos_Endpoint_ID);
	if (!serve)
		return 1;
	return rt_serve(serve, handle, 0, 0) == CAPOS_OK ? 0 : 2;
}
