//===- ResqDialect.h - the resq dialect -------------------------*- C++ -*-===//

#ifndef RESQ_DIALECTS_RESQ_RESQDIALECT_H
#define RESQ_DIALECTS_RESQ_RESQDIALECT_H

#include "mlir/IR/Dialect.h"
#include "llvm/ADT/StringSet.h"

#include "dialects/resq/ResqDialect.h.inc"

#endif // RESQ_DIALECTS_RESQ_RESQDIALECT_H
