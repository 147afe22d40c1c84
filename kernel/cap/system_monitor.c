/* SystemMonitor: a read-only view of the whole system — every live process
 * (pid, name, principal, memory), the uptime, the frame ledger and the
 * caller's own capability table — for the shell's ps, uptime, mem and caps. Every method only reads, so a results buffer
 * too small for the process list fails TOO_BIG having changed nothing. */
#include "capos/capos.capnp.h"
#include "include/capos/ring.h"
#include "kernel/cap/kobject.h"
#include "kernel/kmem.h"
#include "lib/mem.h"
#include "kernel/mem/frame.h"
#include "kernel/mem/kheap.h"
#include "kernel/process.h"
#include "kernel/timer.h"

#define MONITOR_PROCESSES_MAX 256u /* listed at most: bounds the call's work */

enum { STATE_RUNNING, STATE_EXITED, STATE_DOOMED };

static void fill(capos_ProcessInfo_builder b, const struct process *p)
{
	capos_ProcessInfo_set_pid(b, p->pid);
	capos_ProcessInfo_set_name(b, p->principal.name, strnlen(p->principal.name, sizeof p->principal.name));
	capos_ProcessInfo_set_state(b, p->state != PROCESS_ALIVE ? STATE_EXITED : p->doomed ? STATE_DOOMED : STATE_RUNNING);
	capos_ProcessInfo_set_digest(b, p->principal.digest, 8);
	capos_ProcessInfo_set_key(b, p->principal.key, sizeof p->principal.key);
	capos_ProcessInfo_set_frames(b, p->as.frames);
	capos_ProcessInfo_set_grantedFrames(b, p->nframe_grants);
	capos_ProcessInfo_set_kernelMemoryUsed(b, p->kmem->q.used);
	capos_ProcessInfo_set_kernelMemoryLimit(b, p->kmem->q.limit);
	capos_ProcessInfo_set_exitCode(b, p->exit_code);
}

static int sm_processes(void *self, struct capnp_call *call, capos_SystemMonitor_processes_Params params,
                        capos_SystemMonitor_processes_Results_builder results)
{
	(void)self, (void)call, (void)params;
	uint32_t n = 0;
	for (struct process *p = process_live_first(); p && n < MONITOR_PROCESSES_MAX; p = p->all_next)
		n++;
	capos_ProcessInfo_list_builder list = capos_SystemMonitor_processes_Results_init_processes(results, n);
	uint32_t i = 0;
	for (struct process *p = process_live_first(); p && i < n; p = p->all_next)
		fill(capos_ProcessInfo_list_builder_get(list, i++), p);
	return CAPOS_OK;
}

static int sm_uptime(void *self, struct capnp_call *call, capos_SystemMonitor_uptime_Params params,
                     capos_SystemMonitor_uptime_Results_builder r)
{
	(void)self, (void)call, (void)params;
	uint64_t ticks = timer_ticks;
	capos_SystemMonitor_uptime_Results_set_ticks(r, ticks);
	capos_SystemMonitor_uptime_Results_set_hz(r, timer_hz);
	capos_SystemMonitor_uptime_Results_set_ms(r, timer_hz ? ticks * 1000 / timer_hz : 0);
	return CAPOS_OK;
}

static int sm_frames(void *self, struct capnp_call *call, capos_SystemMonitor_frames_Params params,
                     capos_SystemMonitor_frames_Results_builder r)
{
	(void)self, (void)call, (void)params;
	capos_SystemMonitor_frames_Results_set_totalFrames(r, frame_total_usable());
	capos_SystemMonitor_frames_Results_set_freeFrames(r, frame_free_count());
	capos_SystemMonitor_frames_Results_set_heapFrames(r, kheap_frames());
	capos_SystemMonitor_frames_Results_set_processes(r, process_live_count());
	capos_SystemMonitor_frames_Results_set_kernelMemoryUsed(r, kmem_root()->q.used);
	capos_SystemMonitor_frames_Results_set_kernelMemoryLimit(r, kmem_root()->q.limit);
	return CAPOS_OK;
}

static int sm_capabilities(void *self, struct capnp_call *call, capos_SystemMonitor_capabilities_Params params,
                           capos_SystemMonitor_capabilities_Results_builder r)
{
	(void)self, (void)params;
	const struct cap_table *t = &call_of(call)->caller->caps;
	uint32_t n = 0, cursor = 0;
	while (cap_table_next(t, &cursor) >= 0)
		n++;
	capos_CapInfo_list_builder list = capos_SystemMonitor_capabilities_Results_init_caps(r, n);
	cursor = 0;
	for (uint32_t i = 0; i < n; i++) {
		int index = cap_table_next(t, &cursor);
		const struct cap_slot *s = &t->slots[index];
		capos_CapInfo_builder b = capos_CapInfo_list_builder_get(list, i);
		capos_CapInfo_set_cap(b, cap_table_id_at(t, (uint32_t)index));
		capos_CapInfo_set_interfaceId(b, s->interface_id);
		capos_CapInfo_set_rights(b, s->rights);
		capos_CapInfo_set_badge(b, s->badge);
	}
	return CAPOS_OK;
}

static const struct capos_SystemMonitor_server server = {
	.capabilities = sm_capabilities,
	.processes = sm_processes,
	.uptime = sm_uptime,
	.frames = sm_frames,
};

static int monitor_call(struct kobject *o, struct call *c)
{
	return capos_SystemMonitor_dispatch(&server, o, &c->base);
}

static const struct kobject_ops monitor_ops = {
	.iface = &capos_SystemMonitor_interface,
	.call = monitor_call,
};

static struct kobject monitor = KOBJECT_INIT(&monitor_ops);

struct kobject *system_monitor_object(void) { return &monitor; }
