#!/usr/bin/env python3
"""Quantization quality of resq's schemes on a real pretrained model.

Compiles the model with every scheme (fp32, rtn, quarot, resq), weight
quantizer (RTN, GPTQ) and bit setting (W4A4KV4, W4A8KV8, W4A16 with group
size 128) over several rotation seeds, and measures on the same held-out
token windows:
  - perplexity (resq-run --perplexity: windows of the compiled length, each
    scored on its T-1 next-token predictions);
  - the KL divergence of each quantized model's next-token distribution
    from FP32's, KL(P_fp32 || P_q), mean over the positions of the first
    --kl-windows windows;
  - tokens/s of the perplexity run.

The model here is stories260K (llama2.c trained on TinyStories), which has
no usable tokenizer: evaluation happens in token space. Calibration and
evaluation sequences are sampled from the FP32 model itself (resq-run
--generate --sample, BOS = 1, temperature 1), from disjoint seeds.

  python3 bench/quality.py --tools build/bin [--seeds 3] [--markdown docs/results.md]

Writes its work under bench/.cache/quality/ (ignored by git).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "..", "..", "shared", "models", "stories260K",
                             "stories260K_T64_static_op17.onnx")
BITS = {"W4A4KV4": (4, 4, 4, 0), "W4A8KV8": (4, 8, 8, 0), "W4A16": (4, 16, 16, 128)}


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def sample_sequences(tools, fp32_dir, count, window, first_seed):
    sequences = []
    for i in range(count):
        out = run([os.path.join(tools, "resq-run"), fp32_dir, "--generate",
                   str(window - 1), "--prompt", "1", "--sample", "--seed",
                   str(first_seed + i)])
        ids = [int(t) for t in re.search(r"generated: ([0-9 ]+)", out).group(1).split()]
        sequences.append([1] + ids)
    return np.array(sequences, dtype=np.int64)


def logits_of(tools, model_dir, windows, work):
    result = []
    for i, window in enumerate(windows):
        path = os.path.join(work, f"window{i}.npy")
        np.save(path, window.reshape(1, -1))
        out_dir = os.path.join(work, "logits")
        run([os.path.join(tools, "resq-run"), model_dir, path, "--output-dir", out_dir])
        result.append(np.load(os.path.join(out_dir, "logits.npy"))[0].astype(np.float64))
    return result


def log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def kl_divergence(reference, other):
    total, count = 0.0, 0
    for p_logits, q_logits in zip(reference, other):
        lp, lq = log_softmax(p_logits), log_softmax(q_logits)
        total += float((np.exp(lp) * (lp - lq)).sum())
        count += lp.shape[0]
    return total / count


def perplexity(tools, model_dir, eval_path):
    out = run([os.path.join(tools, "resq-run"), model_dir, "--perplexity", eval_path])
    ppl = float(re.search(r"perplexity: ([0-9.e+]+)", out).group(1))
    rate = float(re.search(r"([0-9.]+) tok/s\s*$", out.strip()).group(1))
    return ppl, rate


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(HERE, "..", "build", "bin"))
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--window", type=int, default=64, help="compiled sequence length")
    parser.add_argument("--eval-windows", type=int, default=64)
    parser.add_argument("--calib-windows", type=int, default=64)
    parser.add_argument("--kl-windows", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--bits", default=",".join(BITS), help="settings to run")
    parser.add_argument("--markdown", help="write the table here")
    args = parser.parse_args()
    tools = os.path.abspath(args.tools)
    work = os.path.join(HERE, ".cache", "quality")
    os.makedirs(work, exist_ok=True)
    start = time.time()

    fp32_dir = os.path.join(work, "fp32")
    run([os.path.join(tools, "resq-compile"), args.model, "-o", fp32_dir])
    print(f"sampling {args.eval_windows} evaluation and {args.calib_windows} "
          f"calibration sequences from the FP32 model", flush=True)
    eval_ids = sample_sequences(tools, fp32_dir, args.eval_windows, args.window, 100000)
    calib_ids = sample_sequences(tools, fp32_dir, args.calib_windows, args.window, 200000)
    eval_path = os.path.join(work, "eval.npy")
    calib_path = os.path.join(work, "calibration.npy")
    np.save(eval_path, eval_ids)
    np.save(calib_path, calib_ids.reshape(-1))
    kl_windows = eval_ids[:args.kl_windows]
    reference = logits_of(tools, fp32_dir, kl_windows, work)
    fp32_ppl, fp32_rate = perplexity(tools, fp32_dir, eval_path)

    rows = [("FP32", "-", "-", [fp32_ppl], [0.0], [fp32_rate])]
    print(f"FP32: perplexity {fp32_ppl:.3f}", flush=True)
    for setting in args.bits.split(","):
        w, a, kv, group = BITS[setting]
        for scheme in ["rtn", "quarot", "resq"]:
            for weights in ["rtn", "gptq"]:
                seeds = range(args.seeds) if scheme != "rtn" else [0]
                ppls, kls, rates = [], [], []
                for seed in seeds:
                    out_dir = os.path.join(work, f"{setting}-{scheme}-{weights}-{seed}")
                    run([os.path.join(tools, "resq-compile"), args.model, "-o", out_dir,
                         "--scheme", scheme, "--calibrate", calib_path,
                         "--w-bits", str(w), "--a-bits", str(a), "--kv-bits", str(kv),
                         "--group-size", str(group), "--weights", weights,
                         "--seed", str(seed)])
                    ppl, rate = perplexity(tools, out_dir, eval_path)
                    kl = kl_divergence(reference, logits_of(tools, out_dir, kl_windows, work))
                    ppls.append(ppl)
                    kls.append(kl)
                    rates.append(rate)
                rows.append((setting, scheme, weights, ppls, kls, rates))
                print(f"{setting} {scheme:6} {weights:4}: perplexity "
                      f"{np.mean(ppls):.3f} +- {np.std(ppls):.3f}, KL {np.mean(kls):.4f}",
                      flush=True)
    minutes = (time.time() - start) / 60

    def fmt(values, digits):
        if len(values) == 1:
            return f"{values[0]:.{digits}f}"
        return f"{np.mean(values):.{digits}f} ± {np.std(values, ddof=1):.{digits}f}"

    lines = ["| bits | scheme | weights | perplexity | KL to FP32 | tok/s |",
             "|---|---|---|---:|---:|---:|"]
    for setting, scheme, weights, ppls, kls, rates in rows:
        name = {"rtn": "RTN", "quarot": "QuaRot-style", "resq": "ResQ"}.get(scheme, scheme)
        lines.append(f"| {setting} | {name} | {weights.upper() if weights != '-' else '-'} | "
                     f"{fmt(ppls, 3)} | {fmt(kls, 4)} | {np.mean(rates):.0f} |")
    table = "\n".join(lines)
    print("\n" + table)
    print(f"\n{len(rows)} rows in {minutes:.1f} min; eval {eval_ids.size} tokens "
          f"({args.eval_windows} windows), calibration {calib_ids.size} tokens, "
          f"seeds {args.seeds}")
    if args.markdown:
        with open(args.markdown + ".table", "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
