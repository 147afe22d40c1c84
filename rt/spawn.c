/* Process creation: builds a ProcessSpawner.spawn request (its grant and
 * argument lists) and makes the call through the generated client. */
#include "lib/mem.h"
#include "rt/capos.h"

#define SPAWN_BUF_BYTES 4096

int rt_spawn(capos_ProcessSpawner spawner, const struct rt_spawn_args *a, capos_ProcessHandle *handle,
             uint32_t *pid)
{
	RT_CLIENT(cl, SPAWN_BUF_BYTES);
	capos_ProcessSpawner_spawn_Params_builder p = capos_ProcessSpawner_spawn_begin(&cl);
	capos_ProcessSpawner_spawn_Params_set_name(p, a->name, strlen(a->name));
	capos_ProcessSpawner_spawn_Params_set_binary(p, a->binary, strlen(a->binary));
	capos_ProcessSpawner_spawn_Params_set_kernelMemory(p, a->kernel_memory);
	capos_SpawnGrant_list_builder gl = capos_ProcessSpawner_spawn_Params_init_grants(p, a->ngrants);
	for (uint32_t i = 0; i < a->ngrants; i++) {
		const struct rt_grant *g = &a->grants[i];
		capos_SpawnGrant_builder b = capos_SpawnGrant_list_builder_get(gl, i);
		capos_SpawnGrant_set_name(b, g->name, strlen(g->name));
		capnp_pb_set_cap(capos_SpawnGrant_init_cap(b), g->cap);
		capos_SpawnGrant_set_interfaceId(b, g->interface_id);
		capos_SpawnGrant_set_badge(b, g->badge);
		capos_SpawnGrant_set_rights(b, g->rights);
	}
	struct capnp_lb al = capos_ProcessSpawner_spawn_Params_init_args(p, a->nargs);
	for (uint32_t i = 0; i < a->nargs; i++)
		capnp_pb_set_text(capnp_lb_ptr(al, i), a->args[i], strlen(a->args[i]));
	capos_ProcessSpawner_spawn_Results res;
	int r = capos_ProcessSpawner_spawn_call(spawner, &cl, &res);
	if (r < 0)
		return r;
	*handle = (capos_ProcessHandle){ cl.new_cap };
	if (pid)
		*pid = capos_ProcessSpawner_spawn_Results_get_pid(res);
	return CAPOS_OK;
}

int rt_wait(capos_ProcessHandle h, int64_t *exit_code)
{
	RT_CLIENT(cl, 64);
	capos_ProcessHandle_wait_Results res;
	int r = capos_ProcessHandle_wait_call(h, &cl, &res);
	if (r < 0)
		return r;
	*exit_code = capos_ProcessHandle_wait_Results_get_exitCode(res);
	return CAPOS_OK;
}
