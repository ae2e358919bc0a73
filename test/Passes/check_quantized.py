#!/usr/bin/env python3
"""Checks that a weight of a --resq-quantize'd archive lies on its grids.

  check_quantized.py ARCHIVE NAME LOW_BITS HIGH_ROWS HIGH_BITS

Each output column of NAME ([in, out]) must take at most 2^LOW_BITS
distinct values over its first in - HIGH_ROWS rows, and at most
2^HIGH_BITS over the last HIGH_ROWS (symmetric per-channel RTN/GPTQ grids);
prints the largest counts seen.
"""
import sys

sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "..", "Integration"))
from calibration_check import read_safetensors  # noqa: E402


def main():
    archive, name, low_bits, high_rows, high_bits = sys.argv[1:6]
    low_bits, high_rows, high_bits = int(low_bits), int(high_rows), int(high_bits)
    w = read_safetensors(archive)[0][name]
    split = w.shape[0] - high_rows
    low = max(len(set(w[:split, o])) for o in range(w.shape[1]))
    high = max(len(set(w[split:, o])) for o in range(w.shape[1])) if high_rows else 0
    print(f"{name}: at most {low} levels in the low rows, {high} in the high rows")
    ok = low <= 2 ** low_bits and high <= 2 ** high_bits
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
