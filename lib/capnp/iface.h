/* Interfaces: what capnpc-c generates for every schema interface builds on
 * these types (docs/capnp.md, "Interfaces").
 *
 *   method tables   struct capnp_interface / capnp_method: per ordinal, the
 *                   rights the capability must hold and the params/results
 *                   sizes; the ring checks a call against them before any
 *                   object code runs
 *   server side     struct capnp_call, what I_dispatch() hands a handler
 *   client side     struct capnp_client, the call buffer the typed clients
 *                   I_m_begin() / I_m_call() build in and read from
 *
 * Freestanding, like the rest of lib/capnp. The transport under the clients
 * (capnp_client_transport) is declared here and defined by whoever carries
 * calls: the user-space runtime (a ring CALL) or a test's loopback. */
#ifndef CAPOS_LIB_CAPNP_IFACE_H
#define CAPOS_LIB_CAPNP_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/capos/ring.h" /* the one error vocabulary: CAPOS_E_* */
#include "lib/capnp/capnp.h"

/* One method: row `ordinal` of its interface's table. */
struct capnp_method {
	const char *name;
	uint32_t needs;          /* rights the capability must hold: (rights & needs) == needs */
	uint32_t results_bytes;  /* exact byte size of the results message when it is fixed-size, else 0 */
	uint16_t params_data_words, params_ptrs;
	uint16_t results_data_words, results_ptrs;
};

struct capnp_interface {
	const char *name;        /* e.g. "Console" */
	uint64_t id;
	uint32_t rights;         /* every right the interface defines: OR of all right<Name> consts and all methods' needs */
	uint16_t method_count;
	const struct capnp_method *methods;
};

/* The entry for ordinal, NULL past the table. */
static inline const struct capnp_method *capnp_interface_method(const struct capnp_interface *i,
                                                                uint32_t ordinal)
{
	return ordinal < i->method_count ? &i->methods[ordinal] : NULL;
}

/* The interface with this id among n (a generated <prefix>_interfaces
 * registry), or NULL. */
static inline const struct capnp_interface *capnp_interface_find(const struct capnp_interface *const *list,
                                                                 size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (list[i]->id == id)
			return list[i];
	return NULL;
}

/* One call as a server sees it. */
struct capnp_call {
	uint16_t method;
	struct capnp_msg *params;        /* validated params message (never NULL) */
	struct capnp_builder *results;   /* results arena */
};

/* Client side: a call buffer. Params are built in buf; the results land in
 * buf, so reading them ends when the next call begins. */
struct capnp_client {
	uint64_t *buf;
	uint32_t buf_bytes;
	bool started;                 /* params were begun with _begin */
	struct capnp_builder params;
	struct capnp_msg results;
	uint32_t new_cap;             /* a capability the call created (the completion's cap), or 0 */
};

/* Points the client at a buffer (8-byte aligned, bytes a multiple of 8). */
static inline void capnp_client_init(struct capnp_client *cl, uint64_t *buf, uint32_t bytes)
{
	__builtin_memset(cl, 0, sizeof *cl);
	cl->buf = buf;
	cl->buf_bytes = bytes;
}

/* Provided by the transport (user-space runtime: a ring CALL; host tests: a
 * loopback double), not by lib/capnp: sends params_bytes of params at
 * cl->buf (0: an empty message) as a CALL of `method` on capability `cap`
 * expected to implement `interface_id`, with cl->buf/cl->buf_bytes as the
 * results buffer; returns the results length (>= 0) or a negative CAPOS_E_*
 * code, and sets cl->new_cap. */
int capnp_client_transport(struct capnp_client *cl, uint32_t cap, uint64_t interface_id,
                           uint16_t method, uint32_t params_bytes);

/* For generated I_m_begin(): starts a params message over the whole buffer
 * and returns its root slot. */
static inline struct capnp_pb capnp_client_begin(struct capnp_client *cl)
{
	capnp_builder_init(&cl->params, cl->buf, cl->buf_bytes);
	cl->started = true;
	return capnp_builder_root(&cl->params);
}

/* For generated I_m_call(): finishes the params begun (if any), calls the
 * transport and opens the results in cl->results, their root in *out if out
 * is not NULL. Returns the results length or a negative CAPOS_E_* code:
 * CAPOS_E_TOO_BIG if the params overflowed the buffer, CAPOS_E_BAD_ARGUMENT
 * if building them failed otherwise (e.g. a list index out of range),
 * CAPOS_E_BAD_MESSAGE if the results are not a framed message. A zero-length
 * result opens as an empty message. Always resets cl->started. */
static inline int capnp_client_call(struct capnp_client *cl, uint32_t cap, uint64_t interface_id,
                                    uint16_t method, struct capnp_struct *out)
{
	static const uint64_t empty_segment = 0; /* one word: a null root */
	uint32_t params_bytes = 0;
	bool started = cl->started;
	cl->started = false;
	cl->new_cap = 0;
	if (started) {
		size_t n = capnp_builder_finish(&cl->params);
		int err = capnp_builder_error(&cl->params);
		if (err == CAPNP_ERR_ARENA_FULL || err == CAPNP_ERR_TOO_LARGE)
			return CAPOS_E_TOO_BIG;
		if (err || !n)
			return CAPOS_E_BAD_ARGUMENT;
		params_bytes = (uint32_t)n;
	}
	int r = capnp_client_transport(cl, cap, interface_id, method, params_bytes);
	if (r < 0)
		return r;
	if ((uint32_t)r > cl->buf_bytes)
		return CAPOS_E_BAD_LENGTH;
	/* Results may come from an untrusted server: reading them is bounded
	 * by their own size. */
	struct capnp_limits limits = capnp_limits_for_size((size_t)r, CAPNP_TRAVERSAL_FACTOR);
	int err = r ? capnp_msg_init(&cl->results, cl->buf, (size_t)r, &limits)
	            : capnp_msg_init_flat(&cl->results, &empty_segment, 1, NULL);
	if (err)
		return CAPOS_E_BAD_MESSAGE;
	if (out)
		capnp_ptr_struct(capnp_msg_root(&cl->results), out, NULL);
	return r;
}

#endif
