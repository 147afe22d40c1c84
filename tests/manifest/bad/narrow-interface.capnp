# Refused: an IRQ narrowing grants an IrqLine, not the IrqControl it names.
# expect: service "drv": grant "line": interfaceId 0xa9ff7ce03e52d6a0 does not match source "irqControl" (0xe6dd903b9ccb53e2)
@0xc1f0a7de3b2e4d15;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap")],
  services = [
    (name = "drv", binary = "demo", caps = [(name = "line", kernel = irqControl, irq = 4, interfaceId = 0xa9ff7ce03e52d6a0)])
  ]
);
