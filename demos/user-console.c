/* user-console: a Console served in user space. This process serves
 * Console on an endpoint and hands a client capability of it to a child
 * (this binary with the argument "child") as the child's "console": the
 * child's printf — the generated Console client, the same code that calls
 * the kernel's Console — reaches this server, which labels each line and
 * writes it through the kernel's Console. A Console without the write
 * right is refused by the kernel before the server sees anything. */
#include "demos/demo.h"
#include "lib/fmt.h"

const char demo_name[] = "user-console";

static capos_Console kernel_console;
static uint32_t lines;

static int write_text(capos_Console out, const char *label, struct capnp_text t, bool newline)
{
	RT_CLIENT(cl, 512);
	char line[400];
	uint32_t n = (uint32_t)fmt_snprintf(line, sizeof line, "%s%.*s", label, (int)(t.len < 300 ? t.len : 300),
	                                    t.str ? t.str : "");
	capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), line, n);
	int r = capos_Console_write_call(out, &cl, 0);
	if (r >= 0 && newline) {
		RT_CLIENT(nl, 64);
		capos_Console_write_Params_set_text(capos_Console_write_begin(&nl), "\n", 1);
		r = capos_Console_write_call(out, &nl, 0);
	}
	return r < 0 ? r : CAPOS_OK;
}

static int on_write(void *self, struct capnp_call *call, capos_Console_write_Params p, capos_Console_write_Results_builder r)
{
	(void)self, (void)call, (void)r;
	lines++;
	return write_text(kernel_console, "[user-console] ", capos_Console_write_Params_get_text(p), false);
}

static int on_write_line(void *self, struct capnp_call *call, capos_Console_writeLine_Params p,
                         capos_Console_writeLine_Results_builder r)
{
	(void)self, (void)call, (void)r;
	lines++;
	return write_text(kernel_console, "[user-console] ", capos_Console_writeLine_Params_get_text(p), true);
}

static const struct capos_Console_server server = { .write = on_write, .writeLine = on_write_line };

static int handle(void *ctx, const struct capos_recv_header *h, struct capnp_call *c)
{
	(void)h;
	return capos_Console_dispatch(&server, ctx, c);
}

static int child(void)
{
	printf("hello from pid %u through a Console served in user space\n", rt.pid);
	RT_CLIENT(cl, 128);
	capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&cl), "a writeLine too", 15);
	int r = capos_Console_writeLine_call(RT_CAP(capos_Console, "console"), &cl, 0);
	RT_CLIENT(ro, 128);
	capos_Console_writeLine_Params_set_text(capos_Console_writeLine_begin(&ro), "never printed", 13);
	int denied = capos_Console_writeLine_call(RT_CAP(capos_Console, "readonly"), &ro, 0);
	return r < 0 ? 1 : denied != CAPOS_E_PERMISSION_DENIED ? 2 : 0;
}

int main(void)
{
	if (rt_argc() == 1 && !strcmp(rt_arg(0), "child"))
		return child();
	kernel_console = RT_CAP(capos_Console, "console");
	uint32_t serve = 0, writer = 0, readonly = 0;
	int r = rt_endpoint_create(RT_CAP(capos_ObjectFactory, "factory"), capos_Console_ID, 0, &serve);
	if (!r)
		r = rt_endpoint_mint(serve, 0, capos_rightsAll, &writer);
	if (!r)
		r = rt_endpoint_mint(serve, 0, 0, &readonly);
	CHECK(r == CAPOS_OK, "an endpoint serving Console, a writer and a capability without rights (%d)", r);
	struct rt_grant g[] = { { "console", writer, capos_Console_ID, 0, capos_rightsAll },
		                { "readonly", readonly, capos_Console_ID, 0, capos_rightsAll } };
	struct rt_spawn_args a = { "console-child", "user-console", g, 2, (const char *const[]){ "child" }, 1, 0 };
	capos_ProcessHandle h;
	r = rt_spawn(RT_CAP(capos_ProcessSpawner, "spawner"), &a, &h, 0);
	CHECK(r == CAPOS_OK, "the child runs with the user-space Console as its console (%d)", r);
	if (r)
		return demo_finish();
	r = rt_serve(serve, handle, 0, 2);
	CHECK(r == CAPOS_OK && lines == 2, "the server wrote the child's %u lines (%d)", lines, r);
	int64_t code = -1;
	r = rt_wait(h, &code);
	CHECK(r == CAPOS_OK && code == 0,
	      "the child's printf and writeLine worked, its rightless capability was denied (exit %lld)", (long long)code);
	rt_release(h.id);
	return demo_finish();
}
