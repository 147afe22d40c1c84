/* Test servers of tests/capnp/test.capnp's Gadget and Widget (iface.c):
 * every handler records that it ran and what it decoded, so a test can
 * check that exactly the right one ran with the right params. The clients
 * of client.c reach them through a loopback transport. */
#ifndef CAPNP_TEST_GADGET_H
#define CAPNP_TEST_GADGET_H

#include "tests/capnp/t.h"
#include "capnp-test/test.capnp.h"

/* A CAPOS_E_* result (printed in decimal). */
#define CHECK_RC(got, want)                                                             \
	do {                                                                            \
		int g_ = (got), w_ = (want);                                            \
		if (g_ != w_)                                                           \
			t_fail(__FILE__, __LINE__, "%s: got %d, want %d", #got, g_, w_); \
	} while (0)

/* What swap reports as the capability the call created. */
#define GADGET_NEW_CAP 77u
/* The capability status reports as busy, and addedLater's widget. */
#define GADGET_BUSY_CAP 9u
#define GADGET_ADDED_CAP 42u

struct gadget {
	unsigned calls[test_Gadget_METHOD_COUNT]; /* handler runs, per ordinal */
	unsigned total;                            /* handler runs in all */
	int32_t a, b;                              /* add */
	uint32_t id, ntags;                        /* describe */
	test_Widget widget;                        /* swap */
	bool keep;                                 /* swap */
	uint32_t width, height;                    /* measure */
	uint64_t value;                            /* addedLater */
};

struct widget {
	unsigned calls;
	uint16_t times;
};

extern const struct test_Gadget_server gadget_server;
extern const struct test_Widget_server widget_server;

/* The capability the last handler created (swap), 0 if none: what the
 * loopback transport reports as the call's new capability. */
extern uint32_t gadget_new_cap;

#endif
