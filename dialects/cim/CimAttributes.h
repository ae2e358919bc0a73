//===- CimAttributes.h - enums and attributes of cim ------------*- C++ -*-===//

#ifndef RESQ_DIALECTS_CIM_CIMATTRIBUTES_H
#define RESQ_DIALECTS_CIM_CIMATTRIBUTES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dialects/cim/CimEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/cim/CimAttributes.h.inc"

#endif // RESQ_DIALECTS_CIM_CIMATTRIBUTES_H
