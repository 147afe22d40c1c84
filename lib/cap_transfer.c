/* Capability transfer as a transaction (see cap_transfer.h). */
#include "lib/cap_transfer.h"

int cap_capos_error(int err)
{
	switch (err) {
	case CAP_OK: return CAPOS_OK;
	case CAP_ERR_STALE: return CAPOS_E_STALE_CAP;
	case CAP_ERR_WRONG_INTERFACE: return CAPOS_E_WRONG_INTERFACE;
	case CAP_ERR_RIGHTS: return CAPOS_E_PERMISSION_DENIED;
	case CAP_ERR_FULL: return CAPOS_E_TABLE_FULL;
	case CAP_ERR_RESERVED: return CAPOS_E_RESERVED_CAP;
	default: return CAPOS_E_BAD_CAP; /* a bad id, or a slot that is not live */
	}
}

/* Checks the block's shape: count, reserved fields, modes, and that no
 * capability that moves is named twice. No table access. */
static int check_shape(const struct capos_transfer *b)
{
	if (b->count > CAPOS_TRANSFER_MAX || b->reserved)
		return CAPOS_E_BAD_ARGUMENT;
	for (uint32_t i = 0; i < b->count; i++) {
		const struct capos_transfer_cap *d = &b->caps[i];
		if (d->mode != CAPOS_TRANSFER_COPY && d->mode != CAPOS_TRANSFER_MOVE)
			return CAPOS_E_BAD_ARGUMENT;
		for (uint32_t j = 0; j < i; j++)
			if (b->caps[j].cap == d->cap && (d->mode == CAPOS_TRANSFER_MOVE || b->caps[j].mode == CAPOS_TRANSFER_MOVE))
				return CAPOS_E_BAD_ARGUMENT;
	}
	return CAPOS_OK;
}

int cap_transfer_prepare(struct cap_table *from, const struct capos_transfer *block, struct cap_transfer *tx,
                         const struct cap_transfer_hooks *h, void *ctx)
{
	tx->n = 0;
	int err = check_shape(block);
	if (err)
		return err;
	/* Look every id up before reserving any, so a failure has nothing to
	 * undo: ids are distinct when one moves, so a later lookup cannot
	 * hit a slot an earlier reservation changed. */
	for (uint32_t i = 0; i < block->count; i++) {
		const struct capos_transfer_cap *d = &block->caps[i];
		struct cap_slot *s;
		err = cap_table_lookup(from, d->cap, d->interface_id, 0, &s);
		if (err)
			return cap_capos_error(err);
		tx->item[i] = (struct cap_transfer_item){ d->cap, d->mode == CAPOS_TRANSFER_MOVE, *s };
	}
	tx->n = block->count;
	for (uint32_t i = 0; i < tx->n; i++) {
		if (tx->item[i].move) {
			int r = cap_table_reserve(from, tx->item[i].id);
			(void)r; /* looked up LIVE above: cannot fail */
		}
		h->hold(ctx, tx->item[i].slot.object);
	}
	return CAPOS_OK;
}

void cap_transfer_abort(struct cap_table *from, struct cap_transfer *tx, const struct cap_transfer_hooks *h,
                        void *ctx)
{
	for (uint32_t i = 0; i < tx->n; i++) {
		if (tx->item[i].move)
			cap_table_rollback(from, tx->item[i].id);
		h->unhold(ctx, tx->item[i].slot.object);
	}
	tx->n = 0;
}

void cap_transfer_commit(struct cap_table *from, struct cap_table *to, struct cap_transfer *tx,
                         struct capos_transfer *out, const struct cap_transfer_hooks *h, void *ctx)
{
	*out = (struct capos_transfer){ .count = tx->n };
	for (uint32_t i = 0; i < tx->n; i++) {
		const struct cap_slot *s = &tx->item[i].slot;
		cap_id id = CAP_ID_NONE;
		cap_table_insert(to, s->object, s->interface_id, s->rights, s->badge, &id);
		out->caps[i] = (struct capos_transfer_cap){ .cap = id, .interface_id = s->interface_id };
		struct cap_slot *inserted = 0;
		cap_table_get(to, id, &inserted);
		h->added(ctx, inserted);
	}
	for (uint32_t i = 0; i < tx->n; i++) {
		if (tx->item[i].move) {
			struct cap_slot removed;
			cap_table_commit(from, tx->item[i].id, &removed);
			h->removed(ctx, &removed);
		}
		h->unhold(ctx, tx->item[i].slot.object);
	}
	tx->n = 0;
}
