#!/usr/bin/env python3
"""Independent NumPy reference of the cim ops in Inputs/cim-ops.mlir.

  cim_reference.py make DIR         writes the inputs (seeded) into DIR
  cim_reference.py check DIR OUT    compares OUT/result*.npy with NumPy

The arithmetic follows the ops' descriptions (docs/dialects/Cim.md), not
the simulator's code: bit slicing of |w| with the sign of w, partial sums
per input bit, row tile and slice, then the readouts.
"""
import os
import sys

import numpy as np

ROWS, SLICES, BITS = 128, 4, 8


def make(directory):
    rng = np.random.default_rng(3)
    np.save(os.path.join(directory, "w.npy"), rng.integers(-8, 8, (300, 20)).astype(np.int8))
    np.save(os.path.join(directory, "x.npy"), rng.integers(0, 256, (2, 300)).astype(np.int32))
    np.save(os.path.join(directory, "alpha.npy"),
            rng.uniform(0.5, 2.0, (3, SLICES, 20)).astype(np.float32))
    np.save(os.path.join(directory, "i.npy"), rng.uniform(0, 0.8, (6, 2, 20)).astype(np.float32))


def partial_sums(w, x):
    magnitude, sign = np.abs(w.astype(np.int64)), np.sign(w.astype(np.int64))
    levels = np.stack([sign * ((magnitude >> s) & 1) for s in range(SLICES)])
    tiles = -(-w.shape[0] // ROWS)
    p = np.zeros((x.shape[0], BITS, tiles, SLICES, w.shape[1]))
    for b in range(BITS):
        bits = (x.astype(np.int64) >> b) & 1
        for t in range(tiles):
            rows = slice(t * ROWS, (t + 1) * ROWS)
            for s in range(SLICES):
                p[:, b, t, s] = bits[:, rows] @ levels[s, rows]
    return levels, p


def combine(values):
    weights = np.array([[2.0 ** (s + b) for s in range(SLICES)] for b in range(BITS)])
    return np.einsum("mbtsn,bs->mn", values, weights)


def check(directory, out):
    w, x = np.load(os.path.join(directory, "w.npy")), np.load(os.path.join(directory, "x.npy"))
    alpha, currents = (np.load(os.path.join(directory, n)) for n in ("alpha.npy", "i.npy"))
    levels, p = partial_sums(w, x)
    got = [np.load(os.path.join(out, f"result{i}.npy")) for i in range(5)]
    step = 31.0 / 31
    code = np.clip(np.floor((p + 16.0) / step + 0.5), 0, 31)  # p is integral
    adc = -16.0 + code * step
    q = np.where(p > 1.5, 1, np.where(p < -1.5, -1, 0))
    hcim = combine(q * alpha[None, None].astype(np.float64))
    spikes, u = np.zeros(currents.shape, bool), np.zeros(currents.shape[1:])
    for t in range(currents.shape[0]):
        u = 0.9 * u + currents[t].astype(np.float64)
        spikes[t] = u >= 1.0
        u = np.where(spikes[t], u - 1.0, u)
    checks = [("levels", np.array_equal(got[0], levels)),
              ("exact product", np.array_equal(got[1], (x.astype(np.int64) @ w).astype(np.float32))),
              ("5-bit ADC", np.array_equal(got[2], combine(adc).astype(np.float32))),
              ("ternary scales", np.allclose(got[3], hcim, rtol=1e-6, atol=1e-3)),
              ("LIF spikes", np.array_equal(got[4].astype(bool), spikes))]
    for name, ok in checks:
        print(f"{name}: {'ok' if ok else 'MISMATCH'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
        sys.exit(0)
    sys.exit(check(sys.argv[2], sys.argv[3]))
