/* attenuated-child: holds a FrameAllocator granted without the alloc and
 * free rights (by process-teardown). Exits 0 if the kernel enforces that. */
#include "capos/capos.capnp.h"
#include "rt/capos.h"

int main(void)
{
	uint32_t frames = rt_capset_find("frames", capos_FrameAllocator_ID);
	uint64_t phys = 0, total, free_frames, granted;
	int bad = 0;
	bad += frames_alloc(frames, &phys) != CAPOS_E_PERMISSION_DENIED;
	bad += frames_stats(frames, &total, &free_frames, &granted) != CAPOS_OK || granted != 0;
	return bad;
}
