# Test-only schema for the capnp suite: every field kind, defaults, unions,
# groups, nested lists, schema evolution pairs, constants, and interfaces
# for the generated method tables, dispatch and clients (tests/capnp/iface.c).
# Compiled with -I schema, for capOS's $needs annotation.
@0xd5990ba7fd6b524d;

using Capos = import "/capos.capnp";

enum Color {
  red @0;
  green @1;
  blue @2;
}

struct Inner {
  id @0 :UInt32;
  label @1 :Text;
  inner @2 :Inner;
}

interface Widget {
  # A second interface: its handles must not pass for a Gadget's.
  const rightPoke :UInt32 = 1;

  poke @0 (times :UInt16) -> (ok :Bool) $Capos.needs(.Widget.rightPoke);
}

struct Extent {
  # A named struct used as a method's params and results.
  width @0 :UInt32;
  height @1 :UInt32;
}

struct Description {
  # Variable-size results: text inside a group, a list.
  id @0 :UInt32;
  info :group {
    name @1 :Text;
    size @2 :UInt64;
  }
  tags @3 :List(Text);
}

struct Status {
  # Fixed-size results: a group, and a union holding a capability.
  counts :group {
    hits @0 :UInt64;
    misses @1 :UInt64;
  }
  state :union {
    idle @2 :Void;
    busy @3 :Widget;
  }
}

interface Gadget {
  # Fixed and variable results, interface-typed fields, named params and
  # results structs.
  const rightRead :UInt32 = 1;
  const rightWrite :UInt32 = 2;
  const rightAdmin :UInt32 = 4;
  const rightSpare :UInt32 = 0x100;  # needed by no method: still one of Gadget's rights
  const maxCount :UInt32 = 99;       # not a right

  reset @0 () -> () $Capos.needs(0);
  # Needs no right; its results are an empty struct.
  add @1 (a :Int32, b :Int32) -> (sum :Int64, overflow :Bool) $Capos.needs(.Gadget.rightRead);
  describe @2 (id :UInt32, tags :List(Text)) -> Description $Capos.needs(.Gadget.rightRead);
  swap @3 (widget :Widget, keep :Bool) -> (widget :Widget, gadget :Gadget, any :Capability,
                                            count :UInt16) $Capos.needs(.Gadget.rightWrite);
  measure @4 Extent -> Extent $Capos.needs(0x20);
  # needs is a literal, not a constant: its bit still counts as a right.
  status @5 () -> Status $Capos.needs(.Gadget.rightRead);
  addedLater @6 (value :UInt64) -> (value :UInt64, widget :Widget) $Capos.needs(.Gadget.rightAdmin);
  # Added after the others: the suite checks it reached the method table,
  # the server struct and the clients.
}

interface Marker {
  # No methods: a table without rows, a dispatch that only refuses.
}

struct TestAll {
  boolField @0 :Bool;
  int8Field @1 :Int8;
  int16Field @2 :Int16;
  int32Field @3 :Int32;
  int64Field @4 :Int64;
  uint8Field @5 :UInt8;
  uint16Field @6 :UInt16;
  uint32Field @7 :UInt32;
  uint64Field @8 :UInt64;
  float32Field @9 :Float32;
  float64Field @10 :Float64;
  textField @11 :Text;
  dataField @12 :Data;
  structField @13 :Inner;
  enumField @14 :Color;
  voidField @15 :Void;

  boolList @16 :List(Bool);
  int8List @17 :List(Int8);
  int16List @18 :List(Int16);
  int32List @19 :List(Int32);
  int64List @20 :List(Int64);
  uint8List @21 :List(UInt8);
  uint16List @22 :List(UInt16);
  uint32List @23 :List(UInt32);
  uint64List @24 :List(UInt64);
  float32List @25 :List(Float32);
  float64List @26 :List(Float64);
  textList @27 :List(Text);
  dataList @28 :List(Data);
  structList @29 :List(Inner);
  enumList @30 :List(Color);
  voidList @31 :List(Void);
  listList @32 :List(List(Int32));

  anyField @33 :AnyPointer;
  widget @34 :Widget;
}

struct TestDefaults {
  boolField @0 :Bool = true;
  int8Field @1 :Int8 = -123;
  int16Field @2 :Int16 = -12345;
  int32Field @3 :Int32 = -12345678;
  int64Field @4 :Int64 = -123456789012345;
  uint8Field @5 :UInt8 = 234;
  uint16Field @6 :UInt16 = 45678;
  uint32Field @7 :UInt32 = 3456789012;
  uint64Field @8 :UInt64 = 12345678901234567890;
  float32Field @9 :Float32 = 1234.5;
  float64Field @10 :Float64 = -123e45;
  textField @11 :Text = "foo";
  dataField @12 :Data = 0x"62 61 72";
  structField @13 :Inner = (id = 7, label = "seven", inner = (id = 8));
  enumField @14 :Color = blue;
  int32List @15 :List(Int32) = [1, -2, 3];
  textList @16 :List(Text) = ["a", "bc"];
  structList @17 :List(Inner) = [(id = 1), (id = 2, label = "two")];
  int64Min @18 :Int64 = -9223372036854775808;
}

struct TestUnion {
  before @0 :Text;
  union {
    none @1 :Void;
    number @2 :UInt64;
    text @3 :Text;
    inner @4 :Inner;
    pair :group {
      left @5 :Int32;
      right @6 :Int32 = 5;
    }
  }
  named :union {
    flag @7 :Bool;
    color @8 :Color;
  }
  after @9 :UInt16 = 77;
}

struct TestGroup {
  point :group {
    x @0 :Int32;
    y @1 :Int32;
  }
  list :group {
    # Named like the generated TestGroup_list type: becomes TestGroup_list_group.
    count @2 :UInt32;
  }
}

# Schema evolution: TestNew is TestOld with fields added.
struct TestOld {
  a @0 :UInt32;
  b @1 :Text;
}

struct TestNew {
  a @0 :UInt32;
  b @1 :Text;
  c @2 :UInt64 = 42;
  d @3 :Text = "dflt";
  e @4 :List(Inner);
  f @5 :Bool = true;
}

# List evolution: a list of primitives upgraded to a list of structs whose
# first field is that primitive (and read back the other way).
struct ListOld {
  items @0 :List(UInt32);
}

struct Item {
  value @0 :UInt32;
  extra @1 :Text;
}

struct ListNew {
  items @0 :List(Item);
}

struct Nest {
  depth @0 :UInt32;
  child @1 :Nest;
}

struct Blob {
  # A doc comment that must stay a C comment: it ends */ early, opens /* a
  # nested one, and has trigraphs ??= ??/
  name @0 :Text;
  payload @1 :Data;
  more @2 :List(Inner);
}

const constBool :Bool = true;
const constInt8 :Int8 = -128;
const constInt32 :Int32 = -2147483648;
const constInt64 :Int64 = -9223372036854775808;
const constUInt64 :UInt64 = 18446744073709551615;
const constFloat32 :Float32 = 1.5;
const constFloat64 :Float64 = -0.25;
const constText :Text = "tab\there \"quoted\" ??= \\ done";
const constData :Data = 0x"00 01 fe ff";
const constEnum :Color = green;
const constInner :Inner = (id = 99, label = "const", inner = (id = 100));
const constList :List(UInt16) = [10, 20, 30];

const allTypes :TestAll = (
  boolField = true,
  int8Field = -8,
  int16Field = -16,
  int32Field = -32,
  int64Field = -64,
  uint8Field = 8,
  uint16Field = 16,
  uint32Field = 32,
  uint64Field = 64,
  float32Field = 32.5,
  float64Field = -64.25,
  textField = "hello, capOS",
  dataField = 0x"de ad be ef",
  structField = (id = 1, label = "one", inner = (id = 2, label = "two")),
  enumField = green,
  voidField = void,
  boolList = [true, false, true, true, false, false, false, false, true],
  int8List = [-1, 2, -3],
  int16List = [-300, 300],
  int32List = [-70000, 70000, 0],
  int64List = [-5000000000, 5000000000],
  uint8List = [1, 255],
  uint16List = [65535, 0, 1],
  uint32List = [4000000000],
  uint64List = [18446744073709551615, 0],
  float32List = [0.5, -2.0],
  float64List = [1e100],
  textList = ["alpha", "", "gamma"],
  dataList = [0x"00", 0x"0102"],
  structList = [(id = 10, label = "ten"), (id = 11), (id = 12, inner = (id = 13))],
  enumList = [blue, red],
  voidList = [void, void, void, void],
  listList = [[1, 2], [], [3]]
);
