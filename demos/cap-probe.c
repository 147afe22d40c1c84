/* cap-probe: what a child of the shell can do with what it was granted
 * (docs/shell.md: `run cap-probe`, `run cap-probe --grant null`, `--grant
 * null:0`). It calls Null.echo on "null" and BootPackage.stat on "bootpkg",
 * and says for each: done, not granted (absent from its CapSet), or the
 * call's error (PERMISSION_DENIED when granted without the rights). The
 * exit code is the number of calls that did not succeed. */
#include "lib/errors.h"
#include "rt/capos.h"

static int report(const char *what, uint32_t cap, int r)
{
	if (!cap)
		printf("cap-probe: %s: not granted (no such capability in my CapSet)\n", what);
	else if (r < 0)
		printf("cap-probe: %s: %s\n", what, capos_strerror(r));
	else
		printf("cap-probe: %s: ok\n", what);
	return !cap || r < 0;
}

int main(void)
{
	capos_Null null = RT_CAP(capos_Null, "null");
	capos_BootPackage pkg = RT_CAP(capos_BootPackage, "bootpkg");
	RT_CLIENT(cl, 256);
	int r = 0;
	if (null.id) {
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), 42);
		capos_Null_echo_Results res;
		r = capos_Null_echo_call(null, &cl, &res);
		if (r >= 0 && capos_Null_echo_Results_get_value(res) != 42)
			r = CAPOS_E_BAD_MESSAGE;
	}
	int failed = report("null.echo(42)", null.id, r);
	r = 0;
	if (pkg.id) {
		capos_BootPackage_stat_Params_set_name(capos_BootPackage_stat_begin(&cl), "init", 4);
		capos_BootPackage_stat_Results res;
		r = capos_BootPackage_stat_call(pkg, &cl, &res);
	}
	failed += report("bootpkg.stat(init)", pkg.id, r);
	return failed;
}
