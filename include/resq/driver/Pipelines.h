//===- Pipelines.h - resq's named pass pipelines ----------------*- C++ -*-===//
//
// The stages resq-compile runs, as typed pipelines that resq-opt can run by
// name (docs/compiling.md lists them):
//   --resq-prepare                 untie embeddings, raise, fold norms;
//   --resq-calibrate-instrument    observers whose outputs calibration reads;
//   --resq-quantize-pipeline{...}  the scheme: low-rank attention, rotations,
//                                  quantization, and the archive pruned to
//                                  what is still used;
//   --resq-lower-to-cpu{...}       (passes/lower) the CPU target.
// Stages that need calibration read it from files (stats=, gptq-stats=),
// which resq-compile writes before running them.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_PIPELINES_H
#define RESQ_DRIVER_PIPELINES_H

#include "passes/lowrank/Passes.h"
#include "passes/quantize/Passes.h"
#include "passes/rotate/Passes.h"

#include "mlir/Pass/PassOptions.h"

namespace resq::driver {

/// The quantization schemes of resq-compile --scheme.
enum class QuantScheme { Fp32, Rtn, Quarot, Resq };

llvm::cl::ValuesClass quantSchemeValues();

/// Options of --resq-quantize-pipeline. Defaults are the passes' own.
struct QuantizePipelineOptions
    : mlir::PassPipelineOptions<QuantizePipelineOptions> {
  Option<QuantScheme> scheme{
      *this, "scheme", llvm::cl::desc("Quantization scheme"),
      llvm::cl::init(QuantScheme::Fp32), quantSchemeValues()};
  Option<int64_t> seed{*this, "seed",
                       llvm::cl::desc("Seed of the random rotations"),
                       llvm::cl::init(ResqRotateOptions().seed)};
  Option<std::string> stats{
      *this, "stats",
      llvm::cl::desc("Calibration statistics of the prepared model "
                     "(scheme=resq: the PCA bases)")};
  Option<int64_t> wBits{*this, "w-bits", llvm::cl::desc("Weight bits"),
                        llvm::cl::init(ResqQuantizeOptions().wBits)};
  Option<int64_t> aBits{*this, "a-bits",
                        llvm::cl::desc("Activation bits (16: float)"),
                        llvm::cl::init(ResqQuantizeOptions().aBits)};
  Option<int64_t> kvBits{*this, "kv-bits",
                         llvm::cl::desc("KV-cache bits (16: float)"),
                         llvm::cl::init(ResqQuantizeOptions().kvBits)};
  Option<int64_t> highBits{
      *this, "high-bits",
      llvm::cl::desc("Bits of the high-variance subspace (scheme=resq; the "
                     "other schemes have no split)"),
      llvm::cl::init(ResqQuantizeOptions().highBits)};
  Option<int64_t> groupSize{
      *this, "group-size",
      llvm::cl::desc("Input rows per weight scale (0: per output channel)"),
      llvm::cl::init(ResqQuantizeOptions().groupSize)};
  Option<WeightQuantizer> weights{
      *this, "weights", llvm::cl::desc("Weight quantizer"),
      llvm::cl::init(ResqQuantizeOptions().weights), weightQuantizerValues()};
  Option<bool> actOrder{*this, "act-order",
                        llvm::cl::desc("GPTQ in descending Hessian order"),
                        llvm::cl::init(ResqQuantizeOptions().actOrder)};
  Option<QuantMode> mode{*this, "mode", llvm::cl::desc("Quantized arithmetic"),
                         llvm::cl::init(ResqQuantizeOptions().mode),
                         quantModeValues()};
  Option<std::string> gptqStats{
      *this, "gptq-stats",
      llvm::cl::desc("Calibration statistics of the model as it is after "
                     "the rotations (weights=gptq: the Hessians)")};
  Option<int64_t> kRank{
      *this, "k-rank",
      llvm::cl::desc("Low-rank attention: key rank per KV head (0: full; "
                     "needs stats)"),
      llvm::cl::init(0)};
  Option<int64_t> vRank{
      *this, "v-rank",
      llvm::cl::desc("Low-rank attention: value rank per KV head (0: full; "
                     "needs stats)"),
      llvm::cl::init(0)};
  Option<double> kvThreshold{
      *this, "kv-threshold",
      llvm::cl::desc("Low-rank attention: each layer's key and value ranks "
                     "from the calibration spectra, t in (0, 1] (needs "
                     "stats)"),
      llvm::cl::init(0)};
  Option<double> kvBitsPerToken{
      *this, "kv-bits-per-token",
      llvm::cl::desc("Low-rank attention: each layer's ranks under a "
                     "KV-cache budget of this many bits per token (needs "
                     "stats)"),
      llvm::cl::init(0)};
  Option<bool> rotated{
      *this, "rotated",
      llvm::cl::desc("The model is rotated already (resq-compile rotates "
                     "first when GPTQ calibrates the rotated model): skip "
                     "the rotation"),
      llvm::cl::init(false)};
};

/// Whether the options ask for low-rank attention.
bool wantsLowRank(const QuantizePipelineOptions &options);

/// The first combination of options the pipeline cannot build, as a
/// message; empty when there is none.
std::string checkQuantizePipeline(const QuantizePipelineOptions &options);

/// The --resq-rotate options of a scheme (quarot or resq).
ResqRotateOptions rotationOf(const QuantizePipelineOptions &options);

/// --resq-prepare: --resq-untie-embeddings, --resq-raise-transformer,
/// --resq-fold-norms.
void buildPreparePipeline(mlir::OpPassManager &pm);

/// --resq-calibrate-instrument: --resq-insert-observers.
void buildCalibrateInstrumentPipeline(mlir::OpPassManager &pm);

/// --resq-quantize-pipeline: --resq-lowrank-attention (fp32 with k-rank,
/// v-rank or kv-threshold), the scheme's rotation (quarot: Hadamard, resq:
/// PCA from `stats`, truncated to the ranks), --resq-quantize (not for
/// fp32), --resq-prune-params. The options must pass checkQuantizePipeline.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizePipelineOptions &options);

/// Registers the pipelines above with MLIR's pass registry.
void registerResqPipelines();

} // namespace resq::driver

#endif // RESQ_DRIVER_PIPELINES_H
