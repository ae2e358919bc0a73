"""Writes layer.safetensors for layer.mlir (seeded random weights, RoPE
tables for 4 positions) and ids.npy / calib.npy token files beside it.

Usage: python3 make_layer_archive.py OUTPUT_DIR
"""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
tensors = {}


def weight(name, rows, cols):
    tensors[name] = (rng.standard_normal((rows, cols)) / np.sqrt(rows)).astype(np.float32)


def gamma(name):
    tensors[name] = (1 + 0.2 * rng.standard_normal(16)).astype(np.float32)


tensors["emb"] = rng.standard_normal((32, 16)).astype(np.float32)
gamma("layers.0.attn_norm")
weight("layers.0.q", 16, 16)
weight("layers.0.k", 16, 8)
weight("layers.0.v", 16, 8)
angles = np.arange(4)[:, None] / 10000.0 ** (np.arange(4)[None, :] / 4)
tensors["rope.cos"] = np.cos(angles).astype(np.float32)
tensors["rope.sin"] = np.sin(angles).astype(np.float32)
weight("layers.0.o", 16, 16)
gamma("layers.0.mlp_norm")
weight("layers.0.gate", 16, 32)
weight("layers.0.up", 16, 32)
weight("layers.0.down", 32, 16)
gamma("norm")
weight("lm_head", 16, 32)

header, blobs, offset = {}, [], 0
for name, array in tensors.items():
    data = array.tobytes()
    header[name] = {"dtype": "F32", "shape": list(array.shape),
                    "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(out, "layer.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
np.save(os.path.join(out, "ids.npy"), np.array([[3, 17, 5, 30]], dtype=np.int64))
np.save(os.path.join(out, "calib.npy"), rng.integers(0, 32, 256).astype(np.int64))
