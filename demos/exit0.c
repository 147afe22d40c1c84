/* exit0: the smallest process: exits with its first argument's length, so
 * a parent can tell an argument arrived (0 without arguments). */
#include "lib/mem.h"
#include "rt/capos.h"

int main(void) { return rt_argc() ? (int)strlen(rt_arg(0)) : 0; }
