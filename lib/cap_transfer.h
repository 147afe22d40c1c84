/* Capability transfer between two capability tables, as a transaction
 * (DESIGN.md section 4; the ABI is struct capos_transfer in
 * include/capos/ring.h).
 *
 * prepare validates every descriptor against the sender's table and
 * reserves each slot to be moved (a reserved slot cannot be used, released
 * or moved again); then exactly one of commit (the receiver takes every
 * capability, the moved slots leave the sender) or abort (every
 * reservation is rolled back: the sender's table is as it was). So a
 * capability is never lost or duplicated, whatever fails between the two:
 * the receiver's table full, the receiver dead, a bad descriptor.
 *
 * The tables hold opaque object pointers; the owner counts references
 * through hooks: hold/unhold bracket the transaction (so a copied
 * capability's object outlives a sender that releases its slot meanwhile),
 * added follows each insertion into the receiver, removed each moved slot
 * leaving the sender (always after the insertion, so no count drops to zero
 * in between). Pure logic: host-tested with a random model test. */
#ifndef CAPOS_LIB_CAP_TRANSFER_H
#define CAPOS_LIB_CAP_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "include/capos/ring.h"
#include "lib/cap_table.h"

struct cap_transfer_item {
	cap_id id;            /* in the sender's table */
	bool move;
	struct cap_slot slot; /* the sender's slot as prepared */
};

struct cap_transfer {
	uint32_t n;
	struct cap_transfer_item item[CAPOS_TRANSFER_MAX];
};

struct cap_transfer_hooks {
	void (*hold)(void *ctx, void *object);
	void (*unhold)(void *ctx, void *object);
	void (*added)(void *ctx, const struct cap_slot *inserted);
	void (*removed)(void *ctx, const struct cap_slot *removed);
};

/* The CAPOS_E_* error a cap_table error is reported as. */
int cap_capos_error(int cap_err);

/* Validates block against from and reserves the moves, holding each
 * object. Returns CAPOS_OK with tx filled, or — with nothing reserved or
 * held — CAPOS_E_BAD_ARGUMENT (count over CAPOS_TRANSFER_MAX, a reserved
 * field set, an unknown mode, a capability named twice when one of the
 * names moves it) or the lookup's error for a descriptor's id and
 * interface (BAD_CAP, STALE_CAP, WRONG_INTERFACE, RESERVED_CAP). */
int cap_transfer_prepare(struct cap_table *from, const struct capos_transfer *block, struct cap_transfer *tx,
                         const struct cap_transfer_hooks *h, void *ctx);

/* Undoes a prepared transfer: rolls the moves back, unholds. */
void cap_transfer_abort(struct cap_table *from, struct cap_transfer *tx, const struct cap_transfer_hooks *h,
                        void *ctx);

/* Completes a prepared transfer into to, which must have at least tx->n
 * free slots (cap_table_free): inserts each capability (same object,
 * interface, rights and badge), then takes the moved slots out of from,
 * and lists the new ids and interfaces in *out. Cannot fail. */
void cap_transfer_commit(struct cap_table *from, struct cap_table *to, struct cap_transfer *tx,
                         struct capos_transfer *out, const struct cap_transfer_hooks *h, void *ctx);

#endif
