/* The shell's system commands: help, caps, ps, services, uptime, mem,
 * lspci, log, halt, reboot. Each goes through one capability of the
 * shell's: "sysmon" (SystemMonitor), "services" (init's ServiceMonitor),
 * "pci" (PciBus, rightList), "log" (Log, rightRead), "power" (Power). */
#include "services/shell/shell.h"

static const char *iface_name(uint64_t id)
{
	const struct capnp_interface *i = capnp_interface_find(capos_interfaces, CAPOS_INTERFACE_COUNT, id);
	return i ? i->name : "?";
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("Commands (each through a capability this shell holds; 'caps' lists them):\n");
	for (uint32_t i = 0; i < sh_ncmds; i++)
		printf("  %-34s %s\n", sh_cmds[i].usage, sh_cmds[i].help);
	return 0;
}

/* The shell's own table as the kernel sees it (SystemMonitor.capabilities),
 * named by the CapSet. */
static int cmd_caps(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_SystemMonitor mon = RT_CAP(capos_SystemMonitor, "sysmon");
	static uint64_t buf[4096 / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_SystemMonitor_capabilities_Results res;
	int r = mon.id ? capos_SystemMonitor_capabilities_call(mon, &cl, &res) : CAPOS_E_NOT_FOUND;
	capos_CapInfo_list l = r < 0 ? (capos_CapInfo_list){ 0 } : capos_SystemMonitor_capabilities_Results_get_caps(res);
	printf("%-12s %-15s %-6s %-6s %s\n", "NAME", "INTERFACE", "RIGHTS", "BADGE", "CAP");
	const struct capos_capset *cs = rt.capset;
	for (uint32_t i = 0; i < cs->count && i < CAPOS_CAPSET_MAX; i++) {
		const struct capos_capset_entry *e = &cs->entries[i];
		char rights[16] = "?", badge[24] = "?";
		for (uint32_t k = 0; r >= 0 && k < capos_CapInfo_list_len(l); k++) {
			capos_CapInfo c = capos_CapInfo_list_get(l, k);
			if (capos_CapInfo_get_cap(c) != e->cap)
				continue;
			fmt_snprintf(rights, sizeof rights, "%#x", capos_CapInfo_get_rights(c));
			fmt_snprintf(badge, sizeof badge, "%llu", (unsigned long long)capos_CapInfo_get_badge(c));
		}
		printf("%-12.24s %-15s %-6s %-6s %#x\n", e->name, iface_name(e->interface_id), rights, badge, e->cap);
	}
	if (r < 0)
		return sh_fail("caps", "rights and badges (sysmon)", r);
	return 0;
}

static const char *const proc_states[] = { "running", "exited", "dying" };

static int cmd_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_SystemMonitor mon = RT_CAP(capos_SystemMonitor, "sysmon");
	static uint64_t buf[32768 / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_SystemMonitor_processes_Results res;
	int r = mon.id ? capos_SystemMonitor_processes_call(mon, &cl, &res) : CAPOS_E_NOT_FOUND;
	if (r < 0)
		return sh_fail("ps", "sysmon", r);
	capos_ProcessInfo_list l = capos_SystemMonitor_processes_Results_get_processes(res);
	printf("%4s %-20s %-8s %-17s %7s %7s %s\n", "PID", "NAME", "STATE", "PRINCIPAL", "FRAMES", "GRANTED",
	       "KMEM USED/LIMIT KiB");
	for (uint32_t i = capos_ProcessInfo_list_len(l); i-- > 0;) {
		capos_ProcessInfo p = capos_ProcessInfo_list_get(l, i);
		struct capnp_text name = capos_ProcessInfo_get_name(p);
		struct capnp_data d = capos_ProcessInfo_get_digest(p);
		char digest[20] = "";
		for (uint32_t k = 0; k < d.len && k < 8; k++)
			fmt_snprintf(digest + 2 * k, 3, "%02x", d.ptr[k]);
		uint8_t st = capos_ProcessInfo_get_state(p);
		printf("%4u %-20.*s %-8s %-17s %7llu %7llu %llu/%llu\n", capos_ProcessInfo_get_pid(p),
		       (int)(name.len > 20 ? 20 : name.len), name.str ? name.str : "", st < 3 ? proc_states[st] : "?",
		       digest, (unsigned long long)capos_ProcessInfo_get_frames(p),
		       (unsigned long long)capos_ProcessInfo_get_grantedFrames(p),
		       (unsigned long long)capos_ProcessInfo_get_kernelMemoryUsed(p) / 1024,
		       (unsigned long long)capos_ProcessInfo_get_kernelMemoryLimit(p) / 1024);
	}
	return 0;
}

static int cmd_services(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_ServiceMonitor svc = RT_CAP(capos_ServiceMonitor, "services");
	static uint64_t buf[16384 / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_ServiceMonitor_list_Results res;
	int r = svc.id ? capos_ServiceMonitor_list_call(svc, &cl, &res) : CAPOS_E_NOT_FOUND;
	if (r < 0)
		return sh_fail("services", "init's ServiceMonitor", r);
	capos_ServiceInfo_list l = capos_ServiceMonitor_list_Results_get_services(res);
	printf("%-24s %-8s %5s %8s %s\n", "SERVICE", "STATE", "PID", "RESTARTS", "EXIT");
	for (uint32_t i = 0; i < capos_ServiceInfo_list_len(l); i++) {
		capos_ServiceInfo s = capos_ServiceInfo_list_get(l, i);
		struct capnp_text name = capos_ServiceInfo_get_name(s), state = capos_ServiceInfo_get_state(s);
		if (state.len == 4 && !memcmp(state.str, "idle", 4))
			continue; /* not selected on this boot */
		bool done = state.len == 4 && !memcmp(state.str, "done", 4);
		char code[24] = "-";
		if (done)
			fmt_snprintf(code, sizeof code, "%lld %s", (long long)capos_ServiceInfo_get_exitCode(s),
			             capos_ServiceInfo_get_passed(s) ? "PASS" : "FAIL");
		printf("%-24.*s %-8.*s %5u %8u %s\n", (int)name.len, name.str, (int)state.len, state.str,
		       capos_ServiceInfo_get_pid(s), capos_ServiceInfo_get_restarts(s), code);
	}
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_SystemMonitor mon = RT_CAP(capos_SystemMonitor, "sysmon");
	RT_CLIENT(cl, 128);
	capos_SystemMonitor_uptime_Results res;
	int r = mon.id ? capos_SystemMonitor_uptime_call(mon, &cl, &res) : CAPOS_E_NOT_FOUND;
	if (r < 0)
		return sh_fail("uptime", "sysmon", r);
	uint64_t ms = capos_SystemMonitor_uptime_Results_get_ms(res);
	printf("up %llu.%03llu s (%llu ticks at %u Hz)\n", (unsigned long long)(ms / 1000),
	       (unsigned long long)(ms % 1000), (unsigned long long)capos_SystemMonitor_uptime_Results_get_ticks(res),
	       capos_SystemMonitor_uptime_Results_get_hz(res));
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_SystemMonitor mon = RT_CAP(capos_SystemMonitor, "sysmon");
	RT_CLIENT(cl, 256);
	capos_SystemMonitor_frames_Results f;
	int r = mon.id ? capos_SystemMonitor_frames_call(mon, &cl, &f) : CAPOS_E_NOT_FOUND;
	if (r < 0)
		return sh_fail("mem", "sysmon", r);
	unsigned long long total = capos_SystemMonitor_frames_Results_get_totalFrames(f);
	unsigned long long free_ = capos_SystemMonitor_frames_Results_get_freeFrames(f);
	printf("frames: %llu usable, %llu free, %llu in use (%llu KiB), kernel heap %llu\n", total, free_,
	       total - free_, (total - free_) * 4, (unsigned long long)capos_SystemMonitor_frames_Results_get_heapFrames(f));
	printf("kernel memory (root account): %llu KiB of %llu KiB carved or charged; %u processes\n",
	       (unsigned long long)capos_SystemMonitor_frames_Results_get_kernelMemoryUsed(f) / 1024,
	       (unsigned long long)capos_SystemMonitor_frames_Results_get_kernelMemoryLimit(f) / 1024,
	       capos_SystemMonitor_frames_Results_get_processes(f));
	return 0;
}

static const char *pci_class(uint32_t cc)
{
	switch (cc >> 8) {
	case 0x0600: return "host bridge";
	case 0x0601: return "ISA bridge";
	case 0x0101: return "IDE controller";
	case 0x0106: return "SATA controller";
	case 0x0100: return "SCSI controller";
	case 0x0200: return "Ethernet controller";
	case 0x0300: return "VGA controller";
	case 0x0c05: return "SMBus controller";
	default: return "";
	}
}

static int cmd_lspci(int argc, char **argv)
{
	(void)argc, (void)argv;
	capos_PciBus bus = RT_CAP(capos_PciBus, "pci");
	RT_CLIENT(cl, 128);
	capos_PciBus_count_Results cnt;
	int r = bus.id ? capos_PciBus_count_call(bus, &cl, &cnt) : CAPOS_E_NOT_FOUND;
	if (r < 0)
		return sh_fail("lspci", "pci", r);
	uint32_t n = capos_PciBus_count_Results_get_functions(cnt);
	if (n == 0)
		printf("lspci: no PCI functions on this machine\n");
	for (uint32_t i = 0; i < n; i++) {
		capos_PciBus_function_Params_set_index(capos_PciBus_function_begin(&cl), i);
		capos_PciBus_function_Results f;
		if ((r = capos_PciBus_function_call(bus, &cl, &f)) < 0)
			return sh_fail("lspci", "function", r);
		uint32_t cc = capos_PciBus_function_Results_get_classCode(f);
		printf("%02x:%02x.%x %04x:%04x class %06x %s\n", capos_PciBus_function_Results_get_bus(f),
		       capos_PciBus_function_Results_get_device(f), capos_PciBus_function_Results_get_function(f),
		       capos_PciBus_function_Results_get_vendorId(f), capos_PciBus_function_Results_get_deviceId(f), cc,
		       capos_PciBus_function_Results_get_vendorId(f) == 0x1af4 ? "virtio device" : pci_class(cc));
	}
	return 0;
}

/* The log service's last lines; follow: new ones as they come, until Ctrl-C. */
static int print_recent(capos_Log log, char *last, size_t last_cap, bool only_new)
{
	static uint64_t buf[20480 / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_Log_recent_Params_set_count(capos_Log_recent_begin(&cl), 64);
	capos_Log_recent_Results res;
	int r = capos_Log_recent_call(log, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_list l = capos_Log_recent_Results_get_lines(res);
	uint32_t n = capnp_list_len(&l), from = 0;
	if (n == 0 && !only_new)
		printf("log: no lines yet\n");
	for (uint32_t i = n; only_new && i-- > 0;) { /* after the newest line already shown */
		struct capnp_text t = capnp_list_text(&l, i);
		if (t.len == strlen(last) && !memcmp(t.str, last, t.len)) {
			from = i + 1;
			break;
		}
	}
	for (uint32_t i = from; i < n; i++) {
		struct capnp_text t = capnp_list_text(&l, i);
		printf("%.*s\n", (int)t.len, t.str);
		size_t k = t.len < last_cap - 1 ? t.len : last_cap - 1;
		memcpy(last, t.str, k);
		last[k] = 0;
	}
	return CAPOS_OK;
}

static int cmd_log(int argc, char **argv)
{
	bool follow = argc == 2 && !strcmp(argv[1], "-f");
	if (argc > 2 || (argc == 2 && !follow)) {
		printf("log: usage: log [-f]\n");
		return 2;
	}
	capos_Log log = RT_CAP(capos_Log, "log");
	if (!log.id)
		return sh_fail("log", "the log service", CAPOS_E_NOT_FOUND);
	static char last[256];
	last[0] = 0;
	int r = print_recent(log, last, sizeof last, false);
	if (r < 0)
		return sh_fail("log", "recent", r);
	if (follow)
		printf("(following; Ctrl-C stops)\n");
	while (follow && !sh_interrupted(500000000ull))
		if ((r = print_recent(log, last, sizeof last, true)) < 0)
			return sh_fail("log", "recent", r);
	return 0;
}

static int cmd_halt(int argc, char **argv)
{
	(void)argc;
	capos_Power power = RT_CAP(capos_Power, "power");
	RT_CLIENT(cl, 64);
	printf("%s\n", !strcmp(argv[0], "halt") ? "shell: halting" : "shell: rebooting");
	int r = !power.id                  ? CAPOS_E_NOT_FOUND
	        : !strcmp(argv[0], "halt") ? capos_Power_halt_call(power, &cl, 0)
	                                   : capos_Power_reboot_call(power, &cl, 0);
	return sh_fail(argv[0], "power", r < 0 ? r : CAPOS_E_BAD_ARGUMENT);
}

const struct sh_cmd sh_cmds[] = {
	{ "help", "help", "this list", cmd_help },
	{ "caps", "caps", "the shell's capabilities: name, interface, rights, badge", cmd_caps },
	{ "ps", "ps", "processes: pid, name, state, principal, memory (sysmon)", cmd_ps },
	{ "services", "services", "init's services: state, pid, restarts (services)", cmd_services },
	{ "log", "log [-f]", "the log service's recent lines; -f follows", cmd_log },
	{ "ls", "ls", "the boot package's files (bootpkg)", cmd_ls },
	{ "cat", "cat FILE", "a boot-package file as text", cmd_cat },
	{ "hexdump", "hexdump FILE [BYTES]", "a boot-package file in hex", cmd_hexdump },
	{ "stat", "stat FILE", "a boot-package file's size", cmd_stat },
	{ "blk", "blk info | blk read SECTOR", "the disk, read-only (blk)", cmd_blk },
	{ "run", "run BINARY [ARG...] [--grant CAP[:RIGHTS]...] [&]", "spawn with only the grants named", cmd_run },
	{ "jobs", "jobs", "the shell's children", cmd_jobs },
	{ "kill", "kill PID", "kill a child of this shell", cmd_kill },
	{ "wasm", "wasm MODULE [ARG...]", "run a WebAssembly module (the wasm service binary)", cmd_wasm },
	{ "lspci", "lspci", "PCI functions (pci: list only)", cmd_lspci },
	{ "bench", "bench", "a quick in-guest benchmark table", cmd_bench },
	{ "uptime", "uptime", "time since boot (sysmon)", cmd_uptime },
	{ "mem", "mem", "the frame ledger (sysmon)", cmd_mem },
	{ "halt", "halt", "power off (power)", cmd_halt },
	{ "reboot", "reboot", "reset the machine (power)", cmd_halt },
};
const uint32_t sh_ncmds = sizeof sh_cmds / sizeof sh_cmds[0];
