# Refused: mkmanifest: the package holds init.
# expect: binaries: none has the path "init" (the kernel starts the package's init)
@0x9ad5f61d42aa7ee2;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
