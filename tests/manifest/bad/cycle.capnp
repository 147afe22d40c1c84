# Refused: no start-up cycle: log uses app's export, app uses log's.
# expect: service "log": start-up cycle log -> app -> log (each must start after the next)
@0xcc4c42e3151090f6;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console), (name = "ctl", serviceExport = (service = "app", export = "ctl"))],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)],
     exports = [(name = "ctl", interfaceId = 0xd193367797e9e35d)])
  ]
);
