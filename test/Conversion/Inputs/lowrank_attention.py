"""Inputs for lowrank_attention.mlir and its NumPy reference.

usage: lowrank_attention.py make DIR      writes q.npy, k.npy, v.npy
       lowrank_attention.py check DIR OUT compares OUT/out.npy
"""
import sys

import numpy as np


def make(d):
    r = np.random.default_rng(1)
    np.save(d + "/q.npy", r.standard_normal((1, 2, 3, 8)).astype(np.float32))
    np.save(d + "/k.npy", r.standard_normal((1, 1, 3, 8)).astype(np.float32))
    np.save(d + "/v.npy", r.standard_normal((1, 1, 3, 4)).astype(np.float32))


def check(d, out):
    q, k, v = (np.load(f"{d}/{n}.npy").astype(np.float64) for n in "qkv")
    # Two query heads share the one KV head; the scale is the full head
    # size's (1/sqrt(16)), not the reduced one's.
    s = np.einsum("bhqd,bkd->bhqk", q, k[:, 0]) * 0.25
    s = s + np.triu(np.full((3, 3), -np.inf), 1)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    ref = np.einsum("bhqk,bkd->bhqd", p, v[:, 0])
    got = np.load(out + "/out.npy")
    err = np.abs(got - ref).max()
    print(f"shape {got.shape} max error {err:.1e}")
    if got.shape == (1, 2, 3, 4) and err < 1e-5:
        print("attention matches")


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[2], sys.argv[3])
