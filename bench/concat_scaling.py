#!/usr/bin/env python3
"""Compile time of a Concat against its number of inputs (issue 16: 400
inputs took 400 s, nearly all in one-shot bufferization).

For each N, an ONNX graph concatenates N inputs of shape [1, 8] along axis 1
(each input x_i + 1, so that every operand is computed); resq-compile -O0
compiles it and the run checks the output against numpy. Prints each time
and the ratio of the largest to the smallest time against the ratio of the
input counts (linear scaling: the ratios are equal).

Usage: python3 bench/concat_scaling.py --tools build/bin [--counts 50,100,200,400]
Needs numpy and onnx. Exits 1 on a compile or output error.
"""
import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def concat_model(count, path):
    nodes, inputs = [], []
    for i in range(count):
        inputs.append(helper.make_tensor_value_info(f"x{i}", TensorProto.FLOAT, [1, 8]))
        nodes.append(helper.make_node("Add", [f"x{i}", "one"], [f"y{i}"]))
    nodes.append(helper.make_node("Concat", [f"y{i}" for i in range(count)], ["out"], axis=1))
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    graph = helper.make_graph(
        nodes, f"concat{count}", inputs,
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 8 * count])], [one])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(REPO, "build/bin"))
    parser.add_argument("--counts", default="50,100,200,400")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    print(f"{cpu_model()}, {os.cpu_count()} cores")
    times = {}
    with tempfile.TemporaryDirectory() as work:
        for count in counts:
            path = os.path.join(work, f"concat{count}.onnx")
            concat_model(count, path)
            folder = os.path.join(work, f"concat{count}")
            start = time.perf_counter()
            result = subprocess.run([os.path.join(args.tools, "resq-compile"), path,
                                     "-o", folder, "-O0"], capture_output=True, text=True)
            times[count] = time.perf_counter() - start
            if result.returncode != 0:
                print(result.stderr, file=sys.stderr)
                return 1
            values = np.arange(8 * count, dtype=np.float32).reshape(count, 1, 8)
            command = [os.path.join(args.tools, "resq-run"), folder,
                       "--output-dir", os.path.join(work, f"out{count}")]
            for i in range(count):
                np.save(os.path.join(work, f"x{i}.npy"), values[i])
                command.append(f"--input=x{i}={os.path.join(work, f'x{i}.npy')}")
            result = subprocess.run(command, capture_output=True, text=True)
            got = np.load(os.path.join(work, f"out{count}", "out.npy")) \
                if result.returncode == 0 else None
            if got is None or not np.array_equal(got.reshape(-1), values.reshape(-1) + 1):
                print(f"concat of {count}: wrong output\n{result.stderr}", file=sys.stderr)
                return 1
            print(f"concat of {count:4d} inputs: resq-compile {times[count]:7.2f} s, output ok",
                  flush=True)
    low, high = min(counts), max(counts)
    print(f"time({high}) / time({low}) = {times[high] / times[low]:.2f} "
          f"(inputs {high / low:.0f} x; linear scaling gives the same ratio)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
