/* The start order of a validated plan: a topological sort of the services
 * by "starts after" (a grant of another service's export, or an `after`
 * name), and the cycle that makes one impossible. */
#include "lib/manifest/internal.h"
#include "lib/mem.h"

/* The lowest set bit's index of a non-zero mask. */
static uint32_t lowest(uint64_t mask)
{
	return (uint32_t)__builtin_ctzll(mask);
}

/* Names one cycle among the services not in done (each of which waits for
 * another one not in done): follows "starts after" from the lowest until a
 * service repeats. */
static enum manifest_err report_cycle(const struct manifest_plan *p, uint64_t done, struct manifest_error *e)
{
	int8_t pos[MANIFEST_SERVICES_MAX];
	uint8_t path[MANIFEST_SERVICES_MAX + 1];
	uint32_t len = 0, x = lowest(~done & (p->nservices == 64 ? ~0ull : (1ull << p->nservices) - 1));

	memset(pos, -1, sizeof pos);
	while (pos[x] < 0) {
		pos[x] = (int8_t)len;
		path[len++] = (uint8_t)x;
		x = lowest(p->services[x].after_mask & ~done);
	}
	manifest_err_service(e, p->services[x].name);
	for (uint32_t i = (uint32_t)pos[x]; i < len; i++) {
		const char *name = p->services[path[i]].name;
		manifest_err_ref(e, name, strlen(name));
		manifest_err_ref(e, " -> ", 4);
	}
	manifest_err_ref(e, p->services[x].name, strlen(p->services[x].name));
	return manifest_err_set(e, MANIFEST_ERR_CYCLE);
}

enum manifest_err manifest_order(struct manifest_plan *p, struct manifest_error *e)
{
	uint64_t done = 0;

	for (uint32_t placed = 0; placed < p->nservices; placed++) {
		uint32_t i = 0;
		while (i < p->nservices && ((done >> i & 1) || (p->services[i].after_mask & ~done)))
			i++;
		if (i == p->nservices)
			return report_cycle(p, done, e);
		done |= 1ull << i;
		p->order[placed] = (uint8_t)i;
	}
	return MANIFEST_OK;
}
