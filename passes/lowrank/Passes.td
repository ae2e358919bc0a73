//===- Passes.td - low-rank attention (Eigen Attention) ----*- tablegen -*-===//

#ifndef RESQ_PASSES_LOWRANK_TD
#define RESQ_PASSES_LOWRANK_TD

include "mlir/Pass/PassBase.td"

def ResqLowRankAttention : Pass<"resq-lowrank-attention", "::mlir::ModuleOp"> {
  let summary = "Compute attention scores in a low-rank key subspace (Eigen Attention, post-RoPE keys)";
  let description = [{
    Eigen Attention (arXiv 2408.05646; docs/notes/eigen-attention.md) for a
    raised transformer, first step: the post-RoPE key variant with one
    rank for every layer. Per layer, the key basis `U_K` (`hd x r`) is the
    first `k-rank` eigenvectors (descending) of the uncentred second moment
    of the keys after RoPE, averaged over the KV heads
    (`sum_h H_K[l, h] / (N n_kv)` from `stats`, the `k_rope` site of
    `resq-compile --calibrate`). Queries and keys are projected onto it
    after RoPE (`resq.project`), so attention multiplies `r`-dimensional
    queries and keys and caches `r` columns per KV head: `(q U)(k U)^T = q
    U U^T k^T`. The score scale stays `1/sqrt(hd)` (set on the op).

    Values (`v-rank`): one basis `U_V[h]` per KV head, the leading
    eigenvectors of `H_V[l, h] / N` (the `v_out` site), folded into the
    weights: `W_v[:, h] <- W_v[:, h] U_V[h]` and each query head's rows of
    `W_o` `<- U_V[h]^T W_o[rows]` (new archive tensors `layers.L.v_lowrank`,
    `layers.L.o_lowrank`). Attention then reads and returns `v-rank` columns
    per head, which is what a KV cache would hold.

    `threshold=t` chooses the ranks per layer from the calibration spectra
    instead (Eigen Attention's rule, `lib/numerics/LowRank.h`): with
    `sigma_i = sqrt(lambda_i) / sum_j sqrt(lambda_j)` of a second moment,
    `r(t) = #{i : sigma_1 + ... + sigma_i < t}` (at least 1; `t = 1` keeps
    every direction); the value rank is the largest over the layer's KV
    heads. The ranks chosen are recorded on each `resq.attention` as
    `resq.k_rank` and `resq.v_rank`.

    `kv-bits-per-token=B` chooses them under a budget instead: the cache
    holds `16 (r_K + r_V) n_kv` bits per token and layer, and the
    components are dropped, across all layers, in increasing order of their
    share of their space's energy (the key space's eigenvalues, the value
    space's summed over its KV heads) until the total fits `B`
    (`numerics::allocateRanks`).

    `U_K` is an archive tensor (`layers.L.k_basis`). At ranks equal to the
    head sizes the model computes the same logits (1e-4).
  }];
  let options = [
    Option<"kRank", "k-rank", "int64_t", "0",
           "Key rank per KV head, 1 to the head size (0: keep)">,
    Option<"vRank", "v-rank", "int64_t", "0",
           "Value rank per KV head, 1 to the value head size (0: keep)">,
    Option<"threshold", "threshold", "double", "0",
           "Per-layer ranks from the spectra instead: r(t) = #{i : sum of "
           "the first i normalised singular values < t}, t in (0, 1]">,
    Option<"kvBitsPerToken", "kv-bits-per-token", "double", "0",
           "Per-layer ranks under a KV-cache budget instead: at most this "
           "many bits per token (16 per cached element), the components "
           "with the least share of their layer's energy dropped first">,
    Option<"stats", "stats", "std::string", "\"\"",
           "The statistics archive of resq-compile --calibrate">,
  ];
}

#endif // RESQ_PASSES_LOWRANK_TD
