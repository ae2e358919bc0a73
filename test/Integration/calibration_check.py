#!/usr/bin/env python3
"""Checks a statistics archive written by resq-compile --calibrate.

  --embedding-check ARCHIVE IDS T: layer 0's attn_in statistic must equal
    sum over windows of X^T X with X = rmsnorm(embedding[ids]) computed here
    in float64 from the model archive (the norm's scale is folded, so it is
    1), for the first windows of T ids that the statistics counted.
  --observed DIR: every site's statistic must equal X_g^T X_g of the
    observation outputs resq-run wrote to DIR (one window).

Relative error max|a - b| / max|b| <= 1e-5. Prints one line per check.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[8 + size + begin:8 + size + end]
        tensors[name] = np.frombuffer(raw, DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, meta


def relative(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    parser.add_argument("--embedding-check", nargs=3, metavar=("ARCHIVE", "IDS", "T"))
    parser.add_argument("--observed")
    args = parser.parse_args()
    stats, meta = read_safetensors(args.stats)
    ok = True
    if args.embedding_check:
        archive, ids_path, window = args.embedding_check
        window = int(window)
        weights, _ = read_safetensors(archive)
        table = weights["embed_tokens.weight"].astype(np.float64)
        ids = np.load(ids_path).reshape(-1)
        windows = int(meta["windows"])
        x = table[ids[:windows * window]]
        x = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + np.float32(1e-5))
        want = x.T @ x
        error = relative(stats["layers.0.attn_in"][0], want)
        print(f"layers.0.attn_in vs numpy over {windows} windows: {error:.1e}")
        ok &= error <= 1e-5
    if args.observed:
        for name, value in sorted(stats.items()):
            x = np.load(os.path.join(args.observed, f"observe_{name}.npy")).astype(np.float64)
            want = np.einsum("tgi,tgj->gij", x, x)
            error = relative(value, want)
            ok &= error <= 1e-5
        print(f"{len(stats)} sites equal X^T X of the observed outputs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
