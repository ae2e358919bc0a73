#!/usr/bin/env python3
"""Peak memory of resq-import on a model with large weights.

Generates (not committed) a chain of MatMul layers whose weights total
--megabytes, saved twice: with ONNX external data and with embedded
weights. Imports both with resq-import and prints the peak resident set
size of each import as a ratio to the weight bytes. The target is <= 1.3.

Usage: python3 bench/import_memory.py --tools build/bin [--megabytes 512]
Needs numpy and onnx from PyPI.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def make_model(megabytes, width):
    layer_bytes = width * width * 4
    layers = max(1, (megabytes << 20) // layer_bytes)
    rng = np.random.default_rng(0)
    nodes, initializers = [], []
    current = "x"
    for i in range(layers):
        weight = rng.standard_normal((width, width), dtype=np.float32) * 0.01
        initializers.append(numpy_helper.from_array(weight, f"w{i}"))
        nodes.append(helper.make_node("MatMul", [current, f"w{i}"], [f"h{i}"], name=f"matmul{i}"))
        current = f"h{i}"
    graph = helper.make_graph(
        nodes, "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(current, TensorProto.FLOAT, [1, width])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model, layers * layer_bytes


def peak_rss_of(command):
    """Runs `command` in a fresh process and returns its peak RSS in bytes."""
    probe = ("import resource, subprocess, sys\n"
             "code = subprocess.run(sys.argv[1:]).returncode\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", probe] + command,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return int(result.stdout.split()[-1]) * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools", required=True)
    parser.add_argument("--megabytes", type=int, default=512)
    parser.add_argument("--width", type=int, default=4096)
    args = parser.parse_args()
    importer = os.path.join(args.tools, "resq-import")

    with tempfile.TemporaryDirectory() as work:
        model, weight_bytes = make_model(args.megabytes, args.width)
        external = os.path.join(work, "external.onnx")
        onnx.save_model(model, external, save_as_external_data=True,
                        all_tensors_to_one_file=True, location="external.bin",
                        size_threshold=0)
        model, _ = make_model(args.megabytes, args.width)
        embedded = os.path.join(work, "embedded.onnx")
        onnx.save_model(model, embedded)
        del model

        print(f"weights: {weight_bytes / 2**20:.0f} MiB in {weight_bytes // (args.width**2 * 4)} "
              f"MatMul layers of {args.width}x{args.width} f32")
        for name, path in (("external data", external), ("embedded", embedded)):
            rss = peak_rss_of([importer, path, "-o", os.path.join(work, "out.mlir"),
                               "--params", os.path.join(work, "out.safetensors")])
            print(f"{name:14s} peak RSS {rss / 2**20:7.0f} MiB = "
                  f"{rss / weight_bytes:.2f} x weight bytes")


if __name__ == "__main__":
    main()
