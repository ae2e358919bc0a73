//===- RuntimeChecks.cpp - the --resq-insert-runtime-checks pass ----------===//
//
// Indices and divisors that come from a model's inputs are checked where
// they are used; a failed check calls the runtime, which turns it into the
// run's status, and the code goes on with a safe value (row 0, divisor 1)
// so that nothing is read out of bounds and nothing traps.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/RuntimeCalls.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/StringMap.h"

namespace resq {
#define GEN_PASS_DEF_RESQINSERTRUNTIMECHECKS
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// What a report names: the ONNX node of a location, or its file position.
std::string siteOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return "node '" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str() + ":" + std::to_string(file.getLine()) +
           ":" + std::to_string(file.getColumn());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      if (std::string site = siteOf(part); !site.empty())
        return site;
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return siteOf(call.getCallee());
  return "";
}

/// The site strings, one constant global each, named resq_site_<n>.
class Sites {
public:
  explicit Sites(ModuleOp module) : module(module) {}

  Value address(OpBuilder &b, Location loc) {
    std::string text = siteOf(loc);
    if (text.empty())
      text = "the model";
    auto [it, inserted] = globals.try_emplace(text, "");
    if (inserted) {
      it->second = "resq_site_" + std::to_string(globals.size() - 1);
      OpBuilder top = OpBuilder::atBlockBegin(module.getBody());
      auto type = LLVM::LLVMArrayType::get(top.getI8Type(), text.size() + 1);
      LLVM::GlobalOp::create(top, loc, type, /*isConstant=*/true,
                             LLVM::Linkage::Internal, it->second,
                             top.getStringAttr(text + '\0'));
    }
    return LLVM::AddressOfOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext()), it->second);
  }

private:
  ModuleOp module;
  llvm::StringMap<std::string> globals;
};

Value toI64(OpBuilder &b, Location loc, Value value, bool isUnsigned) {
  Type i64 = b.getI64Type();
  if (value.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, i64, value);
  if (value.getType() == i64)
    return value;
  if (isUnsigned)
    return arith::ExtUIOp::create(b, loc, i64, value);
  return arith::ExtSIOp::create(b, loc, i64, value);
}

/// if (failed) call(args..., site)
void reportIf(OpBuilder &b, Location loc, Value failed, func::FuncOp callee,
              ValueRange args, Sites &sites) {
  auto branch = scf::IfOp::create(b, loc, failed, /*withElseRegion=*/false);
  OpBuilder inside = branch.getThenBodyBuilder();
  SmallVector<Value> operands(args);
  operands.push_back(sites.address(inside, loc));
  func::CallOp::create(inside, loc, callee, operands);
}

/// An index the op's own structure keeps in range.
bool isTrusted(Value index) {
  return index.getDefiningOp<linalg::IndexOp>() ||
         matchPattern(index, m_Constant());
}

void guardExtract(tensor::ExtractOp extract, func::FuncOp callee,
                  Sites &sites) {
  OpBuilder b(extract);
  Location loc = extract.getLoc();
  auto type = extract.getTensor().getType();
  for (auto [dim, operand] : llvm::enumerate(extract.getIndicesMutable())) {
    Value index = operand.get();
    if (isTrusted(index))
      continue;
    Value size =
        type.isDynamicDim(dim)
            ? Value(tensor::DimOp::create(b, loc, extract.getTensor(), dim))
            : Value(
                  arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim)));
    // Unsigned: a negative index is out of range too.
    Value inRange =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, index, size);
    Value outside = arith::XOrIOp::create(
        b, loc, inRange, arith::ConstantIntOp::create(b, loc, 1, 1));
    reportIf(b, loc, outside, callee,
             {toI64(b, loc, index, false), toI64(b, loc, size, false)}, sites);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    operand.set(arith::SelectOp::create(b, loc, inRange, index, zero));
  }
}

/// A divisor that can neither be zero nor make a signed division overflow.
bool isSafeDivisor(Value divisor, bool isSigned) {
  APInt value;
  if (!matchPattern(divisor, m_ConstantInt(&value)))
    return false;
  return !value.isZero() && !(isSigned && value.isAllOnes());
}

/// A scalar integer division that may trap on the values it is given.
bool needsGuard(Operation *op, bool isSigned) {
  Value divisor = op->getOperand(1);
  auto type = dyn_cast<IntegerType>(divisor.getType());
  return type && type.getWidth() >= 8 && !isSafeDivisor(divisor, isSigned);
}

void guardDivision(Operation *op, bool isSigned, func::FuncOp callee,
                   Sites &sites) {
  Value numerator = op->getOperand(0), divisor = op->getOperand(1);
  auto type = cast<IntegerType>(divisor.getType());
  OpBuilder b(op);
  Location loc = op->getLoc();
  unsigned width = type.getWidth();
  Value zero = arith::ConstantIntOp::create(b, loc, type, 0);
  Value one = arith::ConstantIntOp::create(b, loc, type, 1);
  Value failed =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, divisor, zero);
  if (isSigned) {
    Value minimum = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, APInt::getSignedMinValue(width)));
    Value minusOne = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, APInt::getAllOnes(width)));
    Value overflow = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, numerator,
                              minimum),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, divisor,
                              minusOne));
    failed = arith::OrIOp::create(b, loc, failed, overflow);
  }
  reportIf(
      b, loc, failed, callee,
      {toI64(b, loc, numerator, !isSigned), toI64(b, loc, divisor, !isSigned)},
      sites);
  op->setOperand(1, arith::SelectOp::create(b, loc, failed, one, divisor));
}

struct InsertRuntimeChecksPass
    : resq::impl::ResqInsertRuntimeChecksBase<InsertRuntimeChecksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<tensor::ExtractOp> extracts;
    SmallVector<std::pair<Operation *, bool>> divisions;
    module.walk([&](Operation *op) {
      if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
        if (!llvm::all_of(extract.getIndices(), isTrusted))
          extracts.push_back(extract);
        return;
      }
      bool isSigned = isa<arith::DivSIOp, arith::RemSIOp, arith::CeilDivSIOp,
                          arith::FloorDivSIOp>(op);
      bool isUnsigned =
          isa<arith::DivUIOp, arith::RemUIOp, arith::CeilDivUIOp>(op);
      if ((isSigned || isUnsigned) && needsGuard(op, isSigned))
        divisions.push_back({op, isSigned});
    });
    if (extracts.empty() && divisions.empty())
      return;
    Sites sites(module);
    MLIRContext *context = &getContext();
    Type i64 = IntegerType::get(context, 64);
    Type ptr = LLVM::LLVMPointerType::get(context);
    if (!extracts.empty()) {
      func::FuncOp callee = resq::declareRuntimeFunction(
          module, "resq_index_error", {i64, i64, ptr});
      for (tensor::ExtractOp extract : extracts)
        guardExtract(extract, callee, sites);
    }
    if (!divisions.empty()) {
      func::FuncOp callee = resq::declareRuntimeFunction(
          module, "resq_division_error", {i64, i64, ptr});
      for (auto [op, isSigned] : divisions)
        guardDivision(op, isSigned, callee, sites);
    }
  }
};

} // namespace
