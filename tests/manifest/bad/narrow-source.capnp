# Refused: a port range narrows only the kernel's ioPorts.
# expect: service "drv": grant "uart": portBase/portCount apply only to kernel ioPorts, not to source "irqControl"
@0xc1f0a7de3b2e4d11;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap")],
  services = [
    (name = "drv", binary = "demo", caps = [(name = "uart", kernel = irqControl, portBase = 0x3f8, portCount = 8)])
  ]
);
