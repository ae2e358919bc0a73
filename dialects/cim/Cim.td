//===- Cim.td - umbrella for the cim dialect's TableGen -------*- tablegen -*-===//

#ifndef CIM_TD
#define CIM_TD

include "dialects/cim/CimDialect.td"
include "dialects/cim/CimAttributes.td"
include "dialects/cim/CimOps.td"

#endif // CIM_TD
