#!/usr/bin/env python3
"""Compiles one Llama-2-7B-shaped layer with ResQ and reports each stage.

The model is generated here with compare_ort.py's builder: hidden size
4096, MLP 11008, 32 heads (no GQA), head dim 128, one layer, a 4096-token
vocabulary (the layer dominates: 202M of its 236M parameters), 512-token
sequences, random weights saved as ONNX external data. It is compiled with

  resq-compile model.onnx -o out --scheme resq --calibrate ids.npy -v

on 8 windows of 512 random tokens; `-v` prints each stage's time and the
process's peak RSS so far, and this script prints them as a table, with
/usr/bin/time's overall maximum.

  python3 bench/llama7b_layer.py --tools build/bin

Work goes to bench/.cache/llama7b_layer/ (ignored by git).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare_ort  # noqa: E402


class LayerConfig(compare_ort.LlamaConfig):
    vocab = 4096
    hidden = 4096
    layers = 1
    heads = 32
    kv_heads = 32
    head_dim = 128
    mlp = 11008
    seq = 512


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(HERE, "..", "build", "bin"))
    parser.add_argument("--windows", type=int, default=8)
    args = parser.parse_args()
    work = os.path.join(HERE, ".cache", "llama7b_layer")
    os.makedirs(work, exist_ok=True)
    model_path = os.path.join(work, "model.onnx")
    if not os.path.exists(model_path):
        start = time.perf_counter()
        model = compare_ort.make_llama(LayerConfig)
        onnx.save_model(model, model_path, save_as_external_data=True,
                        all_tensors_to_one_file=True, location="model.weights",
                        size_threshold=1024)
        print(f"generated {model_path} in {time.perf_counter() - start:.1f} s", flush=True)
    ids_path = os.path.join(work, "ids.npy")
    np.save(ids_path, np.random.default_rng(0).integers(
        0, LayerConfig.vocab, (args.windows, LayerConfig.seq)))

    command = [os.path.join(os.path.abspath(args.tools), "resq-compile"), model_path,
               "-o", os.path.join(work, "out"), "--scheme", "resq",
               "--calibrate", ids_path, "-v"]
    print("$ " + " ".join(command), flush=True)
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True,
                            text=True)
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    rows = re.findall(r"resq-compile: (.+?): (\d+) ms, peak RSS (\d+) MiB", result.stderr)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                         result.stderr).group(1)) // 1024
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", result.stderr).group(1)
    lines = ["| stage | time (s) | peak RSS so far (MiB) |", "|---|---:|---:|"]
    for stage, ms, rss in rows:
        lines.append(f"| {stage} | {int(ms) / 1000:.1f} | {rss} |")
    print("\n".join(lines))
    print(f"\nwall time {wall}, peak RSS {peak} MiB "
          f"(weights: {os.path.getsize(os.path.join(work, 'model.weights')) >> 20} MiB f32)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
