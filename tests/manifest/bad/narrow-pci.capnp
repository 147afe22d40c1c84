# Refused: a PCI device narrowing needs a vendor ID.
# expect: service "drv": grant "dev": pciVendorId 0x0 with pciDeviceId 0x1042: need a vendor ID
@0xc1f0a7de3b2e4d14;
using C = import "/capos.capnp";
const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "demo", path = "capset-bootstrap")],
  services = [
    (name = "drv", binary = "demo", caps = [(name = "dev", kernel = pciBus, pciDeviceId = 0x1042)])
  ]
);
