# Refused: an export source names a service.
# expect: service "net": grant "nic": source "pci.virtio-net" is not exported by any service: no such service
@0xcd7a517ca2951f50;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "net", binary = "other", caps = [(name = "nic", serviceExport = (service = "pci", export = "virtio-net"))])
  ]
);
