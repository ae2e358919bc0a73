#!/usr/bin/env python3
"""Forward-pass time of resq against ONNX Runtime on Llama-shaped models.

For each model: compile it with resq-compile (timed), feed both runtimes the
same seeded random token ids, check that the logits agree (max |resq - ORT| /
max |ORT| <= 1e-4), then time one forward pass with 1 thread and with 2:

- ONNX Runtime through its Python API (intra_op_num_threads, all graph
  optimizations): the median of single timed passes;
- resq through resq-run (--threads): its --repeat timing covers every pass,
  the cold first one included, so a block's warm mean is the difference
  between runs of 3 and of 3 + --repeat passes; the median over blocks.

The two take turns, TIMING_ROUNDS blocks each, so that load from other
processes hits both alike. resq-run is a process of its own, so neither
runtime's allocator state or spinning worker threads reach the other.

Models:
  tiny_llama   examples/models/tiny_llama_untied_op17.onnx, 16 tokens
  llama56m     generated here (see make_llama), 128 tokens; the prefill
               target is resq <= 1.5 x ORT's time
  stories260K  ../shared/models/stories260K/stories260K_T64_static_op17.onnx,
               64 tokens, when present

The generated model, each compiled folder (NAME/) and its input
(NAME_ids.npy) are kept in --cache; bench/profile_resq.sh reads them.

With --checks-cost, each model is also compiled with --runtime-checks=false
and timed in the same blocks: the ratio is what the bounds and divisor
checks of the compiled code cost.

Usage: python3 bench/compare_ort.py --tools build/bin [--repeat N]
           [--only NAME] [--checks-cost] [--json FILE] [--cache DIR]
Needs numpy, onnx and onnxruntime from PyPI. Exits 0 when the target is
missed (this is a measurement), 1 on an error or an output mismatch.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "examples", "models"))
from llama_onnx import make_llama  # noqa: E402  (the generated model's graph)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_MODELS = os.path.join(os.path.dirname(REPO), "shared", "models")

TOLERANCE = 1e-4          # max |resq - ORT| / max |ORT|
TARGET_RATIO = 1.5        # resq time / ORT time on the prefill-128 model
WARMUP_PASSES = 3
TIMING_ROUNDS = 5         # blocks of --repeat passes per runtime, taking turns
THREAD_COUNTS = (1, 2)
INPUT_SEED = 1234


class LlamaConfig:
    """The generated model: Llama architecture, ~56M parameters."""
    vocab = 32000
    hidden = 512
    layers = 8
    heads = 8
    kv_heads = 4
    head_dim = 64
    mlp = 1376
    seq = 128
    rope_theta = 10000.0
    eps = 1e-5
    weight_seed = 0


# --------------------------------------------------------------------------
# The generated model: examples/models/llama_onnx.py builds it node by node
# the way torch.onnx.export writes a Hugging Face-style Llama.
# --------------------------------------------------------------------------

def generated_llama_path(cache):
    c = LlamaConfig
    path = os.path.join(cache, f"llama_v{c.vocab}_h{c.hidden}_l{c.layers}_a{c.heads}"
                               f"kv{c.kv_heads}_m{c.mlp}_T{c.seq}_s{c.weight_seed}_op17.onnx")
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    print(f"generating {os.path.relpath(path, REPO)} ...", flush=True)
    start = time.perf_counter()
    model = make_llama(c)
    onnx.checker.check_model(model)
    partial = path + ".partial"
    onnx.save_model(model, partial)
    os.replace(partial, path)
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return path


# --------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------

def parameter_count(model):
    """Elements of the float initializers that are weights: a MatMul's right
    operand, a Gather's table, or 1-D (norm scales). Constant tables (RoPE
    cos/sin, the causal mask) are not parameters."""
    weights = set()
    for node in model.graph.node:
        if node.op_type == "MatMul":
            weights.add(node.input[1])
        elif node.op_type == "Gather":
            weights.add(node.input[0])
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer
               if t.data_type == TensorProto.FLOAT
               and (t.name in weights or len(t.dims) == 1))


def ort_session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def time_ort(session, feed, count):
    """ms of each of `count` passes, after one untimed pass (the resq-run
    before it evicted this session's data from the caches)."""
    session.run(None, feed)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        session.run(None, feed)
        times.append(1e3 * (time.perf_counter() - start))
    return times


def resq_run(tools, folder, ids_file, threads, passes, output_dir=None):
    """Runs resq-run once; returns the total ms of its `passes` passes."""
    command = [os.path.join(tools, "resq-run"), folder, ids_file,
               "--threads", str(threads), "--repeat", str(passes)]
    if output_dir:
        command += ["--output-dir", output_dir]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
    match = re.search(r"resq-run: ([0-9.]+) ms per run", result.stderr)
    return float(match.group(1)) * passes


def time_resq(tools, folder, ids_file, threads, count, output_dir=None):
    """Mean ms per pass of `count` warm passes of resq-run: the difference
    between a run of WARMUP_PASSES passes and one of WARMUP_PASSES + count
    (resq-run's --repeat times every pass, the cold first one included)."""
    short = resq_run(tools, folder, ids_file, threads, WARMUP_PASSES)
    full = resq_run(tools, folder, ids_file, threads, WARMUP_PASSES + count, output_dir)
    return (full - short) / count


def relative_error(got, want):
    return float(np.max(np.abs(got.astype(np.float64) - want)) / np.max(np.abs(want)))


def compile_model(tools, path, folder, extra=()):
    command = [os.path.join(tools, "resq-compile"), path, "-o", folder, *extra]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds


def measure_threads(spec, args, folder, ids_file, ids, threads):
    """One row: ORT and resq-run take turns, TIMING_ROUNDS blocks each."""
    session = ort_session(spec["path"], threads)
    feed = {spec["input"]: ids}
    for _ in range(WARMUP_PASSES):
        want = session.run(None, feed)[0]
    output_dir = os.path.join(os.path.dirname(folder), f"{spec['name']}_out")
    ort_ms, resq_ms, unchecked_ms = [], [], []
    for r in range(TIMING_ROUNDS):
        ort_ms += time_ort(session, feed, args.repeat)
        resq_ms.append(time_resq(args.tools, folder, ids_file, threads, args.repeat,
                                 output_dir if r == 0 else None))
        if args.checks_cost:
            unchecked_ms.append(time_resq(args.tools, folder + "_unchecked", ids_file,
                                          threads, args.repeat))
    got = np.load(os.path.join(output_dir, "logits.npy"))
    err = relative_error(got, want.astype(np.float64))
    ort_med, resq_med = statistics.median(ort_ms), statistics.median(resq_ms)
    tokens = spec["tokens"]
    row = dict(model=spec["name"], params=spec["params"], tokens=tokens, threads=threads,
               ort_ms=ort_med, resq_ms=resq_med, ort_tok_s=tokens / ort_med * 1e3,
               resq_tok_s=tokens / resq_med * 1e3, ratio=resq_med / ort_med,
               rel_err=err, ort_ms_passes=ort_ms, resq_ms_blocks=resq_ms,
               target=spec["target"] and threads == 1)
    if args.checks_cost:
        row.update(unchecked_ms=statistics.median(unchecked_ms),
                   unchecked_ms_blocks=unchecked_ms,
                   checks_ratio=resq_med / statistics.median(unchecked_ms))
    return row


def measure(spec, args, work):
    name, path = spec["name"], spec["path"]
    model = onnx.load(path, load_external_data=False)
    (graph_input,) = model.graph.input
    shape = [d.dim_value for d in graph_input.type.tensor_type.shape.dim]
    vocab = model.graph.output[0].type.tensor_type.shape.dim[-1].dim_value
    spec.update(params=parameter_count(model), input=graph_input.name,
                tokens=int(np.prod(shape)))
    del model
    print(f"\n== {name}: {os.path.relpath(path, REPO)}, {spec['params']:,} parameters, "
          f"input {graph_input.name} {shape}", flush=True)

    os.makedirs(work, exist_ok=True)
    folder = os.path.join(work, name)
    compile_s = compile_model(args.tools, path, folder)
    print(f"resq-compile: {compile_s:.2f} s", flush=True)
    if args.checks_cost:
        compile_model(args.tools, path, folder + "_unchecked", ["--runtime-checks=false"])

    ids = np.random.default_rng(INPUT_SEED).integers(0, vocab, size=shape, dtype=np.int64)
    ids_file = os.path.join(work, f"{name}_ids.npy")
    np.save(ids_file, ids)
    rows = []
    for threads in THREAD_COUNTS:
        row = measure_threads(spec, args, folder, ids_file, ids, threads)
        row["compile_s"] = compile_s
        print(f"threads {threads}: ORT {row['ort_ms']:.2f} ms, resq {row['resq_ms']:.2f} ms, "
              f"max|resq-ORT|/max|ORT| = {row['rel_err']:.2e}", flush=True)
        if args.checks_cost:
            print(f"threads {threads}: resq without runtime checks {row['unchecked_ms']:.2f} ms: "
                  f"the checks cost {row['checks_ratio']:.3f} x", flush=True)
        rows.append(row)
    return rows


def model_specs(cache):
    specs = [
        dict(name="tiny_llama", target=False,
             path=lambda: os.path.join(REPO, "examples/models/tiny_llama_untied_op17.onnx")),
        dict(name="llama56m", target=True, path=lambda: generated_llama_path(cache)),
    ]
    stories = os.path.join(SHARED_MODELS, "stories260K/stories260K_T64_static_op17.onnx")
    if os.path.exists(stories):
        specs.append(dict(name="stories260K", target=False, path=lambda: stories))
    else:
        print(f"skipping stories260K: {stories} is absent")
    return specs


def environment(tools):
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        cpu = re.search(r"model name\s*:\s*(.*)", text).group(1)
        flags = re.search(r"flags\s*:\s*(.*)", text).group(1).split()
        isa = [f for f in ("avx2", "fma", "avx512f", "avx512_vnni") if f in flags]
    except (OSError, AttributeError):
        isa = []
    rev = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    built = os.path.getmtime(os.path.join(tools, "resq-compile"))
    return dict(date=datetime.date.today().isoformat(), cpu=cpu, isa=isa,
                cores=os.cpu_count(), python=platform.python_version(),
                onnxruntime=ort.__version__, onnx=onnx.__version__, numpy=np.__version__,
                repo=rev, tools=os.path.abspath(tools),
                tools_built=datetime.datetime.fromtimestamp(built).isoformat(timespec="minutes"))


def print_table(rows):
    header = ("model", "params", "tokens", "thr", "ORT ms", "resq ms",
              "ORT tok/s", "resq tok/s", "resq/ORT")
    lines = [header] + [(
        r["model"], f"{r['params']:,}", str(r["tokens"]), str(r["threads"]),
        f"{r['ort_ms']:.2f}", f"{r['resq_ms']:.2f}", f"{r['ort_tok_s']:,.0f}",
        f"{r['resq_tok_s']:,.0f}", f"{r['ratio']:.2f}") for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        print("| " + " | ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                                for i, (cell, w) in enumerate(zip(line, widths))) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":")
                                 for i, w in enumerate(widths)) + "|")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(REPO, "build/bin"),
                        help="folder with resq-compile and resq-run (default build/bin)")
    parser.add_argument("--repeat", type=int, default=5,
                        help=f"timed passes per block; each runtime runs {TIMING_ROUNDS} "
                             "blocks per thread count (default 5)")
    parser.add_argument("--checks-cost", action="store_true",
                        help="also time each model compiled with --runtime-checks=false, "
                             "in the same blocks, and print the checks' cost as a ratio")
    parser.add_argument("--only", help="measure only this model")
    parser.add_argument("--json", help="write the environment and every row here")
    parser.add_argument("--cache", default=os.path.join(REPO, "bench/.cache"),
                        help="where the generated model is kept and each model is "
                             "compiled to NAME/ with its input NAME_ids.npy "
                             "(default bench/.cache)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    specs = model_specs(args.cache)
    if args.only:
        specs = [s for s in specs if s["name"] == args.only]
        if not specs:
            parser.error(f"--only {args.only}: no such model")
    env = environment(args.tools)
    print(f"{env['date']}, {env['cpu']}, {env['cores']} cores, {'+'.join(env['isa'])}; "
          f"onnxruntime {env['onnxruntime']}; repository {env['repo']}, tools built "
          f"{env['tools_built']}; {TIMING_ROUNDS} blocks of {args.repeat} passes each")

    rows = []
    try:
        for spec in specs:
            spec["path"] = spec["path"]()
            rows += measure(spec, args, args.cache)
    except RuntimeError as e:
        sys.exit(f"error: {e}")

    print_table(rows)
    ok = True
    for r in rows:
        if r["rel_err"] > TOLERANCE:
            ok = False
            print(f"MISMATCH: {r['model']} threads {r['threads']}: "
                  f"{r['rel_err']:.2e} > {TOLERANCE:g}")
        if r["target"]:
            verdict = "met" if r["ratio"] <= TARGET_RATIO else "missed"
            print(f"target resq <= {TARGET_RATIO}x ORT on {r['model']} "
                  f"({r['tokens']} tokens, 1 thread): {r['ratio']:.2f}x, {verdict}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(environment=env, warmup=WARMUP_PASSES, rounds=TIMING_ROUNDS,
                           repeat=args.repeat, tolerance=TOLERANCE,
                           target_ratio=TARGET_RATIO, rows=rows), f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
