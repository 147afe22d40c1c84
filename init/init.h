/* init: the first process and the root of authority (init/init.c loads and
 * validates the boot manifest; init/services.c starts and supervises the
 * services). */
#ifndef CAPOS_INIT_H
#define CAPOS_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/manifest/manifest.h"
#include "rt/capos.h"

enum svc_state {
	SVC_IDLE,     /* not selected to run */
	SVC_WAITING,  /* selected, waiting for what it needs to be ready */
	SVC_RUNNING,
	SVC_BACKOFF,  /* exited; restarts when its back-off has passed */
	SVC_DONE,     /* exited for good */
	SVC_SKIPPED,  /* never started: something it needs failed */
};

/* What init knows of one service of the plan. */
struct svc {
	enum svc_state state;
	capos_ProcessHandle handle;
	uint32_t pid, restarts, backoff_ms, waited_ms;
	uint64_t wait_ud;         /* the pending ProcessHandle.wait */
	uint64_t wait_buf[4];     /* its results */
	int64_t code;             /* the last exit code */
	bool ok;                  /* DONE with exit code 0 */
	bool absent;              /* DONE: a driver whose PCI device is not on this machine */
	const char *arg;          /* from init's command line: replaces the manifest's args */
	uint64_t after_mask;      /* more services to wait for: the one named before it on the command line */
	uint32_t serve[MANIFEST_EXPORTS_MAX]; /* init's serve capability of each export */
};

extern struct manifest_plan plan;
extern struct svc svcs[MANIFEST_SERVICES_MAX];

/* Creates every selected service's exports, starts and supervises the
 * services until the graph has finished. Returns the number of services
 * that did not finish well (a job that failed, a service given up on, a
 * service never started). */
uint32_t services_run(void);

/* init's ServiceMonitor (init/monitor.c): makes the endpoint and posts its
 * first RECV; a client for a grant (rightRead); answers a call that has
 * arrived and posts the next RECV (true if one was handled). */
int monitor_start(void);
int monitor_client(uint32_t *client);
bool monitor_poll(void);

#endif
