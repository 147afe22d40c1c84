# Refused: a service's binary is in binaries.
# expect: service "app": binary "app" is not in binaries
@0xe975b7c6973e46ce;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "app", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
