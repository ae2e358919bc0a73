#!/usr/bin/python3
"""Build the example ONNX models that the resq ONNX importer is tested on.

Run with Debian's interpreter (torch 1.13, onnx 1.12):

    /usr/bin/python3 examples/models/make_examples.py

Everything is written next to this file. Weights are random but seeded, so
the output is deterministic. Besides the .onnx files this writes, per model,
a fixed input and the torch reference output as .npy files, and
manifest.json, which check_examples.py (no torch needed) reads to compare
ONNX Runtime against torch.
"""

import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# A tiny Llama, in plain torch.
# --------------------------------------------------------------------------

class Config:
    vocab = 256
    hidden = 64
    layers = 2
    heads = 4
    kv_heads = 2
    head_dim = 16
    mlp = 172          # the MLP width of the real stories260K model
    max_seq = 32
    rope_theta = 10000.0
    eps = 1e-5


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(var + self.eps) * self.weight


def rope_tables(cfg):
    """cos/sin of shape [max_seq, head_dim/2]: one angle per rotated pair."""
    inv_freq = 1.0 / (cfg.rope_theta ** (
        torch.arange(0, cfg.head_dim, 2, dtype=torch.float64) / cfg.head_dim))
    pos = torch.arange(cfg.max_seq, dtype=torch.float64)
    ang = torch.outer(pos, inv_freq)
    return ang.cos().float(), ang.sin().float()


def rope_interleaved(x, cos, sin):
    """Pairs (x[2i], x[2i+1]) rotated by angle i (Meta/llama.c style).

    x: [B, H, T, D]; cos, sin: [T, D/2]."""
    x0 = x[..., 0::2]
    x1 = x[..., 1::2]
    y0 = x0 * cos - x1 * sin
    y1 = x0 * sin + x1 * cos
    return torch.stack((y0, y1), dim=-1).flatten(-2)


def rotate_half(x):
    d = x.shape[-1] // 2
    x1 = x[..., :d]
    x2 = x[..., d:]
    return torch.cat((-x2, x1), dim=-1)


def rope_half_split(x, cos, sin):
    """Pairs (x[i], x[i + D/2]) rotated by angle i (Hugging Face style).

    x: [B, H, T, D]; cos, sin: [T, D/2]."""
    cos = torch.cat((cos, cos), dim=-1)
    sin = torch.cat((sin, sin), dim=-1)
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, cfg, rope):
        super().__init__()
        self.cfg = cfg
        self.rope = rope
        hd = cfg.head_dim
        self.q_proj = nn.Linear(cfg.hidden, cfg.heads * hd, bias=False)
        self.k_proj = nn.Linear(cfg.hidden, cfg.kv_heads * hd, bias=False)
        self.v_proj = nn.Linear(cfg.hidden, cfg.kv_heads * hd, bias=False)
        self.o_proj = nn.Linear(cfg.heads * hd, cfg.hidden, bias=False)

    def forward(self, x, cos, sin):
        cfg = self.cfg
        B, T, _ = x.shape
        hd = cfg.head_dim
        q = self.q_proj(x).view(B, T, cfg.heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, cfg.kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, cfg.kv_heads, hd).transpose(1, 2)
        q = self.rope(q, cos, sin)
        k = self.rope(k, cos, sin)
        # Grouped-query attention: repeat each KV head heads/kv_heads times
        # (Hugging Face repeat_kv: expand + reshape).
        rep = cfg.heads // cfg.kv_heads
        k = k[:, :, None, :, :].expand(B, cfg.kv_heads, rep, T, hd) \
            .reshape(B, cfg.heads, T, hd)
        v = v[:, :, None, :, :].expand(B, cfg.kv_heads, rep, T, hd) \
            .reshape(B, cfg.heads, T, hd)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(hd)
        # Causal mask: a large negative number above the diagonal.
        mask = torch.full((T, T), torch.finfo(torch.float32).min,
                          dtype=torch.float32).triu(1)
        scores = scores + mask
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v)
        out = out.transpose(1, 2).reshape(B, T, cfg.heads * hd)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden, cfg.mlp, bias=False)
        self.up_proj = nn.Linear(cfg.hidden, cfg.mlp, bias=False)
        self.down_proj = nn.Linear(cfg.mlp, cfg.hidden, bias=False)

    def forward(self, x):
        g = self.gate_proj(x)
        return self.down_proj(g * torch.sigmoid(g) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, cfg, rope):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden, cfg.eps)
        self.self_attn = Attention(cfg, rope)
        self.post_attention_layernorm = RMSNorm(cfg.hidden, cfg.eps)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class TinyLlama(nn.Module):
    def __init__(self, cfg, tied, rope):
        super().__init__()
        self.cfg = cfg
        self.tied = tied
        self.embed_tokens = nn.Embedding(cfg.vocab, cfg.hidden)
        self.layers = nn.ModuleList(
            [DecoderLayer(cfg, rope) for _ in range(cfg.layers)])
        self.norm = RMSNorm(cfg.hidden, cfg.eps)
        if not tied:
            self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        cos, sin = rope_tables(cfg)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        cos = self.rope_cos[:T]
        sin = self.rope_sin[:T]
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            x = layer(x, cos, sin)
        x = self.norm(x)
        if self.tied:
            return torch.matmul(x, self.embed_tokens.weight.t())
        return self.lm_head(x)


def init_weights(model):
    for name, p in model.named_parameters():
        if name.endswith("norm.weight") or name.endswith("layernorm.weight"):
            # RMSNorm gamma: around 1, not all ones.
            nn.init.normal_(p, mean=1.0, std=0.1)
        else:
            nn.init.normal_(p, mean=0.0, std=0.02)


# --------------------------------------------------------------------------
# A 2-layer MLP classifier.
# --------------------------------------------------------------------------

class MLP2(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def init_mlp2(model):
    nn.init.normal_(model.fc1.weight, std=1.0 / math.sqrt(784))
    nn.init.normal_(model.fc1.bias, std=0.02)
    nn.init.normal_(model.fc2.weight, std=1.0 / math.sqrt(128))
    nn.init.normal_(model.fc2.bias, std=0.02)


# --------------------------------------------------------------------------
# Export helpers.
# --------------------------------------------------------------------------

def tie_transposed_duplicates(path):
    """The TorchScript exporter constant-folds the Transpose of a tied weight
    into a second, transposed copy of the embedding table. Replace such a copy
    by a Transpose node of the original initializer, so the file holds the
    tied weight once (as Hugging Face Optimum does after export)."""
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    replaced = {}
    for name, arr in inits.items():
        # Only anonymous folded constants are replaced, never a named weight.
        if arr.ndim != 2 or not name.startswith("onnx::"):
            continue
        for other, oarr in inits.items():
            if other != name and not other.startswith("onnx::") and \
                    oarr.shape == arr.shape[::-1] and \
                    np.array_equal(oarr.T, arr):
                replaced[name] = other
                break
    if not replaced:
        return False
    keep = [t for t in g.initializer if t.name not in replaced]
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = []
    for dup, orig in replaced.items():
        nodes.append(helper.make_node("Transpose", [orig], [dup],
                                      name=dup + "_tied_transpose",
                                      perm=[1, 0]))
    all_nodes = nodes + list(g.node)
    del g.node[:]
    g.node.extend(all_nodes)
    onnx.save(m, path)
    return True


def export(model, args, path, opset, input_names, output_names,
           dynamic_axes=None):
    with torch.no_grad():
        torch.onnx.export(model, args, path, opset_version=opset,
                          input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, do_constant_folding=True,
                          export_params=True)
    m = onnx.load(path)
    # Normalise metadata that would otherwise vary with the environment.
    m.producer_name = "pytorch"
    m.producer_version = torch.__version__
    m.doc_string = ""
    onnx.save(m, path)


def check(path):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    for init in m.graph.initializer:
        assert init.data_location != onnx.TensorProto.EXTERNAL, path


def initializer_origins(path, model):
    """Map each initializer of the exported file to the torch parameter it
    holds. The exporter keeps a parameter's name where it is used as is
    (Gather, Gemm, Mul) and stores a constant-folded transposed copy named
    onnx::MatMul_N where nn.Linear meets a 3-D input (MatMul with W^T)."""
    params = {n: p.detach().numpy() for n, p in model.named_parameters()}
    origins = {}
    for t in onnx.load(path).graph.initializer:
        arr = numpy_helper.to_array(t)
        found = None
        for n, p in params.items():
            if t.name == n and np.array_equal(arr, p):
                found = n
            elif p.ndim == 2 and arr.shape == p.shape[::-1] and \
                    np.array_equal(arr, p.T):
                found = n + " (transposed)"
            if found:
                break
        assert found, (path, t.name)
        origins[t.name] = found
    return origins


def save_npy(name, arr):
    np.save(os.path.join(HERE, name), arr)
    return name


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    manifest = {"generator": {"torch": torch.__version__,
                              "onnx": onnx.__version__,
                              "numpy": np.__version__},
                "models": []}
    cfg = Config()

    llamas = [
        # name, tied, rope, seed
        ("tiny_llama_tied", True, "interleaved", 1234),
        ("tiny_llama_untied", False, "half_split", 5678),
    ]
    for name, tied, rope_kind, seed in llamas:
        torch.manual_seed(seed)
        rope = rope_interleaved if rope_kind == "interleaved" else \
            rope_half_split
        model = TinyLlama(cfg, tied, rope).eval()
        init_weights(model)
        nparams = sum(p.numel() for p in model.parameters())

        ids = torch.randint(0, cfg.vocab, (1, 16), dtype=torch.int64)
        with torch.no_grad():
            logits = model(ids)
        # Causality sanity check: changing the last token changes no earlier
        # position's logits.
        ids2 = ids.clone()
        ids2[0, -1] = (ids2[0, -1] + 1) % cfg.vocab
        with torch.no_grad():
            logits2 = model(ids2)
        assert torch.equal(logits[:, :-1], logits2[:, :-1]), name
        assert not torch.equal(logits[:, -1], logits2[:, -1]), name

        in_file = save_npy(name + "_ref_input_ids.npy", ids.numpy())
        out_file = save_npy(name + "_ref_logits.npy", logits.numpy())
        for opset in (14, 17):
            fname = "%s_op%d.onnx" % (name, opset)
            path = os.path.join(HERE, fname)
            export(model, (ids,), path, opset, ["input_ids"], ["logits"])
            tied_fixed = tie_transposed_duplicates(path) if tied else False
            check(path)
            origins = initializer_origins(path, model)
            manifest["models"].append({
                "file": fname, "arch": "llama", "tied": tied,
                "rope": rope_kind, "opset": opset, "params": nparams,
                "seed": seed, "tied_transpose_restored": tied_fixed,
                "initializers": origins,
                "inputs": {"input_ids": in_file},
                "outputs": {"logits": out_file}})

        if not tied:
            # One dynamic-sequence export, checked at two lengths.
            ids9 = torch.randint(0, cfg.vocab, (1, 9), dtype=torch.int64)
            with torch.no_grad():
                logits9 = model(ids9)
            in9 = save_npy(name + "_ref_input_ids_seq9.npy", ids9.numpy())
            out9 = save_npy(name + "_ref_logits_seq9.npy", logits9.numpy())
            fname = name + "_dyn_op17.onnx"
            path = os.path.join(HERE, fname)
            export(model, (ids,), path, 17, ["input_ids"], ["logits"],
                   dynamic_axes={"input_ids": {1: "seq"},
                                 "logits": {1: "seq"}})
            check(path)
            origins = initializer_origins(path, model)
            for i_f, o_f in ((in_file, out_file), (in9, out9)):
                manifest["models"].append({
                    "file": fname, "arch": "llama", "tied": tied,
                    "rope": rope_kind, "opset": 17, "params": nparams,
                    "seed": seed, "dynamic_axes": {"input_ids": {"1": "seq"},
                                                   "logits": {"1": "seq"}},
                    "initializers": origins,
                    "inputs": {"input_ids": i_f},
                    "outputs": {"logits": o_f}})

    torch.manual_seed(42)
    mlp = MLP2().eval()
    init_mlp2(mlp)
    x = torch.randn(1, 784)
    with torch.no_grad():
        y = mlp(x)
    in_file = save_npy("mlp2_ref_x.npy", x.numpy())
    out_file = save_npy("mlp2_ref_logits.npy", y.numpy())
    for opset in (13, 17):
        fname = "mlp2_op%d.onnx" % opset
        path = os.path.join(HERE, fname)
        export(mlp, (x,), path, opset, ["x"], ["logits"])
        check(path)
        manifest["models"].append({
            "file": fname, "arch": "mlp", "opset": opset,
            "initializers": initializer_origins(path, mlp),
            "params": sum(p.numel() for p in mlp.parameters()), "seed": 42,
            "inputs": {"x": in_file}, "outputs": {"logits": out_file}})

    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    seen = set()
    for e in manifest["models"]:
        if e["file"] in seen:
            continue
        seen.add(e["file"])
        size = os.path.getsize(os.path.join(HERE, e["file"]))
        print("%-34s %8d bytes  %7d params" % (e["file"], size, e["params"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
