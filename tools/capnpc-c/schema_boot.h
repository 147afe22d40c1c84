/* Bootstrap accessors for the parts of capnp/schema.capnp the generator
 * reads (CodeGeneratorRequest and the nodes it holds).
 *
 * The generator cannot use its own output before it exists, so these few
 * accessors are written by hand, with exactly the names and signatures the
 * generator emits for schema.capnp. The suite checks that the generator
 * built against its own output for schema.capnp (-DCAPNPC_C_SELF_HOSTED)
 * produces byte-identical headers: every offset here is verified there.
 *
 * Offsets are in units of the field's size, as in the schema. */
#ifndef CAPNPC_C_SCHEMA_BOOT_H
#define CAPNPC_C_SCHEMA_BOOT_H

#include "lib/capnp/capnp.h"

#define BOOT_STRUCT(N)                                                                  \
	typedef struct { struct capnp_struct s; } N;                                    \
	typedef struct { struct capnp_list l; } N##_list;                               \
	static inline uint32_t N##_list_len(N##_list l) { return capnp_list_len(&l.l); } \
	static inline N N##_list_get(N##_list l, uint32_t i)                            \
	{                                                                               \
		N r = { capnp_list_struct(&l.l, i) };                                   \
		return r;                                                               \
	}
#define BOOT_GROUP(N) typedef struct { struct capnp_struct s; } N;
#define BOOT_PRIM(N, f, T, W, off, dflt)                                                \
	static inline T N##_get_##f(N r) { return (T)(capnp_get_##W(&r.s, off) ^ (dflt)); }
#define BOOT_BOOL(N, f, off) \
	static inline bool N##_get_##f(N r) { return capnp_get_bool(&r.s, off); }
#define BOOT_TEXT(N, f, idx)                                                            \
	static inline struct capnp_text N##_get_##f(N r) { return capnp_read_text(&r.s, idx, NULL, 0); }
#define BOOT_DATA(N, f, idx)                                                            \
	static inline struct capnp_data N##_get_##f(N r) { return capnp_read_data(&r.s, idx, NULL, 0); }
#define BOOT_PTR(N, f, idx)                                                             \
	static inline struct capnp_ptr N##_get_##f(N r) { return capnp_struct_ptr(&r.s, idx); }
#define BOOT_STRUCTF(N, f, M, idx)                                                      \
	static inline M N##_get_##f(N r)                                                \
	{                                                                               \
		M v = { capnp_read_struct(&r.s, idx, NULL) };                           \
		return v;                                                               \
	}
#define BOOT_LIST(N, f, M, idx)                                                         \
	static inline M##_list N##_get_##f(N r)                                         \
	{                                                                               \
		M##_list v = { capnp_read_list(&r.s, idx, CAPNP_ELEM_COMPOSITE, NULL) }; \
		return v;                                                               \
	}
#define BOOT_GROUPF(N, f, G)                                                            \
	static inline G N##_get_##f(N r)                                                \
	{                                                                               \
		G g = { r.s };                                                          \
		return g;                                                               \
	}
#define BOOT_WHICH(N, off) \
	static inline uint16_t N##_which(N r) { return capnp_get_u16(&r.s, off); }

BOOT_STRUCT(schema_Node)
BOOT_STRUCT(schema_Node_NestedNode)
BOOT_STRUCT(schema_Node_SourceInfo)
BOOT_STRUCT(schema_Node_SourceInfo_Member)
BOOT_STRUCT(schema_Field)
BOOT_STRUCT(schema_Enumerant)
BOOT_STRUCT(schema_Method)
BOOT_STRUCT(schema_Superclass)
BOOT_STRUCT(schema_Type)
BOOT_STRUCT(schema_Value)
BOOT_STRUCT(schema_Annotation)
BOOT_STRUCT(schema_CodeGeneratorRequest)
BOOT_STRUCT(schema_CodeGeneratorRequest_RequestedFile)
BOOT_STRUCT(schema_CodeGeneratorRequest_RequestedFile_Import)
BOOT_GROUP(schema_Node_struct)
BOOT_GROUP(schema_Node_enum)
BOOT_GROUP(schema_Node_interface)
BOOT_GROUP(schema_Node_const)
BOOT_GROUP(schema_Field_slot)
BOOT_GROUP(schema_Field_group)
BOOT_GROUP(schema_Type_list_group)
BOOT_GROUP(schema_Type_enum)
BOOT_GROUP(schema_Type_struct)
BOOT_GROUP(schema_Type_interface)
BOOT_GROUP(schema_Type_anyPointer)
BOOT_GROUP(schema_Type_anyPointer_unconstrained)

enum schema_Node_which {
	schema_Node_which_file = 0,
	schema_Node_which_struct = 1,
	schema_Node_which_enum = 2,
	schema_Node_which_interface = 3,
	schema_Node_which_const = 4,
	schema_Node_which_annotation = 5,
};
enum schema_Field_which { schema_Field_which_slot = 0, schema_Field_which_group = 1 };
enum schema_Type_which {
	schema_Type_which_void = 0, schema_Type_which_bool = 1, schema_Type_which_int8 = 2,
	schema_Type_which_int16 = 3, schema_Type_which_int32 = 4, schema_Type_which_int64 = 5,
	schema_Type_which_uint8 = 6, schema_Type_which_uint16 = 7, schema_Type_which_uint32 = 8,
	schema_Type_which_uint64 = 9, schema_Type_which_float32 = 10, schema_Type_which_float64 = 11,
	schema_Type_which_text = 12, schema_Type_which_data = 13, schema_Type_which_list = 14,
	schema_Type_which_enum = 15, schema_Type_which_struct = 16, schema_Type_which_interface = 17,
	schema_Type_which_anyPointer = 18,
};
/* Value's discriminants are the same numbers as Type's. */
enum schema_Type_anyPointer_which {
	schema_Type_anyPointer_which_unconstrained = 0,
	schema_Type_anyPointer_which_parameter = 1,
	schema_Type_anyPointer_which_implicitMethodParameter = 2,
};
enum schema_Type_anyPointer_unconstrained_which {
	schema_Type_anyPointer_unconstrained_which_anyKind = 0,
	schema_Type_anyPointer_unconstrained_which_struct = 1,
	schema_Type_anyPointer_unconstrained_which_list = 2,
	schema_Type_anyPointer_unconstrained_which_capability = 3,
};

static inline schema_CodeGeneratorRequest schema_CodeGeneratorRequest_root(struct capnp_msg *m)
{
	schema_CodeGeneratorRequest r;
	capnp_ptr_struct(capnp_msg_root(m), &r.s, NULL);
	return r;
}
BOOT_LIST(schema_CodeGeneratorRequest, nodes, schema_Node, 0)
BOOT_LIST(schema_CodeGeneratorRequest, requestedFiles, schema_CodeGeneratorRequest_RequestedFile, 1)
BOOT_LIST(schema_CodeGeneratorRequest, sourceInfo, schema_Node_SourceInfo, 3)
BOOT_PRIM(schema_CodeGeneratorRequest_RequestedFile, id, uint64_t, u64, 0, 0)
BOOT_TEXT(schema_CodeGeneratorRequest_RequestedFile, filename, 0)
BOOT_LIST(schema_CodeGeneratorRequest_RequestedFile, imports,
          schema_CodeGeneratorRequest_RequestedFile_Import, 1)
BOOT_PRIM(schema_CodeGeneratorRequest_RequestedFile_Import, id, uint64_t, u64, 0, 0)
BOOT_TEXT(schema_CodeGeneratorRequest_RequestedFile_Import, name, 0)

BOOT_PRIM(schema_Node, id, uint64_t, u64, 0, 0)
BOOT_TEXT(schema_Node, displayName, 0)
BOOT_PRIM(schema_Node, displayNamePrefixLength, uint32_t, u32, 2, 0)
BOOT_PRIM(schema_Node, scopeId, uint64_t, u64, 2, 0)
BOOT_LIST(schema_Node, nestedNodes, schema_Node_NestedNode, 1)
BOOT_WHICH(schema_Node, 6)
BOOT_GROUPF(schema_Node, struct, schema_Node_struct)
BOOT_GROUPF(schema_Node, enum, schema_Node_enum)
BOOT_GROUPF(schema_Node, interface, schema_Node_interface)
BOOT_GROUPF(schema_Node, const, schema_Node_const)
BOOT_BOOL(schema_Node, isGeneric, 288)
BOOT_TEXT(schema_Node_NestedNode, name, 0)
BOOT_PRIM(schema_Node_NestedNode, id, uint64_t, u64, 0, 0)
BOOT_PRIM(schema_Node_SourceInfo, id, uint64_t, u64, 0, 0)
BOOT_TEXT(schema_Node_SourceInfo, docComment, 0)
BOOT_LIST(schema_Node_SourceInfo, members, schema_Node_SourceInfo_Member, 1)
BOOT_TEXT(schema_Node_SourceInfo_Member, docComment, 0)

BOOT_PRIM(schema_Node_struct, dataWordCount, uint16_t, u16, 7, 0)
BOOT_PRIM(schema_Node_struct, pointerCount, uint16_t, u16, 12, 0)
BOOT_BOOL(schema_Node_struct, isGroup, 224)
BOOT_PRIM(schema_Node_struct, discriminantCount, uint16_t, u16, 15, 0)
BOOT_PRIM(schema_Node_struct, discriminantOffset, uint32_t, u32, 8, 0)
BOOT_LIST(schema_Node_struct, fields, schema_Field, 3)
BOOT_LIST(schema_Node_enum, enumerants, schema_Enumerant, 3)
BOOT_LIST(schema_Node_interface, methods, schema_Method, 3)
BOOT_LIST(schema_Node_interface, superclasses, schema_Superclass, 4)
BOOT_STRUCTF(schema_Node_const, type, schema_Type, 3)
BOOT_STRUCTF(schema_Node_const, value, schema_Value, 4)

BOOT_TEXT(schema_Field, name, 0)
BOOT_PRIM(schema_Field, codeOrder, uint16_t, u16, 0, 0)
BOOT_PRIM(schema_Field, discriminantValue, uint16_t, u16, 1, 0xffffu)
BOOT_WHICH(schema_Field, 4)
BOOT_GROUPF(schema_Field, slot, schema_Field_slot)
BOOT_GROUPF(schema_Field, group, schema_Field_group)
BOOT_PRIM(schema_Field_slot, offset, uint32_t, u32, 1, 0)
BOOT_STRUCTF(schema_Field_slot, type, schema_Type, 2)
BOOT_STRUCTF(schema_Field_slot, defaultValue, schema_Value, 3)
BOOT_BOOL(schema_Field_slot, hadExplicitDefault, 128)
BOOT_PRIM(schema_Field_group, typeId, uint64_t, u64, 2, 0)

BOOT_TEXT(schema_Enumerant, name, 0)
BOOT_PRIM(schema_Enumerant, codeOrder, uint16_t, u16, 0, 0)
BOOT_TEXT(schema_Method, name, 0)
BOOT_PRIM(schema_Method, codeOrder, uint16_t, u16, 0, 0)
BOOT_PRIM(schema_Method, paramStructType, uint64_t, u64, 1, 0)
BOOT_PRIM(schema_Method, resultStructType, uint64_t, u64, 2, 0)
BOOT_LIST(schema_Method, annotations, schema_Annotation, 1)
BOOT_PRIM(schema_Annotation, id, uint64_t, u64, 0, 0)
BOOT_STRUCTF(schema_Annotation, value, schema_Value, 0)
BOOT_PRIM(schema_Superclass, id, uint64_t, u64, 0, 0)

BOOT_WHICH(schema_Type, 0)
BOOT_GROUPF(schema_Type, list, schema_Type_list_group)
BOOT_GROUPF(schema_Type, enum, schema_Type_enum)
BOOT_GROUPF(schema_Type, struct, schema_Type_struct)
BOOT_GROUPF(schema_Type, interface, schema_Type_interface)
BOOT_GROUPF(schema_Type, anyPointer, schema_Type_anyPointer)
BOOT_STRUCTF(schema_Type_list_group, elementType, schema_Type, 0)
BOOT_PRIM(schema_Type_enum, typeId, uint64_t, u64, 1, 0)
BOOT_PRIM(schema_Type_struct, typeId, uint64_t, u64, 1, 0)
BOOT_PRIM(schema_Type_interface, typeId, uint64_t, u64, 1, 0)
BOOT_WHICH(schema_Type_anyPointer, 4)
BOOT_GROUPF(schema_Type_anyPointer, unconstrained, schema_Type_anyPointer_unconstrained)
BOOT_WHICH(schema_Type_anyPointer_unconstrained, 5)

BOOT_WHICH(schema_Value, 0)
BOOT_BOOL(schema_Value, bool, 16)
BOOT_PRIM(schema_Value, int8, int8_t, u8, 2, 0)
BOOT_PRIM(schema_Value, int16, int16_t, u16, 1, 0)
BOOT_PRIM(schema_Value, int32, int32_t, u32, 1, 0)
BOOT_PRIM(schema_Value, int64, int64_t, u64, 1, 0)
BOOT_PRIM(schema_Value, uint8, uint8_t, u8, 2, 0)
BOOT_PRIM(schema_Value, uint16, uint16_t, u16, 1, 0)
BOOT_PRIM(schema_Value, uint32, uint32_t, u32, 1, 0)
BOOT_PRIM(schema_Value, uint64, uint64_t, u64, 1, 0)
BOOT_PRIM(schema_Value, float32, uint32_t, u32, 1, 0)
BOOT_PRIM(schema_Value, float64, uint64_t, u64, 1, 0)
BOOT_TEXT(schema_Value, text, 0)
BOOT_DATA(schema_Value, data, 0)
BOOT_PTR(schema_Value, list, 0)
BOOT_PRIM(schema_Value, enum, uint16_t, u16, 1, 0)
BOOT_PTR(schema_Value, struct, 0)
BOOT_PTR(schema_Value, anyPointer, 0)

#endif
