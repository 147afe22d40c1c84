/* tools/mkmanifest: running `capnp eval -b`, and reading files whole. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkmanifest.h"

/* Reads fd to its end into *out. */
static int read_all(int fd, struct blob *out)
{
	size_t cap = 0;
	out->data = NULL;
	out->len = 0;
	for (;;) {
		if (out->len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *p = realloc(out->data, cap);
			if (!p)
				return -1;
			out->data = p;
		}
		ssize_t n = read(fd, out->data + out->len, cap - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		out->len += (size_t)n;
	}
}

int mk_read_file(const char *path, struct blob *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	int r = read_all(fileno(f), out);
	fclose(f);
	return r;
}

/* Prints capnp's diagnostics, each line prefixed "source: " unless capnp
 * already starts it with the file's name. */
static void print_diagnostics(const char *source, const struct blob *err)
{
	const char *p = (const char *)err->data, *end = p + err->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (strncmp(p, source, strlen(source)) == 0)
			fprintf(stderr, "%.*s\n", (int)n, p);
		else
			fprintf(stderr, "%s: capnp: %.*s\n", source, (int)n, p);
		p += n + 1;
	}
}

int mk_eval(const char *source, const char *include_dir, struct blob *out)
{
	int opipe[2], epipe[2];
	if (pipe(opipe) || pipe(epipe)) {
		perror("mkmanifest: pipe");
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(opipe[1], 1);
		dup2(epipe[1], 2);
		close(opipe[0]), close(opipe[1]), close(epipe[0]), close(epipe[1]);
		char inc[4096];
		snprintf(inc, sizeof inc, "-I%s", include_dir);
		execlp("capnp", "capnp", "eval", "-b", inc, source, "manifest", (char *)NULL);
		fprintf(stderr, "cannot run capnp: %s\n", strerror(errno));
		_exit(127);
	}
	close(opipe[1]), close(epipe[1]);
	struct blob err = { 0 };
	/* capnp writes little to stderr: read all of stdout, then stderr */
	int r = pid < 0 ? -1 : read_all(opipe[0], out);
	if (read_all(epipe[0], &err))
		r = -1;
	close(opipe[0]), close(epipe[0]);
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (r || pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		print_diagnostics(source, &err);
		if (!err.len)
			fprintf(stderr, "%s: capnp eval failed\n", source);
		free(out->data);
		out->data = NULL;
		r = -1;
	}
	free(err.data);
	return r;
}
