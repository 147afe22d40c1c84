/* bad-import: imports a host function the wasm service does not have, so
 * linking fails and the service names the import. */
__attribute__((import_module("capos"), import_name("launch_missiles"))) int launch_missiles(int n);

__attribute__((export_name("_start"))) void start(void)
{
	launch_missiles(1);
}
