/* attenuated-child: holds a FrameAllocator granted with the stats right
 * only (by process-teardown). Exits 0 if the kernel enforces that. */
#include "capos/capos.capnp.h"
#include "rt/capos.h"

int main(void)
{
	capos_FrameAllocator frames = RT_CAP(capos_FrameAllocator, "frames");
	RT_CLIENT(cl, 128);
	int bad = 0;
	capos_FrameAllocator_alloc_Params_set_count(capos_FrameAllocator_alloc_begin(&cl), 1);
	bad += capos_FrameAllocator_alloc_call(frames, &cl, 0) != CAPOS_E_PERMISSION_DENIED;
	capos_FrameAllocator_stats_Results s;
	bad += capos_FrameAllocator_stats_call(frames, &cl, &s) < 0 ||
	       capos_FrameAllocator_stats_Results_get_grantedFrames(s) != 0;
	return bad;
}
