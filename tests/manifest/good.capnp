# A good manifest for tests/manifest/run: the services are declared out of
# order (app first), so the start order mkmanifest prints is computed.
@0xb5b9fd7bcbbb9be7;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [
    (name = "init", path = "init"),
    (name = "logd", path = "capset-bootstrap"),
    (name = "netd", path = "console-paths"),
    (name = "app", path = "ring-nop"),
    (name = "fixture", path = "not-an-elf")   # packed, run by no service: not checked
  ],
  services = [
    (name = "app", binary = "app",
     caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 3, rights = 1),
             (name = "nic", interfaceId = 0xd193367797e9e35d, serviceExport = (service = "net", export = "nic")),
             (name = "spawner", kernel = processSpawner)],
     restart = onFailure, restartLimit = 5, restartBackoffMs = 50, restartBackoffMaxMs = 800,
     args = ["app", "--verbose"]),
    (name = "net", binary = "netd",
     caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 2),
             # a driver's hardware, narrowed from init's roots
             (name = "uart", kernel = ioPorts, portBase = 0x3f8, portCount = 8),
             (name = "uart-irq", interfaceId = 0xe6dd903b9ccb53e2, kernel = irqControl, irq = 4),
             (name = "nic-dev", kernel = pciBus, pciVendorId = 0x8086, pciDeviceId = 0x10d3)],
     exports = [(name = "nic", interfaceId = 0xd193367797e9e35d)],
     kernelMemory = 4194304),
    (name = "log", binary = "logd",
     caps = [(name = "console", interfaceId = 0xe7ecb111eb8edbca, kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)],
     restart = always),
    (name = "idle", binary = "app", after = ["app"])   # granted nothing
  ]
);
