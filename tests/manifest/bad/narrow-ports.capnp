# Refused: a port range past the last port.
# expect: service "drv": grant "uart": ports 0xfff8 + 16: need 1 or more ports ending at 0xffff at most
@0xc1f0a7de3b2e4d12;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap")],
  services = [
    (name = "drv", binary = "demo", caps = [(name = "uart", kernel = ioPorts, portBase = 0xfff8, portCount = 16)])
  ]
);
