/* The shell's process commands: run, jobs, kill, wasm, bench. Children are
 * spawned through "spawner" with only the capabilities named (the shell's
 * own, at most its rights; "console" always), and the shell keeps each
 * child's ProcessHandle: that is all kill can reach — it holds no handle
 * to any other process. */
#include "services/shell/shell.h"

#define JOBS_MAX 16
#define RUN_KERNEL_MEMORY (4ull << 20) /* falls back to the spawner default (1 MiB) */
#define WASM_KERNEL_MEMORY (16ull << 20)
#define GRANTS_MAX 12

struct job {
	bool used;
	capos_ProcessHandle handle;
	uint32_t pid;
	char name[24];
	uint64_t wait_ud;       /* a background child's pending wait */
	uint64_t wait_buf[8];
};
static struct job jobs[JOBS_MAX];

/* What `run --grant` may pass on: the shell's harmless or everyday
 * capabilities. Not power, sysmon, services, input, pci or blk. */
static const char *const grantable[] = { "console", "null", "bootpkg", "log", "frames", "vm", "factory", "spawner" };

static bool is_grantable(const char *name)
{
	for (uint32_t i = 0; i < sizeof grantable / sizeof grantable[0]; i++)
		if (!strcmp(grantable[i], name))
			return true;
	return false;
}

static void post_job_wait(struct job *j)
{
	struct capnp_builder b;
	capnp_builder_init(&b, j->wait_buf, sizeof j->wait_buf);
	capos_ProcessHandle_wait_Params_init_root(&b);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	j->wait_ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = j->handle.id, .interface_id = capos_ProcessHandle_ID,
		                 .method = capos_ProcessHandle_wait_ORDINAL, .user_data = j->wait_ud,
		                 .buf = (uint64_t)(uintptr_t)j->wait_buf, .params_len = len,
		                 .buf_cap = sizeof j->wait_buf };
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
}

void sh_reap_jobs(void)
{
	for (uint32_t i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		struct capos_cqe c;
		if (!j->used || !rt_ring_poll(j->wait_ud, &c))
			continue;
		struct capnp_msg msg;
		struct capnp_limits lim = capnp_limits_for_size(sizeof j->wait_buf, CAPNP_TRAVERSAL_FACTOR);
		long long code = CAPOS_EXIT_KILLED;
		if (c.result > 0 && capnp_msg_init(&msg, j->wait_buf, (size_t)c.result, &lim) == CAPNP_OK)
			code = capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&msg));
		printf("[%u] %s exited with code %lld\n", j->pid, j->name, code);
		rt_release(j->handle.id);
		j->used = false;
	}
}

/* The grants for a child: "console" and each name (NAME or NAME:RIGHTS). */
static int build_grants(const char *const *names, uint32_t n, struct rt_grant *g, uint32_t *ng)
{
	uint64_t iface;
	uint32_t cap = sh_cap("console", &iface);
	*ng = 0;
	if (cap)
		g[(*ng)++] = (struct rt_grant){ "console", cap, iface, 0, capos_rightsAll };
	static char copies[GRANTS_MAX][24];
	for (uint32_t i = 0; i < n; i++) {
		size_t len = 0;
		while (names[i][len] && names[i][len] != ':')
			len++;
		const char *colon = names[i][len] ? names[i] + len : 0;
		uint64_t rights = capos_rightsAll;
		if (len == 0 || len >= sizeof copies[0] || (colon && (!sh_number(colon + 1, &rights) || rights > 0xffffffffu))) {
			printf("run: bad grant '%.40s' (CAP or CAP:RIGHTS)\n", names[i]);
			return 2;
		}
		memcpy(copies[i], names[i], len);
		copies[i][len] = 0;
		if (!is_grantable(copies[i]) || !(cap = sh_cap(copies[i], &iface))) {
			printf("run: '%s' is not a capability this shell can grant (try caps)\n", copies[i]);
			return 2;
		}
		if (*ng == GRANTS_MAX)
			return printf("run: at most %d grants\n", GRANTS_MAX - 1), 2;
		uint32_t k = 0;
		while (k < *ng && strcmp(g[k].name, copies[i]))
			k++;
		g[k] = (struct rt_grant){ copies[i], cap, iface, 0, (uint32_t)rights };
		*ng += k == *ng;
	}
	return 0;
}

static struct job *free_job(void)
{
	for (uint32_t i = 0; i < JOBS_MAX; i++)
		if (!jobs[i].used)
			return &jobs[i];
	return 0;
}

int sh_spawn(const char *binary, const char *const *args, uint32_t nargs, const char *const *names, uint32_t nnames,
             uint64_t kernel_memory, bool background)
{
	struct rt_grant g[GRANTS_MAX];
	uint32_t ng;
	if (build_grants(names, nnames, g, &ng))
		return 2;
	struct job *j = free_job();
	if (!j)
		return printf("run: %d children already; kill some\n", JOBS_MAX), 1;
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	struct rt_spawn_args a = { binary, binary, g, ng, args, nargs, kernel_memory };
	capos_ProcessHandle h;
	uint32_t pid;
	int r = spawner.id ? rt_spawn(spawner, &a, &h, &pid) : CAPOS_E_NOT_FOUND;
	if (r == CAPOS_E_LIMIT_EXCEEDED && a.kernel_memory) { /* a small machine: the spawner's default quota */
		a.kernel_memory = 0;
		r = rt_spawn(spawner, &a, &h, &pid);
	}
	if (r < 0)
		return printf("run: cannot start %.40s: %s\n", binary, capos_strerror(r)), 1;
	*j = (struct job){ .used = true, .handle = h, .pid = pid };
	size_t n = strnlen(binary, sizeof j->name - 1);
	memcpy(j->name, binary, n);
	if (background) {
		post_job_wait(j);
		printf("[%u] %s started in the background\n", pid, j->name);
		return 0;
	}
	int64_t code = 0;
	bool killed;
	r = sh_wait(h, &code, &killed);
	rt_release(h.id);
	j->used = false;
	if (r < 0)
		return sh_fail("run", "wait", r);
	if (killed)
		printf("[%u] %s killed (Ctrl-C)\n", pid, j->name);
	else
		printf("[%u] %s exited with code %lld\n", pid, j->name, (long long)code);
	return killed ? 130 : code != 0;
}

int cmd_run(int argc, char **argv)
{
	const char *args[SH_ARGS_MAX], *grants[GRANTS_MAX];
	uint32_t nargs = 0, ngrants = 0;
	bool background = argc > 1 && !strcmp(argv[argc - 1], "&");
	argc -= background;
	if (argc < 2) {
		printf("run: usage: run BINARY [ARG...] [--grant CAP[:RIGHTS]...] [&]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--grant")) {
			if (i + 1 == argc || ngrants == GRANTS_MAX - 1) {
				printf("run: --grant needs a capability name (at most %d)\n", GRANTS_MAX - 1);
				return 2;
			}
			grants[ngrants++] = argv[++i];
		} else {
			args[nargs++] = argv[i];
		}
	}
	return sh_spawn(argv[1], args, nargs, grants, ngrants, RUN_KERNEL_MEMORY, background);
}

int cmd_jobs(int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_reap_jobs();
	uint32_t n = 0;
	for (uint32_t i = 0; i < JOBS_MAX; i++)
		if (jobs[i].used)
			printf("[%u] %s running\n", jobs[i].pid, jobs[i].name), n++;
	if (!n)
		printf("jobs: no background children\n");
	return 0;
}

int cmd_kill(int argc, char **argv)
{
	uint64_t pid;
	if (argc != 2 || !sh_number(argv[1], &pid)) {
		printf("kill: usage: kill PID\n");
		return 2;
	}
	sh_reap_jobs();
	for (uint32_t i = 0; i < JOBS_MAX; i++) {
		if (!jobs[i].used || jobs[i].pid != pid)
			continue;
		RT_CLIENT(cl, 64);
		int r = capos_ProcessHandle_kill_call(jobs[i].handle, &cl, 0);
		if (r < 0)
			return sh_fail("kill", jobs[i].name, r);
		struct capos_cqe c;
		rt_ring_wait(jobs[i].wait_ud, &c); /* the kill answers the wait at once */
		printf("[%u] %s killed\n", jobs[i].pid, jobs[i].name);
		rt_release(jobs[i].handle.id);
		jobs[i].used = false;
		return 0;
	}
	printf("kill: %llu is not a child of this shell: it holds no handle to it\n", (unsigned long long)pid);
	return 1;
}

int cmd_wasm(int argc, char **argv)
{
	if (argc < 2) {
		printf("wasm: usage: wasm MODULE [ARG...]\n");
		return 2;
	}
	static const char *const grants[] = { "bootpkg" };
	return sh_spawn("wasm", (const char *const *)argv + 1, (uint32_t)argc - 1, grants, 1, WASM_KERNEL_MEMORY, false);
}

int cmd_bench(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		printf("bench: usage: bench\n");
		return 2;
	}
	static const char *const args[] = { "300/10/table" };
	static const char *const grants[] = { "spawner", "null", "frames", "factory", "vm" };
	printf("bench: ticks per operation (rdtsc, the empty measurement subtracted), 300 samples each, 10 spawns; Ctrl-C stops\n");
	return sh_spawn("bench", args, 1, grants, 5, WASM_KERNEL_MEMORY, false);
}
