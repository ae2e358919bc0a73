//===- ResqAttributes.td - enums and attributes of resq -------*- tablegen -*-===//

#ifndef RESQ_ATTRIBUTES_TD
#define RESQ_ATTRIBUTES_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "dialects/resq/ResqDialect.td"

//===----------------------------------------------------------------------===//
// Enums: printed as bare keywords (`hadamard`, `per_token`) in op syntax
//===----------------------------------------------------------------------===//

def Resq_RotationKindAttr : I32EnumAttr<"RotationKind", "orthogonal transform", [
    I32EnumAttrCase<"Hadamard", 0, "hadamard">,
    I32EnumAttrCase<"Matrix", 1, "matrix">]> {
  let cppNamespace = "::resq";
}

def Resq_RotationModeAttr : I32EnumAttr<"RotationMode",
    "where a rotation is applied", [
    I32EnumAttrCase<"Online", 0, "online">,
    I32EnumAttrCase<"Fused", 1, "fused">]> {
  let cppNamespace = "::resq";
}

def Resq_QuantGranularityAttr : I32EnumAttr<"QuantGranularity",
    "which elements share one scale", [
    I32EnumAttrCase<"PerTensor", 0, "per_tensor">,
    I32EnumAttrCase<"PerChannel", 1, "per_channel">,
    I32EnumAttrCase<"PerToken", 2, "per_token">,
    I32EnumAttrCase<"PerGroup", 3, "per_group">]> {
  let cppNamespace = "::resq";
}

def Resq_RopePairingAttr : I32EnumAttr<"RopePairing",
    "which channels RoPE rotates together", [
    I32EnumAttrCase<"Interleaved", 0, "interleaved">,
    I32EnumAttrCase<"Half", 1, "half">]> {
  let cppNamespace = "::resq";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class Resq_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Resq_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Resq_ParamArchiveAttr : Resq_Attr<"ParamArchive", "archive"> {
  let summary = "the safetensors file that backs a module's `resq.param` ops";
  let description = [{
    Attached to a module as `resq.params`. The path is relative to the
    directory of the module's file unless it is absolute.

    ```mlir
    module attributes {resq.params = #resq.archive<"stories260K.safetensors">} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"path of the archive">:$path);
  let assemblyFormat = "`<` $path `>`";
  let genVerifyDecl = 1;
}

def Resq_BitRangeAttr : Resq_Attr<"BitRange", "range"> {
  let summary = "a run of channels quantized with one bit width";
  let description = [{
    `size` consecutive channels quantized to `bits` bits (2 to 16).
    `resq.subspace_quant` lists these in channel order; in its textual form a
    range is written `size : iBITS`, for example `[56 : i4, 8 : i8]`.
  }];
  let parameters = (ins "int64_t":$size, "unsigned":$bits);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Resq_BitRangeArrayAttr
    : TypedArrayAttrBase<Resq_BitRangeAttr, "array of channel bit ranges">;

#endif // RESQ_ATTRIBUTES_TD
