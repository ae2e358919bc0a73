//===- RaisePatterns.h - the raising patterns, by concern ------*- C++ -*-===//

#ifndef RESQ_PASSES_RAISE_RAISEPATTERNS_H
#define RESQ_PASSES_RAISE_RAISEPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace resq {

class ModuleParams;

/// RoPE (interleaved and half-split), attention with grouped KV heads, and
/// the embedding lookup. `params` (may be null) is read to check that
/// constant tables used twice are the same.
void populateRaiseAttentionPatterns(mlir::RewritePatternSet &patterns,
                                    const ModuleParams *params);

} // namespace resq

#endif // RESQ_PASSES_RAISE_RAISEPATTERNS_H
