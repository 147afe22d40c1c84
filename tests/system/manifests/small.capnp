# init and one job: the smallest boot package (memory-3M-init, module-pax,
# and the base of the broken packages below).
@0xe3a0c1b25d7f9a11;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "capset-bootstrap", path = "capset-bootstrap")],
  services = [
    (name = "capset-bootstrap", binary = "capset-bootstrap",
     caps = [(name = "console", kernel = console), (name = "null", kernel = nullCap)])
  ]
);
