# capOS: every capability interface and the boot manifest, defined once.
#
# A ring CALL carries a method's Params struct as a Cap'n Proto message and
# its completion carries the Results struct, or an Exception when the call
# fails. Capabilities travel beside the message as transfer descriptors: an
# interface-typed (or Capability) field holds an index into them.
#
# C accessors, interface ids and method ordinals are generated from this file
# at build time (tools/capnpc-c -> $(BUILD)/gen/capos/capos.capnp.h). Method
# ordinals are the order of declaration: add new methods at the end, never
# renumber; add fields with new ordinals only (see docs/capnp.md).
@0xc86519a4018d4f9f;

const manifestSchemaVersion :UInt32 = 1;
# The SystemManifest.schemaVersion this system understands.

const rightsAll :UInt32 = 0xffffffff;
# Every right. Each interface defines what its rights bits mean; a grant
# may only ever narrow them.

# ---------------------------------------------------------------- errors

enum ErrorCode {
  # Why a call failed. Stable numbers: the kernel and services send them.
  failed @0;            # no more specific code applies
  invalidArgument @1;   # a parameter is out of range or inconsistent
  badMessage @2;        # the params message does not decode
  staleCap @3;          # the CapId names an empty or reused slot
  wrongInterface @4;    # the capability does not implement the interface
  noSuchMethod @5;      # the method ordinal is unknown
  permissionDenied @6;  # the capability lacks a needed right
  outOfMemory @7;       # frames, kernel objects or slots are exhausted
  notFound @8;          # a named object does not exist
  wouldBlock @9;        # the call would block and blocking was not asked for
  disconnected @10;     # the peer process or object is gone
  unimplemented @11;    # declared but not implemented yet
  limitExceeded @12;    # a quota or size limit was hit
}

struct Exception {
  # Result of a failed call, in place of its Results struct.
  code @0 :ErrorCode;
  reason @1 :Text;      # for humans and logs; never parsed
  detail @2 :UInt64;    # code-specific, e.g. the index of a bad argument
}

# ---------------------------------------------------------------- kernel objects

interface Console {
  # Serial console output.
  write @0 (text :Text) -> ();
  # Writes the text as is.
  writeLine @1 (text :Text) -> ();
  # Writes the text and a newline.
}

interface FrameAllocator {
  # Physical frame grants. Every frame granted is recorded against the
  # caller and reclaimed when it exits.
  const rightAlloc :UInt32 = 1;
  const rightFree :UInt32 = 2;

  alloc @0 (count :UInt32, contiguous :Bool) -> (phys :UInt64);
  # Allocates count 4 KiB frames (physically contiguous if asked); phys is
  # the first. Frames are zeroed.
  free @1 (phys :UInt64, count :UInt32) -> ();
  # Returns frames this caller was granted.
  stats @2 () -> (totalFrames :UInt64, freeFrames :UInt64, grantedFrames :UInt64);
  # grantedFrames: frames currently granted to this caller.
}

interface VirtualMemory {
  # The caller's own address space: anonymous memory only.
  const protRead :UInt32 = 1;
  const protWrite :UInt32 = 2;
  const protExec :UInt32 = 4;

  map @0 (addr :UInt64, pages :UInt32, prot :UInt32) -> (addr :UInt64);
  # Maps zeroed pages at addr (page-aligned user address), or where the
  # kernel chooses if addr is 0. W+X is refused.
  unmap @1 (addr :UInt64, pages :UInt32) -> ();
  protect @2 (addr :UInt64, pages :UInt32, prot :UInt32) -> ();
}

interface Endpoint {
  # An IPC rendezvous. A CALL on an endpoint capability is delivered to the
  # process blocked in RECV on it, with the caller's badge; RETURN answers
  # it. Those are ring operations: the method ordinals and params of a
  # forwarded call belong to the interface the server implements.
  const rightCall :UInt32 = 1;
  const rightServe :UInt32 = 2;

  mint @0 (badge :UInt64, rights :UInt32) -> (endpoint :Endpoint);
  # A copy of this endpoint that calls with the given badge and at most the
  # given rights (an attenuated client capability).
}

struct SpawnGrant {
  # One capability for a new process, taken from the caller's transfer list.
  name @0 :Text;                    # the name in the child's CapSet
  cap @1 :Capability;               # copied from the caller
  interfaceId @2 :UInt64;           # interface the child expects; checked
  badge @3 :UInt64;                 # 0: keep the capability's badge
  rights @4 :UInt32 = 0xffffffff;   # at most the caller's own rights
}

interface ProcessSpawner {
  # Creates processes from binaries in the boot package.
  spawn @0 (name :Text, binary :Text, grants :List(SpawnGrant), args :List(Text))
        -> (handle :ProcessHandle, pid :UInt32);
  # binary names a file of the boot package (an ELF image).
}

interface ProcessHandle {
  # One process, held by whoever spawned it.
  wait @0 () -> (exitCode :Int64);
  # Blocks until the process exits.
  kill @1 () -> ();
  info @2 () -> (pid :UInt32, name :Text, exited :Bool, exitCode :Int64);
}

interface BootPackage {
  # The boot package (a USTAR archive), read-only. init holds it.
  manifest @0 () -> (manifest :Data);
  # The raw manifest.bin bytes (a SystemManifest message).
  list @1 () -> (names :List(Text));
  stat @2 (name :Text) -> (size :UInt64);
  read @3 (name :Text, offset :UInt64, length :UInt32) -> (data :Data);
}

interface Null {
  # Does nothing: measures the cost of a call.
  nop @0 () -> ();
  echo @1 (value :UInt64) -> (value :UInt64);
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
  endpoint @6;                      # a new endpoint, owned by this service
}

struct Service {
  name @0 :Text;                    # unique
  binary @1 :Text;                  # a Binary.name
  caps @2 :List(CapGrant);
  exports @3 :List(Export);
  restart @4 :RestartPolicy = never;
  restartLimit @5 :UInt32 = 3;      # restarts before giving up
  args @6 :List(Text);
}

struct Export {
  # An endpoint a service serves, which other services' grants may name.
  name @0 :Text;
  interfaceId @1 :UInt64;           # the interface served on it
}

struct CapGrant {
  name @0 :Text;                    # name in the service's CapSet
  interfaceId @1 :UInt64;           # must match the source's interface
  union {
    # Where the capability comes from.
    kernel @2 :KernelCap;
    serviceExport :group {
      # An export of another service (no dangling names, no cycles).
      service @3 :Text;
      export @4 :Text;
    }
  }
  badge @5 :UInt64;                 # fixed badge for calls through this grant
  rights @6 :UInt32 = 0xffffffff;   # narrowed rights
}
