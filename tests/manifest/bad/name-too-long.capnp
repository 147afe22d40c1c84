# Refused: names fit a CapSet entry: at most 23 bytes.
# expect: service "app": grant name "the-log-of-all-the-system" is longer than 23 bytes
@0xe54d24c578548868;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "other", caps = [(name = "the-log-of-all-the-system", serviceExport = (service = "log", export = "log"))])
  ]
);
