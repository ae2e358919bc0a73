#!/usr/bin/env python3
"""Mutation fuzzing of resq's passes: no pass may crash on IR the verifier
accepts (issue 16).

Seeds: every .mlir file under test/ (split at `// -----`) and the modules
resq-import makes of examples/models/*.onnx. Each mutant changes one seed a
little (an integer or float literal, a dimension, an element type, a line
deleted, duplicated or swapped, an attribute value). resq-opt first parses
and verifies it; a mutant it accepts is run through every resq pass and
named pipeline (`resq-opt --help`), one process each, in a scratch folder
(so that no archive outside it is ever written). A run that ends by a
signal, an exit status above 127, an `LLVM ERROR`, an assertion or a stack
dump is a crash: its mutant and command are kept in --crashes. A run that
passes --timeout seconds is a hang, kept likewise.

Usage: python3 test/fuzz/mutate_mlir.py --tools build/bin [--mutants 2000]
           [--seed 1] [--jobs 2] [--timeout 60] [--crashes DIR]
           [--seed-file F.mlir ...] [--pass "--resq-x=opts" ...]
--seed-file takes the seeds from these files instead (with the archives
beside them), --pass runs these pass arguments instead of every pass: so a
pass that needs calibration statistics (stats=FILE, bound to the seed's
weights) gets past its checks on mutants that keep the weights.
Prints the counts (runs that succeeded too: how deep the passes went);
exits 1 if anything crashed or hung.
"""
import argparse
import concurrent.futures
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRASH_TEXT = ("LLVM ERROR", "Assertion", "Stack dump", "PLEASE submit a bug report",
              "AddressSanitizer", "terminate called")
TYPES = ["f32", "f16", "bf16", "f64", "i1", "i8", "i16", "i32", "i64", "index"]
INTS = [0, 1, -1, 2, 3, 7, 8, 16, 127, 128, 255, 256, 2**31 - 1, -2**31, 2**40, 1 << 62]


def seeds(tools, work, files=None):
    found = []
    for path in files or []:
        with open(path) as f:
            found.append((path, f.read()))
        for archive in glob.glob(os.path.join(os.path.dirname(os.path.abspath(path)),
                                              "*.safetensors")):
            shutil.copy(archive, work)
    for path in [] if files else sorted(glob.glob(os.path.join(REPO, "test", "**", "*.mlir"),
                                                  recursive=True)):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for part in text.split("// -----"):
            lines = [l for l in part.splitlines() if not l.lstrip().startswith("//")]
            body = "\n".join(lines).strip()
            if body:
                found.append((os.path.relpath(path, REPO), body + "\n"))
    for model in [] if files else sorted(glob.glob(os.path.join(REPO, "examples", "models",
                                                                 "*.onnx"))):
        out = os.path.join(work, os.path.basename(model) + ".mlir")
        result = subprocess.run([os.path.join(tools, "resq-import"), model, "-o", out,
                                 "--params", out + ".safetensors"], capture_output=True)
        if result.returncode == 0:
            with open(out) as f:
                found.append((os.path.relpath(model, REPO), f.read()))
    # Negative tests (expected-error) do not verify; their mutants rarely
    # would. Keep the seeds resq-opt accepts as they are.
    opt = os.path.join(tools, "resq-opt")
    kept = []
    for name, text in found:
        path = os.path.join(work, "seed.mlir")
        with open(path, "w") as f:
            f.write(text)
        result = run([opt, path, "-o", os.devnull], work, 60)
        if result is not None and result.returncode == 0:
            kept.append((name, text))
    return kept


def replace(text, m, value):
    return text[:m.start()] + value + text[m.end():]


def mutate(text, rng):
    """One small change. Most keep the IR well formed (a literal, an
    attribute value, a splat, a dimension changed everywhere at once), so
    that the verifier accepts them and the passes see them; the rest (a
    line deleted, duplicated or swapped) try the parser and verifiers."""
    kind = rng.choices(["int", "float", "dim", "same-dim", "type", "splat", "attr-int",
                        "drop-attr", "delete", "duplicate", "swap"],
                       [3, 2, 1, 4, 1, 3, 4, 2, 1, 1, 1])[0]
    if kind == "int":
        spots = list(re.finditer(r"(?<![\w.%#@])-?\d+(?![\w.])", text))
        if spots:
            return replace(text, rng.choice(spots), str(rng.choice(INTS))), kind
    if kind == "float":
        spots = list(re.finditer(r"-?\d+\.\d+(e[+-]?\d+)?", text))
        if spots:
            value = rng.choice(["0.0", "-0.0", "1.0e+38", "-1.0e+38", "1.0e-45", "0x7FC00000",
                                "0.5", "3.0", "-2.0"])
            return replace(text, rng.choice(spots), value), kind
    if kind == "dim":
        spots = list(re.finditer(r"(?<=[<x])\d+(?=x)", text))
        if spots:
            return replace(text, rng.choice(spots), str(rng.choice([0, 1, 2, 3, 5, 64, 4096]))), kind
    if kind == "same-dim":  # every occurrence of one dimension: shapes stay consistent
        dims = sorted(set(re.findall(r"(?<=[<x])\d+(?=x)", text)))
        if dims:
            old = rng.choice(dims)
            new = str(rng.choice([1, 2, 3, 4, 8, 16, 17, 32, 64, 128]))
            return re.sub(r"(?<=[<x])" + old + r"(?=x)", new, text), kind
    if kind == "type":
        spots = list(re.finditer(r"\b(" + "|".join(TYPES) + r")\b", text))
        if spots:
            return replace(text, rng.choice(spots), rng.choice(TYPES)), kind
    if kind == "splat":  # a constant's value
        spots = list(re.finditer(r"(?<=dense<)[^<>\[\]]+(?=>)", text))
        if spots:
            value = rng.choice(["0", "1", "-1", "2", "127", "-128", "0.0", "-0.5", "1.0e+30",
                                "0x7FC00000", "0x7F800000", "true", "false"])
            return replace(text, rng.choice(spots), value), kind
    if kind == "attr-int":  # an integer attribute value (name = 3 : i64, seed 2, ...)
        spots = list(re.finditer(r"(?<=[=\s])-?\d+(?=\s*:\s*i\d+|\s*[,}\]])", text))
        if spots:
            return replace(text, rng.choice(spots), str(rng.choice(INTS))), kind
    if kind == "drop-attr":  # one entry of an attribute dictionary
        spots = list(re.finditer(r"(?<=[{,])\s*[a-z_][\w.]*\s*=\s*[^,{}]+,?", text))
        if spots:
            return replace(text, rng.choice(spots), ""), kind
    lines = text.splitlines()
    if len(lines) > 2:
        i = rng.randrange(len(lines))
        if kind == "delete":
            return "\n".join(lines[:i] + lines[i + 1:]) + "\n", kind
        if kind == "duplicate":
            return "\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]) + "\n", kind
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines) + "\n", "swap"
    return text, "none"


def crashed(result):
    if result is None:
        return "hang"
    if result.returncode < 0 or result.returncode > 127:
        return f"exit {result.returncode}"
    for text in CRASH_TEXT:
        if text in result.stderr:
            return text
    return None


def run(command, cwd, timeout):
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def try_mutant(args, passes, index, text):
    """Returns (accepted, runs, succeeded runs, [(why, command)])."""
    with tempfile.TemporaryDirectory(prefix="resq-mutant-") as scratch:
        path = os.path.join(scratch, "mutant.mlir")
        with open(path, "w") as f:
            f.write(text)
        # A mutant of an imported model gets a copy of the archive it names,
        # so the passes that rewrite weights run (and write only here).
        for archive in glob.glob(os.path.join(args.work, "*.safetensors")):
            if os.path.basename(archive) in text:
                shutil.copy(archive, scratch)
        opt = os.path.join(args.tools, "resq-opt")
        problems = []
        result = run([opt, path, "-o", os.devnull], scratch, args.timeout)
        why = crashed(result)
        if why:  # the parser or a verifier crashed
            keep = os.path.join(args.crashes, f"mutant-{args.seed}-{index}.mlir")
            shutil.copy(path, keep)
            return False, 1, 0, [(why, [opt, keep])]
        if result.returncode != 0:
            return False, 1, 0, []
        runs, succeeded = 1, 0
        if args.verify_only:
            return True, runs, succeeded, []
        for p in passes:
            command = [opt, path, p, "-o", os.devnull]
            result = run(command, scratch, args.timeout)
            runs += 1
            succeeded += result is not None and result.returncode == 0
            why = crashed(result)
            if why:
                problems.append((why, [opt, "mutant.mlir", p]))
        if problems:
            keep = os.path.join(args.crashes, f"mutant-{args.seed}-{index}.mlir")
            shutil.copy(path, keep)
            problems = [(why, [command[0], keep] + command[2:]) for why, command in problems]
        return True, runs, succeeded, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.path.join(REPO, "build/bin"))
    parser.add_argument("--mutants", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--crashes", default="mutant-crashes")
    parser.add_argument("--seed-file", action="append", default=[],
                        help="seed from this .mlir file (and the archives beside it) only")
    parser.add_argument("--pass", dest="passes", action="append", default=[],
                        help="run this pass argument instead of every pass")
    parser.add_argument("--verify-only", action="store_true",
                        help="only count the mutants the verifier accepts (no passes)")
    args = parser.parse_args()
    args.tools = os.path.abspath(args.tools)
    os.makedirs(args.crashes, exist_ok=True)
    args.crashes = os.path.abspath(args.crashes)

    help_text = subprocess.run([os.path.join(args.tools, "resq-opt"), "--help"],
                               capture_output=True, text=True).stdout
    passes = args.passes or sorted(set(re.findall(r"^\s+(--resq-[a-z0-9-]+)", help_text,
                                                  re.M)))
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="resq-seeds-") as work:
        args.work = work
        corpus = seeds(args.tools, work, args.seed_file)
        print(f"{len(corpus)} seeds that verify, {len(passes)} passes and pipelines, "
              f"{args.mutants} mutants (seed {args.seed})", flush=True)
        mutants = []
        for i in range(args.mutants):
            _, text = rng.choice(corpus)
            mutated, _kind = mutate(text, rng)
            mutants.append(mutated)
        accepted = runs = succeeded = 0
        problems = []
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(try_mutant, args, passes, i, t) for i, t in enumerate(mutants)]
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                ok, n, good, found = future.result()
                accepted += ok
                runs += n
                succeeded += good
                problems += found
                if done % 200 == 0:
                    print(f"  {done} mutants, {accepted} verified, {runs} runs "
                          f"({succeeded} passes succeeded), {len(problems)} crashes or hangs",
                          flush=True)
    print(f"mutants {args.mutants}, accepted by the verifier {accepted}, resq-opt runs {runs}, "
          f"pass runs that succeeded {succeeded}, crashes or hangs {len(problems)}")
    for why, command in problems[:50]:
        print(f"  {why}: {' '.join(command)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
