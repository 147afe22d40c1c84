# A service that crashes every time (fault-child ud: an invalid opcode):
# restarted on failure with a doubling back-off, three times, then
# given up; a job that needs nothing runs beside it.
@0xc4b9e2d1a0f38e52;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "fault-child", path = "fault-child"),
              (name = "unprivileged-stranger", path = "unprivileged-stranger")],
  services = [
    (name = "crasher", binary = "fault-child", args = ["ud"],
     restart = onFailure, restartLimit = 3, restartBackoffMs = 20, restartBackoffMaxMs = 50),
    (name = "stranger", binary = "unprivileged-stranger")
  ]
);
