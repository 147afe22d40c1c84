/* Starting and supervising the services of the plan (init/init.h).
 *
 * A service starts once everything it needs is ready: the services whose
 * exports it is granted and those in its `after`. A service with exports
 * is ready while it runs; a job (no exports) once it has exited for good
 * (whatever its code: `after` sequences jobs, it does not chain failures). Its
 * CapSet holds exactly its grants — init's own kernel capabilities narrowed
 * to the granted rights, or clients minted from another service's export
 * with the grant's badge and rights — and the serve capability of each of
 * its own exports, which init creates before anything starts and keeps, so
 * calls wait across a server's restart. An exit is handled by the restart
 * policy: never; onFailure (a non-zero code or a fault); always — with a
 * back-off that doubles from restartBackoffMs up to restartBackoffMaxMs,
 * at most restartLimit times, then the service is given up. The graph has
 * finished when no job runs or waits to restart; servers still running are
 * then stopped (their handles released), last started first, so a server
 * the others print through (serial) goes last. */
#include "init/init.h"

#include "lib/errors.h"
#include "lib/fmt.h"
#include "lib/mem.h"

/* Each service's kernel-memory quota when its manifest entry gives none:
 * this, or seven eighths of what init has left when that is less. */
#define DEFAULT_KERNEL_MEMORY (32ull * 1024 * 1024)

/* init's CapSet names of the kernel capabilities, by enum KernelCap. */
static const char *const kernel_cap_names[] = {
	[capos_KernelCap_console] = "console",     [capos_KernelCap_frameAllocator] = "frames",
	[capos_KernelCap_virtualMemory] = "vm",    [capos_KernelCap_processSpawner] = "spawner",
	[capos_KernelCap_bootPackage] = "bootpkg", [capos_KernelCap_nullCap] = "null",
	[capos_KernelCap_objectFactory] = "factory", [capos_KernelCap_ioPorts] = "ioports",
	[capos_KernelCap_irqControl] = "irq",      [capos_KernelCap_pciBus] = "pci",
	[capos_KernelCap_systemMonitor] = "sysmon", [capos_KernelCap_power] = "power",
	[capos_KernelCap_kernelLog] = "kernellog",
};

static bool is_job(uint32_t s) { return plan.services[s].nexports == 0; }

static bool ready(uint32_t s)
{
	return is_job(s) ? svcs[s].state == SVC_DONE : svcs[s].state == SVC_RUNNING || svcs[s].absent;
}

/* Bit i: service s needs service i ready before it starts. */
static uint64_t needs(uint32_t s)
{
	const struct manifest_service *m = &plan.services[s];
	uint64_t mask = m->after_mask | svcs[s].after_mask;
	for (uint32_t g = 0; g < m->ngrants; g++)
		if (m->grants[g].source == MANIFEST_SOURCE_EXPORT)
			mask |= 1ull << m->grants[g].service;
	return mask;
}

/* The services a selected one is granted exports of run too. */
static void select_providers(void)
{
	for (bool more = true; more;) {
		more = false;
		for (uint32_t s = 0; s < plan.nservices; s++) {
			if (svcs[s].state != SVC_WAITING)
				continue;
			const struct manifest_service *m = &plan.services[s];
			for (uint32_t g = 0; g < m->ngrants; g++) {
				struct svc *p = &svcs[m->grants[g].service];
				if (m->grants[g].source == MANIFEST_SOURCE_EXPORT && p->state == SVC_IDLE)
					p->state = SVC_WAITING, more = true;
			}
		}
	}
}

/* Makes the endpoints of every selected service's exports. */
static bool create_exports(void)
{
	capos_ObjectFactory factory = RT_CAP(capos_ObjectFactory, "factory");
	for (uint32_t s = 0; s < plan.nservices; s++) {
		const struct manifest_service *m = &plan.services[s];
		for (uint32_t e = 0; svcs[s].state != SVC_IDLE && e < m->nexports; e++) {
			int r = rt_endpoint_create(factory, m->exports[e].interface_id, 0, &svcs[s].serve[e]);
			if (r) {
				printf("init: cannot create export %s.%s: %s; nothing started\n", m->name, m->exports[e].name,
				       capos_strerror(r));
				return false;
			}
		}
	}
	return true;
}

static uint64_t quota(const struct manifest_service *m)
{
	if (m->kernel_memory)
		return m->kernel_memory;
	RT_CLIENT(cl, 128);
	capos_FrameAllocator_stats_Results st;
	if (capos_FrameAllocator_stats_call(RT_CAP(capos_FrameAllocator, "frames"), &cl, &st) < 0)
		return DEFAULT_KERNEL_MEMORY;
	uint64_t limit = capos_FrameAllocator_stats_Results_get_kernelMemoryLimit(st);
	uint64_t used = capos_FrameAllocator_stats_Results_get_kernelMemoryUsed(st);
	uint64_t room = used < limit ? limit - used : 0;
	room -= room / 8;
	return room == 0 ? 1 : room < DEFAULT_KERNEL_MEMORY ? room : DEFAULT_KERNEL_MEMORY;
}

/* The narrowed hardware capability of a kernel grant (CapGrant's portBase/
 * portCount, irq, pciVendorId...): made from init's root for this start
 * only, in *cap. Returns 1 when the grant narrows nothing, or the error. */
static int narrow(const struct manifest_grant *mg, uint32_t *cap)
{
	RT_CLIENT(cl, 128);
	int r = 1;
	if (mg->port_count) {
		capos_IoPort_restrict_Params_builder p = capos_IoPort_restrict_begin(&cl);
		capos_IoPort_restrict_Params_set_offset(p, mg->port_base);
		capos_IoPort_restrict_Params_set_count(p, mg->port_count);
		r = capos_IoPort_restrict_call(RT_CAP(capos_IoPort, "ioports"), &cl, 0);
	} else if (mg->irq != 0xff) {
		capos_IrqControl_line_Params_builder p = capos_IrqControl_line_begin(&cl);
		capos_IrqControl_line_Params_set_irq(p, mg->irq);
		r = capos_IrqControl_line_call(RT_CAP(capos_IrqControl, "irq"), &cl, 0);
	} else if (mg->pci_vendor) {
		capos_PciBus_byId_Params_builder p = capos_PciBus_byId_begin(&cl);
		capos_PciBus_byId_Params_set_vendorId(p, mg->pci_vendor);
		capos_PciBus_byId_Params_set_deviceId(p, mg->pci_device);
		capos_PciBus_byId_Params_set_instance(p, mg->pci_instance);
		r = capos_PciBus_byId_call(RT_CAP(capos_PciBus, "pci"), &cl, 0);
	}
	if (r < 0)
		printf("init: grant %s: %s\n", mg->name,
		       mg->port_count ? "cannot restrict the I/O ports" : mg->irq != 0xff ? "cannot take the IRQ line"
		                                                             : "no such PCI device");
	*cap = r < 0 ? 0 : cl.new_cap;
	return r < 0 ? r : r == 1 ? 1 : CAPOS_OK;
}

/* Fills g with service s's CapSet; minted clients and narrowed hardware
 * are listed in minted (init releases them once the child holds its
 * copies). */
static int build_grants(uint32_t s, struct rt_grant *g, uint32_t *n, uint32_t *minted, uint32_t *nminted)
{
	const struct manifest_service *m = &plan.services[s];
	*n = *nminted = 0;
	for (uint32_t i = 0; i < m->ngrants; i++) {
		const struct manifest_grant *mg = &m->grants[i];
		uint32_t cap;
		if (mg->source == MANIFEST_SOURCE_KERNEL && mg->kernel == capos_KernelCap_initServices) {
			int r = monitor_client(&cap); /* init's own ServiceMonitor */
			if (r)
				return r;
			minted[(*nminted)++] = cap;
		} else if (mg->source == MANIFEST_SOURCE_KERNEL) {
			int r = narrow(mg, &cap);
			if (r < 0)
				return r;
			if (r == 1)
				cap = rt_capset_find(kernel_cap_names[mg->kernel], mg->interface_id);
			else
				minted[(*nminted)++] = cap;
		} else if (svcs[mg->service].absent) {
			/* Optional hardware: the driver has no device here, so the
			 * client runs without the grant (and says what it lacks). */
			printf("init: %s: grant %s left out: %s has no device on this machine\n", m->name, mg->name,
			       plan.services[mg->service].name);
			continue;
		} else {
			int r = rt_endpoint_mint(svcs[mg->service].serve[mg->export_index], mg->badge, mg->rights, &cap);
			if (r)
				return r;
			minted[(*nminted)++] = cap;
		}
		g[(*n)++] = (struct rt_grant){ mg->name, cap, mg->interface_id, 0, mg->rights };
	}
	for (uint32_t e = 0; e < m->nexports; e++)
		g[(*n)++] = (struct rt_grant){ m->exports[e].name, svcs[s].serve[e], capos_Endpoint_ID, 0, capos_rightsAll };
	return CAPOS_OK;
}

/* The service's arguments as NUL-terminated strings in buf. */
static uint32_t build_args(uint32_t s, char *buf, const char **argv)
{
	const struct manifest_service *m = &plan.services[s];
	if (svcs[s].arg) {
		argv[0] = svcs[s].arg;
		return 1;
	}
	for (uint32_t a = 0; a < m->argc; a++) {
		memcpy(buf, m->args[a].str, m->args[a].len);
		buf[m->args[a].len] = 0;
		argv[a] = buf;
		buf += m->args[a].len + 1;
	}
	return m->argc;
}

/* Submits a ProcessHandle.wait for s (its completion ends the wait). */
static void watch(uint32_t s)
{
	struct svc *v = &svcs[s];
	struct capnp_builder b;
	capnp_builder_init(&b, v->wait_buf, sizeof v->wait_buf);
	capos_ProcessHandle_wait_Params_init_root(&b);
	uint32_t len = (uint32_t)capnp_builder_finish(&b);
	v->wait_ud = rt_ring_next_user_data();
	struct capos_sqe sqe = { .opcode = CAPOS_OP_CALL, .cap = v->handle.id, .interface_id = capos_ProcessHandle_ID,
		                 .method = capos_ProcessHandle_wait_ORDINAL, .user_data = v->wait_ud,
		                 .buf = (uint64_t)(uintptr_t)v->wait_buf, .params_len = len,
		                 .buf_cap = sizeof v->wait_buf };
	while (rt_ring_submit(&sqe) == RT_SQ_FULL)
		sys_cap_enter(0, 0);
}

/* Whether m is granted a PciDevice narrowed from the bus. */
static bool pci_grant(const struct manifest_service *m)
{
	for (uint32_t i = 0; i < m->ngrants; i++)
		if (m->grants[i].source == MANIFEST_SOURCE_KERNEL && m->grants[i].pci_vendor)
			return true;
	return false;
}

static bool start(uint32_t s)
{
	static struct rt_grant g[MANIFEST_CAPSET_MAX];
	static uint32_t minted[MANIFEST_GRANTS_MAX];
	static char argbuf[MANIFEST_ARGS_BYTES];
	static const char *argv[MANIFEST_ARGS_MAX];
	const struct manifest_service *m = &plan.services[s];
	struct svc *v = &svcs[s];
	uint32_t n, nminted;
	int r = build_grants(s, g, &n, minted, &nminted);
	if (!r) {
		uint32_t argc = build_args(s, argbuf, argv);
		struct rt_spawn_args a = { m->name, plan.binaries[m->binary].path, g, n, argv, argc, quota(m) };
		r = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &a, &v->handle, &v->pid);
	}
	for (uint32_t i = 0; i < nminted; i++)
		rt_release(minted[i]);
	if (r == CAPOS_E_NOT_FOUND && pci_grant(m)) {
		/* A driver whose device this machine lacks has nothing to do:
		 * not a failure (services/virtio-blk without a disk). Its clients
		 * start without its export (build_grants). */
		printf("init: %s not started: its PCI device is not on this machine\n", m->name);
		v->state = SVC_DONE, v->ok = true, v->absent = true;
		return false;
	}
	if (r) {
		printf("init: cannot start %s: %s\n", m->name, capos_strerror(r));
		v->state = SVC_DONE, v->ok = false;
		return false;
	}
	v->state = SVC_RUNNING;
	if (!is_job(s) || v->restarts)
		printf("init: service %s started (pid %u)\n", m->name, v->pid);
	watch(s);
	return true;
}

/* Starts every waiting server (or job) whose needs are ready; skips those
 * whose needs can no longer become ready. Returns how many started. */
static uint32_t start_ready(bool jobs)
{
	uint32_t started = 0;
	for (uint32_t k = 0; k < plan.nservices; k++) {
		uint32_t s = plan.order[k], blocked = 0;
		uint64_t need = needs(s);
		if (svcs[s].state != SVC_WAITING || is_job(s) != jobs)
			continue;
		bool go = true;
		for (uint32_t i = 0; i < plan.nservices; i++) {
			if (!(need >> i & 1) || svcs[i].state == SVC_IDLE)
				continue;
			go &= ready(i);
			if (svcs[i].state == SVC_SKIPPED || (svcs[i].state == SVC_DONE && !is_job(i) && !svcs[i].absent))
				blocked = i + 1;
		}
		if (blocked) {
			svcs[s].state = SVC_SKIPPED;
			printf("init: %s not started: %s is gone\n", plan.services[s].name,
			       plan.services[blocked - 1].name);
		} else if (go) {
			started += start(s);
		}
	}
	return started;
}

/* Applies the restart policy to s, which exited with code. */
static void exited(uint32_t s, int64_t code)
{
	const struct manifest_service *m = &plan.services[s];
	struct svc *v = &svcs[s];
	rt_release(v->handle.id);
	v->code = code;
	bool failed = code != 0;
	if (is_job(s))
		printf("init: %s (pid %u) exited with code %lld: %s\n", m->name, v->pid, (long long)code,
		       failed ? "FAIL" : "PASS");
	else
		printf("init: service %s (pid %u) exited with code %lld\n", m->name, v->pid, (long long)code);
	bool again = m->restart == capos_RestartPolicy_always || (m->restart == capos_RestartPolicy_onFailure && failed);
	if (again && v->restarts < m->restart_limit) {
		v->backoff_ms = v->restarts ? v->backoff_ms * 2 : m->backoff_ms;
		if (v->backoff_ms > m->backoff_max_ms)
			v->backoff_ms = m->backoff_max_ms;
		v->restarts++;
		v->waited_ms = 0;
		v->state = SVC_BACKOFF;
		printf("init: restarting %s in %u ms (restart %u of %u)\n", m->name, v->backoff_ms, v->restarts,
		       m->restart_limit);
		return;
	}
	v->state = SVC_DONE;
	v->ok = !failed;
	if (again)
		printf("init: %s failed %u times; giving up\n", m->name, v->restarts + 1);
}

/* Handles the exits whose completions have arrived (in the CQ, or kept by
 * the runtime while it waited for another call of init's). */
static bool handle_exits(void)
{
	bool any = false;
	for (uint32_t s = 0; s < plan.nservices; s++) {
		struct capos_cqe c;
		if (svcs[s].state != SVC_RUNNING || !rt_ring_poll(svcs[s].wait_ud, &c))
			continue;
		any = true;
		int64_t code = CAPOS_EXIT_KILLED;
		struct capnp_msg msg;
		struct capnp_limits lim = capnp_limits_for_size(sizeof svcs[s].wait_buf, CAPNP_TRAVERSAL_FACTOR);
		if (c.result > 0 && capnp_msg_init(&msg, svcs[s].wait_buf, (size_t)c.result, &lim) == CAPNP_OK)
			code = capos_ProcessHandle_wait_Results_get_exitCode(capos_ProcessHandle_wait_Results_root(&msg));
		exited(s, code);
	}
	return any;
}

/* Waits for an exit or the nearest back-off; returns after handling what
 * happened. */
static void wait_and_handle(void)
{
	bool served = monitor_poll(); /* both, whatever the first finds */
	if (handle_exits() || served)
		return;
	uint32_t soonest = UINT32_MAX;
	for (uint32_t s = 0; s < plan.nservices; s++)
		if (svcs[s].state == SVC_BACKOFF && svcs[s].backoff_ms - svcs[s].waited_ms < soonest)
			soonest = svcs[s].backoff_ms - svcs[s].waited_ms;
	uint64_t timeout = soonest == UINT32_MAX ? CAPOS_TIMEOUT_NEVER : (uint64_t)soonest * 1000000;
	sys_cap_enter(1, timeout);
	served = monitor_poll();
	bool any = handle_exits() || served;
	/* Time passed only when nothing woke us: a back-off is never cut short. */
	for (uint32_t s = 0; !any && s < plan.nservices; s++) {
		if (svcs[s].state != SVC_BACKOFF)
			continue;
		svcs[s].waited_ms += soonest;
		if (svcs[s].waited_ms >= svcs[s].backoff_ms)
			start(s);
	}
}

static uint64_t ticks(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

uint32_t services_run(void)
{
	select_providers();
	if (!create_exports())
		return 1;
	int r = monitor_start();
	if (r)
		printf("init: no ServiceMonitor (%s); services runs without it\n", capos_strerror(r));
	bool announced = false;
	for (;;) {
		/* Servers first, so "all services up" is said before any job runs
		 * (and prints over it). */
		while (start_ready(false))
			;
		uint32_t servers_down = 0;
		for (uint32_t s = 0; s < plan.nservices; s++)
			servers_down += svcs[s].state == SVC_WAITING && !is_job(s);
		if (!servers_down && !announced) {
			printf("init: all services up at %llu ticks\n", (unsigned long long)ticks());
			announced = true;
		}
		start_ready(true);
		uint32_t jobs = 0, pending = 0;
		for (uint32_t s = 0; s < plan.nservices; s++) {
			jobs += svcs[s].state == SVC_RUNNING && is_job(s);
			pending += svcs[s].state == SVC_BACKOFF;
		}
		if (!jobs && !pending)
			break;
		wait_and_handle();
	}
	uint32_t bad = 0, total = 0;
	/* Last started, first stopped: a server others were granted (serial,
	 * which writes everyone's lines) outlives them. */
	for (uint32_t k = plan.nservices; k-- > 0;) {
		uint32_t s = plan.order[k];
		struct svc *v = &svcs[s];
		if (v->state == SVC_IDLE)
			continue;
		total++;
		if (v->state == SVC_RUNNING) { /* a server nobody needs any more */
			rt_release(v->handle.id);
			continue;
		}
		if (v->state == SVC_WAITING)
			printf("init: %s never started\n", plan.services[s].name);
		bad += v->state != SVC_DONE || !v->ok;
	}
	printf("init: %u of %u services passed\n", total - bad, total);
	return bad;
}
