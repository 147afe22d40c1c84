# Refused: schemaVersion is manifestSchemaVersion.
# expect: schemaVersion 2, expected 1
@0xdf3990aaec0d7c1a;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 2,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)]),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
