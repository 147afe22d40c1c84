/* The shell (services/shell, docs/shell.md): a command line on the serial
 * console, every command through one of the capabilities the manifest
 * grants it. shell.c reads and runs lines; io.c is input and output
 * (ByteInput, Console) and waiting with Ctrl-C; cmd_*.c the commands. */
#ifndef CAPOS_SHELL_H
#define CAPOS_SHELL_H

#include "lib/errors.h"
#include "lib/fmt.h"
#include "lib/mem.h"
#include "rt/capos.h"

#define SH_ARGS_MAX 32

struct sh_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*fn)(int argc, char **argv); /* 0: success */
};

extern const struct sh_cmd sh_cmds[];
extern const uint32_t sh_ncmds;

/* ------------------------------------------------------------ io.c */
/* Raw bytes to the console (the line editor's redraws). */
void sh_write(const char *s, size_t n);
/* True when the shell has a keyboard ("input", a ByteInput). */
bool sh_has_input(void);
/* The next input byte, waiting at most timeout_ns (CAPOS_TIMEOUT_NEVER:
 * forever). 1: *b set; 0: timed out; -1: the input ended (its read failed). */
int sh_getc(uint8_t *b, uint64_t timeout_ns);
/* Waits up to timeout_ns for input; true if Ctrl-C was typed (the input
 * up to and including it is dropped; other type-ahead is kept). */
bool sh_interrupted(uint64_t timeout_ns);
/* Waits for the process to exit, killing it on Ctrl-C. CAPOS_OK with its
 * exit code in *code (*killed: by Ctrl-C), or the wait's error. */
int sh_wait(capos_ProcessHandle h, int64_t *code, bool *killed);

/* ------------------------------------------------------------ shell.c */
/* Runs one command line; returns its status (0: success). */
int sh_run_line(char *line);
/* The CapId of the shell's own capability called name (any interface):
 * 0 if none; *iface receives its interface id. */
uint32_t sh_cap(const char *name, uint64_t *iface);
/* Prints "NAME: what: ERROR" and returns 1. */
int sh_fail(const char *cmd, const char *what, int err);
/* Parses a decimal or 0x-hex number; false if s is not one. */
bool sh_number(const char *s, uint64_t *out);

/* ------------------------------------------------------------ the commands */
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_hexdump(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_blk(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wasm(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* ------------------------------------------------------------ cmd_proc.c */
/* Releases the handles of background children that have exited, saying so. */
void sh_reap_jobs(void);
/* Spawns binary with args and the grants named (the shell's own
 * capabilities, console always) and waits for it unless background. */
int sh_spawn(const char *binary, const char *const *args, uint32_t nargs, const char *const *grants,
             uint32_t ngrants, uint64_t kernel_memory, bool background);

#endif
