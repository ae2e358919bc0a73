//===- ResqDialect.td - the resq dialect definition -----------*- tablegen -*-===//

#ifndef RESQ_DIALECT_TD
#define RESQ_DIALECT_TD

include "mlir/IR/OpBase.td"

def Resq_Dialect : Dialect {
  let name = "resq";
  let cppNamespace = "::resq";
  let summary = "Structural and quantization ops of the resq quantizing compiler";
  let description = [{
    The `resq` dialect holds the two upper levels of resq's IR:

    * **structural ops** name the building blocks of a Llama-family transformer
      (`resq.embedding`, `resq.rms_norm`, `resq.linear`, `resq.rope`,
      `resq.attention`, `resq.silu`) so that quantization passes can find them;
    * **quantization ops** express what those passes insert: orthogonal
      rotations (`resq.rotate`), uniform fake quantization (`resq.fake_quant`)
      and mixed-precision quantization of channel ranges
      (`resq.subspace_quant`).

    Weights are kept out of the IR: `resq.param` refers by name to a tensor in
    the safetensors archive named by the module attribute `resq.params`.

    Vectors are rows (`y = x W`) and weights are `[in, out]`, as in ONNX
    `MatMul`. The CPU lowering of each op is its reference semantics; the
    descriptions below state that semantics precisely.
  }];

  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;

  let extraClassDeclaration = [{
    /// The module attribute that names the parameter archive.
    static constexpr ::llvm::StringLiteral getParamsAttrName() {
      return ::llvm::StringLiteral("resq.params");
    }
    /// The ranks low-rank attention gave a resq.attention's keys and values.
    static constexpr ::llvm::StringLiteral getKeyRankAttrName() {
      return ::llvm::StringLiteral("resq.k_rank");
    }
    static constexpr ::llvm::StringLiteral getValueRankAttrName() {
      return ::llvm::StringLiteral("resq.v_rank");
    }
    /// The module attribute that records the rotation scheme applied.
    static constexpr ::llvm::StringLiteral getRotationAttrName() {
      return ::llvm::StringLiteral("resq.rotation");
    }
    /// Absolute archive paths this process named itself (resq-compile's
    /// stages name their archive so). A module read from a file must name
    /// its archive relative to its folder (ModuleParams::archivePathOf).
    void allowArchivePath(::llvm::StringRef path) {
      allowedArchivePaths.insert(path);
    }
    bool isAllowedArchivePath(::llvm::StringRef path) const {
      return allowedArchivePaths.contains(path);
    }

  private:
    ::llvm::StringSet<> allowedArchivePaths;
    void registerAttributes();
    void registerOps();
  public:
  }];
}

class Resq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Resq_Dialect, mnemonic, traits>;

#endif // RESQ_DIALECT_TD
