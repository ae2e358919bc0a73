//===- Passes.td - rotations of a prepared transformer -----*- tablegen -*-===//

#ifndef RESQ_PASSES_ROTATE_TD
#define RESQ_PASSES_ROTATE_TD

include "mlir/Pass/PassBase.td"

def ResqRotate : Pass<"resq-rotate", "::mlir::ModuleOp"> {
  let summary = "Rotate a prepared transformer (QuaRot-style Hadamard or ResQ)";
  let description = [{
    Applies the rotations of ALGORITHMS.md §2-4 to a raised model whose
    norms are folded (`--resq-fold-norms`; every RMSNorm scale must be 1).
    Rows are vectors (`y = x W`, `W` is `[in, out]`).

    * Residual stream, `U` (`d x d`), fused: embedding `E <- E U`; q, k, v,
      gate, up and the lm_head `W <- U^T W`; o and down `W <- W U`.
    * Values, `U_B` (`hd x hd` per KV head), fused: the v columns of KV head
      `h` `<- W_v[:, h] U_B[h]`, the o rows of every query head of its group
      `<- U_B[h]^T W_o[rows]`.
    * Queries and keys after RoPE, `U_C` (`hd x hd` per layer), online: a
      `resq.rotate` on both (`q k^T` is unchanged).
    * The down projection's input, `U_D` (`d_ff x d_ff` randomized
      Hadamard), online: a `resq.rotate` before down, `W_down <- U_D^T
      W_down`.

    `scheme=hadamard` (QuaRot-style): `U`, `U_B`, `U_C` are randomized
    Hadamard transforms (seeds `seed`, `seed + 1`, `seed + 2`; `U_D` uses
    `seed + 3`). `scheme=resq`: each is a PCA basis from the calibration
    statistics (`stats`, written by `resq-compile --calibrate`), eigenvalues
    ascending so that the last `high-fraction` of the channels span the
    highest-variance subspace, times independent seeded random orthogonal
    rotations within the low and the high block: `U_A = P_A blockdiag(R_low,
    R_high)` from `C_A = (sum_l H_attn[l] + H_mlp[l]) / (2 N L)`, `U_B[l, h]`
    from `H_V[l, h] / N`, `U_C[l]` from `sum_h H_K[l, h] / (N n_kv)`; each
    covariance is damped by `damp * mean(diag C)` first.

    Low rank with one basis (`scheme=resq` with `k-rank`, `v-rank` or
    `kv-threshold`; issue 24): the same PCA bases decide what is dropped
    (the weakest components), what is kept at the low precision and the
    high-variance `high-fraction` of the head kept at high precision. `U_C`
    and each `U_B[h]` keep their `r` strongest components (`hd x r`), with
    the random rotations inside the kept low block (`r - high` columns) and
    the unchanged high block, so nothing dropped is mixed in: queries and
    keys are projected after RoPE (`resq.project`, the full head size's
    score scale kept), and W_v, W_o become `[d, n_kv r]`, `[n_heads r, d]`.
    A rank equal to the head size is today's rotation, bit for bit (no
    attribute, the same archive). `kv-threshold=t` chooses each layer's
    ranks from the undamped spectra as `--resq-lowrank-attention` does;
    `kv-bits-per-token=B` allocates them under a budget (a head at rank r
    costs `high kv-high-bits + (r - high) kv-bits` per token, keys and
    values alike; the components with the least share of their space's
    energy are dropped first, across layers). The ranks are recorded as
    `resq.k_rank` / `resq.v_rank`.

    The rotated weights are new archive tensors (`<name>.rotated`); `U_C`
    matrices are archive tensors too (`layers.L.rotate_qk`). The model
    computes the same logits (1e-4; `test/Passes/rotate-model.test`). The
    module records the scheme in `resq.rotation` for the quantization pass.
  }];
  let options = [
    Option<"scheme", "scheme", "::resq::RotationScheme",
           "::resq::RotationScheme::Hadamard", "Rotation scheme",
           [{::resq::rotationSchemeValues()}]>,
    Option<"seed", "seed", "int64_t", "0",
           "Seed of the random signs and random orthogonal blocks">,
    Option<"stats", "stats", "std::string", "\"\"",
           "The statistics archive of resq-compile --calibrate (scheme=resq)">,
    Option<"highFraction", "high-fraction", "double", "0.125",
           "Fraction of each space kept as the high-variance subspace "
           "(scheme=resq; ResQ uses 1/8)">,
    Option<"damp", "damp", "double", "0.01",
           "Damping of each covariance, relative to its mean diagonal">,
    Option<"kRank", "k-rank", "int64_t", "0",
           "scheme=resq: keep this many key components per layer, from the "
           "high-precision width to the head size (0: all)">,
    Option<"vRank", "v-rank", "int64_t", "0",
           "scheme=resq: keep this many value components per KV head (0: "
           "all)">,
    Option<"kvThreshold", "kv-threshold", "double", "0",
           "scheme=resq: each layer's ranks from the calibration spectra, t "
           "in (0, 1] (instead of k-rank and v-rank)">,
    Option<"kvBitsPerToken", "kv-bits-per-token", "double", "0",
           "scheme=resq: each layer's ranks under a KV-cache budget of this "
           "many bits per token (the weakest shares of energy dropped "
           "first)">,
    Option<"kvBits", "kv-bits", "int64_t", "4",
           "The KV cache's low width, for kv-bits-per-token's accounting">,
    Option<"kvHighBits", "kv-high-bits", "int64_t", "8",
           "The KV cache's high width, for kv-bits-per-token's accounting">,
  ];
}

#endif // RESQ_PASSES_ROTATE_TD
