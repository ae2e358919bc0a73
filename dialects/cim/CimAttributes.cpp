//===- CimAttributes.cpp - enums and attributes of cim --------------------===//

#include "dialects/cim/CimAttributes.h"

#include "dialects/cim/CimDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace resq::cim;

#include "dialects/cim/CimEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/cim/CimAttributes.cpp.inc"

void CimDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/cim/CimAttributes.cpp.inc"
      >();
}

LogicalResult CrossbarAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   int64_t rows, int64_t cols, int64_t cellBits,
                                   int64_t weightBits, int64_t inputBits,
                                   int64_t dacBits, Mapping mapping,
                                   StringAttr device) {
  if (rows < 1 || cols < 1)
    return emitError() << "crossbar rows and cols must be positive, found "
                       << rows << " x " << cols;
  if (mapping == Mapping::Differential && cols % 2 != 0)
    return emitError() << "a differential mapping needs an even number of "
                          "cols, found "
                       << cols;
  if (cellBits < 1 || cellBits > 4)
    return emitError() << "cell_bits must be 1 to 4, found " << cellBits;
  if (weightBits < 2 || weightBits > 8)
    return emitError() << "weight_bits must be 2 to 8, found " << weightBits;
  if (inputBits < 1 || inputBits > 16)
    return emitError() << "input_bits must be 1 to 16, found " << inputBits;
  if (dacBits != 1)
    return emitError() << "only 1-bit DACs (bit-serial inputs) are "
                          "supported, found dac_bits = "
                       << dacBits;
  if (!device || device.getValue().empty())
    return emitError() << "device must name the cell technology";
  return success();
}

int64_t CrossbarAttr::getLogicalColumns() const {
  return getMapping() == Mapping::Differential ? getCols() / 2 : getCols();
}

int64_t CrossbarAttr::getSlices() const {
  return (getWeightBits() + getCellBits() - 1) / getCellBits();
}

int64_t CrossbarAttr::getRowTiles(int64_t k) const {
  return (k + getRows() - 1) / getRows();
}
