/* ioport: the IoPort capability (docs/hardware.md). From init's root IoPort
 * this process makes a one-port IoPort for port 0x80 (POST codes: harmless
 * under QEMU) and uses it through the ring, then directly (IoPort.direct:
 * the TSS I/O permission bitmap); hostile calls are refused by name; a
 * child granted the port uses it directly and is killed when it touches
 * the port next to it; a child without any port is killed on a direct out;
 * the demo and the kernel carry on. */
#include "demos/hw.h"

const char demo_name[] = "ioport";

static int64_t run_child(capos_ProcessSpawner spawner, const char *arg, capos_IoPort port, uint32_t rights)
{
	struct rt_grant g[2] = { { "console", RT_CAP(capos_Console, "console").id, capos_Console_ID, 0, capos_rightsAll },
		                 { "port", port.id, capos_IoPort_ID, 0, rights } };
	int64_t code = 99;
	int r = demo_run(spawner, "hw-child", g, port.id ? 2 : 1, &arg, 1, 0, &code);
	return r == CAPOS_OK ? code : r;
}

int main(void)
{
	capos_IoPort root = RT_CAP(capos_IoPort, "ioports");
	capos_ProcessSpawner spawner = RT_CAP(capos_ProcessSpawner, "spawner");
	capos_IoPort p80, wide, bad;
	CHECK(hw_restrict(root, 0x80, 1, &p80) == CAPOS_OK, "restrict(0x80, 1) of the root IoPort");
	CHECK(hw_out(p80, 0, 1, 0x42) == CAPOS_OK, "out8 0x42 to port 0x80 through the ring");
	uint32_t v = 0;
	CHECK(hw_in(p80, 0, 1, &v) == CAPOS_OK, "in8 from port 0x80 through the ring: %#x", v);
	/* Hostile calls, each refused by name. */
	int r = hw_out(p80, 1, 1, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "out at offset 1 of a 1-port range: %s", hw_err(r));
	r = hw_out(p80, 0, 2, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "out16 on a 1-port range: %s", hw_err(r));
	r = hw_out(p80, 0, 3, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "width 3: %s", hw_err(r));
	r = hw_out(p80, 0xFFFFFFFFu, 1, 0);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "offset 0xffffffff: %s", hw_err(r));
	r = hw_restrict(p80, 0, 2, &bad);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "restrict wider than the range: %s", hw_err(r));
	r = hw_restrict(p80, 0, 0, &bad);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "restrict to 0 ports: %s", hw_err(r));
	r = hw_out(root, 0x3F8, 1, 'X');
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "out to COM1 through the root (only a narrowed IoPort reaches it): %s",
	      hw_err(r));
	r = hw_restrict(root, 0xFFFF, 2, &bad);
	CHECK(r == CAPOS_E_BAD_ARGUMENT, "restrict past port 0xffff: %s", hw_err(r));
	r = hw_out(root, 0x20, 1, 0xFF);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "out to the PIC through the root: %s", hw_err(r));
	r = hw_out(root, 0xCF8, 4, 0x80000000u);
	CHECK(r == CAPOS_E_PERMISSION_DENIED, "out to PCI configuration through the root: %s", hw_err(r));
	CHECK(hw_restrict(root, 0x70, 2, &wide) == CAPOS_OK, "restrict(0x70, 2): the CMOS ports");
	/* Direct: without direct(), this process's outb would #GP. */
	CHECK(hw_direct(p80) == CAPOS_OK, "direct() on port 0x80");
	for (int i = 0; i < 100; i++)
		hw_outb(0x80, (uint8_t)i);
	CHECK(true, "100 direct outb to port 0x80");
	/* Children. */
	int64_t code = run_child(spawner, "direct", p80, capos_rightsAll);
	CHECK(code == 0, "a child granted port 0x80 uses it directly (exit %lld)", (long long)code);
	code = run_child(spawner, "direct", p80, capos_IoPort_rightDirect);
	CHECK(code == 11, "a child granted it with rightDirect alone is refused direct() (exit %lld)", (long long)code);
	code = run_child(spawner, "outside", p80, capos_rightsAll);
	CHECK(code == CAPOS_EXIT_FAULT, "a child that touches port 0x81 outside its range is killed (exit %lld)",
	      (long long)code);
	code = run_child(spawner, "out80", (capos_IoPort){ 0 }, 0);
	CHECK(code == CAPOS_EXIT_FAULT, "a child without an IoPort is killed on a direct out (exit %lld)",
	      (long long)code);
	CHECK(hw_out(p80, 0, 1, 0x43) == CAPOS_OK, "the ring path still works after the kills");
	return demo_finish();
}
