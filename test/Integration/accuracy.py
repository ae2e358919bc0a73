#!/usr/bin/env python3
"""Top-1 accuracy of logits [N, classes] against labels [N]: prints
'accuracy A (N images)' and fails below --min."""
import argparse
import sys

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("logits")
parser.add_argument("labels")
parser.add_argument("--min", type=float, default=0.0)
args = parser.parse_args()
logits, labels = np.load(args.logits), np.load(args.labels)
if logits.shape[0] != labels.shape[0]:
    sys.exit(f"{logits.shape[0]} logits rows for {labels.shape[0]} labels")
accuracy = float((logits.argmax(axis=1) == labels).mean())
print(f"accuracy {accuracy:.4f} ({labels.shape[0]} images)")
if accuracy < args.min:
    sys.exit(f"accuracy {accuracy:.4f} < {args.min}")
