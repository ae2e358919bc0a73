#!/usr/bin/env python3
"""Compares the number after 'KEY:' in two text files within a relative
tolerance; prints 'KEY: A vs B within RTOL' or fails."""
import argparse
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("a")
parser.add_argument("b")
parser.add_argument("--key", required=True)
parser.add_argument("--rtol", type=float, required=True)
args = parser.parse_args()


def value(path):
    text = open(path).read()
    match = re.search(re.escape(args.key) + r":\s*([-+0-9.eE]+)", text)
    if not match:
        sys.exit(f"no '{args.key}:' in {path}")
    return float(match.group(1))


a, b = value(args.a), value(args.b)
if abs(a - b) > args.rtol * abs(b):
    sys.exit(f"{args.key}: {a} vs {b} differ by more than {args.rtol:g}")
print(f"{args.key}: {a} vs {b} within {args.rtol:.0e}")
