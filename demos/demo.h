/* Shared support for the demos: checks that print one line each and count
 * failures. A demo's exit code is its number of failed checks. */
#ifndef CAPOS_DEMO_H
#define CAPOS_DEMO_H

#include "capos/capos.capnp.h"
#include "lib/mem.h"
#include "rt/capos.h"

extern const char demo_name[];
static int demo_failures;

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		bool ok_ = (cond);                                               \
		printf("%s: %s: ", demo_name, ok_ ? "ok" : "FAILED");            \
		printf(__VA_ARGS__);                                             \
		printf("\n");                                                    \
		demo_failures += !ok_;                                           \
	} while (0)

/* Submits one SQE and waits for its completion; returns the result. */
static inline int demo_submit_wait(struct capos_sqe sqe, struct capos_cqe *out)
{
	return rt_submit_wait(&sqe, out);
}

static inline int demo_finish(void)
{
	printf("%s: %s (%d failed)\n", demo_name, demo_failures ? "FAILED" : "done", demo_failures);
	return demo_failures;
}

#endif
