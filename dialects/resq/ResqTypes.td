//===- ResqTypes.td - type constraints of resq ops ------------*- tablegen -*-===//
//
// resq has no types of its own yet: its ops work on builtin ranked tensors.
// These constraints name the tensor kinds the ops accept.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TYPES_TD
#define RESQ_TYPES_TD

include "mlir/IR/CommonTypeConstraints.td"

def Resq_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Resq_FloatMatrix : TensorRankOf<[AnyFloat], [2]>;
def Resq_FloatVector : TensorRankOf<[AnyFloat], [1]>;
def Resq_IndexTensor : RankedTensorOf<[I32, I64]>;
// What a safetensors archive can hold: floats and (un)signed integers.
def Resq_StaticTensor
    : StaticShapeTensorOf<[AnyFloat, AnySignlessInteger, AnyUnsignedInteger]>;

#endif // RESQ_TYPES_TD
