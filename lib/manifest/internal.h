/* lib/manifest's own helpers: filling a struct manifest_error (error.c),
 * name checks (decode.c), the start order (order.c). Not for callers. */
#ifndef CAPOS_LIB_MANIFEST_INTERNAL_H
#define CAPOS_LIB_MANIFEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/manifest/manifest.h"

/* Empties e (code MANIFEST_OK, every name ""). */
void manifest_err_clear(struct manifest_error *e);

/* Records code in e and returns it. */
enum manifest_err manifest_err_set(struct manifest_error *e, enum manifest_err code);

/* Sets the service concerned (a NUL-terminated name). */
void manifest_err_service(struct manifest_error *e, const char *name);

/* Sets the item concerned: kind ("grant") and its name (s[0, len)). */
void manifest_err_item(struct manifest_error *e, const char *kind, const char *s, size_t len);

/* Appends s[0, len) to e->ref (sanitized, truncated with "..."). */
void manifest_err_ref(struct manifest_error *e, const char *s, size_t len);

/* Whether a[0, alen) equals the NUL-terminated b. */
bool manifest_name_eq(const char *a, size_t alen, const char *b);

/* Computes plan->order from every service's after_mask (Kahn's algorithm,
 * lowest index first among the ready); on a cycle, names it in e. */
enum manifest_err manifest_order(struct manifest_plan *plan, struct manifest_error *e);

#endif
