# Refused: kernel-memory quotas add up to at most the budget (mkmanifest: 256 MiB).
# expect: kernel-memory quotas add up to 269484032 bytes, over the budget of 268435456
@0xa1c03981cd3eee3c;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)],
     kernelMemory = 268435456),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
