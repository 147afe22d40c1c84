# capOS: every capability interface and the boot manifest, defined once.
#
# A ring CALL carries a method's Params struct as a Cap'n Proto message and
# its completion carries the Results struct; a failed call completes with a
# negative CAPOS_E_* code (include/capos/ring.h, the one error vocabulary).
# Capabilities travel beside the message: a capability-typed field holds a
# CapId of the caller's own table.
#
# Authority: every interface declares its rights bits as constants named
# right<Name>, and every method names the rights it needs with $needs. The
# generator turns these into a method table per interface (ordinal -> needed
# rights, params/results sizes); the ring checks the caller's capability
# against it before any object code runs (docs/userspace.md).
#
# C accessors, interface ids, method tables, server dispatch and typed
# clients are generated from this file at build time (tools/capnpc-c ->
# $(BUILD)/gen/capos/capos.capnp.h). Method ordinals are the order of
# declaration: add new methods at the end, never renumber; add fields with
# new ordinals only (see docs/capnp.md).
@0xc86519a4018d4f9f;

annotation needs @0xd5a2f3c1b0e49a71 (method) :UInt32;
# The rights a capability must hold to call this method: (rights & needs)
# == needs.

const manifestSchemaVersion :UInt32 = 1;
# The SystemManifest.schemaVersion this system understands.

const rightsAll :UInt32 = 0xffffffff;
# Every right. A grant may only ever narrow a capability's rights.

# ---------------------------------------------------------------- kernel objects

interface Console {
  # Serial console output.
  const rightWrite :UInt32 = 1;

  write @0 (text :Text) -> () $needs(.Console.rightWrite);
  # Writes the text as is.
  writeLine @1 (text :Text) -> () $needs(.Console.rightWrite);
  # Writes the text and a newline.
}

interface FrameAllocator {
  # Physical frame grants. Every frame granted is recorded against the
  # caller and reclaimed when it exits.
  const rightAlloc :UInt32 = 1;
  const rightFree :UInt32 = 2;
  const rightStats :UInt32 = 4;

  alloc @0 (count :UInt32, contiguous :Bool) -> (phys :UInt64) $needs(.FrameAllocator.rightAlloc);
  # Allocates count 4 KiB frames (physically contiguous if asked); phys is
  # the first. Frames are zeroed and charged to the caller's kernel-memory
  # quota.
  free @1 (phys :UInt64, count :UInt32) -> () $needs(.FrameAllocator.rightFree);
  # Returns frames this caller was granted.
  stats @2 () -> (totalFrames :UInt64, freeFrames :UInt64, grantedFrames :UInt64,
                  kernelMemoryUsed :UInt64, kernelMemoryLimit :UInt64, heapFrames :UInt64)
      $needs(.FrameAllocator.rightStats);
  # The frame ledger. grantedFrames: frames currently granted to this
  # caller; kernelMemoryUsed/Limit: the caller's kernel-memory account;
  # heapFrames: frames the kernel heap holds.
  allocObject @3 (pages :UInt32, contiguous :Bool) -> (memory :MemoryObject)
      $needs(.FrameAllocator.rightAlloc);
  # A MemoryObject of pages zeroed frames (1..1024; contiguous: physically
  # consecutive, for DMA), charged to the caller's kernel-memory quota until
  # the object is gone (docs/memory.md).
}

interface VirtualMemory {
  # The caller's own address space: anonymous memory only.
  const protRead :UInt32 = 1;
  const protWrite :UInt32 = 2;
  const protExec :UInt32 = 4;
  const rightMap :UInt32 = 1;
  const rightUnmap :UInt32 = 2;
  const rightProtect :UInt32 = 4;

  map @0 (addr :UInt64, pages :UInt32, prot :UInt32) -> (addr :UInt64) $needs(.VirtualMemory.rightMap);
  # Maps zeroed pages at addr (page-aligned user address), or where the
  # kernel chooses if addr is 0. W+X is refused.
  unmap @1 (addr :UInt64, pages :UInt32) -> () $needs(.VirtualMemory.rightUnmap);
  protect @2 (addr :UInt64, pages :UInt32, prot :UInt32) -> () $needs(.VirtualMemory.rightProtect);
}

interface Endpoint {
  # An IPC rendezvous serving one interface of this schema, named when the
  # endpoint is made (ObjectFactory.endpoint). This capability is its serve
  # facet: RECV submissions on it receive calls, and it mints client
  # capabilities. A client capability carries the served interface's id and
  # rights, so the served interface's generated client calls it exactly as
  # it would call a kernel object; a CALL on it is delivered to a RECV with
  # the client's badge, and answered by RETURN through a one-shot reply
  # capability (include/capos/ring.h, docs/ipc.md).
  const rightServe :UInt32 = 1;
  const rightMint :UInt32 = 2;

  mint @0 (badge :UInt64, rights :UInt32) -> (client :Capability) $needs(.Endpoint.rightMint);
  # A client capability with the given badge and at most the given rights
  # of the served interface. Badges are write-once: a badged serve
  # capability mints only its own badge (or 0: keep it).
}

interface Reply {
  # A one-shot answer to one received call: a RECV creates it in the
  # server's table, a RETURN uses it up. It has no methods.
}

interface ObjectFactory {
  # Makes IPC objects, charged to the caller's kernel-memory quota.
  const rightEndpoint :UInt32 = 1;
  const rightNotification :UInt32 = 2;

  endpoint @0 (interfaceId :UInt64, queueLimit :UInt32) -> (endpoint :Endpoint)
      $needs(.ObjectFactory.rightEndpoint);
  # An endpoint serving interfaceId (an interface of this schema, not
  # Endpoint or Reply). queueLimit: calls that may wait for a RECV at once
  # (0: the default, 64); a CALL past it fails QUEUE_FULL.
  notification @1 () -> (notification :Notification) $needs(.ObjectFactory.rightNotification);
  # A notification with no bits set.
}

interface Notification {
  # A word of event bits. signal ORs bits in (and the capability's badge);
  # a RECV on a capability with rightWait completes with the accumulated
  # bits, clearing them (docs/ipc.md).
  const rightSignal :UInt32 = 1;
  const rightWait :UInt32 = 2;
  const rightMint :UInt32 = 4;

  signal @0 (bits :UInt64) -> () $needs(.Notification.rightSignal);
  mint @1 (badge :UInt64, rights :UInt32) -> (notification :Notification)
      $needs(.Notification.rightMint);
  # A copy with the given badge (write-once) and at most the given rights.
}

interface MemoryObject {
  # A set of frames that several address spaces may map at once (shared
  # memory, later DMA buffers). A capability without rightWrite is a
  # read-only facet: it maps the frames read-only. The frames are freed
  # when the last capability and the last mapping are gone (docs/memory.md).
  const rightMap :UInt32 = 1;
  const rightWrite :UInt32 = 2;
  const rightPhysical :UInt32 = 4;

  map @0 (addr :UInt64, writable :Bool) -> (addr :UInt64) $needs(.MemoryObject.rightMap);
  # Maps every page of the object into the caller's address space at addr
  # (page-aligned, free), or where the kernel chooses if addr is 0;
  # writable needs rightWrite.
  unmap @1 (addr :UInt64) -> () $needs(.MemoryObject.rightMap);
  # Removes the caller's mapping of this object at addr.
  size @2 () -> (pages :UInt32) $needs(.MemoryObject.rightMap);
  physical @3 (page :UInt32) -> (phys :UInt64, contiguous :Bool) $needs(.MemoryObject.rightPhysical);
  # The physical address of the object's page (for a device's DMA
  # descriptors); contiguous: every page follows the first in physical
  # memory (FrameAllocator.allocObject with contiguous, or a device BAR).
}

struct ProcessInfo {
  # One process as SystemMonitor.processes sees it.
  pid @0 :UInt32;
  name @1 :Text;                    # the name its spawner gave it
  state @2 :UInt8;                  # 0: running, 1: exited (its struct kept by a handle), 2: being killed
  digest @3 :Data;                  # its principal: the first 8 bytes of its binary's BLAKE3
  key @4 :Data;                     # ... and the fingerprint of the key that signed it (8 bytes)
  frames @5 :UInt64;                # frames its address space owns (pages and page tables)
  grantedFrames @6 :UInt64;         # frames FrameAllocator granted it
  kernelMemoryUsed @7 :UInt64;      # its kernel-memory account
  kernelMemoryLimit @8 :UInt64;
  exitCode @9 :Int64;               # when exited
}

interface SystemMonitor {
  # A read-only view of the whole system: what `ps`, `uptime` and `mem`
  # show (kernel/cap/system_monitor.c). It changes nothing.
  const rightRead :UInt32 = 1;

  processes @0 () -> (processes :List(ProcessInfo)) $needs(.SystemMonitor.rightRead);
  # Every process the kernel knows, newest first (at most 256); a results
  # buffer too small for them fails TOO_BIG.
  uptime @1 () -> (ticks :UInt64, hz :UInt32, ms :UInt64) $needs(.SystemMonitor.rightRead);
  # Timer ticks since boot, their rate and the same in milliseconds.
  frames @2 () -> (totalFrames :UInt64, freeFrames :UInt64, heapFrames :UInt64, processes :UInt32,
                   kernelMemoryUsed :UInt64, kernelMemoryLimit :UInt64) $needs(.SystemMonitor.rightRead);
  # The frame ledger: usable and free 4 KiB frames, the kernel heap's, live
  # processes, and the root kernel-memory account (init's quota is carved
  # from it).
  capabilities @3 () -> (caps :List(CapInfo)) $needs(.SystemMonitor.rightRead);
  # The caller's own capability table (at most 256 slots): nothing about
  # any other process's.
}

struct CapInfo {
  # One slot of the caller's capability table.
  cap @0 :UInt32;                   # its CapId
  interfaceId @1 :UInt64;
  rights @2 :UInt32;
  badge @3 :UInt64;
}

interface Power {
  # Halting and rebooting the machine (kernel/cap/power.c). Neither returns
  # to the caller.
  const rightHalt :UInt32 = 1;
  const rightReboot :UInt32 = 2;

  halt @0 () -> () $needs(.Power.rightHalt);
  # Powers off through the kernel's clean exit (under QEMU the exit device:
  # a pass).
  reboot @1 () -> () $needs(.Power.rightReboot);
  # Resets through the keyboard controller, else a triple fault.
}

# ---------------------------------------------------------------- hardware (docs/hardware.md)

interface IoPort {
  # x86 I/O ports [base, base + count). Ports the kernel drives itself
  # (PIC, PIT, COM1, PCI configuration, the exit device) are refused to every
  # holder. offset is relative to base; width is 1, 2 or 4 bytes and the
  # access must lie inside the range.
  const rightRead :UInt32 = 1;
  const rightWrite :UInt32 = 2;
  const rightRestrict :UInt32 = 4;
  const rightDirect :UInt32 = 8;

  in @0 (offset :UInt32, width :UInt8) -> (value :UInt32) $needs(.IoPort.rightRead);
  out @1 (offset :UInt32, width :UInt8, value :UInt32) -> () $needs(.IoPort.rightWrite);
  restrict @2 (offset :UInt32, count :UInt32) -> (port :IoPort) $needs(.IoPort.rightRestrict);
  # A narrower IoPort [base + offset, base + offset + count) with the same
  # rights.
  info @3 () -> (base :UInt32, count :UInt32) $needs(0);
  direct @4 () -> () $needs(.IoPort.rightDirect);
  # Lets the calling process use in/out instructions on the range itself
  # (the TSS I/O permission bitmap), until it exits. Needs rightRead and
  # rightWrite too; at most 8 ranges per process.
}

interface IrqLine {
  # One legacy (ISA) interrupt line, routed through the I/O APIC (MADT
  # overrides honoured) or the 8259 PIC. Each interrupt masks the line and
  # signals the bound Notification; the line stays masked until ack.
  const rightBind :UInt32 = 1;
  const rightAck :UInt32 = 2;

  bind @0 (notification :Notification, bits :UInt64) -> () $needs(.IrqLine.rightBind);
  # Interrupts signal bits (non-zero) on notification from now on, and the
  # line is unmasked. Binding again replaces the notification.
  ack @1 () -> () $needs(.IrqLine.rightAck);
  # The driver has serviced the device: unmask the line.
  info @2 () -> (irq :UInt32, gsi :UInt32, level :Bool, activeLow :Bool, count :UInt64, ioapic :Bool,
                 firedAt :UInt64) $needs(0);
  # count: interrupts delivered so far; ioapic: routed through the I/O APIC
  # (else the 8259 PIC); firedAt: the CPU's cycle counter when the kernel's
  # handler took the last one (for measuring interrupt -> driver latency).
}

interface IrqControl {
  # Hands out IrqLines: each line to one holder at a time.
  const rightLine :UInt32 = 1;

  line @0 (irq :UInt32) -> (line :IrqLine) $needs(.IrqControl.rightLine);
  # ISA IRQ 1, 3..15 (0 is the timer's, 2 the cascade); BUSY while another
  # IrqLine of that number exists.
}

interface PciDevice {
  # One PCI function: its own configuration space, BARs and interrupt.
  const rightConfigRead :UInt32 = 1;
  const rightConfigWrite :UInt32 = 2;
  const rightBars :UInt32 = 4;
  const rightIrq :UInt32 = 8;
  const rightBusMaster :UInt32 = 16;

  info @0 () -> (bus :UInt8, device :UInt8, function :UInt8, vendorId :UInt16, deviceId :UInt16,
                 classCode :UInt32, irq :UInt8, bars :UInt8) $needs(0);
  # classCode: class << 16 | subclass << 8 | prog-if; irq: the legacy line
  # (0xff: none); bars: a bit per implemented BAR.
  configRead @1 (offset :UInt32, width :UInt8) -> (value :UInt32) $needs(.PciDevice.rightConfigRead);
  configWrite @2 (offset :UInt32, width :UInt8, value :UInt32) -> () $needs(.PciDevice.rightConfigWrite);
  # Refused (PERMISSION_DENIED): the ID, class and header-type bytes, the
  # BARs, subsystem and ROM registers, the capabilities pointer, the
  # interrupt pin, and setting bus mastering without rightBusMaster.
  bar @3 (index :UInt8) -> (kind :UInt8, base :UInt64, size :UInt64) $needs(.PciDevice.rightBars);
  # kind 0: not implemented, 1: I/O, 2: 32-bit memory, 3: 64-bit memory.
  ioBar @4 (index :UInt8) -> (port :IoPort) $needs(.PciDevice.rightBars);
  memoryBar @5 (index :UInt8) -> (memory :MemoryObject) $needs(.PciDevice.rightBars);
  # The BAR's pages as a MemoryObject that maps uncached.
  irqLine @6 () -> (line :IrqLine) $needs(.PciDevice.rightIrq);
}

interface PciBus {
  # Every PCI function found at boot.
  const rightList :UInt32 = 1;
  const rightDevice :UInt32 = 2;

  count @0 () -> (functions :UInt32) $needs(.PciBus.rightList);
  function @1 (index :UInt32) -> (bus :UInt8, device :UInt8, function :UInt8, vendorId :UInt16,
                                  deviceId :UInt16, classCode :UInt32) $needs(.PciBus.rightList);
  byId @2 (vendorId :UInt16, deviceId :UInt16, instance :UInt32) -> (device :PciDevice)
      $needs(.PciBus.rightDevice);
  bySlot @3 (bus :UInt8, device :UInt8, function :UInt8) -> (device :PciDevice) $needs(.PciBus.rightDevice);
}

struct SpawnGrant {
  # One capability for a new process, taken from the caller's transfer list.
  name @0 :Text;                    # the name in the child's CapSet
  cap @1 :Capability;               # copied from the caller
  interfaceId @2 :UInt64;           # the capability's interface: must match (0 is refused)
  badge @3 :UInt64;                 # 0: keep the capability's badge. Write-once: a
                                    # badged capability cannot be given another
  rights @4 :UInt32 = 0xffffffff;   # at most the caller's own rights
}

interface ProcessSpawner {
  # Creates processes from binaries in the boot package.
  const rightSpawn :UInt32 = 1;

  spawn @0 (name :Text, binary :Text, grants :List(SpawnGrant), args :List(Text),
            kernelMemory :UInt64) -> (handle :ProcessHandle, pid :UInt32)
        $needs(.ProcessSpawner.rightSpawn);
  # binary names a file of the boot package (an ELF image). kernelMemory is
  # the child's kernel-memory quota in bytes (0: the default), carved out of
  # the caller's own quota and given back when the child is gone.
}

interface ProcessHandle {
  # One process, held by whoever spawned it. Releasing the last handle to a
  # process kills it.
  const rightWait :UInt32 = 1;
  const rightKill :UInt32 = 2;
  const rightInfo :UInt32 = 4;

  wait @0 () -> (exitCode :Int64) $needs(.ProcessHandle.rightWait);
  # Completes when the process exits.
  kill @1 () -> () $needs(.ProcessHandle.rightKill);
  info @2 () -> (pid :UInt32, name :Text, exited :Bool, exitCode :Int64) $needs(.ProcessHandle.rightInfo);
}

interface BootPackage {
  # The boot package (a USTAR archive), read-only. init holds it.
  const rightRead :UInt32 = 1;

  manifest @0 () -> (manifest :Data) $needs(.BootPackage.rightRead);
  # The raw manifest.bin bytes (a SystemManifest message).
  list @1 () -> (names :List(Text)) $needs(.BootPackage.rightRead);
  stat @2 (name :Text) -> (size :UInt64) $needs(.BootPackage.rightRead);
  read @3 (name :Text, offset :UInt64, length :UInt32) -> (data :Data) $needs(.BootPackage.rightRead);
}

interface Null {
  # Does nothing: measures the cost of a call.
  const rightCall :UInt32 = 1;

  nop @0 () -> () $needs(.Null.rightCall);
  echo @1 (value :UInt64) -> (value :UInt64) $needs(.Null.rightCall);
}

interface KernelLog {
  # The kernel's own log while a user driver owns the console device
  # (docs/hardware.md, "serial"): once an IoPort covering COM1 exists, kernel
  # messages (and the kernel Console's text) go to a bounded buffer instead
  # of the UART, and the driver reads them out; when the last such IoPort is
  # gone, the kernel takes the UART back and writes what is left itself.
  const rightRead :UInt32 = 1;
  const rightBind :UInt32 = 2;

  read @0 (max :UInt32) -> (data :Data, lost :UInt64) $needs(.KernelLog.rightRead);
  # Takes up to max (1..4096, else BAD_ARGUMENT) buffered bytes, oldest
  # first; none when it is empty. lost: bytes dropped (oldest first) because
  # the buffer was full since the last read that reported a loss.
  bind @1 (notification :Notification, bits :UInt64) -> () $needs(.KernelLog.rightBind);
  # Signals bits (non-zero; plus the capability's badge) on notification
  # when the buffer has text nobody was told of (at the latest at the next
  # timer tick). Binding again replaces it; the binding ends with the
  # driver's ownership of the console device.
}

# ---------------------------------------------------------------- services

interface Log {
  # The log service (services/log): lines from the other services, each
  # labelled by the server with the name its client capability's badge
  # stands for — never with anything the message says.
  const rightWrite :UInt32 = 1;
  const rightRead :UInt32 = 2;

  write @0 (text :Text) -> () $needs(.Log.rightWrite);
  # One line (at most 200 bytes; no newlines: each is written as a space).
  recent @1 (count :UInt32) -> (lines :List(Text)) $needs(.Log.rightRead);
  # The last count lines (at most 64), oldest first, as written to the console.
}

interface ServiceMonitor {
  # init's view of the services it supervises (init/monitor.c), served by
  # init itself and granted through the manifest (KernelCap initServices).
  const rightRead :UInt32 = 1;

  list @0 () -> (services :List(ServiceInfo)) $needs(.ServiceMonitor.rightRead);
}

struct ServiceInfo {
  name @0 :Text;
  state @1 :Text;                   # idle, waiting, running, backoff, done, skipped
  pid @2 :UInt32;                   # the last one it ran as (0: never started)
  restarts @3 :UInt32;
  exitCode @4 :Int64;               # when done
  passed @5 :Bool;                  # when done: a job that exited 0, or a server not given up on
}

interface ByteInput {
  # Bytes arriving on a device, in order (the serial service's receive
  # buffer): the shell's keyboard.
  const rightRead :UInt32 = 1;

  read @0 (max :UInt32) -> (data :Data) $needs(.ByteInput.rightRead);
  # Waits until at least one byte is there; returns 1..max of them (max
  # 1..4096, else BAD_ARGUMENT). Bytes are taken by one reader: two reads
  # waiting at once are answered in the order they arrived.
}

interface BlockDevice {
  # A disk of capacity blocks of blockSize bytes (services/virtio-blk).
  # Requests outside the disk, of zero blocks or of more than maxBlocks are
  # refused (BAD_ARGUMENT) before they reach the device; a read-only disk
  # (or a facet without rightWrite) refuses writes (PERMISSION_DENIED).
  const rightRead :UInt32 = 1;
  const rightWrite :UInt32 = 2;

  info @0 () -> (capacity :UInt64, blockSize :UInt32, readOnly :Bool, maxBlocks :UInt32) $needs(0);
  read @1 (block :UInt64, count :UInt32) -> (data :Data) $needs(.BlockDevice.rightRead);
  # Inline: at most 8 blocks (4 KiB of 512-byte blocks).
  write @2 (block :UInt64, data :Data) -> () $needs(.BlockDevice.rightWrite);
  # Inline: data is a whole number of blocks, at most 8.
  flush @3 () -> () $needs(.BlockDevice.rightWrite);
  attach @4 (buffer :MemoryObject) -> () $needs(.BlockDevice.rightRead);
  # Shares a buffer with the driver for zero-copy transfers: the device
  # reads and writes its pages directly (needs the object's rightPhysical
  # and rightWrite). Replaces an earlier buffer; one per client capability.
  readShared @5 (block :UInt64, count :UInt32, offset :UInt64) -> () $needs(.BlockDevice.rightRead);
  # Reads count blocks into the attached buffer at offset (in bounds).
  writeShared @6 (block :UInt64, count :UInt32, offset :UInt64) -> () $needs(.BlockDevice.rightWrite);
}

# ---------------------------------------------------------------- boot manifest

struct SystemManifest {
  # The whole system: which binaries exist, which services run, and exactly
  # which capabilities each receives. init validates all of it before it
  # spawns anything.
  schemaVersion @0 :UInt32;         # must equal manifestSchemaVersion
  binaries @1 :List(Binary);
  services @2 :List(Service);
}

struct Binary {
  name @0 :Text;                    # how services refer to it
  path @1 :Text;                    # file name in the boot package
  blake3 @2 :Data;                  # expected 32-byte digest; empty: unchecked
}

enum RestartPolicy {
  never @0;                         # an exit is final
  onFailure @1;                     # restart after a non-zero exit or a fault
  always @2;                        # restart after any exit
}

enum KernelCap {
  # Kernel objects a grant may name as its source.
  console @0;
  frameAllocator @1;
  virtualMemory @2;
  processSpawner @3;
  bootPackage @4;
  nullCap @5;
  endpoint @6;                      # not grantable: a service's own endpoints are
                                    # its exports (refused as MANIFEST_ERR_KERNEL_CAP)
  objectFactory @7;                 # ObjectFactory: endpoints and notifications
  ioPorts @8;                       # IoPort: every port init may hand out
  irqControl @9;                    # IrqControl: interrupt lines
  pciBus @10;                       # PciBus: PCI functions
  kernelLog @11;                    # KernelLog: the kernel's log while a user driver
                                    # owns the console device (the serial service)
  systemMonitor @12;                # SystemMonitor: read-only processes, uptime, frames
  power @13;                        # Power: halt and reboot
  initServices @14;                 # ServiceMonitor: init's own view of the services
                                    # (served by init, not the kernel)
}

struct Service {
  # One process init starts and supervises. Its CapSet holds its grants
  # (caps) and, for each export, the export's endpoint (serve facet) under
  # the export's name: at most 64 entries, names unique (lib/manifest).
  name @0 :Text;                    # unique; 1-23 bytes of [A-Za-z0-9._-]
  binary @1 :Text;                  # a Binary.name
  caps @2 :List(CapGrant);
  exports @3 :List(Export);
  restart @4 :RestartPolicy = never;
  restartLimit @5 :UInt32 = 3;      # restarts before giving up (at most 1000)
  args @6 :List(Text);              # at most 32, 1520 bytes with their NULs
  kernelMemory @7 :UInt64;          # kernel-memory quota in bytes (0: init's default);
                                    # all services' quotas must fit init's budget
  after @8 :List(Text);             # services that must be ready before this one starts
                                    # (on top of those whose exports it is granted): a
                                    # service with exports is ready while it runs, a job
                                    # (no exports) once it has exited for good
  restartBackoffMs @9 :UInt32 = 100;     # delay before the first restart; doubles
                                         # after each one ...
  restartBackoffMaxMs @10 :UInt32 = 10000;  # ... up to this (at most one hour)
  autostart @11 :Bool = true;       # false: started only when named on init's command
                                    # line (init=NAME[:ARG],...: tests, benchmarks)
}

struct Export {
  # An endpoint a service serves, which other services' grants may name.
  # init creates it before anything starts; the serving service gets its
  # serve facet, every grant of it a client minted with the grant's badge.
  name @0 :Text;
  interfaceId @1 :UInt64;           # the interface served on it: one of this schema,
                                    # not Endpoint or Reply
}

struct CapGrant {
  name @0 :Text;                    # name in the service's CapSet
  interfaceId @1 :UInt64;           # must match the source's interface (0: the
                                    # source's, whatever it is)
  union {
    # Where the capability comes from.
    kernel @2 :KernelCap;
    serviceExport :group {
      # An export of another service (no dangling names, no cycles).
      service @3 :Text;
      export @4 :Text;
    }
  }
  badge @5 :UInt64;                 # fixed badge for calls through this grant; only
                                    # for an export (set once, when init mints the
                                    # client); kernel capabilities take none
  rights @6 :UInt32 = 0xffffffff;   # narrowed rights: a subset of the interface's
                                    # (rightsAll: all of them)
  # Hardware narrowing: a driver is granted exactly the device it drives,
  # never the root objects (docs/hardware.md). Each applies to one kernel
  # source only, and the grant's interfaceId is what is granted.
  portBase @7 :UInt16;              # kernel ioPorts: the IoPort restricted to
  portCount @8 :UInt16;             # [portBase, portBase + portCount); 0: the whole root
  irq @9 :UInt8 = 0xff;             # kernel irqControl: the IrqLine of this ISA IRQ
                                    # instead (interfaceId IrqLine); 0xff: IrqControl
  pciVendorId @10 :UInt16;          # kernel pciBus: the PciDevice vendor:device, the
  pciDeviceId @11 :UInt16;          # pciInstance-th of them (interfaceId PciDevice);
  pciInstance @12 :UInt32;          # vendor 0: the PciBus itself
}
