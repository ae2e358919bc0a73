#!/usr/bin/env python3
"""Speed of the integer path: W4A8 (ResQ) and W8A8 against FP32, one run.

Compiles the generated 56M-parameter Llama of bench/compare_ort.py (128
tokens) with resq-compile as

  fp32          imported as is (graph-level ops: the fastest FP32 build)
  fp32-raised   --scheme fp32 --prepare (the raised resq ops, in float)
  w8a8-int      --scheme rtn --w-bits 8 --a-bits 8 --kv-bits 8 --quant-mode int
  w4a8-int      --scheme resq --w-bits 4 --a-bits 8 --kv-bits 8 --quant-mode int
                (PCA rotations, the 1/8 high-variance subspace in 8 bits)
  w8a8-fake, w4a8-fake   the same schemes with --quant-mode fake

and times one forward pass of each with resq-run (1 thread, then 2): the
warm mean of a block of --repeat passes (bench/compare_ort.py's method), the
variants taking turns for ROUNDS blocks, and the median block. It prints
each variant's time and its ratio to fp32, and checks that each int build
gives the logits of its fake build (max |int - fake| / max |fake|).

The model has random weights: this measures speed only (quality is
bench/quality.py's). The ResQ build calibrates on seeded random token ids.

Usage: python3 bench/integer_speed.py --tools build/bin [--repeat N]
           [--threads 1,2] [--cache DIR] [--json FILE]
Needs numpy, onnx and onnxruntime (PyPI; bench/compare_ort.py imports them).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_ort  # noqa: E402  (the generated model and resq-run timing)

REPO = compare_ort.REPO
ROUNDS = 5
CALIBRATION_TOKENS = 1024
QUANTIZED = ["--w-bits", "8", "--a-bits", "8", "--kv-bits", "8"]
VARIANTS = {
    "fp32": [],
    "fp32-raised": ["--scheme", "fp32", "--prepare"],
    "w8a8-fake": ["--scheme", "rtn"] + QUANTIZED,
    "w8a8-int": ["--scheme", "rtn"] + QUANTIZED + ["--quant-mode", "int"],
    "w4a8-fake": ["--scheme", "resq", "--w-bits", "4", "--a-bits", "8",
                  "--kv-bits", "8", "--calibrate", "{calib}"],
    "w4a8-int": ["--scheme", "resq", "--w-bits", "4", "--a-bits", "8",
                 "--kv-bits", "8", "--calibrate", "{calib}",
                 "--quant-mode", "int"],
}


def compile_variant(tools, model, folder, flags, calib):
    command = [os.path.join(tools, "resq-compile"), model, "-o", folder]
    command += [f.replace("{calib}", calib) for f in flags]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default=os.path.join(REPO, "build", "bin"))
    parser.add_argument("--repeat", type=int, default=5,
                        help="warm passes per timed block (default 5)")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--cache", default=os.path.join(REPO, "bench", ".cache"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--keep", action="store_true",
                        help="reuse compiled folders from an earlier run")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    model = compare_ort.generated_llama_path(args.cache)
    c = compare_ort.LlamaConfig
    work = os.path.join(args.cache, "integer_speed")
    os.makedirs(work, exist_ok=True)
    ids_file = os.path.join(work, "ids.npy")
    calib = os.path.join(work, "calibration.npy")
    rng = np.random.default_rng(compare_ort.INPUT_SEED)
    np.save(ids_file, rng.integers(0, c.vocab, size=(1, c.seq), dtype=np.int64))
    np.save(calib, rng.integers(0, c.vocab, size=CALIBRATION_TOKENS, dtype=np.int64))

    env = compare_ort.environment(args.tools)
    print(f"{env['date']}, {env['cpu']}, {env['cores']} cores, "
          f"{'+'.join(env['isa'])}", flush=True)
    print(f"model: {os.path.relpath(model, REPO)}, {c.seq} tokens", flush=True)
    compile_s = {}
    for name, flags in VARIANTS.items():
        folder = os.path.join(work, name)
        if args.keep and os.path.exists(os.path.join(folder, "model.so")):
            compile_s[name] = float("nan")
            continue
        compile_s[name] = compile_variant(args.tools, model, folder, flags, calib)
        print(f"compiled {name} in {compile_s[name]:.1f} s", flush=True)
    sizes = {name: os.path.getsize(os.path.join(work, name, "model.safetensors"))
             for name in VARIANTS}

    # Int against fake: the same model up to float rounding.
    logits = {}
    for name in VARIANTS:
        out = os.path.join(work, f"{name}-out")
        subprocess.run([os.path.join(args.tools, "resq-run"), os.path.join(work, name),
                        ids_file, "--output-dir", out], check=True, capture_output=True)
        logits[name] = np.load(os.path.join(out, "logits.npy"))
    agreement = {}
    for scheme in ("w8a8", "w4a8"):
        fake = logits[f"{scheme}-fake"].astype(np.float64)
        agreement[scheme] = float(np.max(np.abs(logits[f"{scheme}-int"] - fake))
                                  / np.max(np.abs(fake)))
        print(f"{scheme}: max |int - fake| / max |fake| = {agreement[scheme]:.2e}")

    rows = []
    for t in threads:
        blocks = {name: [] for name in VARIANTS}
        for _ in range(ROUNDS):
            for name in VARIANTS:
                blocks[name].append(compare_ort.time_resq(
                    args.tools, os.path.join(work, name), ids_file, t, args.repeat))
        base = statistics.median(blocks["fp32"])
        for name in VARIANTS:
            ms = statistics.median(blocks[name])
            rows.append(dict(variant=name, threads=t, ms=ms, ratio=ms / base,
                             compile_s=compile_s[name], weights_bytes=sizes[name]))

    print()
    print("| variant | threads | ms per pass | time / fp32 | weight archive (MiB) |")
    print("|---|--:|--:|--:|--:|")
    for r in rows:
        print(f"| {r['variant']} | {r['threads']} | {r['ms']:.1f} | {r['ratio']:.2f} "
              f"| {r['weights_bytes'] / 2**20:.1f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(environment=env, rows=rows, agreement=agreement), f, indent=1)


if __name__ == "__main__":
    main()
