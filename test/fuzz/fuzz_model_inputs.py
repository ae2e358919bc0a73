#!/usr/bin/env python3
"""Feeds random token ids, shapes, dtypes and damaged .npy files to compiled
tiny models through resq-run, and checks every outcome against an oracle.

Three targets: the tiny Llama compiled ahead of time in FP32 and as W4A8
integer code (`--scheme rtn --quant-mode int`), and the same model with a
dynamic sequence JIT-compiled by resq-run for a random `--input-shape`. An
input is valid when its dtype and shape are the model's and every id lies
in [-vocab, vocab) (negative ids count from the end, as ONNX Gather does);
the dynamic model's RoPE tables hold 32 positions, so longer sequences are
refused when it is imported.

- A valid input must exit 0 with finite logits; for FP32 they must match
  ONNX Runtime's on the same ids (relative 1e-4).
- Any other input must exit with a code in 1..127 and one line on stderr
  that names no internal location (no "loc(", "LLVM ERROR", "Assertion").
- A signal, a code above 127 or a run past the time limit is a crash; its
  input and command are kept in --crashes.

usage: fuzz_model_inputs.py --tools build/bin [--seconds 600] [--seed 1]
"""

import argparse
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATIC = ROOT / "examples/models/tiny_llama_untied_op17.onnx"
DYNAMIC = ROOT / "examples/models/tiny_llama_untied_dyn_op17.onnx"
VOCAB = 256
SHAPE = (1, 16)
POSITIONS = 32  # the length of the dynamic model's RoPE tables
MAX_JIT_TOKENS = 64
FORBIDDEN = ("loc(", "LLVM ERROR", "Assertion", "Stack dump", "PLEASE submit")
INT64 = np.iinfo(np.int64)


def random_ids(rng, shape, vocab, valid):
    """Ids of `shape`: all valid, or with at least one out of range."""
    count = int(np.prod(shape)) if shape else 1
    ids = rng.integers(-vocab, vocab, count, dtype=np.int64)
    if not valid and count:
        bad = rng.choice(
            [vocab, vocab + 1, -vocab - 1, 2**31 - 1, 2**31, -(2**31) - 1,
             2**40, INT64.max, INT64.min, int(rng.integers(vocab, 2**62))])
        where = rng.integers(0, count, int(rng.integers(1, count + 1)))
        ids[where] = bad
    return ids.reshape(shape)


def random_shape(rng, right):
    roll = rng.random()
    if roll < 0.5:
        return right
    if roll < 0.7:  # one dimension off
        shape = list(right)
        shape[rng.integers(len(shape))] += int(rng.choice([-1, 1, 7]))
        return tuple(max(d, 0) for d in shape)
    rank = int(rng.integers(0, 5))
    return tuple(int(rng.choice([0, 1, 2, 3, 16, 17, 64])) for _ in range(rank))


def random_array(rng, shape, vocab):
    """An array of a random dtype and `shape`, and whether it is valid
    before the shape is compared."""
    dtype = rng.choice(["int64"] * 6 + ["int32", "float32", "uint8", "bool", "float16", "int16"])
    valid = dtype == "int64" and rng.random() < 0.6
    ids = random_ids(rng, shape, vocab, valid)
    if dtype == "int64":
        return ids, valid
    if dtype == "bool":
        return ids.astype(bool), False
    with np.errstate(over="ignore"):
        return ids.astype(dtype), False


def damage(rng, path):
    """Truncates or flips bytes of a .npy file (never valid afterwards)."""
    data = bytearray(path.read_bytes())
    if rng.random() < 0.5:
        data = data[: int(rng.integers(0, len(data)))]
    else:
        header = data.find(b"\n") + 1
        for _ in range(int(rng.integers(1, 4))):
            data[int(rng.integers(0, header))] = int(rng.integers(0, 256))
    path.write_bytes(bytes(data))


class Oracle:
    """ONNX Runtime's logits for the same model file, when it is installed."""

    def __init__(self):
        try:
            import onnxruntime
        except ImportError:
            self.sessions = None
            return
        self.sessions = {
            path: onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            for path in (STATIC, DYNAMIC)}

    def logits(self, model, ids):
        if self.sessions is None:
            return None
        return self.sessions[model].run(None, {"input_ids": ids})[0]


def classify(proc, valid, out_dir, expected, timed_out):
    """Returns None when the outcome is right, else why it is not."""
    if timed_out:
        return "timeout"
    if proc.returncode < 0 or proc.returncode > 127:
        return "exit code %d" % proc.returncode
    stderr = proc.stderr.decode(errors="replace")
    if valid:
        if proc.returncode != 0:
            return "valid input refused: " + stderr.strip()
        logits = np.load(out_dir / "logits.npy")
        if not np.all(np.isfinite(logits)):
            return "non-finite logits"
        if expected is not None:
            scale = max(float(np.max(np.abs(expected))), 1e-6)
            if float(np.max(np.abs(logits - expected))) > 1e-4 * scale:
                return "logits differ from ONNX Runtime"
        return None
    if proc.returncode == 0:
        return "invalid input accepted (exit 0)"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if len(lines) != 1:
        return "%d lines on stderr: %r" % (len(lines), stderr[:400])
    if any(word in stderr for word in FORBIDDEN):
        return "internal detail in the message: " + lines[0]
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True, type=pathlib.Path)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crashes", type=pathlib.Path, default=pathlib.Path("model-input-crashes"))
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    tools = args.tools.resolve()
    rng = np.random.default_rng(args.seed)
    work = pathlib.Path(tempfile.mkdtemp(prefix="resq-model-fuzz-"))
    oracle = Oracle()
    try:
        folders = {"fp32": work / "fp32", "w4a8-int": work / "int"}
        for name, extra in (("fp32", []), ("w4a8-int", ["--scheme", "rtn", "--quant-mode", "int", "--a-bits", "8"])):
            subprocess.run([tools / "resq-compile", STATIC, "-o", folders[name], "-O1", *extra],
                           check=True, capture_output=True)
        counts = {"runs": 0, "valid": 0, "refused": 0, "jit": 0, "damaged": 0, "compared": 0}
        failures = []
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            case = work / ("case%d" % counts["runs"])
            case.mkdir()
            jit = rng.random() < 0.1
            command = [tools / "resq-run"]
            if jit:
                counts["jit"] += 1
                seq = int(rng.choice([1, 2, 5, 16, POSITIONS, POSITIONS + 1,
                                      int(rng.integers(1, MAX_JIT_TOKENS + 1))]))
                declared = (1, seq)
                shape_text = "x".join(map(str, declared))
                if rng.random() < 0.15:  # a bad --input-shape
                    shape_text = str(rng.choice(["0x4", "1x0", "1x-3", "1x", "1x99999999999999999999", "x", "1x4x", "2x4"]))
                    declared = None
                command += [DYNAMIC, "--input-shape", "input_ids=" + shape_text]
                target = "jit"
            else:
                target = str(rng.choice(list(folders)))
                declared = SHAPE
                command += [folders[target]]
            shape = random_shape(rng, declared or SHAPE)
            ids, valid = random_array(rng, shape, VOCAB)
            valid = (valid and declared is not None and tuple(shape) == declared
                     and shape[1] <= POSITIONS)
            npy = case / "input.npy"
            np.save(npy, ids)
            if rng.random() < 0.08:
                damage(rng, npy)
                counts["damaged"] += 1
                # What numpy still reads is judged as what it reads.
                try:
                    ids = np.load(npy)
                    valid = (valid and ids.dtype == np.int64 and tuple(ids.shape) == declared
                             and shape[1] <= POSITIONS
                             and bool(np.all((ids >= -VOCAB) & (ids < VOCAB))))
                except Exception:
                    valid = False
            command += [npy, "--output-dir", case / "out"]
            timed_out = False
            try:
                proc = subprocess.run(command, capture_output=True, timeout=args.timeout)
            except subprocess.TimeoutExpired as expired:
                proc, timed_out = expired, True
            expected = None
            if valid and target in ("fp32", "jit") and not timed_out and proc.returncode == 0:
                expected = oracle.logits(DYNAMIC if jit else STATIC, ids)
                counts["compared"] += expected is not None
            problem = classify(proc, valid, case / "out", expected, timed_out)
            counts["runs"] += 1
            counts["valid" if valid else "refused"] += 1
            if problem:
                args.crashes.mkdir(parents=True, exist_ok=True)
                kept = args.crashes / ("case%d" % counts["runs"])
                shutil.copytree(case, kept, dirs_exist_ok=True)
                (kept / "command").write_text(" ".join(map(str, command)) + "\n" + problem + "\n")
                failures.append(problem)
                print("FAIL %s: %s" % (kept, problem), flush=True)
            shutil.rmtree(case)
        print("model input fuzzing: %.0f s, seed %d: %d runs (%d valid, %d refused; "
              "%d JIT with a random --input-shape, %d damaged files; %d compared "
              "with ONNX Runtime): %d failures"
              % (args.seconds, args.seed, counts["runs"], counts["valid"], counts["refused"],
                 counts["jit"], counts["damaged"], counts["compared"], len(failures)))
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
