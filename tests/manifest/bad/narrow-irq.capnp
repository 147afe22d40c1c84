# Refused: IRQ 0 is the timer's.
# expect: service "drv": grant "line": irq 0 is not an ISA IRQ a driver may have (1, 3-15)
@0xc1f0a7de3b2e4d13;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap")],
  services = [
    (name = "drv", binary = "demo", caps = [(name = "line", kernel = irqControl, irq = 0)])
  ]
);
