//===- IntegerWeights.cpp - a linear layer as resq.qlinear ----------------===//

#include "passes/quantize/IntegerWeights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>

using namespace mlir;

namespace resq {

ArrayAttr bitRangesAttr(MLIRContext *context, ArrayRef<BitRange> ranges) {
  SmallVector<Attribute> attrs;
  for (BitRange range : ranges)
    attrs.push_back(BitRangeAttr::get(context, range.size, range.bits));
  return ArrayAttr::get(context, attrs);
}

namespace {

/// The weights of several linears side by side: column `col` of the whole
/// is a column of one of them.
struct SideBySide {
  ArrayRef<LinearOp> linears;
  ArrayRef<numerics::QuantizedRows> quantized;
  int64_t in, out;
  SmallVector<int64_t> firstColumn;

  SideBySide(ArrayRef<LinearOp> linears,
             ArrayRef<numerics::QuantizedRows> quantized)
      : linears(linears), quantized(quantized),
        in(quantized.front().weights.rows()), out(0) {
    for (const numerics::QuantizedRows &rows : quantized) {
      firstColumn.push_back(out);
      out += rows.weights.cols();
    }
  }

  /// Which linear holds column `col`.
  size_t owner(int64_t col) const {
    return std::upper_bound(firstColumn.begin(), firstColumn.end(), col) -
           firstColumn.begin() - 1;
  }
  int64_t integer(int64_t row, int64_t col, int64_t bits) const {
    size_t j = owner(col);
    return quantized[j].integer(row, col - firstColumn[j], /*group=*/0, bits);
  }
  /// The scale of `bits`-bit rows in column `col`.
  double scale(int64_t col, int64_t bits) const {
    size_t j = owner(col);
    const numerics::QuantizedRows &rows = quantized[j];
    int64_t c = std::lower_bound(rows.widths.begin(), rows.widths.end(), bits) -
                rows.widths.begin();
    return rows.scales(c, col - firstColumn[j]);
  }
};

/// The integers of one weight range: its rows in every group, in order;
/// packed two columns per byte (low nibble first) when `packed`.
struct RangeCodes {
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

FailureOr<RangeCodes> encodeRange(const SideBySide &weights, int64_t group,
                                  int64_t offset, BitRange range, bool packed) {
  int64_t groups = weights.in / group, out = weights.out;
  int64_t columns = packed ? out / 2 : out;
  RangeCodes codes{{groups * range.size, columns}, {}};
  codes.bytes.assign(groups * range.size * columns, 0);
  int64_t lo = -(int64_t(1) << (range.bits - 1)), hi = -lo - 1;
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t j = 0; j < range.size; ++j) {
      int64_t row = g * group + offset + j;
      int64_t packedRow = g * range.size + j;
      for (int64_t o = 0; o < out; ++o) {
        int64_t value = weights.integer(row, o, range.bits);
        if (value < lo || value > hi)
          return LinearOp(weights.linears[weights.owner(o)]).emitError()
                 << "weight row " << row << ", column "
                 << o - weights.firstColumn[weights.owner(o)] << " is the "
                 << range.bits << "-bit integer " << value << ", outside ["
                 << lo << ", " << hi << "]";
        uint8_t bits = static_cast<uint8_t>(value);
        if (!packed) {
          codes.bytes[packedRow * columns + o] = bits;
          continue;
        }
        uint8_t &byte = codes.bytes[packedRow * columns + o / 2];
        byte |= o % 2 ? uint8_t(bits << 4) : uint8_t(bits & 0xF);
      }
    }
  }
  return codes;
}

/// The linears' biases side by side (zeros for those without); null when
/// none has one.
Value concatenatedBias(OpBuilder &b, Location loc, ArrayRef<LinearOp> linears,
                       int64_t out) {
  if (llvm::none_of(linears, [](LinearOp op) { return bool(op.getBias()); }))
    return Value();
  if (linears.size() == 1)
    return LinearOp(linears.front()).getBias();
  SmallVector<Value> parts;
  for (LinearOp op : linears) {
    if (Value bias = op.getBias()) {
      parts.push_back(bias);
      continue;
    }
    int64_t n = op.getType().getShape().back();
    auto type = RankedTensorType::get({n}, b.getF32Type());
    parts.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(0.0f))));
  }
  return tensor::ConcatOp::create(b, loc, 0, parts);
}

} // namespace

LogicalResult replaceWithQLinear(ArrayRef<LinearOp> linears,
                                 ArrayRef<numerics::QuantizedRows> quantized,
                                 const IntegerLinear &layout,
                                 ModuleParams &params) {
  for (auto [linear, rows] : llvm::zip(linears, quantized))
    if (rows.scales.rows() != int64_t(rows.widths.size()) ||
        !rows.zeroPoints.isZero())
      return LinearOp(linear).emitError()
             << "mode=int needs symmetric weights with "
                "one scale per output channel and width";
  LinearOp first = linears.front();
  std::string base = matrixParam(first.getWeight()).getName().str();
  if (linears.size() > 1)
    base += ".fused";
  SideBySide weights(linears, quantized);
  int64_t out = weights.out;
  OpBuilder b(first);
  Location loc = first.getLoc();
  MLIRContext *context = b.getContext();

  SmallVector<Value> weightParams;
  std::vector<double> scales;
  int64_t offset = 0;
  for (BitRange range : layout.weightRanges) {
    bool packed = range.bits <= 4 && out % 2 == 0;
    FailureOr<RangeCodes> codes =
        encodeRange(weights, layout.group, offset, range, packed);
    if (failed(codes))
      return failure();
    auto type = RankedTensorType::get(codes->shape, b.getI8Type());
    std::string name = params.addBytes(
        base + ".int" + std::to_string(range.bits), params::DType::I8,
        codes->shape, std::move(codes->bytes));
    weightParams.push_back(ParamOp::create(b, loc, type, name));
    for (int64_t o = 0; o < out; ++o)
      scales.push_back(weights.scale(o, range.bits));
    offset += range.size;
  }
  int64_t numRanges = layout.weightRanges.size();
  std::string scalesName = params.add(base + ".scales", params::DType::F32,
                                      {numRanges, out}, std::move(scales));
  Value scalesParam = ParamOp::create(
      b, loc, RankedTensorType::get({numRanges, out}, b.getF32Type()),
      scalesName);

  auto inputType = cast<RankedTensorType>(first.getInput().getType());
  SmallVector<int64_t> shape(inputType.getShape());
  int64_t last = shape.back();
  shape.back() = out;
  auto qlinear = QLinearOp::create(
      b, loc, RankedTensorType::get(shape, b.getF32Type()), first.getInput(),
      weightParams, scalesParam, concatenatedBias(b, loc, linears, out),
      bitRangesAttr(context, layout.activationRanges),
      bitRangesAttr(context, layout.weightRanges),
      layout.group < last ? b.getI64IntegerAttr(layout.group) : IntegerAttr(),
      layout.symmetric ? b.getUnitAttr() : UnitAttr(),
      b.getF64FloatAttr(layout.clip));

  // Each linear's result: its columns of the whole.
  int64_t rank = shape.size();
  for (auto [j, op] : llvm::enumerate(linears)) {
    LinearOp linear = op;
    Value result = qlinear.getResult();
    if (linears.size() > 1) {
      auto type = linear.getType();
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
          strides(rank, b.getIndexAttr(1));
      offsets.back() = b.getIndexAttr(weights.firstColumn[j]);
      for (int64_t dim : type.getShape())
        sizes.push_back(b.getIndexAttr(dim));
      result = tensor::ExtractSliceOp::create(b, loc, type, result, offsets,
                                              sizes, strides);
    }
    linear.replaceAllUsesWith(result);
  }
  // Erased last: the builder's insertion point is the first of them.
  for (LinearOp linear : linears)
    LinearOp(linear).erase();
  return success();
}

} // namespace resq
