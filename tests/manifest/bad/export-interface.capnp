# Refused: an export serves an interface of the schema (not Endpoint or Reply).
# expect: service "log": export "log": interface 0x1234 is not a servable interface of the schema
@0xc61414d5aec6f60b;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap"),
              (name = "other", path = "console-paths")],
  services = [
    (name = "log", binary = "demo", caps = [(name = "console", kernel = console)],
     exports = [(name = "log", interfaceId = 0x1234)]),
    (name = "app", binary = "other", caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 1)])
  ]
);
