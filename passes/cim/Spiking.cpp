//===- Spiking.cpp - a ReLU MLP as a rate-coded spiking network -----------===//
//
// Rate coding: a value a >= 0 of a layer whose threshold is lambda is a
// spike train of rate a / lambda (clipped to one spike per step). With
// integer weights q and per-column scales s, layer l's pre-activation
// z_j = sum_i a_i s_j q_ij + b_j becomes, per time step, the current
//   I_j(t) = lambda_{l-1} s_j (spikes(t) . q)_j + b_j
// into integrate-and-fire neurons (beta 1, soft reset) of threshold
// lambda_l, whose rate approximates ReLU(z_j) / lambda_l (Diehl et al.
// 2015; Rueckauer et al. 2017). The last layer's currents, averaged over
// the steps, are the logits.
//
//===----------------------------------------------------------------------===//

#include "passes/cim/Spiking.h"

#include "passes/cim/CimBuilders.h"

#include "dialects/cim/CimOps.h"
#include "passes/lower/LinalgBuilders.h"
#include "passes/lower/QLinearLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <limits>

using namespace mlir;

namespace resq {
namespace {

using utils::IteratorType;

/// `value` seen through reshapes; the reshapes passed are added to `path`.
Value throughReshapes(Value value, SmallVectorImpl<Operation *> &path) {
  while (Operation *op = value.getDefiningOp()) {
    if (!isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
            op))
      break;
    path.push_back(op);
    value = op->getOperand(0);
  }
  return value;
}

/// True for tosa.clamp(x, 0, +inf or larger than any float).
bool isRelu(tosa::ClampOp clamp) {
  auto low = dyn_cast<FloatAttr>(clamp.getMinValAttr());
  auto high = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
  return low && high && low.getValueAsDouble() == 0.0 &&
         high.getValueAsDouble() >= std::numeric_limits<float>::max();
}

} // namespace

FailureOr<SmallVector<QLinearOp>> findReluChain(func::FuncOp func) {
  SmallVector<QLinearOp> layers;
  func.walk([&](QLinearOp op) { layers.push_back(op); });
  if (layers.empty())
    return func.emitError()
           << "--resq-lower-to-cim backend=spiking: @" << func.getSymName()
           << " has no integer linear layer";
  for (auto [index, op] : llvm::enumerate(layers)) {
    if (!op->hasOneUse())
      return op.emitError() << "backend=spiking: the layer's result has "
                               "other uses than the next layer's ReLU";
    SmallVector<Operation *> path;
    Value input = throughReshapes(op.getInput(), path);
    if (index == 0) {
      if (!isa<BlockArgument>(input))
        return op.emitError() << "backend=spiking: the first layer must read "
                                 "a function argument (the network input)";
      continue;
    }
    auto relu = input.getDefiningOp<tosa::ClampOp>();
    path.clear();
    Value before = relu ? throughReshapes(relu.getInput(), path) : Value();
    if (!relu || !isRelu(relu) || before != layers[index - 1].getResult())
      return op.emitError()
             << "backend=spiking: the layer's input is not the ReLU of the "
                "previous layer (a spiking network needs Linear-ReLU chains)";
  }
  SmallVector<Operation *> path;
  Operation *user = *layers.back()->getUsers().begin();
  while (isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
             user) &&
         user->hasOneUse())
    user = *user->getUsers().begin();
  if (!isa<func::ReturnOp>(user))
    return layers.back().emitError()
           << "backend=spiking: the last layer's result must be returned "
              "(its logits are the averaged output currents)";
  return layers;
}

void buildSpikingNetwork(ArrayRef<SpikingLayer> layers, int64_t steps,
                         double inputLambda) {
  QLinearOp last = layers.back().op;
  OpBuilder b(last);
  Location loc = last.getLoc();
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  AffineExpr m = b.getAffineDimExpr(1), n = b.getAffineDimExpr(2);
  SmallVector<IteratorType> parallel3(3, IteratorType::parallel);

  // The input encoder: integrate-and-fire neurons driven by x / lambda_0.
  RowView rows =
      collapseToRows(b, loc, QLinearOp(layers.front().op).getInput());
  auto rowType = cast<RankedTensorType>(rows.matrix.getType());
  int64_t tokens = rowType.getShape()[0], features = rowType.getShape()[1];
  auto encodedType = RankedTensorType::get({steps, tokens, features}, f32);
  Value rates = generic(
      b, loc, encodedType, ValueRange{rows.matrix},
      {AffineMap::get(3, 0, {m, n}, context)}, emptyLike(b, loc, encodedType),
      parallel3, b.getMultiDimIdentityMap(3),
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value scaled = arith::DivFOp::create(
            nb, l, args[0], floatConstant(nb, l, f32, inputLambda));
        Value low = arith::MaximumFOp::create(nb, l, scaled,
                                              floatConstant(nb, l, f32, 0.0));
        return arith::MinimumFOp::create(nb, l, low,
                                         floatConstant(nb, l, f32, 1.0));
      });
  Value spikes = cim::LifOp::create(
      b, loc, RankedTensorType::get(encodedType.getShape(), b.getI1Type()),
      rates, APFloat(1.0), APFloat(1.0), cim::Reset::Soft,
      b.getStringAttr("input encoder"));

  Value logits;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    QLinearOp op = layer.op;
    StringAttr name = b.getStringAttr(layer.name);
    cim::CrossbarAttr xbar = layer.crossbar;
    int64_t k = cast<RankedTensorType>(spikes.getType()).getShape()[2];
    int64_t out = op.getType().getShape().back();
    int64_t vectors = steps * tokens;

    // Spikes as 1-bit codes, one crossbar read per step and token.
    auto codeType = RankedTensorType::get({steps, tokens, k}, b.getI32Type());
    Value codes = generic(
        b, loc, codeType, ValueRange{spikes}, {b.getMultiDimIdentityMap(3)},
        emptyLike(b, loc, codeType), parallel3, b.getMultiDimIdentityMap(3),
        [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          return arith::ExtUIOp::create(nb, l, nb.getI32Type(), args[0]);
        });
    SmallVector<ReassociationIndices> stepsAndTokens = {{0, 1}, {2}};
    codes = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({vectors, k}, b.getI32Type()), codes,
        stepsAndTokens);

    Value weights = weightRangeMatrix(b, loc, op, 0);
    int64_t slices =
        (xbar.getWeightBits() + xbar.getCellBits() - 1) / xbar.getCellBits();
    int64_t tiles = (k + xbar.getRows() - 1) / xbar.getRows();
    Value levels = cim::ProgramOp::create(
        b, loc, RankedTensorType::get({slices, k, out}, b.getI8Type()), weights,
        xbar, name);
    auto sumsType =
        RankedTensorType::get({vectors, 1, tiles, slices, out}, f32);
    Value sums =
        cim::MvmOp::create(b, loc, sumsType, levels, codes, xbar, name);
    auto productType = RankedTensorType::get({vectors, out}, f32);
    Value products;
    if (layer.readout.kind == cimsim::ReadoutKind::SenseAmp) {
      products =
          senseAndScale(b, loc, sums, layer.readout, xbar.getCellBits(), name);
    } else {
      if (layer.readout.kind == cimsim::ReadoutKind::Adc)
        sums = cim::AdcOp::create(
            b, loc, sumsType, sums, layer.readout.adc.bits,
            APFloat(layer.readout.adc.low), APFloat(layer.readout.adc.high),
            layer.columnsPerAdc, name);
      products = cim::ShiftAddOp::create(b, loc, productType, sums,
                                         xbar.getCellBits(), name);
    }
    products = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({steps, tokens, out}, f32), products,
        stepsAndTokens);

    // I = lambda_in * s_j * products + b_j, per step.
    SmallVector<Value> inputs = {products, op.getScales()};
    SmallVector<AffineMap> maps = {
        b.getMultiDimIdentityMap(3),
        AffineMap::get(3, 0, {b.getAffineConstantExpr(0), n}, context)};
    if (Value bias = op.getBias()) {
      inputs.push_back(bias);
      maps.push_back(AffineMap::get(3, 0, {n}, context));
    }
    auto currentType = RankedTensorType::get({steps, tokens, out}, f32);
    double inputScale = layer.inputScale;
    bool biased = bool(op.getBias());
    Value currents = generic(
        b, loc, currentType, inputs, maps, emptyLike(b, loc, currentType),
        parallel3, b.getMultiDimIdentityMap(3),
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value scale = arith::MulFOp::create(
              nb, l, floatConstant(nb, l, f32, inputScale), args[1]);
          Value current = arith::MulFOp::create(nb, l, scale, args[0]);
          return biased ? arith::AddFOp::create(nb, l, current, args[2])
                        : current;
        });
    if (index + 1 < layers.size()) {
      spikes = cim::LifOp::create(
          b, loc, RankedTensorType::get(currentType.getShape(), b.getI1Type()),
          currents, APFloat(1.0), APFloat(layer.threshold), cim::Reset::Soft,
          name);
      continue;
    }
    // The logits: the output currents averaged over the steps.
    auto logitType = RankedTensorType::get({tokens, out}, f32);
    Value sum =
        generic(b, loc, logitType, ValueRange{currents},
                {b.getMultiDimIdentityMap(3)}, filled(b, loc, logitType, 0.0),
                {IteratorType::reduction, IteratorType::parallel,
                 IteratorType::parallel},
                AffineMap::get(3, 0, {m, n}, context),
                [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                  return arith::AddFOp::create(nb, l, args[0], args[1]);
                });
    logits =
        generic(b, loc, logitType, ValueRange{sum},
                {b.getMultiDimIdentityMap(2)}, emptyLike(b, loc, logitType),
                SmallVector<IteratorType>(2, IteratorType::parallel),
                b.getMultiDimIdentityMap(2),
                [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                  return arith::DivFOp::create(
                      nb, l, args[0], floatConstant(nb, l, f32, double(steps)));
                });
  }
  RowView outRows = rows;
  Value result = expandFromRows(b, loc, outRows, logits, last.getType());
  last.getResult().replaceAllUsesWith(result);

  // The integer chain is dead now: erase it, with the ReLUs and reshapes
  // between its layers.
  SmallVector<Operation *> worklist;
  for (const SpikingLayer &layer : llvm::reverse(layers))
    worklist.push_back(layer.op);
  llvm::SmallPtrSet<Operation *, 16> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !op->use_empty())
      continue;
    SmallVector<Operation *> operands;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        if (isa<tosa::ReshapeOp, tosa::ClampOp, tensor::CollapseShapeOp,
                tensor::ExpandShapeOp, QLinearOp>(def))
          operands.push_back(def);
    erased.insert(op);
    op->erase();
    worklist.append(operands);
  }
}

} // namespace resq
