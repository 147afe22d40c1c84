/* Generated interface code, the client side: I_m_begin / I_m_call over a
 * loopback capnp_client_transport that does in process what the ring does
 * for a CALL: look the capability up, check its interface, the method and
 * the rights the method table names, copy and validate the params,
 * dispatch into the server and copy the results back. */
#include "tests/capnp/gadget.h"

/* ---- the loopback transport ---- */

/* CapIds the loopback knows. */
enum {
	CAP_GADGET = 0x10001,    /* a Gadget with every right */
	CAP_WIDGET = 0x10002,
	CAP_GADGET_RO = 0x10003, /* a Gadget with rightRead only */
	CAP_SILENT = 0x10004,    /* a Gadget whose calls return 0 bytes of results */
	CAP_UNKNOWN = 0x10005,
};

static struct gadget gadget;
static struct widget widget;

static int gadget_dispatch(void *self, struct capnp_call *call)
{
	return test_Gadget_dispatch(&gadget_server, self, call);
}

static int widget_dispatch(void *self, struct capnp_call *call)
{
	return test_Widget_dispatch(&widget_server, self, call);
}

static const struct object {
	uint32_t cap;
	uint32_t rights;
	const struct capnp_interface *in;
	int (*dispatch)(void *self, struct capnp_call *call); /* NULL: results are 0 bytes */
	void *self;
} objects[] = {
	{ CAP_GADGET, test_Gadget_RIGHTS, &test_Gadget_interface, gadget_dispatch, &gadget },
	{ CAP_WIDGET, test_Widget_RIGHTS, &test_Widget_interface, widget_dispatch, &widget },
	{ CAP_GADGET_RO, test_Gadget_rightRead, &test_Gadget_interface, gadget_dispatch, &gadget },
	{ CAP_SILENT, test_Gadget_RIGHTS, &test_Gadget_interface, NULL, NULL },
};

/* What the last transport call carried, and how many there were. */
static struct {
	unsigned calls;
	uint32_t params_bytes;
} seen;

int capnp_client_transport(struct capnp_client *cl, uint32_t cap, uint64_t interface_id,
                           uint16_t method, uint32_t params_bytes)
{
	static uint64_t params[256], results[256];
	static const uint64_t empty_message[2] = { UINT64_C(0x0000000100000000), 0 };
	seen.calls++;
	seen.params_bytes = params_bytes;
	const struct object *o = NULL;
	for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
		if (objects[i].cap == cap)
			o = &objects[i];
	if (!o || o->in->id != interface_id)
		return CAPOS_E_BAD_CAP;
	const struct capnp_method *m = capnp_interface_method(o->in, method);
	if (!m)
		return CAPOS_E_NO_SUCH_METHOD;
	if ((o->rights & m->needs) != m->needs)
		return CAPOS_E_PERMISSION_DENIED;
	if (params_bytes > sizeof params || params_bytes > cl->buf_bytes)
		return CAPOS_E_BAD_LENGTH;
	memcpy(params, cl->buf, params_bytes);
	struct capnp_msg pm;
	const void *pbytes = params_bytes ? (const void *)params : (const void *)empty_message;
	size_t plen = params_bytes ? params_bytes : sizeof empty_message;
	if (capnp_msg_init(&pm, pbytes, plen, NULL) || capnp_msg_validate(&pm))
		return CAPOS_E_BAD_MESSAGE;
	if (!o->dispatch)
		return 0;
	struct capnp_builder rb;
	capnp_builder_init(&rb, results, cl->buf_bytes < sizeof results ? cl->buf_bytes : sizeof results);
	struct capnp_call call = { method, &pm, &rb };
	gadget_new_cap = 0;
	int r = o->dispatch(o->self, &call);
	if (r < 0)
		return r;
	size_t n = capnp_builder_finish(&rb);
	if (!n)
		return CAPOS_E_TOO_BIG;
	if (m->results_bytes && n != m->results_bytes)
		t_fail(__FILE__, __LINE__, "%s.%s: %zu bytes of results, table says %u", o->in->name,
		       m->name, n, m->results_bytes);
	memcpy(cl->buf, results, n);
	cl->new_cap = gadget_new_cap;
	return (int)n;
}

static void reset_servers(void)
{
	memset(&gadget, 0, sizeof gadget);
	memset(&widget, 0, sizeof widget);
	memset(&seen, 0, sizeof seen);
}

/* ---- round trips ---- */

static uint64_t buf[128];

static void round_trip_gadget(struct capnp_client *cl, test_Gadget g)
{
	CHECK_RC(test_Gadget_reset_call(g, cl, NULL), 16);
	CHECK_EQ(gadget.calls[test_Gadget_reset_ORDINAL], 1);

	test_Gadget_add_Params_builder ap = test_Gadget_add_begin(cl);
	test_Gadget_add_Params_set_a(ap, 2000000000);
	test_Gadget_add_Params_set_b(ap, 2000000000);
	test_Gadget_add_Results ar;
	CHECK_RC(test_Gadget_add_call(g, cl, &ar), 32);
	CHECK_EQ(test_Gadget_add_Results_get_sum(ar), 4000000000);
	CHECK(test_Gadget_add_Results_get_overflow(ar));

	test_Gadget_describe_Params_builder dp = test_Gadget_describe_begin(cl);
	test_Gadget_describe_Params_set_id(dp, 7);
	struct capnp_lb tags = test_Gadget_describe_Params_init_tags(dp, 2);
	capnp_pb_set_text(capnp_lb_ptr(tags, 0), "x", 1);
	capnp_pb_set_text(capnp_lb_ptr(tags, 1), "yz", 2);
	test_Gadget_describe_Results dr;
	CHECK(test_Gadget_describe_call(g, cl, &dr) > 0);
	CHECK_EQ(test_Description_get_id(dr), 7);
	CHECK_TEXT(test_Description_info_get_name(test_Description_get_info(dr)), "gadget");
	CHECK_EQ(test_Description_info_get_size(test_Description_get_info(dr)), 70);
	struct capnp_list tl = test_Description_get_tags(dr);
	CHECK_EQ(capnp_list_len(&tl), 2);
	CHECK_TEXT(capnp_list_text(&tl, 1), "yz");

	test_Widget w = { CAP_WIDGET };
	test_Gadget_swap_Params_builder sp = test_Gadget_swap_begin(cl);
	test_Gadget_swap_Params_set_widget_cap(sp, w);
	test_Gadget_swap_Params_set_keep(sp, true);
	test_Gadget_swap_Results sr;
	CHECK_RC(test_Gadget_swap_call(g, cl, &sr), 48);
	CHECK_EQ(gadget.widget.id, CAP_WIDGET);
	CHECK_EQ(test_Gadget_swap_Results_get_widget_cap(sr).id, CAP_WIDGET);
	CHECK_EQ(test_Gadget_swap_Results_get_gadget_cap(sr).id, GADGET_NEW_CAP);
	uint32_t any;
	CHECK_ERR(capnp_ptr_cap(test_Gadget_swap_Results_get_any(sr), &any), CAPNP_OK);
	CHECK_EQ(any, 78);
	CHECK_EQ(test_Gadget_swap_Results_get_count(sr), 1);
	CHECK_EQ(cl->new_cap, GADGET_NEW_CAP);

	test_Extent_builder ep = test_Gadget_measure_begin(cl);
	test_Extent_set_width(ep, 3);
	test_Extent_set_height(ep, 4);
	test_Gadget_measure_Results er;
	CHECK_RC(test_Gadget_measure_call(g, cl, &er), 24);
	CHECK_EQ(test_Extent_get_width(er), 6);
	CHECK_EQ(test_Extent_get_height(er), 8);
	CHECK_EQ(cl->new_cap, 0);

	test_Gadget_status_Results st;
	CHECK_RC(test_Gadget_status_call(g, cl, &st), 48);
	CHECK_EQ(test_Status_counts_get_hits(test_Status_get_counts(st)), 5);
	test_Status_state state = test_Status_get_state(st);
	CHECK_EQ(test_Status_state_which(state), test_Status_state_which_busy);
	CHECK_EQ(test_Status_state_get_busy_cap(state).id, GADGET_BUSY_CAP);

	test_Gadget_addedLater_Params_set_value(test_Gadget_addedLater_begin(cl), 41);
	test_Gadget_addedLater_Results lr;
	CHECK_RC(test_Gadget_addedLater_call(g, cl, &lr), 32);
	CHECK_EQ(test_Gadget_addedLater_Results_get_value(lr), 42);

	CHECK_ERR(capnp_msg_error(&cl->results), CAPNP_OK);
	CHECK_EQ(gadget.total, test_Gadget_METHOD_COUNT);
	for (unsigned i = 0; i < test_Gadget_METHOD_COUNT; i++)
		CHECK_EQ(gadget.calls[i], 1);
}

/* Every method of Gadget and Widget through its typed client. */
static void test_round_trip_every_method(void)
{
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	test_Widget w = { CAP_WIDGET };
	reset_servers();
	capnp_client_init(&cl, buf, sizeof buf);
	round_trip_gadget(&cl, g);

	test_Widget_poke_Params_set_times(test_Widget_poke_begin(&cl), 3);
	test_Widget_poke_Results pr;
	CHECK_RC(test_Widget_poke_call(w, &cl, &pr), 24);
	CHECK(test_Widget_poke_Results_get_ok(pr));
	CHECK_EQ(widget.calls, 1);
	CHECK_EQ(widget.times, 3);
	CHECK_EQ(seen.calls, test_Gadget_METHOD_COUNT + 1);
}

/* _call resets `started`: the next call without _begin sends an empty
 * message, whose fields read as their defaults. out may be NULL. */
static void test_reuse_and_empty_params(void)
{
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	reset_servers();
	capnp_client_init(&cl, buf, sizeof buf);
	test_Gadget_add_Params_builder ap = test_Gadget_add_begin(&cl);
	test_Gadget_add_Params_set_a(ap, 1);
	test_Gadget_add_Params_set_b(ap, 2);
	CHECK(cl.started);
	CHECK_RC(test_Gadget_add_call(g, &cl, NULL), 32);
	CHECK(!cl.started);
	CHECK(seen.params_bytes > 0);
	/* without out, the results are still open in cl.results */
	CHECK_EQ(test_Gadget_add_Results_get_sum(test_Gadget_add_Results_root(&cl.results)), 3);

	test_Gadget_add_Results ar;
	CHECK_RC(test_Gadget_add_call(g, &cl, &ar), 32);
	CHECK_EQ(seen.params_bytes, 0);
	CHECK_EQ(gadget.a, 0);
	CHECK_EQ(gadget.b, 0);
	CHECK_EQ(test_Gadget_add_Results_get_sum(ar), 0);
	CHECK_EQ(gadget.calls[test_Gadget_add_ORDINAL], 2);
}

/* Params that overflow the buffer are CAPOS_E_TOO_BIG, and nothing is sent. */
static void test_params_too_big(void)
{
	static uint64_t small[2];
	static const char long_text[300] = "a long text";
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	reset_servers();
	/* 16 bytes: the segment table and root pointer, no room for add's struct */
	capnp_client_init(&cl, small, sizeof small);
	test_Gadget_add_Params_set_a(test_Gadget_add_begin(&cl), 1);
	CHECK_RC(test_Gadget_add_call(g, &cl, NULL), CAPOS_E_TOO_BIG);
	CHECK(!cl.started);
	CHECK_EQ(seen.calls, 0);

	capnp_client_init(&cl, buf, sizeof buf);
	test_Gadget_describe_Params_builder dp = test_Gadget_describe_begin(&cl);
	struct capnp_lb tags = test_Gadget_describe_Params_init_tags(dp, 4);
	for (uint32_t i = 0; i < 4; i++)
		capnp_pb_set_text(capnp_lb_ptr(tags, i), long_text, sizeof long_text);
	CHECK_RC(test_Gadget_describe_call(g, &cl, NULL), CAPOS_E_TOO_BIG);
	CHECK_EQ(seen.calls, 0);
	CHECK_EQ(gadget.total, 0);
	/* and the client works again afterwards */
	CHECK_RC(test_Gadget_reset_call(g, &cl, NULL), 16);
}

/* Params built wrongly (not overflowing) are CAPOS_E_BAD_ARGUMENT. */
static void test_params_bad_argument(void)
{
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	reset_servers();
	capnp_client_init(&cl, buf, sizeof buf);
	struct capnp_lb tags = test_Gadget_describe_Params_init_tags(test_Gadget_describe_begin(&cl), 1);
	capnp_pb_set_text(capnp_lb_ptr(tags, 5), "x", 1); /* index out of range */
	CHECK_RC(test_Gadget_describe_call(g, &cl, NULL), CAPOS_E_BAD_ARGUMENT);
	CHECK_EQ(seen.calls, 0);
	CHECK(!cl.started);
}

/* Results that do not fit the buffer: the transport's CAPOS_E_TOO_BIG. */
static void test_results_too_big(void)
{
	static uint64_t small[8];
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	reset_servers();
	capnp_client_init(&cl, small, sizeof small);
	struct capnp_lb tags = test_Gadget_describe_Params_init_tags(test_Gadget_describe_begin(&cl), 2);
	capnp_pb_set_text(capnp_lb_ptr(tags, 0), "tag", 3);
	capnp_pb_set_text(capnp_lb_ptr(tags, 1), "tag", 3);
	CHECK_RC(test_Gadget_describe_call(g, &cl, NULL), CAPOS_E_TOO_BIG);
	CHECK_EQ(seen.calls, 1);
}

/* The transport's refusals reach the caller as they are; no handler runs. */
static void test_transport_errors(void)
{
	struct capnp_client cl;
	test_Gadget ro = { CAP_GADGET_RO }, unknown = { CAP_UNKNOWN };
	test_Gadget widget_as_gadget = { CAP_WIDGET }; /* forged: the types do not allow it otherwise */
	reset_servers();
	capnp_client_init(&cl, buf, sizeof buf);
	CHECK_RC(test_Gadget_reset_call(unknown, &cl, NULL), CAPOS_E_BAD_CAP);
	CHECK_RC(test_Gadget_reset_call(widget_as_gadget, &cl, NULL), CAPOS_E_BAD_CAP);
	/* rightRead only: swap needs rightWrite, addedLater rightAdmin */
	CHECK_RC(test_Gadget_swap_call(ro, &cl, NULL), CAPOS_E_PERMISSION_DENIED);
	CHECK_RC(test_Gadget_addedLater_call(ro, &cl, NULL), CAPOS_E_PERMISSION_DENIED);
	CHECK_RC(test_Gadget_measure_call(ro, &cl, NULL), CAPOS_E_PERMISSION_DENIED);
	CHECK_EQ(gadget.total, 0);
	CHECK_RC(test_Gadget_add_call(ro, &cl, NULL), 32);
	CHECK_RC(test_Gadget_reset_call(ro, &cl, NULL), 16); /* needs nothing */
	CHECK_EQ(gadget.total, 2);
}

/* A zero-length result opens as an empty message: every field its default. */
static void test_empty_results(void)
{
	struct capnp_client cl;
	test_Gadget silent = { CAP_SILENT };
	reset_servers();
	capnp_client_init(&cl, buf, sizeof buf);
	test_Gadget_add_Results ar;
	CHECK_RC(test_Gadget_add_call(silent, &cl, &ar), 0);
	CHECK_EQ(test_Gadget_add_Results_get_sum(ar), 0);
	CHECK(!test_Gadget_add_Results_get_overflow(ar));
	CHECK_ERR(capnp_msg_error(&cl.results), CAPNP_OK);
}

/* addedLater, added at the end of Gadget: it is in the method table, in the
 * server struct (gadget_server sets .addedLater), and has a client. */
static void test_added_method(void)
{
	struct capnp_client cl;
	test_Gadget g = { CAP_GADGET };
	reset_servers();
	CHECK_EQ(test_Gadget_addedLater_ORDINAL, 6);
	CHECK_EQ(test_Gadget_METHOD_COUNT, 7);
	const struct capnp_method *m = capnp_interface_method(&test_Gadget_interface, 6);
	CHECK(m && strcmp(m->name, "addedLater") == 0);
	CHECK(m && m->needs == test_Gadget_rightAdmin);
	CHECK(gadget_server.addedLater != NULL);
	capnp_client_init(&cl, buf, sizeof buf);
	test_Gadget_addedLater_Params_set_value(test_Gadget_addedLater_begin(&cl), 1000);
	test_Gadget_addedLater_Results r;
	CHECK_RC(test_Gadget_addedLater_call(g, &cl, &r), 32);
	CHECK_EQ(gadget.value, 1000);
	CHECK_EQ(gadget.calls[6], 1);
	CHECK_EQ(gadget.total, 1);
	CHECK_EQ(test_Gadget_addedLater_Results_get_value(r), 1001);
	CHECK_EQ(test_Gadget_addedLater_Results_get_widget_cap(r).id, GADGET_ADDED_CAP);
}

const struct tcase client_tests[] = {
	{ "client/round-trip-every-method", test_round_trip_every_method },
	{ "client/reuse-and-empty-params", test_reuse_and_empty_params },
	{ "client/params-too-big", test_params_too_big },
	{ "client/params-bad-argument", test_params_bad_argument },
	{ "client/results-too-big", test_results_too_big },
	{ "client/transport-errors", test_transport_errors },
	{ "client/empty-results", test_empty_results },
	{ "client/added-method", test_added_method },
	{ NULL, NULL },
};
