#!/usr/bin/env python3
"""Prefill attention time with and without low rank (issue 24), measured in
one run on this machine.

  python3 bench/lowrank_attention.py --tools build/bin [--seq 2048]
      [--heads 9 --kv-heads 3 --head 64] [--ranks 64,48,32,16] [--repeat 10]
      [--rounds 3]

For each rank r it compiles one causal resq.attention (resq-compile, the CPU
target) whose queries and keys have r columns with the full head's score
scale and whose values have r columns, the shapes --kv-rank r gives a layer
(SmolLM2-135M's heads by default: 9 query and 3 KV heads of 64), and times
resq-run --repeat on random inputs. Its two products (scores, P.V) are
batched GEMMs that call the runtime's f32 kernel. It prints the CPU, the
kernel the runtime dispatches to, the time per call and its ratio to full
rank. The projections
themselves (q and k times the r-column basis after RoPE, folded W_v and
W_o) are outside the timed op: they cost 2 T hd r multiply-adds per head,
against the T^2 (r + r) / 2 the product and P.V save.
"""
import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def runtime_kernel(tools):
    """The f32 GEMM implementation libresq_runtime.so picks on this CPU."""
    runtime = ctypes.CDLL(os.path.join(tools, "..", "lib", "libresq_runtime.so"))
    runtime.resq_gemm_f32_isa.restype = ctypes.c_char_p
    return runtime.resq_gemm_f32_isa().decode()


def attention_module(heads, kv_heads, seq, head, rank):
    q = f"tensor<1x{heads}x{seq}x{rank}xf32>"
    k = f"tensor<1x{kv_heads}x{seq}x{rank}xf32>"
    out = f"tensor<1x{heads}x{seq}x{rank}xf32>"
    scale = 1.0 / np.sqrt(head)
    return (f"module {{\n"
            f"  func.func @main(%q: {q} {{resq.name = \"q\"}}, %k: {k} {{resq.name = \"k\"}}, "
            f"%v: {k} {{resq.name = \"v\"}}) -> ({out} {{resq.name = \"out\"}}) {{\n"
            f"    %o = resq.attention %q, %k, %v heads {heads} kv_heads {kv_heads} "
            f"scale {scale:.9e} causal : ({q}, {k}, {k}) -> {out}\n"
            f"    return %o : {out}\n  }}\n}}\n")


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default="build/bin")
    parser.add_argument("--seq", type=int, default=2048)
    parser.add_argument("--heads", type=int, default=9)
    parser.add_argument("--kv-heads", type=int, default=3)
    parser.add_argument("--head", type=int, default=64)
    parser.add_argument("--ranks", default="64,48,32,16")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    tools = os.path.abspath(args.tools)
    ranks = [int(r) for r in args.ranks.split(",")]
    ranks = [args.head] + [r for r in dict.fromkeys(ranks) if r != args.head]
    print(f"CPU: {cpu_model()}; f32 GEMM kernel: {runtime_kernel(tools)}; "
          f"{args.threads} thread(s); causal attention, "
          f"{args.heads} query / {args.kv_heads} KV heads of {args.head}, "
          f"{args.seq} tokens, {args.repeat} calls per measurement, best of "
          f"{args.rounds} rounds")
    rng = np.random.default_rng(0)
    commands = {}
    with tempfile.TemporaryDirectory(prefix="resq-lowrank-attention-") as work:
        for rank in ranks:
            mlir = os.path.join(work, f"attention{rank}.mlir")
            with open(mlir, "w") as f:
                f.write(attention_module(args.heads, args.kv_heads, args.seq, args.head, rank))
            folder = os.path.join(work, f"r{rank}")
            run([os.path.join(tools, "resq-compile"), mlir, "-o", folder])
            inputs = []
            for name, heads in (("q", args.heads), ("k", args.kv_heads), ("v", args.kv_heads)):
                path = os.path.join(work, f"{name}{rank}.npy")
                np.save(path, rng.standard_normal((1, heads, args.seq, rank), np.float32))
                inputs.append(path)
            commands[rank] = [os.path.join(tools, "resq-run"), folder, *inputs, "--repeat",
                              str(args.repeat), "--threads", str(args.threads),
                              "--output-dir", os.path.join(work, "out")]
        # Rounds over every rank in turn, so that a slow moment of the
        # machine does not fall on one rank; the fastest round counts.
        times = {rank: [] for rank in ranks}
        for _ in range(args.rounds):
            for rank in ranks:
                out = run(commands[rank])
                match = re.search(r"([0-9.]+) ms per run", out)
                if not match:
                    sys.exit(f"no time in resq-run's output:\n{out}")
                times[rank].append(float(match.group(1)))
    full = min(times[args.head])
    for rank in ranks:
        best = min(times[rank])
        print(f"rank {rank:3d}: {best:8.2f} ms per call (rounds: "
              f"{', '.join(f'{t:.2f}' for t in times[rank])}), {best / full:.2f} of full rank",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
