//===- ResqOps.h - ops of the resq dialect ----------------------*- C++ -*-===//

#ifndef RESQ_DIALECTS_RESQ_RESQOPS_H
#define RESQ_DIALECTS_RESQ_RESQOPS_H

#include "dialects/resq/ResqAttributes.h"
#include "dialects/resq/ResqDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/resq/ResqOps.h.inc"

#endif // RESQ_DIALECTS_RESQ_RESQOPS_H
