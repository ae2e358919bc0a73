//===- Resq.td - umbrella for the resq dialect's TableGen -----*- tablegen -*-===//
//
// Documentation and the dialect's registration are generated from this file.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TD
#define RESQ_TD

include "dialects/resq/ResqDialect.td"
include "dialects/resq/ResqAttributes.td"
include "dialects/resq/ResqTypes.td"
include "dialects/resq/ResqOps.td"

#endif // RESQ_TD
