//===- CimDialect.h - the cim dialect ---------------------------*- C++ -*-===//

#ifndef RESQ_DIALECTS_CIM_CIMDIALECT_H
#define RESQ_DIALECTS_CIM_CIMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/cim/CimDialect.h.inc"

#endif // RESQ_DIALECTS_CIM_CIMDIALECT_H
