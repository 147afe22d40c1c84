# Refused: 1 <= restartBackoffMs <= restartBackoffMaxMs <= one hour.
# expect: service "log": restartBackoffMs 0, restartBackoffMaxMs 10000: need 1 <= first <= max <= 3600000
@0xd43a4d33ebb02abb;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)],
     restart = onFailure, restartBackoffMs = 0),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
