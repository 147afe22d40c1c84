/* Generated interface code, the server side: method tables (test.capnp's
 * Gadget, Widget and Marker; schema/capos.capnp's interfaces), exact
 * results sizes, I_dispatch, and the typed capability field accessors.
 * The Gadget and Widget servers defined here also answer client.c. */
#include <stdio.h>

#include "tests/capnp/gadget.h"
#include "capos/capos.capnp.h"

/* ---- the test servers ---- */

uint32_t gadget_new_cap;

static int record(struct gadget *gd, struct capnp_call *call, uint16_t ordinal)
{
	CHECK_EQ(call->method, ordinal);
	gd->calls[ordinal]++;
	gd->total++;
	return CAPOS_OK;
}

static int gadget_reset(void *self, struct capnp_call *call, test_Gadget_reset_Params p,
                        test_Gadget_reset_Results_builder r)
{
	(void)p;
	(void)r;
	return record(self, call, test_Gadget_reset_ORDINAL);
}

static int gadget_add(void *self, struct capnp_call *call, test_Gadget_add_Params p,
                      test_Gadget_add_Results_builder r)
{
	struct gadget *gd = self;
	gd->a = test_Gadget_add_Params_get_a(p);
	gd->b = test_Gadget_add_Params_get_b(p);
	int64_t sum = (int64_t)gd->a + gd->b;
	test_Gadget_add_Results_set_sum(r, sum);
	test_Gadget_add_Results_set_overflow(r, sum != (int32_t)sum);
	return record(gd, call, test_Gadget_add_ORDINAL);
}

/* Echoes the tags; the name is "gadget", the size ten times the id. */
static int gadget_describe(void *self, struct capnp_call *call, test_Gadget_describe_Params p,
                           test_Gadget_describe_Results_builder r)
{
	struct gadget *gd = self;
	struct capnp_list tags = test_Gadget_describe_Params_get_tags(p);
	gd->id = test_Gadget_describe_Params_get_id(p);
	gd->ntags = capnp_list_len(&tags);
	test_Description_set_id(r, gd->id);
	test_Description_info_builder info = test_Description_init_info(r);
	test_Description_info_set_name(info, "gadget", 6);
	test_Description_info_set_size(info, (uint64_t)gd->id * 10);
	struct capnp_lb out = test_Description_init_tags(r, gd->ntags);
	for (uint32_t i = 0; i < gd->ntags; i++) {
		struct capnp_text t = capnp_list_text(&tags, i);
		capnp_pb_set_text(capnp_lb_ptr(out, i), t.str, t.len);
	}
	if (capnp_msg_error(call->params))
		return CAPOS_E_BAD_MESSAGE;
	return record(gd, call, test_Gadget_describe_ORDINAL);
}

static int gadget_swap(void *self, struct capnp_call *call, test_Gadget_swap_Params p,
                       test_Gadget_swap_Results_builder r)
{
	struct gadget *gd = self;
	test_Gadget made = { GADGET_NEW_CAP };
	gd->widget = test_Gadget_swap_Params_get_widget_cap(p);
	gd->keep = test_Gadget_swap_Params_get_keep(p);
	test_Gadget_swap_Results_set_widget_cap(r, gd->widget);
	test_Gadget_swap_Results_set_gadget_cap(r, made);
	capnp_pb_set_cap(test_Gadget_swap_Results_init_any(r), 78);
	test_Gadget_swap_Results_set_count(r, gd->keep ? 1 : 2);
	gadget_new_cap = made.id;
	return record(gd, call, test_Gadget_swap_ORDINAL);
}

/* Params and results are the named struct Extent: doubles it. */
static int gadget_measure(void *self, struct capnp_call *call, test_Gadget_measure_Params p,
                          test_Gadget_measure_Results_builder r)
{
	struct gadget *gd = self;
	gd->width = test_Extent_get_width(p);
	gd->height = test_Extent_get_height(p);
	test_Extent_set_width(r, gd->width * 2);
	test_Extent_set_height(r, gd->height * 2);
	return record(gd, call, test_Gadget_measure_ORDINAL);
}

static int gadget_status(void *self, struct capnp_call *call, test_Gadget_status_Params p,
                         test_Gadget_status_Results_builder r)
{
	test_Widget busy = { GADGET_BUSY_CAP };
	(void)p;
	test_Status_counts_builder c = test_Status_init_counts(r);
	test_Status_counts_set_hits(c, 5);
	test_Status_counts_set_misses(c, 6);
	test_Status_state_set_busy_cap(test_Status_init_state(r), busy);
	return record(self, call, test_Gadget_status_ORDINAL);
}

static int gadget_added_later(void *self, struct capnp_call *call,
                              test_Gadget_addedLater_Params p,
                              test_Gadget_addedLater_Results_builder r)
{
	struct gadget *gd = self;
	test_Widget w = { GADGET_ADDED_CAP };
	gd->value = test_Gadget_addedLater_Params_get_value(p);
	test_Gadget_addedLater_Results_set_value(r, gd->value + 1);
	test_Gadget_addedLater_Results_set_widget_cap(r, w);
	return record(gd, call, test_Gadget_addedLater_ORDINAL);
}

const struct test_Gadget_server gadget_server = {
	.reset = gadget_reset,
	.add = gadget_add,
	.describe = gadget_describe,
	.swap = gadget_swap,
	.measure = gadget_measure,
	.status = gadget_status,
	.addedLater = gadget_added_later,
};

static int widget_poke(void *self, struct capnp_call *call, test_Widget_poke_Params p,
                       test_Widget_poke_Results_builder r)
{
	struct widget *w = self;
	CHECK_EQ(call->method, test_Widget_poke_ORDINAL);
	w->calls++;
	w->times = test_Widget_poke_Params_get_times(p);
	test_Widget_poke_Results_set_ok(r, w->times > 0);
	return CAPOS_OK;
}

const struct test_Widget_server widget_server = { .poke = widget_poke };

/* ---- method tables ---- */

static void check_row(const struct capnp_interface *in, uint16_t ordinal, const char *name,
                      uint32_t needs, uint32_t results_bytes, uint16_t pdw, uint16_t pptrs,
                      uint16_t rdw, uint16_t rptrs)
{
	const struct capnp_method *m = capnp_interface_method(in, ordinal);
	if (!m) {
		t_fail(__FILE__, __LINE__, "%s: no method %u", in->name, ordinal);
		return;
	}
	if (strcmp(m->name, name) != 0)
		t_fail(__FILE__, __LINE__, "%s.%u: name %s, want %s", in->name, ordinal, m->name, name);
	const uint32_t got[6] = { m->needs, m->results_bytes, m->params_data_words, m->params_ptrs,
	                          m->results_data_words, m->results_ptrs };
	const uint32_t want[6] = { needs, results_bytes, pdw, pptrs, rdw, rptrs };
	static const char *const what[6] = { "needs", "results_bytes", "params_data_words",
	                                     "params_ptrs", "results_data_words", "results_ptrs" };
	for (int i = 0; i < 6; i++)
		if (got[i] != want[i])
			t_fail(__FILE__, __LINE__, "%s.%s: %s %u, want %u", in->name, name, what[i],
			       got[i], want[i]);
}

static void test_method_table_gadget(void)
{
	const struct capnp_interface *in = &test_Gadget_interface;
	CHECK(strcmp(in->name, "Gadget") == 0);
	CHECK_EQ(in->id, test_Gadget_ID);
	CHECK_EQ(in->method_count, test_Gadget_METHOD_COUNT);
	CHECK_EQ(in->method_count, 7);
	CHECK(in->methods == test_Gadget_methods);
	/* every right<Name> constant, and measure's literal 0x20; not maxCount */
	CHECK_EQ(in->rights, test_Gadget_RIGHTS);
	CHECK_EQ(test_Gadget_RIGHTS, test_Gadget_rightRead | test_Gadget_rightWrite |
	                             test_Gadget_rightAdmin | test_Gadget_rightSpare | 0x20);
	/* fixed results: 16 bytes (segment table, root pointer) + the struct */
	check_row(in, 0, "reset", 0, 16, 0, 0, 0, 0);
	check_row(in, 1, "add", test_Gadget_rightRead, 16 + 2 * 8, 1, 0, 2, 0);
	check_row(in, 2, "describe", test_Gadget_rightRead, 0, 1, 1, test_Description_DATA_WORDS,
	          test_Description_PTR_COUNT);
	check_row(in, 3, "swap", test_Gadget_rightWrite, 16 + 4 * 8, 1, 1, 1, 3);
	check_row(in, 4, "measure", 0x20, 16 + 8, test_Extent_DATA_WORDS, test_Extent_PTR_COUNT,
	          test_Extent_DATA_WORDS, test_Extent_PTR_COUNT);
	check_row(in, 5, "status", test_Gadget_rightRead, 16 + 4 * 8, 0, 0, 3, 1);
	check_row(in, 6, "addedLater", test_Gadget_rightAdmin, 16 + 2 * 8, 1, 0, 1, 1);
	CHECK(capnp_interface_method(in, 7) == NULL);
	CHECK(capnp_interface_method(in, 0xffff) == NULL);
	CHECK(capnp_interface_method(in, 0xffffffffu) == NULL);
	CHECK(capnp_interface_method(in, 6) == &test_Gadget_methods[6]);
}

static void test_method_table_widget_marker(void)
{
	CHECK(strcmp(test_Widget_interface.name, "Widget") == 0);
	CHECK_EQ(test_Widget_interface.id, test_Widget_ID);
	CHECK_EQ(test_Widget_interface.rights, test_Widget_rightPoke);
	CHECK_EQ(test_Widget_interface.method_count, 1);
	check_row(&test_Widget_interface, 0, "poke", test_Widget_rightPoke, 24, 1, 0, 1, 0);
	CHECK(capnp_interface_method(&test_Widget_interface, 1) == NULL);
	/* an interface without methods: no rows, no rights */
	CHECK(strcmp(test_Marker_interface.name, "Marker") == 0);
	CHECK_EQ(test_Marker_interface.id, test_Marker_ID);
	CHECK_EQ(test_Marker_interface.method_count, 0);
	CHECK_EQ(test_Marker_RIGHTS, 0);
	CHECK(test_Marker_interface.methods == NULL);
	CHECK(capnp_interface_method(&test_Marker_interface, 0) == NULL);
}

static const struct capnp_interface *const capos_ifaces[] = {
	&capos_Console_interface, &capos_FrameAllocator_interface, &capos_VirtualMemory_interface,
	&capos_Endpoint_interface, &capos_ProcessSpawner_interface, &capos_ProcessHandle_interface,
	&capos_BootPackage_interface, &capos_Null_interface,
};
#define NCAPOS (sizeof capos_ifaces / sizeof capos_ifaces[0])

/* Every capOS table is consistent with the rest of the generated header;
 * a few rows are spelled out. */
static void test_method_tables_capos(void)
{
	const uint64_t ids[NCAPOS] = { capos_Console_ID, capos_FrameAllocator_ID,
		capos_VirtualMemory_ID, capos_Endpoint_ID, capos_ProcessSpawner_ID,
		capos_ProcessHandle_ID, capos_BootPackage_ID, capos_Null_ID };
	const uint16_t counts[NCAPOS] = { capos_Console_METHOD_COUNT,
		capos_FrameAllocator_METHOD_COUNT, capos_VirtualMemory_METHOD_COUNT,
		capos_Endpoint_METHOD_COUNT, capos_ProcessSpawner_METHOD_COUNT,
		capos_ProcessHandle_METHOD_COUNT, capos_BootPackage_METHOD_COUNT,
		capos_Null_METHOD_COUNT };
	for (size_t i = 0; i < NCAPOS; i++) {
		const struct capnp_interface *in = capos_ifaces[i];
		CHECK_EQ(in->id, ids[i]);
		CHECK_EQ(in->method_count, counts[i]);
		CHECK(in->rights != 0);
		for (uint16_t o = 0; o < in->method_count; o++) {
			const struct capnp_method *m = &in->methods[o];
			if (m->needs == 0 || (m->needs & ~in->rights))
				t_fail(__FILE__, __LINE__, "%s.%s: needs 0x%x, rights 0x%x", in->name,
				       m->name, m->needs, in->rights);
		}
	}
	CHECK(strcmp(capos_Console_interface.name, "Console") == 0);
	check_row(&capos_Console_interface, capos_Console_write_ORDINAL, "write",
	          capos_Console_rightWrite, 16, 0, 1, 0, 0);
	check_row(&capos_FrameAllocator_interface, capos_FrameAllocator_stats_ORDINAL, "stats",
	          capos_FrameAllocator_rightStats, 16 + 6 * 8, 0, 0, 6, 0);
	/* Endpoint's serve right is needed by no method (RECV checks it), yet its own */
	CHECK_EQ(capos_Endpoint_RIGHTS, capos_Endpoint_rightServe | capos_Endpoint_rightMint);
	check_row(&capos_Endpoint_interface, capos_Endpoint_mint_ORDINAL, "mint",
	          capos_Endpoint_rightMint, 16 + 8, 2, 0, 0, 1);
	check_row(&capos_ProcessSpawner_interface, capos_ProcessSpawner_spawn_ORDINAL, "spawn",
	          capos_ProcessSpawner_rightSpawn, 16 + 2 * 8, 1, 4, 1, 1);
	check_row(&capos_ProcessHandle_interface, capos_ProcessHandle_info_ORDINAL, "info",
	          capos_ProcessHandle_rightInfo, 0, 0, 0, 2, 1);
	check_row(&capos_BootPackage_interface, capos_BootPackage_read_ORDINAL, "read",
	          capos_BootPackage_rightRead, 0, 2, 1, 0, 1);
	check_row(&capos_Null_interface, capos_Null_echo_ORDINAL, "echo", capos_Null_rightCall,
	          16 + 8, 1, 0, 1, 0);
}

/* ---- results sizes ---- */

typedef void build_fn(struct capnp_builder *b);

static void b_console_write(struct capnp_builder *b) { capos_Console_write_Results_init_root(b); }
static void b_console_write_line(struct capnp_builder *b)
{
	capos_Console_writeLine_Results_init_root(b);
}
static void b_fa_alloc(struct capnp_builder *b)
{
	capos_FrameAllocator_alloc_Results_set_phys(capos_FrameAllocator_alloc_Results_init_root(b),
	                                            UINT64_MAX);
}
static void b_fa_free(struct capnp_builder *b) { capos_FrameAllocator_free_Results_init_root(b); }
static void b_fa_stats(struct capnp_builder *b)
{
	capos_FrameAllocator_stats_Results_builder r = capos_FrameAllocator_stats_Results_init_root(b);
	capos_FrameAllocator_stats_Results_set_totalFrames(r, UINT64_MAX);
	capos_FrameAllocator_stats_Results_set_freeFrames(r, UINT64_MAX);
	capos_FrameAllocator_stats_Results_set_grantedFrames(r, UINT64_MAX);
}
static void b_vm_map(struct capnp_builder *b)
{
	capos_VirtualMemory_map_Results_set_addr(capos_VirtualMemory_map_Results_init_root(b),
	                                         UINT64_MAX);
}
static void b_vm_unmap(struct capnp_builder *b) { capos_VirtualMemory_unmap_Results_init_root(b); }
static void b_vm_protect(struct capnp_builder *b)
{
	capos_VirtualMemory_protect_Results_init_root(b);
}
static void b_ep_mint(struct capnp_builder *b)
{
	capos_Endpoint_mint_Results_builder r = capos_Endpoint_mint_Results_init_root(b);
	capnp_pb_set_cap(capnp_sb_ptr(r.b, 0), 0xffffffffu);
}
static void b_spawn(struct capnp_builder *b)
{
	capos_ProcessHandle h = { 0xffffffffu };
	capos_ProcessSpawner_spawn_Results_builder r = capos_ProcessSpawner_spawn_Results_init_root(b);
	capos_ProcessSpawner_spawn_Results_set_handle_cap(r, h);
	capos_ProcessSpawner_spawn_Results_set_pid(r, UINT32_MAX);
}
static void b_ph_wait(struct capnp_builder *b)
{
	capos_ProcessHandle_wait_Results_set_exitCode(capos_ProcessHandle_wait_Results_init_root(b),
	                                              INT64_MIN);
}
static void b_ph_kill(struct capnp_builder *b) { capos_ProcessHandle_kill_Results_init_root(b); }
static void b_bp_stat(struct capnp_builder *b)
{
	capos_BootPackage_stat_Results_set_size(capos_BootPackage_stat_Results_init_root(b),
	                                        UINT64_MAX);
}
static void b_null_nop(struct capnp_builder *b) { capos_Null_nop_Results_init_root(b); }
static void b_null_echo(struct capnp_builder *b)
{
	capos_Null_echo_Results_set_value(capos_Null_echo_Results_init_root(b), UINT64_MAX);
}
static void b_poke(struct capnp_builder *b)
{
	test_Widget_poke_Results_set_ok(test_Widget_poke_Results_init_root(b), true);
}
static void b_reset(struct capnp_builder *b) { test_Gadget_reset_Results_init_root(b); }
static void b_add(struct capnp_builder *b)
{
	test_Gadget_add_Results_builder r = test_Gadget_add_Results_init_root(b);
	test_Gadget_add_Results_set_sum(r, INT64_MIN);
	test_Gadget_add_Results_set_overflow(r, true);
}
static void b_swap(struct capnp_builder *b)
{
	test_Widget w = { 1 };
	test_Gadget g = { 2 };
	test_Gadget_swap_Results_builder r = test_Gadget_swap_Results_init_root(b);
	test_Gadget_swap_Results_set_widget_cap(r, w);
	test_Gadget_swap_Results_set_gadget_cap(r, g);
	capnp_pb_set_cap(test_Gadget_swap_Results_init_any(r), 3);
	test_Gadget_swap_Results_set_count(r, UINT16_MAX);
}
static void b_measure(struct capnp_builder *b)
{
	test_Gadget_measure_Results_builder r = test_Extent_init_root(b);
	test_Extent_set_width(r, UINT32_MAX);
	test_Extent_set_height(r, UINT32_MAX);
}
static void b_status(struct capnp_builder *b)
{
	test_Widget w = { 4 };
	test_Status_builder r = test_Status_init_root(b);
	test_Status_counts_set_hits(test_Status_init_counts(r), UINT64_MAX);
	test_Status_counts_set_misses(test_Status_init_counts(r), UINT64_MAX);
	test_Status_state_set_busy_cap(test_Status_init_state(r), w);
}
static void b_added_later(struct capnp_builder *b)
{
	test_Widget w = { 5 };
	test_Gadget_addedLater_Results_builder r = test_Gadget_addedLater_Results_init_root(b);
	test_Gadget_addedLater_Results_set_value(r, UINT64_MAX);
	test_Gadget_addedLater_Results_set_widget_cap(r, w);
}

/* Every fixed-size method, its results built with the typed setters and
 * every field set. */
static const struct {
	const struct capnp_interface *in;
	uint16_t ordinal;
	build_fn *build;
} typed_results[] = {
	{ &capos_Console_interface, capos_Console_write_ORDINAL, b_console_write },
	{ &capos_Console_interface, capos_Console_writeLine_ORDINAL, b_console_write_line },
	{ &capos_FrameAllocator_interface, capos_FrameAllocator_alloc_ORDINAL, b_fa_alloc },
	{ &capos_FrameAllocator_interface, capos_FrameAllocator_free_ORDINAL, b_fa_free },
	{ &capos_FrameAllocator_interface, capos_FrameAllocator_stats_ORDINAL, b_fa_stats },
	{ &capos_VirtualMemory_interface, capos_VirtualMemory_map_ORDINAL, b_vm_map },
	{ &capos_VirtualMemory_interface, capos_VirtualMemory_unmap_ORDINAL, b_vm_unmap },
	{ &capos_VirtualMemory_interface, capos_VirtualMemory_protect_ORDINAL, b_vm_protect },
	{ &capos_Endpoint_interface, capos_Endpoint_mint_ORDINAL, b_ep_mint },
	{ &capos_ProcessSpawner_interface, capos_ProcessSpawner_spawn_ORDINAL, b_spawn },
	{ &capos_ProcessHandle_interface, capos_ProcessHandle_wait_ORDINAL, b_ph_wait },
	{ &capos_ProcessHandle_interface, capos_ProcessHandle_kill_ORDINAL, b_ph_kill },
	{ &capos_BootPackage_interface, capos_BootPackage_stat_ORDINAL, b_bp_stat },
	{ &capos_Null_interface, capos_Null_nop_ORDINAL, b_null_nop },
	{ &capos_Null_interface, capos_Null_echo_ORDINAL, b_null_echo },
	{ &test_Widget_interface, test_Widget_poke_ORDINAL, b_poke },
	{ &test_Gadget_interface, test_Gadget_reset_ORDINAL, b_reset },
	{ &test_Gadget_interface, test_Gadget_add_ORDINAL, b_add },
	{ &test_Gadget_interface, test_Gadget_swap_ORDINAL, b_swap },
	{ &test_Gadget_interface, test_Gadget_measure_ORDINAL, b_measure },
	{ &test_Gadget_interface, test_Gadget_status_ORDINAL, b_status },
	{ &test_Gadget_interface, test_Gadget_addedLater_ORDINAL, b_added_later },
};
#define NTYPED (sizeof typed_results / sizeof typed_results[0])

static bool has_typed_case(const struct capnp_interface *in, uint16_t ordinal)
{
	for (size_t i = 0; i < NTYPED; i++)
		if (typed_results[i].in == in && typed_results[i].ordinal == ordinal)
			return true;
	return false;
}

/* The same method's results at the wire level: every data bit set, every
 * pointer a capability. */
static size_t raw_results(const struct capnp_method *m, uint8_t *arena, size_t bytes)
{
	struct capnp_builder b;
	capnp_builder_init(&b, arena, bytes);
	struct capnp_sb s = capnp_init_root(&b, m->results_data_words, m->results_ptrs);
	if (s.data)
		memset(s.data, 0xff, (size_t)m->results_data_words * 8);
	for (uint16_t i = 0; i < m->results_ptrs; i++)
		capnp_pb_set_cap(capnp_sb_ptr(s, i), 0xffffffffu - i);
	return capnp_builder_finish(&b);
}

static void test_results_bytes_exact(void)
{
	static uint64_t arena[512];
	for (size_t i = 0; i < NTYPED; i++) {
		const struct capnp_method *m =
			capnp_interface_method(typed_results[i].in, typed_results[i].ordinal);
		struct capnp_builder b;
		capnp_builder_init(&b, arena, sizeof arena);
		typed_results[i].build(&b);
		size_t n = capnp_builder_finish(&b);
		if (!m || !m->results_bytes || n != m->results_bytes)
			t_fail(__FILE__, __LINE__, "%s.%u: built %zu bytes, table says %u",
			       typed_results[i].in->name, typed_results[i].ordinal, n,
			       m ? m->results_bytes : 0);
	}
	const struct capnp_interface *all[NCAPOS + 3];
	memcpy(all, capos_ifaces, sizeof capos_ifaces);
	all[NCAPOS] = &test_Widget_interface;
	all[NCAPOS + 1] = &test_Gadget_interface;
	all[NCAPOS + 2] = &test_Marker_interface;
	for (size_t k = 0; k < NCAPOS + 3; k++) {
		for (uint16_t o = 0; o < all[k]->method_count; o++) {
			const struct capnp_method *m = &all[k]->methods[o];
			if (!m->results_bytes)
				continue;
			size_t n = raw_results(m, (uint8_t *)arena, sizeof arena);
			if (n != m->results_bytes)
				t_fail(__FILE__, __LINE__, "%s.%s: raw results %zu bytes, table says %u",
				       all[k]->name, m->name, n, m->results_bytes);
			if (!has_typed_case(all[k], o))
				printf("    note: %s.%s has fixed results but no typed case here\n",
				       all[k]->name, m->name);
		}
	}
	/* Variable results are 0, and really are variable. */
	CHECK_EQ(test_Gadget_methods[test_Gadget_describe_ORDINAL].results_bytes, 0);
	CHECK_EQ(capos_ProcessHandle_methods[capos_ProcessHandle_info_ORDINAL].results_bytes, 0);
	for (uint16_t o = 0; o < capos_BootPackage_METHOD_COUNT; o++)
		CHECK_EQ(capos_BootPackage_methods[o].results_bytes,
		         o == capos_BootPackage_stat_ORDINAL ? 16 + 8 : 0);
}

/* ---- dispatch ---- */

static uint64_t params_buf[128], results_buf[128];
static struct capnp_builder params_b;

static struct capnp_pb start_params(void)
{
	capnp_builder_init(&params_b, params_buf, sizeof params_buf);
	return capnp_builder_root(&params_b);
}

/* Dispatches method to gd with the params built since start_params() (or
 * an empty message if none were), results into results_bytes of arena;
 * opens the results in *res. */
static int dispatch_gadget(struct gadget *gd, uint16_t method, bool have_params,
                           size_t results_bytes, struct capnp_msg *res)
{
	static const uint64_t empty_message[2] = { UINT64_C(0x0000000100000000), 0 };
	struct capnp_msg params;
	size_t n = have_params ? capnp_builder_finish(&params_b) : sizeof empty_message;
	CHECK(n != 0);
	const void *bytes = have_params ? (const void *)params_buf : (const void *)empty_message;
	CHECK_ERR(capnp_msg_init(&params, bytes, n, NULL), CAPNP_OK);
	struct capnp_builder results;
	capnp_builder_init(&results, results_buf, results_bytes);
	struct capnp_call call = { method, &params, &results };
	memset(gd, 0, sizeof *gd);
	int r = test_Gadget_dispatch(&gadget_server, gd, &call);
	size_t rn = capnp_builder_finish(&results);
	if (r == CAPOS_OK && res)
		CHECK_ERR(capnp_msg_init(res, results_buf, rn, NULL), CAPNP_OK);
	return r;
}

/* Exactly this ordinal's handler ran, once. */
static void check_only(const struct gadget *gd, uint16_t ordinal)
{
	CHECK_EQ(gd->total, 1);
	CHECK_EQ(gd->calls[ordinal], 1);
}

static void test_dispatch_each_ordinal(void)
{
	struct gadget gd;
	struct capnp_msg res;

	CHECK_RC(dispatch_gadget(&gd, test_Gadget_reset_ORDINAL, false, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_reset_ORDINAL);
	CHECK_EQ(res.size_bytes, 16);

	test_Gadget_add_Params_builder ap = test_Gadget_add_Params_init_ptr(start_params());
	test_Gadget_add_Params_set_a(ap, -5);
	test_Gadget_add_Params_set_b(ap, 12);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_add_ORDINAL, true, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_add_ORDINAL);
	CHECK_EQ(gd.a, -5);
	CHECK_EQ(gd.b, 12);
	CHECK_EQ(test_Gadget_add_Results_get_sum(test_Gadget_add_Results_root(&res)), 7);

	test_Gadget_describe_Params_builder dp = test_Gadget_describe_Params_init_ptr(start_params());
	test_Gadget_describe_Params_set_id(dp, 3);
	struct capnp_lb tags = test_Gadget_describe_Params_init_tags(dp, 2);
	capnp_pb_set_text(capnp_lb_ptr(tags, 0), "red", 3);
	capnp_pb_set_text(capnp_lb_ptr(tags, 1), "", 0);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_describe_ORDINAL, true, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_describe_ORDINAL);
	CHECK_EQ(gd.id, 3);
	CHECK_EQ(gd.ntags, 2);
	test_Description d = test_Description_root(&res);
	CHECK_TEXT(test_Description_info_get_name(test_Description_get_info(d)), "gadget");
	struct capnp_list rt = test_Description_get_tags(d);
	CHECK_TEXT(capnp_list_text(&rt, 0), "red");

	test_Widget w = { 0x30005 };
	test_Gadget_swap_Params_builder sp = test_Gadget_swap_Params_init_ptr(start_params());
	test_Gadget_swap_Params_set_widget_cap(sp, w);
	test_Gadget_swap_Params_set_keep(sp, true);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_swap_ORDINAL, true, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_swap_ORDINAL);
	CHECK_EQ(gd.widget.id, 0x30005);
	CHECK(gd.keep);
	CHECK_EQ(res.size_bytes, test_Gadget_methods[test_Gadget_swap_ORDINAL].results_bytes);

	test_Extent_builder ep = test_Extent_init_ptr(start_params());
	test_Extent_set_width(ep, 640);
	test_Extent_set_height(ep, 480);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_measure_ORDINAL, true, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_measure_ORDINAL);
	CHECK_EQ(gd.width, 640);
	CHECK_EQ(gd.height, 480);
	CHECK_EQ(test_Extent_get_height(test_Extent_root(&res)), 960);

	CHECK_RC(dispatch_gadget(&gd, test_Gadget_status_ORDINAL, false, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_status_ORDINAL);
	CHECK_EQ(test_Status_counts_get_misses(test_Status_get_counts(test_Status_root(&res))), 6);

	test_Gadget_addedLater_Params_builder lp = test_Gadget_addedLater_Params_init_ptr(start_params());
	test_Gadget_addedLater_Params_set_value(lp, 99);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_addedLater_ORDINAL, true, sizeof results_buf, &res), CAPOS_OK);
	check_only(&gd, test_Gadget_addedLater_ORDINAL);
	CHECK_EQ(gd.value, 99);

	/* Widget's own dispatch */
	struct widget wd = { 0, 0 };
	struct capnp_msg params;
	test_Widget_poke_Params_set_times(test_Widget_poke_Params_init_ptr(start_params()), 4);
	CHECK_ERR(capnp_msg_init(&params, params_buf, capnp_builder_finish(&params_b), NULL), CAPNP_OK);
	struct capnp_builder results;
	capnp_builder_init(&results, results_buf, sizeof results_buf);
	struct capnp_call call = { test_Widget_poke_ORDINAL, &params, &results };
	CHECK_RC(test_Widget_dispatch(&widget_server, &wd, &call), CAPOS_OK);
	CHECK_EQ(wd.calls, 1);
	CHECK_EQ(wd.times, 4);
}

/* Ordinals past the table run nothing and touch no results. */
static void test_dispatch_no_such_method(void)
{
	static const uint16_t bad[] = { test_Gadget_METHOD_COUNT, test_Gadget_METHOD_COUNT + 1,
	                                0x7fff, 0xffff };
	struct gadget gd;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_RC(dispatch_gadget(&gd, bad[i], false, sizeof results_buf, NULL),
		         CAPOS_E_NO_SUCH_METHOD);
		CHECK_EQ(gd.total, 0);
	}
	/* the results arena is untouched: still only the segment table and root */
	struct capnp_msg params;
	struct capnp_builder results;
	static const uint64_t empty_message[2] = { UINT64_C(0x0000000100000000), 0 };
	CHECK_ERR(capnp_msg_init(&params, empty_message, sizeof empty_message, NULL), CAPNP_OK);
	capnp_builder_init(&results, results_buf, sizeof results_buf);
	struct capnp_call call = { 0xffff, &params, &results };
	struct widget wd = { 0, 0 };
	CHECK_RC(test_Widget_dispatch(&widget_server, &wd, &call), CAPOS_E_NO_SUCH_METHOD);
	call.method = 1;
	CHECK_RC(test_Widget_dispatch(&widget_server, &wd, &call), CAPOS_E_NO_SUCH_METHOD);
	CHECK_EQ(wd.calls, 0);
	CHECK_EQ(results.used, 2);
	/* Marker has no methods, and no server struct to speak of */
	call.method = 0;
	CHECK_RC(test_Marker_dispatch(NULL, NULL, &call), CAPOS_E_NO_SUCH_METHOD);
	CHECK_EQ(results.used, 2);
}

/* A server without a handler for a method refuses it like an unknown one. */
static void test_dispatch_null_handler(void)
{
	struct test_Gadget_server partial = gadget_server;
	partial.add = NULL;
	struct gadget gd;
	memset(&gd, 0, sizeof gd);
	static const uint64_t empty_message[2] = { UINT64_C(0x0000000100000000), 0 };
	struct capnp_msg params;
	struct capnp_builder results;
	CHECK_ERR(capnp_msg_init(&params, empty_message, sizeof empty_message, NULL), CAPNP_OK);
	capnp_builder_init(&results, results_buf, sizeof results_buf);
	struct capnp_call call = { test_Gadget_add_ORDINAL, &params, &results };
	CHECK_RC(test_Gadget_dispatch(&partial, &gd, &call), CAPOS_E_NO_SUCH_METHOD);
	CHECK_EQ(gd.total, 0);
	call.method = test_Gadget_reset_ORDINAL;
	CHECK_RC(test_Gadget_dispatch(&partial, &gd, &call), CAPOS_OK);
	CHECK_EQ(gd.calls[test_Gadget_reset_ORDINAL], 1);
}

/* A results root that does not fit is refused before the handler runs. */
static void test_dispatch_results_root_too_big(void)
{
	struct gadget gd;
	/* 16 bytes hold the segment table and root pointer, no struct words */
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_add_ORDINAL, false, 16, NULL), CAPOS_E_TOO_BIG);
	CHECK_EQ(gd.total, 0);
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_swap_ORDINAL, false,
	                         test_Gadget_methods[test_Gadget_swap_ORDINAL].results_bytes - 8, NULL),
	         CAPOS_E_TOO_BIG);
	CHECK_EQ(gd.total, 0);
	/* an empty results struct fits in exactly those 16 bytes */
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_reset_ORDINAL, false, 16, NULL), CAPOS_OK);
	check_only(&gd, test_Gadget_reset_ORDINAL);
	/* exactly results_bytes is enough */
	CHECK_RC(dispatch_gadget(&gd, test_Gadget_swap_ORDINAL, false,
	                         test_Gadget_methods[test_Gadget_swap_ORDINAL].results_bytes, NULL),
	         CAPOS_OK);
	check_only(&gd, test_Gadget_swap_ORDINAL);
}

/* ---- typed capability fields ---- */

static void test_typed_cap_fields(void)
{
	static uint64_t arena[64];
	struct capnp_builder b;
	struct capnp_msg m;
	test_Widget w = { 0x20003 }, none = { 0 };

	capnp_builder_init(&b, arena, sizeof arena);
	test_TestAll_builder t = test_TestAll_init_root(&b);
	CHECK_ERR(test_TestAll_set_widget_cap(t, w), CAPNP_OK);
	CHECK_ERR(capnp_msg_init(&m, arena, capnp_builder_finish(&b), NULL), CAPNP_OK);
	CHECK_EQ(test_TestAll_get_widget_cap(test_TestAll_root(&m)).id, 0x20003);
	CHECK_EQ(test_TestAll_get_widget(test_TestAll_root(&m)), 0x20003);

	/* id 0 is no capability: a null pointer, read back as 0 */
	capnp_builder_init(&b, arena, sizeof arena);
	t = test_TestAll_init_root(&b);
	test_TestAll_set_widget_cap(t, w);
	CHECK_ERR(test_TestAll_set_widget_cap(t, none), CAPNP_OK);
	CHECK_ERR(capnp_msg_init(&m, arena, capnp_builder_finish(&b), NULL), CAPNP_OK);
	CHECK(!test_TestAll_has_widget(test_TestAll_root(&m)));
	CHECK_EQ(test_TestAll_get_widget_cap(test_TestAll_root(&m)).id, 0);
	CHECK_EQ(test_TestAll_get_widget(test_TestAll_root(&m)), CAPNP_CAP_NONE);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_OK);

	/* a union member sets the discriminant */
	capnp_builder_init(&b, arena, sizeof arena);
	test_Status_builder s = test_Status_init_root(&b);
	test_Status_state_set_idle(test_Status_init_state(s));
	test_Status_state_set_busy_cap(test_Status_init_state(s), w);
	CHECK_ERR(capnp_msg_init(&m, arena, capnp_builder_finish(&b), NULL), CAPNP_OK);
	test_Status_state st = test_Status_get_state(test_Status_root(&m));
	CHECK_EQ(test_Status_state_which(st), test_Status_state_which_busy);
	CHECK_EQ(test_Status_state_get_busy_cap(st).id, 0x20003);

	/* something else in the slot reads as no capability, and is an error */
	capnp_builder_init(&b, arena, sizeof arena);
	s = test_Status_init_root(&b);
	capnp_pb_set_text(capnp_sb_ptr(s.b, 0), "x", 1);
	CHECK_ERR(capnp_msg_init(&m, arena, capnp_builder_finish(&b), NULL), CAPNP_OK);
	CHECK_EQ(test_Status_state_get_busy_cap(test_Status_get_state(test_Status_root(&m))).id, 0);
	CHECK_ERR(capnp_msg_error(&m), CAPNP_ERR_WRONG_KIND);

	/* a dropped slot reports the builder's error, as the untyped setter does */
	capnp_builder_init(&b, arena, 16);
	t = test_TestAll_init_root(&b);
	CHECK(test_TestAll_set_widget_cap(t, none) != CAPNP_OK);
	CHECK(test_TestAll_set_widget_cap(t, w) != CAPNP_OK);
}

const struct tcase iface_tests[] = {
	{ "iface/method-table-gadget", test_method_table_gadget },
	{ "iface/method-table-widget-marker", test_method_table_widget_marker },
	{ "iface/method-tables-capos", test_method_tables_capos },
	{ "iface/results-bytes-exact", test_results_bytes_exact },
	{ "iface/dispatch-each-ordinal", test_dispatch_each_ordinal },
	{ "iface/dispatch-no-such-method", test_dispatch_no_such_method },
	{ "iface/dispatch-null-handler", test_dispatch_null_handler },
	{ "iface/dispatch-results-root-too-big", test_dispatch_results_root_too_big },
	{ "iface/typed-cap-fields", test_typed_cap_fields },
	{ NULL, NULL },
};
