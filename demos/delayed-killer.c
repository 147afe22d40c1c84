/* delayed-killer: sleeps 20 ms, then kills the process its "victim"
 * ProcessHandle names (for completions). Exit 0 if the kill succeeded. */
#include "rt/capos.h"

int main(void)
{
	capos_ProcessHandle victim = RT_CAP(capos_ProcessHandle, "victim");
	sys_cap_enter(1, 20 * 1000 * 1000);
	RT_CLIENT(cl, 64);
	return capos_ProcessHandle_kill_call(victim, &cl, 0) < 0;
}
