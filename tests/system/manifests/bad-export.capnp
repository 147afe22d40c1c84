# A grant naming an export nobody has: mkmanifest refuses it, so the test
# packs capnp eval's output itself, and init must refuse it at boot.
@0x9d3e5f7a1b2c4d61;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "capset-bootstrap", path = "capset-bootstrap")],
  services = [
    (name = "capset-bootstrap", binary = "capset-bootstrap",
     caps = [(name = "console", kernel = console),
             (name = "nic", serviceExport = (service = "pci", export = "virtio-net"))])
  ]
);
