#!/usr/bin/env python3
"""Compares two .npy arrays: max |a - b| / max |b| must be at most
--tolerance. Prints 'same logits (E)' or exits non-zero with the error."""
import argparse
import sys

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("a")
parser.add_argument("b", help="the reference")
parser.add_argument("--tolerance", type=float, required=True)
args = parser.parse_args()

a, b = np.load(args.a), np.load(args.b)
if a.shape != b.shape:
    sys.exit(f"shapes differ: {a.shape} vs {b.shape}")
error = float(np.abs(a.astype(np.float64) - b).max() / np.abs(b).max())
if not error <= args.tolerance:
    sys.exit(f"max |a - b| / max |b| = {error:.3g} > {args.tolerance:g}")
print(f"same logits ({error:.1e})")
