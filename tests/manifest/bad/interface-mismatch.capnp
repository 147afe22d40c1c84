# Refused: a grant's interfaceId is its source's (or 0).
# expect: service "app": grant "log": interfaceId 0xd193367797e9e35d does not match source "log.log" (0xe7ecb111eb8edbca)
@0xcce41e700f0ddffa;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "other", caps = [(name = "log", interfaceId = 0xd193367797e9e35d, serviceExport = (service = "log", export = "log"))])
  ]
);
