/* serial-echo: bytes sent from the host to COM1 come back through the ring-3
 * serial driver (services/serial): ByteInput.read, then Console.write of
 * exactly what was read. Its argument is how many bytes the host sends;
 * it echoes them and exits. The host side is tests/system/serial-host.
 * First the hostile reads: max 0 and max 5000 are BAD_ARGUMENT. */
#include "demos/demo.h"
#include "lib/errors.h"

const char demo_name[] = "serial-echo";

static capos_ByteInput input;

static int read_bytes(uint32_t max, uint8_t *out, uint32_t *n)
{
	RT_CLIENT(cl, 4096 + 128);
	capos_ByteInput_read_Params_set_max(capos_ByteInput_read_begin(&cl), max);
	capos_ByteInput_read_Results res;
	int r = capos_ByteInput_read_call(input, &cl, &res);
	if (r < 0)
		return r;
	struct capnp_data d = capos_ByteInput_read_Results_get_data(res);
	*n = d.len > max ? 0 : (uint32_t)d.len;
	memcpy(out, d.ptr, *n);
	return CAPOS_OK;
}

static int echo(const uint8_t *d, uint32_t n)
{
	RT_CLIENT(cl, 4096 + 64);
	capos_Console_write_Params_set_text(capos_Console_write_begin(&cl), (const char *)d, n);
	int r = capos_Console_write_call(RT_CAP(capos_Console, "console"), &cl, 0);
	return r < 0 ? r : CAPOS_OK;
}

int main(void)
{
	input = RT_CAP(capos_ByteInput, "input");
	uint32_t want = 0;
	for (const char *a = rt_argc() ? rt_arg(0) : "0"; *a >= '0' && *a <= '9'; a++)
		want = want * 10 + (uint32_t)(*a - '0');
	static uint8_t buf[4096];
	uint32_t n;
	int r = read_bytes(0, buf, &n);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read max 0: %s", capos_strerror(r));
	r = read_bytes(5000, buf, &n);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "read max 5000: %s", capos_strerror(r));
	printf("serial-echo: ready for %u bytes\n", want);
	uint32_t got = 0, reads = 0, bad = 0;
	while (got < want) {
		r = read_bytes(sizeof buf, buf, &n);
		if (r < 0 || n == 0) {
			bad++;
			break;
		}
		if (n > want - got)
			n = want - got;
		bad += echo(buf, n) != CAPOS_OK;
		got += n, reads++;
	}
	printf("\n");
	CHECK(got == want && !bad, "%u of %u bytes read and written back in %u reads", got, want, reads);
	return demo_finish();
}
