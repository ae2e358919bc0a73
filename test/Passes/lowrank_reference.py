#!/usr/bin/env python3
"""NumPy reference of a Llama with Eigen Attention's projections, for
lowrank-reference.test.

  lowrank_reference.py make DIR
      DIR/llama.onnx: a small Llama from examples/models/llama_onnx.py (GQA,
      rotate_half RoPE, named initializers); DIR/calib.npy, DIR/ids.npy.
  lowrank_reference.py check MODEL.onnx ARCHIVE ids.npy logits.npy
      The logits of MODEL in float64 with, for each layer L whose tensors
      ARCHIVE (the compiled folder's model.safetensors) holds:
        layers.L.k_basis  (hd x r): queries and keys after RoPE times it,
                          scores still scaled by 1/sqrt(hd);
        layers.L.v_lowrank, layers.L.o_lowrank: the value and output
                          weights. --resq-fold-norms has put the norm's
                          gamma into v_lowrank's rows, so it multiplies the
                          normalised input without gamma.
      Prints the largest error relative to the logits' largest magnitude for
      this reference and for the model without the projections (which must
      not match: the test could not fail otherwise).
"""
import json
import os
import re
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

TOLERANCE = 1e-4


class Config:
    vocab = 256
    hidden = 64
    layers = 2
    heads = 4
    kv_heads = 2
    head_dim = 16
    mlp = 172
    seq = 16
    rope_theta = 10000.0
    eps = 1e-5
    weight_seed = 3


def make(work):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "examples", "models"))
    from llama_onnx import make_llama
    model = make_llama(Config, producer="resq test/Passes/lowrank_reference.py")
    onnx.save_model(model, os.path.join(work, "llama.onnx"))
    rng = np.random.default_rng(11)
    np.save(os.path.join(work, "calib.npy"),
            rng.integers(0, Config.vocab, (2048,)).astype(np.int64))
    np.save(os.path.join(work, "ids.npy"),
            rng.integers(0, Config.vocab, (1, Config.seq)).astype(np.int64))


def read_archive(path):
    with open(path, "rb") as f:
        raw = f.read()
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], np.float32).reshape(
            info["shape"]).astype(np.float64)
    return tensors


def projections(archive):
    """{layer: {"k_basis"|"v_lowrank"|"o_lowrank": array}}; a pass that adds
    a name twice suffixes it (.1, .2)."""
    found = {}
    for name, array in archive.items():
        m = re.fullmatch(r"layers\.(\d+)\.(k_basis|v_lowrank|o_lowrank)(\.\d+)?",
                         name)
        if m:
            found.setdefault(int(m.group(1)), {})[m.group(2)] = array
    return found


def rms(x, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def rotate_half(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


def forward(w, ids, eps, low):
    cos, sin = w["rope.cos"], w["rope.sin"]
    hd = cos.shape[-1]
    x = w["embed_tokens.weight"][ids[0]]
    T = x.shape[0]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    layers = len([n for n in w if re.fullmatch(r"layers\.\d+\.input_layernorm\.weight", n)])
    for i in range(layers):
        p = f"layers.{i}."
        a = p + "self_attn."
        xn = rms(x, eps)
        xg = xn * w[p + "input_layernorm.weight"]
        heads = w[a + "q_proj.weight"].shape[1] // hd
        kv_heads = w[a + "k_proj.weight"].shape[1] // hd
        proj = low.get(i, {})
        q = (xg @ w[a + "q_proj.weight"]).reshape(T, heads, hd).transpose(1, 0, 2)
        k = (xg @ w[a + "k_proj.weight"]).reshape(T, kv_heads, hd).transpose(1, 0, 2)
        q, k = rotate_half(q, cos, sin), rotate_half(k, cos, sin)
        if "k_basis" in proj:
            q, k = q @ proj["k_basis"], k @ proj["k_basis"]
        if "v_lowrank" in proj:
            v = xn @ proj["v_lowrank"]
            wo = proj["o_lowrank"]
        else:
            v = xg @ w[a + "v_proj.weight"]
            wo = w[a + "o_proj.weight"]
        vd = v.shape[-1] // kv_heads
        v = v.reshape(T, kv_heads, vd).transpose(1, 0, 2)
        group = heads // kv_heads
        k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(hd) + mask
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        out = (probs @ v).transpose(1, 0, 2).reshape(T, heads * vd)
        x = x + out @ wo
        xg = rms(x, eps) * w[p + "post_attention_layernorm.weight"]
        gate = xg @ w[p + "mlp.gate_proj.weight"]
        up = xg @ w[p + "mlp.up_proj.weight"]
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[p + "mlp.down_proj.weight"]
    x = rms(x, eps) * w["norm.weight"]
    return x @ w["lm_head.weight"]


def check(model_path, archive_path, ids_path, logits_path):
    model = onnx.load(model_path)
    w = {t.name: numpy_helper.to_array(t).astype(np.float64)
         for t in model.graph.initializer}
    eps = float(Config.eps)
    for node in model.graph.node:
        if node.output[0] == "/layers.0/input_layernorm/Constant_1_output_0":
            eps = float(numpy_helper.to_array(node.attribute[0].t))
    low = projections(read_archive(archive_path))
    hd = w["rope.cos"].shape[-1]
    kv_heads = w["layers.0.self_attn.k_proj.weight"].shape[1] // hd
    for layer, arrays in sorted(low.items()):
        k = arrays["k_basis"].shape[1] if "k_basis" in arrays else hd
        v = arrays["v_lowrank"].shape[1] // kv_heads if "v_lowrank" in arrays else hd
        print(f"layer {layer}: k rank {k}, v rank {v} of {hd}")
    ids = np.load(ids_path)
    got = np.load(logits_path).astype(np.float64).reshape(-1, w["lm_head.weight"].shape[1])
    for name, projected in (("low-rank", low), ("full", {})):
        want = forward(w, ids, eps, projected)
        error = np.abs(got - want).max() / np.abs(want).max()
        verdict = "match" if error < TOLERANCE else "differ"
        print(f"{name} reference: relative error {error:.2e}: {verdict}")


def main():
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(*sys.argv[2:6])


if __name__ == "__main__":
    main()
