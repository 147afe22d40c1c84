/* Typed clients: each builds its params with the accessors generated from
 * schema/capos.capnp, makes one synchronous CALL and decodes the results.
 * One call buffer serves them all (the runtime is single-threaded). */
#include "capos/capos.capnp.h"
#include "lib/capnp/capnp_build.h"
#include "lib/mem.h"
#include "rt/capos.h"

#define CALL_BUF_BYTES (8 * 1024 + 512)

static uint64_t callbuf[CALL_BUF_BYTES / 8];

static struct capnp_builder begin(void)
{
	struct capnp_builder b;
	capnp_builder_init(&b, callbuf, sizeof callbuf);
	return b;
}

/* Finishes the params in callbuf and calls; results land in callbuf. */
static int finish_call(struct capnp_builder *b, uint32_t cap, uint16_t method, uint32_t *new_cap)
{
	size_t n = capnp_builder_finish(b);
	if (!n)
		return CAPOS_E_TOO_BIG;
	return rt_call(cap, method, callbuf, (uint32_t)n, callbuf, sizeof callbuf, new_cap);
}

/* Opens the results of a successful call (len bytes in callbuf). */
static struct capnp_msg results(int len)
{
	struct capnp_msg m;
	capnp_msg_init(&m, callbuf, (size_t)len, 0);
	return m;
}

static int console_text(uint32_t console, uint16_t method, const char *s, size_t len)
{
	struct capnp_builder b = begin();
	capos_Console_write_Params_set_text(capos_Console_write_Params_init_root(&b), s, len);
	int r = finish_call(&b, console, method, 0);
	return r < 0 ? r : CAPOS_OK;
}

int console_write(uint32_t console, const char *s, size_t len)
{
	return console_text(console, capos_Console_write_ORDINAL, s, len);
}

int console_write_line(uint32_t console, const char *s, size_t len)
{
	return console_text(console, capos_Console_writeLine_ORDINAL, s, len);
}

int null_nop(uint32_t null)
{
	int r = rt_call(null, capos_Null_nop_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	return r < 0 ? r : CAPOS_OK;
}

int null_echo(uint32_t null, uint64_t value, uint64_t *out)
{
	struct capnp_builder b = begin();
	capos_Null_echo_Params_set_value(capos_Null_echo_Params_init_root(&b), value);
	int r = finish_call(&b, null, capos_Null_echo_ORDINAL, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	*out = capos_Null_echo_Results_get_value(capos_Null_echo_Results_root(&m));
	return CAPOS_OK;
}

int spawner_spawn(uint32_t spawner, const char *name, const char *binary, const struct rt_grant *grants,
                  uint32_t ngrants, const char *const *args, uint32_t nargs, struct rt_handle *handle,
                  uint32_t *pid)
{
	struct capnp_builder b = begin();
	capos_ProcessSpawner_spawn_Params_builder p = capos_ProcessSpawner_spawn_Params_init_root(&b);
	capos_ProcessSpawner_spawn_Params_set_name(p, name, strlen(name));
	capos_ProcessSpawner_spawn_Params_set_binary(p, binary, strlen(binary));
	capos_SpawnGrant_list_builder gl = capos_ProcessSpawner_spawn_Params_init_grants(p, ngrants);
	for (uint32_t i = 0; i < ngrants; i++) {
		capos_SpawnGrant_builder g = capos_SpawnGrant_list_builder_get(gl, i);
		capos_SpawnGrant_set_name(g, grants[i].name, strlen(grants[i].name));
		capnp_pb_set_cap(capos_SpawnGrant_init_cap(g), grants[i].cap);
		capos_SpawnGrant_set_interfaceId(g, grants[i].interface_id);
		capos_SpawnGrant_set_badge(g, grants[i].badge);
		capos_SpawnGrant_set_rights(g, grants[i].rights);
	}
	struct capnp_lb al = capos_ProcessSpawner_spawn_Params_init_args(p, nargs);
	for (uint32_t i = 0; i < nargs; i++)
		capnp_pb_set_text(capnp_lb_ptr(al, i), args[i], strlen(args[i]));
	uint32_t cap = 0;
	int r = finish_call(&b, spawner, capos_ProcessSpawner_spawn_ORDINAL, &cap);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	capos_ProcessSpawner_spawn_Results res = capos_ProcessSpawner_spawn_Results_root(&m);
	handle->cap = cap;
	if (pid)
		*pid = capos_ProcessSpawner_spawn_Results_get_pid(res);
	return CAPOS_OK;
}

int process_wait(uint32_t handle, int64_t *exit_code)
{
	int r = rt_call(handle, capos_ProcessHandle_wait_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	*exit_code = capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&m));
	return CAPOS_OK;
}

int process_kill(uint32_t handle)
{
	int r = rt_call(handle, capos_ProcessHandle_kill_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	return r < 0 ? r : CAPOS_OK;
}

int frames_stats(uint32_t frames, uint64_t *total, uint64_t *free_frames, uint64_t *granted)
{
	int r = rt_call(frames, capos_FrameAllocator_stats_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	capos_FrameAllocator_stats_Results s = capos_FrameAllocator_stats_Results_root(&m);
	*total = capos_FrameAllocator_stats_Results_get_totalFrames(s);
	*free_frames = capos_FrameAllocator_stats_Results_get_freeFrames(s);
	*granted = capos_FrameAllocator_stats_Results_get_grantedFrames(s);
	return CAPOS_OK;
}

int frames_alloc(uint32_t frames, uint64_t *phys)
{
	struct capnp_builder b = begin();
	capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_Params_init_root(&b), 1);
	int r = finish_call(&b, frames, capos_FrameAllocator_alloc_ORDINAL, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	*phys = capos_FrameAllocator_alloc_Results_get_phys(capos_FrameAllocator_alloc_Results_root(&m));
	return CAPOS_OK;
}

int bootpkg_list(uint32_t bootpkg, uint32_t *count, const char *want, bool *found)
{
	int r = rt_call(bootpkg, capos_BootPackage_list_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	struct capnp_list names = capos_BootPackage_list_Results_get_names(capos_BootPackage_list_Results_root(&m));
	*count = capnp_list_len(&names);
	*found = false;
	for (uint32_t i = 0; i < *count; i++) {
		struct capnp_text t = capnp_list_text(&names, i);
		*found |= t.len == strlen(want) && !memcmp(t.str, want, t.len);
	}
	return CAPOS_OK;
}

int bootpkg_stat(uint32_t bootpkg, const char *name, uint64_t *size)
{
	struct capnp_builder b = begin();
	capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_Params_init_root(&b), name, strlen(name));
	int r = finish_call(&b, bootpkg, capos_BootPackage_stat_ORDINAL, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	*size = capos_BootPackage_stat_Results_get_size(capos_BootPackage_stat_Results_root(&m));
	return CAPOS_OK;
}

int bootpkg_read(uint32_t bootpkg, const char *name, uint64_t offset, uint32_t length, void *out, uint32_t cap,
                 uint32_t *got)
{
	struct capnp_builder b = begin();
	capos_BootPackage_read_Params_builder p = capos_BootPackage_read_Params_init_root(&b);
	capos_BootPackage_read_Params_set_name(p, name, strlen(name));
	capos_BootPackage_read_Params_set_offset(p, offset);
	capos_BootPackage_read_Params_set_length(p, length);
	int r = finish_call(&b, bootpkg, capos_BootPackage_read_ORDINAL, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	struct capnp_data d = capos_BootPackage_read_Results_get_data(capos_BootPackage_read_Results_root(&m));
	*got = d.len < cap ? d.len : cap;
	memcpy(out, d.ptr, *got);
	return CAPOS_OK;
}

int bootpkg_manifest_size(uint32_t bootpkg, uint64_t *size)
{
	int r = rt_call(bootpkg, capos_BootPackage_manifest_ORDINAL, 0, 0, callbuf, sizeof callbuf, 0);
	if (r < 0)
		return r;
	struct capnp_msg m = results(r);
	*size = capos_BootPackage_manifest_Results_get_manifest(capos_BootPackage_manifest_Results_root(&m)).len;
	return CAPOS_OK;
}
