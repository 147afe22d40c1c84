/* ipc-client (for ipc-server): calls the "server" capability PER_CLIENT
 * times with the generated Null client and checks each answer; exits with
 * the number of wrong answers. */
#include "demos/demo.h"

const char demo_name[] = "ipc-client";

int main(void)
{
	capos_Null server = RT_CAP(capos_Null, "server");
	uint32_t wrong = 0;
	for (uint64_t i = 0; i < 50; i++) {
		RT_CLIENT(cl, 64);
		uint64_t v = (uint64_t)rt.pid << 32 | i;
		capos_Null_echo_Params_set_value(capos_Null_echo_begin(&cl), v);
		capos_Null_echo_Results res;
		int r = capos_Null_echo_call(server, &cl, &res);
		wrong += r < 0 || capos_Null_echo_Results_get_value(res) != v;
	}
	printf("ipc-client: pid %u: %u wrong answers\n", rt.pid, wrong);
	return (int)wrong;
}
