/* sleeper: blocks in cap_enter forever without using the CPU, until it is
 * killed (a long-lived child for chaos that does not slow its parent). */
#include "rt/capos.h"

int main(void)
{
	for (;;)
		sys_cap_enter(1, CAPOS_TIMEOUT_NEVER);
}
