# Driver confinement (test driver-confinement, docs/hardware.md "serial"):
# the serial driver, which faults at its 30th Console call (fault-after),
# restarted by init on failure while a writer's lines wait for the new
# instance; a driver granted COM1's ports reaching for COM2's (killed, #GP);
# a driver granted one PCI function reaching past it (refused); KernelLog's
# hostile calls (refused, nothing read). Each holds
# exactly what the manifest narrows for it.
@0xd0c3a8e1f2b47a19;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [(name = "init", path = "init"), (name = "serial", path = "serial"),
              (name = "hw-child", path = "hw-child")],
  services = [
    (name = "serial", binary = "serial", args = ["fault-after=30"], kernelMemory = 1048576,
     restart = onFailure, restartLimit = 3, restartBackoffMs = 100,
     caps = [(name = "uart", kernel = ioPorts, portBase = 0x3f8, portCount = 8, rights = 11),
             (name = "irq", interfaceId = 0xe6dd903b9ccb53e2, kernel = irqControl, irq = 4),
             (name = "kernellog", kernel = kernelLog),
             (name = "factory", kernel = objectFactory)],
     exports = [(name = "console", interfaceId = 0xe7ecb111eb8edbca),
                (name = "input", interfaceId = 0x946b261012096e28)]),
    (name = "writer", binary = "hw-child", args = ["lines:50"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console"))]),
    (name = "com1-driver", binary = "hw-child", args = ["com1"], after = ["writer"],
     caps = [(name = "port", kernel = ioPorts, portBase = 0x3f8, portCount = 8, rights = 15)]),
    (name = "pci-driver", binary = "hw-child", args = ["pci-own"], after = ["com1-driver"],
     caps = [(name = "dev", kernel = pciBus, pciVendorId = 0x8086, pciDeviceId = 0x2930)]),
    (name = "klog-hostile", binary = "hw-child", args = ["klog"], after = ["pci-driver"],
     caps = [(name = "kernellog", kernel = kernelLog), (name = "factory", kernel = objectFactory)])
  ]
);
