/* shell: the interactive capability shell (docs/shell.md). It holds only
 * what the manifest grants it and does everything through those
 * capabilities: no command has a back door.
 *
 * Arguments (the manifest's, or init=shell:ARG):
 *   interactive     a prompt on "input" (ByteInput) and "console": line
 *                   editing (lib/lineedit), history, Tab completion of
 *                   commands and boot-package file names; exits when the
 *                   input ends
 *   --self-check    runs a fixed set of commands (no input needed) and exits
 *                   with the number that failed: the default graph's check
 *                   when no terminal is attached
 *   anything else   a script: commands separated by ';', each run in turn,
 *                   '+' standing for a space (the kernel command line of
 *                   init=shell:ARG splits at spaces); the exit code is the
 *                   number that failed */
#include "services/shell/shell.h"

#include "lib/lineedit.h"

#define FILES_MAX 128
#define NAME_BYTES 8192

static struct lineedit editor;
static const char *files[FILES_MAX]; /* boot-package names, for completion */
static uint32_t nfiles;

uint32_t sh_cap(const char *name, uint64_t *iface)
{
	const struct capos_capset *cs = rt.capset;
	for (uint32_t i = 0; i < cs->count && i < CAPOS_CAPSET_MAX; i++) {
		if (!strncmp(cs->entries[i].name, name, CAPOS_CAPSET_NAME_MAX)) {
			if (iface)
				*iface = cs->entries[i].interface_id;
			return cs->entries[i].cap;
		}
	}
	return 0;
}

int sh_fail(const char *cmd, const char *what, int err)
{
	printf("%s: %s: %s\n", cmd, what, capos_strerror(err));
	return 1;
}

bool sh_number(const char *s, uint64_t *out)
{
	uint64_t v = 0, base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, base = 16;
	if (!*s)
		return false;
	for (; *s; s++) {
		uint64_t d = *s >= '0' && *s <= '9' ? (uint64_t)(*s - '0')
		             : base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' ? (uint64_t)((*s | 0x20) - 'a' + 10)
		                                                                    : 99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* Splits line in place into words (spaces separate; "..." groups). */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return argc;
		if (argc == SH_ARGS_MAX)
			return -1;
		bool quoted = *p == '"';
		argv[argc++] = p += quoted;
		while (*p && (quoted ? *p != '"' : *p != ' ' && *p != '\t'))
			p++;
		if (quoted && !*p)
			return -2;
		if (*p)
			*p++ = 0;
	}
}

int sh_run_line(char *line)
{
	char *argv[SH_ARGS_MAX + 1];
	int argc = split(line, argv);
	if (argc == -1) {
		printf("shell: more than %d words\n", SH_ARGS_MAX);
		return 1;
	}
	if (argc == -2) {
		printf("shell: unterminated \"\n");
		return 1;
	}
	if (argc == 0)
		return 0;
	argv[argc] = 0;
	for (uint32_t i = 0; i < sh_ncmds; i++)
		if (!strcmp(argv[0], sh_cmds[i].name))
			return sh_cmds[i].fn(argc, argv);
	printf("shell: unknown command '%.40s' (try help)\n", argv[0]);
	return 127;
}

/* Tab completion: command names for the first word, file names after. */
static uint32_t complete(void *ctx, const char *line, uint32_t word_index, const char *word, uint32_t word_len,
                         const char **out, uint32_t max)
{
	(void)ctx, (void)line, (void)word, (void)word_len;
	uint32_t n = 0;
	if (word_index == 0) {
		for (uint32_t i = 0; i < sh_ncmds && n < max; i++)
			out[n++] = sh_cmds[i].name;
		return n;
	}
	for (uint32_t i = 0; i < nfiles && n < max; i++)
		out[n++] = files[i];
	return n;
}

/* The boot package's file names, kept for completion. */
static void load_file_names(void)
{
	capos_BootPackage pkg = RT_CAP(capos_BootPackage, "bootpkg");
	static char names[NAME_BYTES];
	if (!pkg.id)
		return;
	RT_CLIENT(cl, 8192);
	capos_BootPackage_list_Results res;
	if (capos_BootPackage_list_call(pkg, &cl, &res) < 0)
		return;
	struct capnp_list l = capos_BootPackage_list_Results_get_names(res);
	size_t used = 0;
	for (uint32_t i = 0; i < capnp_list_len(&l) && nfiles < FILES_MAX; i++) {
		struct capnp_text t = capnp_list_text(&l, i);
		if (!t.str || t.len + 1 > NAME_BYTES - used)
			break;
		memcpy(names + used, t.str, t.len);
		names[used + t.len] = 0;
		files[nfiles++] = names + used;
		used += t.len + 1;
	}
}

static void banner(void)
{
	printf("\ncapOS shell: every command goes through a capability this shell was granted.\n"
	       "Try:  caps          the capabilities it holds (and nothing else)\n"
	       "      run cap-probe --grant null     a child gets only what you grant it\n"
	       "      ps            processes, their principals and memory\n"
	       "'help' lists every command; Tab completes; Ctrl-C stops a command; 'halt' powers off.\n\n");
}

/* Reads and runs lines until the input ends. */
static int interactive(void)
{
	if (!sh_has_input()) {
		printf("shell: no \"input\" capability: nothing to read commands from\n");
		return 1;
	}
	load_file_names();
	le_init(&editor, "capos> ", complete, 0);
	banner();
	for (;;) {
		sh_reap_jobs();
		le_start(&editor);
		sh_write(editor.out, editor.out_len);
		enum le_event e = LE_NONE;
		while (e == LE_NONE) {
			uint8_t b;
			if (sh_getc(&b, CAPOS_TIMEOUT_NEVER) < 0) {
				printf("\nshell: end of input\n");
				return 0;
			}
			e = le_feed(&editor, b);
			sh_write(editor.out, editor.out_len);
		}
		if (e == LE_EOF) {
			printf("\nshell: end of input (Ctrl-D); 'halt' powers off\n");
			continue;
		}
		if (e == LE_ENTER) {
			char line[LE_LINE_MAX];
			memcpy(line, le_line(&editor), strlen(le_line(&editor)) + 1);
			sh_run_line(line);
		}
	}
}

/* Runs each ';'-separated command of script; returns how many failed. */
static int script(const char *text)
{
	int failed = 0;
	char line[LE_LINE_MAX];
	while (*text) {
		size_t n = 0;
		while (text[n] && text[n] != ';')
			n++;
		if (n >= sizeof line) {
			printf("shell: a command longer than %zu bytes\n", sizeof line - 1);
			return failed + 1;
		}
		for (size_t i = 0; i < n; i++)
			line[i] = text[i] == '+' ? ' ' : text[i]; /* init=shell:ARG cannot hold a space */
		line[n] = 0;
		printf("capos> %s\n", line);
		failed += sh_run_line(line) != 0;
		text += n + (text[n] == ';');
	}
	return failed;
}

static const char self_check[] = "caps;ps;services;uptime;mem;stat init;hexdump manifest.bin 32;"
                                 "run cap-probe --grant null --grant bootpkg";

int main(void)
{
	if (rt_argc() == 0 || !strcmp(rt_arg(0), "interactive"))
		return interactive();
	int failed = 0;
	for (uint32_t i = 0; i < rt_argc(); i++)
		failed += script(!strcmp(rt_arg(i), "--self-check") ? self_check : rt_arg(i));
	sh_reap_jobs();
	printf("shell: %d command%s failed\n", failed, failed == 1 ? "" : "s");
	return failed;
}
