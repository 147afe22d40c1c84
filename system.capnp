# capOS's default system: what `make run` runs today, as a manifest.
#
# Evaluated by tools/mkmanifest (capnp eval -b -I schema system.capnp
# manifest), validated by lib/manifest, packed with the binaries into the
# boot package (README.md, "The boot manifest"). Today init still runs the
# demos of mk/system.mk itself, one at a time, each with the grants of its
# table in init/init.c and 32 MiB of kernel memory; this manifest says the
# same (the demos' order through `after`; kernel-memory quotas left at
# init's default until the demos run side by side). Every file of today's
# boot package is a binary here: demos spawn the others (children, the
# hostile fixtures bad-wx and not-an-elf) from the package themselves.
@0xf5388b8a837a824d;
using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [
    (name = "attenuated-child", path = "attenuated-child"),
    (name = "bad-wx", path = "bad-wx"),
    (name = "badge-child", path = "badge-child"),
    (name = "badge-write-once", path = "badge-write-once"),
    (name = "bench", path = "bench"),
    (name = "boot-package", path = "boot-package"),
    (name = "capset-bootstrap", path = "capset-bootstrap"),
    (name = "cap-probe", path = "cap-probe"),
    (name = "chaos", path = "chaos"),
    (name = "completions", path = "completions"),
    (name = "console-paths", path = "console-paths"),
    (name = "dag-params", path = "dag-params"),
    (name = "echo", path = "echo"),
    (name = "virtio-blk", path = "virtio-blk"),
    (name = "blk", path = "blk"),
    (name = "pci-list", path = "pci-list"),
    (name = "ioport", path = "ioport"),
    (name = "irq-line", path = "irq-line"),
    (name = "irq-storm", path = "irq-storm"),
    (name = "dma-memory", path = "dma-memory"),
    (name = "hw-child", path = "hw-child"),
    (name = "log", path = "log"),
    (name = "serial", path = "serial"),
    (name = "serial-echo", path = "serial-echo"),
    (name = "deep-params", path = "deep-params"),
    (name = "delayed-killer", path = "delayed-killer"),
    (name = "endpoint-roundtrip", path = "endpoint-roundtrip"),
    (name = "exit0", path = "exit0"),
    (name = "fault-child", path = "fault-child"),
    (name = "fault-isolation", path = "fault-isolation"),
    (name = "fpu", path = "fpu"),
    (name = "init", path = "init"),
    (name = "ipc-client", path = "ipc-client"),
    (name = "ipc-hostile", path = "ipc-hostile"),
    (name = "ipc-server", path = "ipc-server"),
    (name = "ipc-transfer", path = "ipc-transfer"),
    (name = "kmem-hog", path = "kmem-hog"),
    (name = "kmem-quota", path = "kmem-quota"),
    (name = "not-an-elf", path = "not-an-elf"),
    (name = "principal", path = "principal"),
    (name = "notification", path = "notification"),
    (name = "notify-child", path = "notify-child"),
    (name = "process-teardown", path = "process-teardown"),
    (name = "results-first", path = "results-first"),
    (name = "rights", path = "rights"),
    (name = "rights-probe", path = "rights-probe"),
    (name = "ring-corruption", path = "ring-corruption"),
    (name = "ring-fairness", path = "ring-fairness"),
    (name = "ring-flood", path = "ring-flood"),
    (name = "ring-nop", path = "ring-nop"),
    (name = "ring-reserved-opcodes", path = "ring-reserved-opcodes"),
    (name = "shared-memory", path = "shared-memory"),
    (name = "shm-child", path = "shm-child"),
    (name = "sleeper", path = "sleeper"),
    (name = "spawn-hostile", path = "spawn-hostile"),
    (name = "spinner", path = "spinner"),
    (name = "ticker", path = "ticker"),
    (name = "tls-smoke", path = "tls-smoke"),
    (name = "unprivileged-stranger", path = "unprivileged-stranger"),
    (name = "user-console", path = "user-console"),
    (name = "virtual-memory", path = "virtual-memory"),
    (name = "vm-child", path = "vm-child"),
    (name = "wasm", path = "wasm"),
    (name = "shell", path = "shell"),
    # WebAssembly modules the wasm service loads (files of the package, not ELF).
    (name = "hello.wasm", path = "hello.wasm"),
    (name = "wasi-hello.wasm", path = "wasi-hello.wasm"),
    (name = "no-console.wasm", path = "no-console.wasm"),
    (name = "traps.wasm", path = "traps.wasm"),
    (name = "bad-import.wasm", path = "bad-import.wasm")
  ],
  services = [
    # The COM1 driver (services/serial, docs/hardware.md "serial"): every
    # service's console is its export, so all user output goes through it;
    # the kernel's own messages too, read out of KernelLog. init itself keeps
    # the kernel console (which then reaches the UART through this driver,
    # or directly while it is down) and stops it last.
    (name = "serial", binary = "serial", restart = onFailure, kernelMemory = 1048576,
     caps = [(name = "uart", kernel = ioPorts, portBase = 0x3f8, portCount = 8, rights = 11),   # read, write, direct
             (name = "irq", interfaceId = 0xe6dd903b9ccb53e2, kernel = irqControl, irq = 4),  # IrqLine
             (name = "kernellog", kernel = kernelLog),
             (name = "factory", kernel = objectFactory)],
     exports = [(name = "console", interfaceId = 0xe7ecb111eb8edbca),     # Console
                (name = "input", interfaceId = 0x946b261012096e28)]),     # ByteInput
    # The log service: every other service's lines, labelled by badge.
    (name = "log", binary = "log", restart = always, kernelMemory = 1048576,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console"))],
     exports = [(name = "log", interfaceId = 0x997b1aa92618a5d6)],     # Log
     args = ["8=echo", "9=echo-client", "10=shell"]),
    # Two services talking only through an endpoint the manifest grants.
    (name = "echo", binary = "echo", restart = onFailure, kernelMemory = 1048576,
     caps = [(name = "log", serviceExport = (service = "log", export = "log"), badge = 8, rights = 1)],
     exports = [(name = "echo", interfaceId = 0xd193367797e9e35d)]),  # Null
    (name = "echo-client", binary = "echo", kernelMemory = 1048576, args = ["client"],
     caps = [(name = "echo", serviceExport = (service = "echo", export = "echo"), badge = 7),
             (name = "log", serviceExport = (service = "log", export = "log"), badge = 9, rights = 1),
             (name = "console", serviceExport = (service = "serial", export = "console"))]),
    # The disk driver (services/virtio-blk, docs/hardware.md): exactly the
    # one virtio-blk PCI function, DMA memory and a notification. On a
    # machine without the device init does not start it (nothing to drive),
    # and counts that as passed; its clients are then not started.
    (name = "virtio-blk", binary = "virtio-blk", restart = onFailure, kernelMemory = 1048576,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")),
             (name = "dev", interfaceId = 0x92e74ec71c5653b0, kernel = pciBus, pciVendorId = 0x1af4, pciDeviceId = 0x1042),
             (name = "frames", kernel = frameAllocator, rights = 1),
             (name = "factory", kernel = objectFactory, rights = 2)],
     exports = [(name = "blk", interfaceId = 0xbba0262b273d802e)]),     # BlockDevice

    # The demos, one after another once the services above have talked.
    (name = "capset-bootstrap", binary = "capset-bootstrap", after = ["echo-client"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "null", kernel = nullCap)]),
    (name = "console-paths", binary = "console-paths",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console"))],
     after = ["capset-bootstrap"]),
    (name = "ring-nop", binary = "ring-nop",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console"))],
     after = ["console-paths"]),
    (name = "ring-corruption", binary = "ring-corruption",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "null", kernel = nullCap)],
     after = ["ring-nop"]),
    (name = "ring-reserved-opcodes", binary = "ring-reserved-opcodes",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "null", kernel = nullCap)],
     after = ["ring-corruption"]),
    (name = "ring-fairness", binary = "ring-fairness",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner)],
     after = ["ring-reserved-opcodes"]),
    (name = "tls-smoke", binary = "tls-smoke",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console"))],
     after = ["ring-fairness"]),
    (name = "unprivileged-stranger", binary = "unprivileged-stranger",
     after = ["tls-smoke"]),
    (name = "fault-isolation", binary = "fault-isolation",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner)],
     after = ["unprivileged-stranger"]),
    (name = "spawn-hostile", binary = "spawn-hostile",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap)],
     after = ["fault-isolation"]),
    (name = "process-teardown", binary = "process-teardown",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator)],
     after = ["spawn-hostile"]),
    (name = "boot-package", binary = "boot-package",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "bootpkg", kernel = bootPackage)],
     after = ["process-teardown"]),
    (name = "rights", binary = "rights",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap), (name = "frames", kernel = frameAllocator), (name = "bootpkg", kernel = bootPackage)],
     after = ["boot-package"]),
    (name = "badge-write-once", binary = "badge-write-once",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner)],
     after = ["rights"]),
    (name = "results-first", binary = "results-first",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator)],
     after = ["badge-write-once"]),
    (name = "completions", binary = "completions",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner)],
     after = ["results-first"]),
    (name = "kmem-quota", binary = "kmem-quota",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator)],
     after = ["completions"]),
    (name = "endpoint-roundtrip", binary = "endpoint-roundtrip",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory)],
     after = ["kmem-quota"]),
    (name = "principal", binary = "principal", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory), (name = "bootpkg", kernel = bootPackage), (name = "vm", kernel = virtualMemory)]),
    (name = "ipc-server", binary = "ipc-server",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory)],
     after = ["endpoint-roundtrip"]),
    (name = "ipc-transfer", binary = "ipc-transfer",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap), (name = "factory", kernel = objectFactory)],
     after = ["ipc-server"]),
    (name = "ipc-hostile", binary = "ipc-hostile",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator), (name = "factory", kernel = objectFactory)],
     after = ["ipc-transfer"]),
    (name = "user-console", binary = "user-console",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory)],
     after = ["ipc-hostile"]),
    (name = "virtual-memory", binary = "virtual-memory",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator), (name = "vm", kernel = virtualMemory)],
     after = ["user-console"]),
    (name = "shared-memory", binary = "shared-memory",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator), (name = "vm", kernel = virtualMemory)],
     after = ["virtual-memory"]),
    (name = "notification", binary = "notification",
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator), (name = "factory", kernel = objectFactory)],
     after = ["shared-memory"]),

    # The shell (services/shell, docs/shell.md): exactly these capabilities.
    # In the default graph it runs last and checks itself (--self-check);
    # make run from a terminal boots init=shell:interactive instead.
    (name = "shell", binary = "shell", args = ["--self-check"], after = ["notification"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")),
             (name = "input", serviceExport = (service = "serial", export = "input")),
             (name = "log", serviceExport = (service = "log", export = "log"), badge = 10, rights = 2),  # Log.rightRead
             (name = "bootpkg", kernel = bootPackage),
             (name = "sysmon", kernel = systemMonitor),
             (name = "services", kernel = initServices),
             (name = "power", kernel = power),
             (name = "pci", kernel = pciBus, rights = 1),                                        # PciBus.rightList
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 11, rights = 1),  # read-only
             (name = "spawner", kernel = processSpawner),
             # What `run --grant` may pass on, and bench's and wasm's needs.
             (name = "null", kernel = nullCap),
             (name = "frames", kernel = frameAllocator),
             (name = "vm", kernel = virtualMemory),
             (name = "factory", kernel = objectFactory)]),

    # Started only when named on the command line (init=NAME[:ARG]).
    (name = "deep-params", binary = "deep-params", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap)]),
    (name = "dag-params", binary = "dag-params", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap)]),
    (name = "fpu", binary = "fpu", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner)]),
    # chaos fuzzes the kernel's own objects, its Console among them.
    (name = "chaos", binary = "chaos", autostart = false,
     caps = [(name = "console", kernel = console), (name = "null", kernel = nullCap), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator), (name = "bootpkg", kernel = bootPackage)]),
    # bench measures a quiet machine: the kernel console, no driver beside it.
    (name = "bench", binary = "bench", autostart = false,
     caps = [(name = "console", kernel = console), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap), (name = "frames", kernel = frameAllocator), (name = "factory", kernel = objectFactory), (name = "vm", kernel = virtualMemory), (name = "ioports", kernel = ioPorts), (name = "irq", kernel = irqControl)]),
    # Hardware (docs/hardware.md): not in the default graph (no PCI on microvm).
    (name = "pci-list", binary = "pci-list", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory), (name = "pci", kernel = pciBus)]),
    (name = "ioport", binary = "ioport", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "ioports", kernel = ioPorts)]),
    (name = "irq-line", binary = "irq-line", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "factory", kernel = objectFactory), (name = "ioports", kernel = ioPorts), (name = "irq", kernel = irqControl)]),
    (name = "irq-storm", binary = "irq-storm", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "null", kernel = nullCap), (name = "factory", kernel = objectFactory), (name = "ioports", kernel = ioPorts), (name = "irq", kernel = irqControl)]),
    # Hardware narrowed by the manifest (CapGrant portBase/portCount, irq,
    # pciVendorId): each job holds exactly one port, one line or one device.
    (name = "narrow-port", binary = "hw-child", autostart = false, args = ["direct"],
     caps = [(name = "port", kernel = ioPorts, portBase = 0x80, portCount = 1)]),
    (name = "narrow-irq", binary = "hw-child", autostart = false, args = ["line8"],
     caps = [(name = "line", interfaceId = 0xe6dd903b9ccb53e2, kernel = irqControl, irq = 8)]),
    (name = "narrow-pci", binary = "hw-child", autostart = false, args = ["busmaster"],
     caps = [(name = "dev", kernel = pciBus, pciVendorId = 0x8086, pciDeviceId = 0x2930, rights = 3)]),
    (name = "narrow-outside", binary = "hw-child", autostart = false, args = ["outside"],
     caps = [(name = "port", kernel = ioPorts, portBase = 0x80, portCount = 1)]),
    # The serial driver's input (docs/hardware.md "serial"): echoes what the
    # host sends to COM1 (init=serial-echo:NBYTES; test serial-echo).
    (name = "serial-echo", binary = "serial-echo", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")),
             (name = "input", serviceExport = (service = "serial", export = "input"))]),
    # virtio-blk's clients (tests/system/run blk-*: each boots with its own disk).
    (name = "blk-read", binary = "blk", autostart = false, args = ["read"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "frames", kernel = frameAllocator),
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 1)]),
    (name = "blk-write", binary = "blk", autostart = false, args = ["write"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "frames", kernel = frameAllocator),
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 2),
             (name = "blk-ro", serviceExport = (service = "virtio-blk", export = "blk"), badge = 4, rights = 1)]),
    (name = "blk-readonly", binary = "blk", autostart = false, args = ["readonly"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "frames", kernel = frameAllocator),
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 3)]),
    (name = "blk-hostile", binary = "blk", autostart = false, args = ["hostile"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "frames", kernel = frameAllocator),
             (name = "spawner", kernel = processSpawner), (name = "factory", kernel = objectFactory),
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 5)]),
    (name = "blk-bench", binary = "blk", autostart = false, args = ["bench/2048"],      # bench/run
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "frames", kernel = frameAllocator),
             (name = "blk", serviceExport = (service = "virtio-blk", export = "blk"), badge = 6)]),
    (name = "dma-memory", binary = "dma-memory", autostart = false,
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "spawner", kernel = processSpawner), (name = "frames", kernel = frameAllocator)]),

    # The wasm service (services/wasm, docs/wasm.md): modules from the boot
    # package, their host imports backed by exactly these grants.
    (name = "wasm-hello", binary = "wasm", autostart = false, args = ["hello.wasm"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "bootpkg", kernel = bootPackage)]),
    (name = "wasm-wasi", binary = "wasm", autostart = false, args = ["wasi-hello.wasm", "alpha", "beta gamma"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "bootpkg", kernel = bootPackage)]),
    (name = "wasm-traps", binary = "wasm", autostart = false,
     args = ["traps.wasm:unreachable", "--", "traps.wasm:div0", "--", "traps.wasm:overflow", "--",
             "traps.wasm:oob", "--", "traps.wasm:stack", "--", "traps.wasm:spin", "--", "traps.wasm:grow", "--",
             "hello.wasm"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "bootpkg", kernel = bootPackage)]),
    # Modules that cannot run: each is reported, the next still runs; the
    # exit code counts them (3).
    (name = "wasm-load-errors", binary = "wasm", autostart = false,
     args = ["bad-import.wasm", "--", "traps.wasm:missing", "--", "absent.wasm", "--", "hello.wasm"],
     caps = [(name = "console", serviceExport = (service = "serial", export = "console")), (name = "bootpkg", kernel = bootPackage)]),
    # No console and no log: the module's writes get EBADF (8), which it
    # returns as its exit status; --status makes that the service's exit code.
    (name = "wasm-no-console", binary = "wasm", autostart = false, args = ["--status", "no-console.wasm"],
     caps = [(name = "bootpkg", kernel = bootPackage)])
  ]
);
