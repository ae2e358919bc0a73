//===- CimOps.h - ops of the cim dialect ------------------------*- C++ -*-===//

#ifndef RESQ_DIALECTS_CIM_CIMOPS_H
#define RESQ_DIALECTS_CIM_CIMOPS_H

#include "dialects/cim/CimAttributes.h"
#include "dialects/cim/CimDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/cim/CimOps.h.inc"

#endif // RESQ_DIALECTS_CIM_CIMOPS_H
