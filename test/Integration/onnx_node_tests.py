#!/usr/bin/env python3
"""Runs ONNX's node conformance tests through resq-compile and resq-run.

Every test of ONNX's test data (Debian's libonnx-testdata by default) whose
model uses only ops that resq-import supports is compiled with resq-compile
and run with resq-run on the test's own input_*.pb files, the user-facing
path of docs/compiling.md. The .pb files resq-run writes are compared with
the test's output_*.pb using ONNX's backend-test tolerance (rtol 1e-3,
atol 1e-7; exact for integers and bool).

The report is a table per op (a test counts toward its "main op", the op
named in the test's name) and every failing test with the stage that failed
(compile: resq-compile, which imports the model, refused it; run: resq-run
failed; compare: outputs differ; data: the test data contradicts its model;
harness: this script could not set up or read the test) and the first line
of the tool's diagnostic.

Each distinct model is compiled once: compiled folders are cached under the
sha256 of the model file, the compile flags and the tools. --cache keeps
them between runs (the 1.12 data has no two identical models, so within one
run nothing is reused).

Every test runs as ONNX ships it. resq compiles static shapes, and many
tests feed the values that decide a shape (Reshape's target, Slice's starts,
Unsqueeze's axes, Range's bounds) or Trilu's k as graph inputs. resq-compile
refuses such a model ahead of time (it cannot know the values); the test then
runs the way a user of such a model would run it: `resq-run model.onnx
input_*.pb`, which JIT-compiles the model specialized on the values of the
inputs that the compilation needs (the others stay run-time inputs). The
report lists the tests that ran this way ("JIT") and the inputs fixed.

Run from the repository root (2 cores: keep --jobs at most 2):
  python3 test/Integration/onnx_node_tests.py --jobs 2 --markdown report.md

Exit status 0 when every selected test passes, 1 otherwise.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import onnx
from onnx import numpy_helper

OPS = [
    "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Reciprocal",
    "Neg", "Exp", "Sigmoid", "Tanh", "Relu", "Softmax", "ReduceMean",
    "ReduceSum", "ReduceMax", "Gather", "Reshape", "Transpose", "Unsqueeze",
    "Squeeze", "Concat", "Slice", "Split", "Expand", "Where", "Equal", "Less",
    "Greater", "Cast", "Shape", "ConstantOfShape", "Range", "Constant",
    "Identity", "Trilu", "Flatten", "Cos", "Sin",
    "RMSNormalization", "RotaryEmbedding", "Attention",
]
# Test names that do not spell their op.
NAME_ALIASES = {"tril": "Trilu", "triu": "Trilu"}

RTOL, ATOL = 1e-3, 1e-7
# -O1 compiles about 10% faster than the default -O2, and every output of
# the 230 tests that passed was bit-identical at both levels (2026-11-28).
OPT_LEVEL = "-O1"
# Every ONNX constant stays in the IR, as the tests' weights are tiny.
INLINE_ALL = str(2**62)
# Characters resq-run replaces by '_' in output file names.
UNSAFE_IN_FILE_NAMES = re.compile(r"[/\\:]")

# Expected outputs in Debian's ONNX 1.12 test data that newer ONNX corrected.
# A mismatch on these is reported at stage "data", with the evidence.
KNOWN_DATA_ISSUES = {
    "test_cast_FLOAT_to_BFLOAT16":
        "ONNX 1.12's expected values truncate to bfloat16; ONNX's reference "
        "evaluator (onnx 1.23) and ONNX Runtime 1.32 round to nearest even, as "
        "resq does (0x3EF5EEB0 -> 0.48046875, the data says 0.478516)",
}


class Failure(Exception):
    def __init__(self, stage, reason):
        super().__init__(reason)
        self.stage, self.reason = stage, reason


def first_line(text, prefer=r"error"):
    """The first line of TEXT that mentions PREFER, else its first non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if re.search(prefer, line, re.I):
            return line[:300]
    return lines[0][:300] if lines else "(no output)"


def run(stage, cmd, timeout):
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(stage, f"timed out after {timeout} s")
    if result.returncode != 0:
        reason = first_line(result.stderr or result.stdout)
        # Diagnostics name files by their full (temporary) path: keep the name.
        reason = re.sub(r"(?:/[^\s:'/]+)+/([^\s:'/]+\.(?:onnx|mlir|pb|so|safetensors))",
                        r"\1", reason)
        raise Failure(stage, f"exit {result.returncode}: {reason}")
    return result


# ---------------------------------------------------------------- selection

def model_ops(model):
    return sorted({(node.domain or "", node.op_type) for node in model.graph.node})


def select_tests(data, pattern):
    tests = []
    allowed = set(OPS)
    for name in sorted(os.listdir(data)):
        if pattern and not re.search(pattern, name):
            continue
        path = os.path.join(data, name, "model.onnx")
        if not os.path.isfile(path):
            continue
        model = onnx.load(path, load_external_data=False)
        ops = model_ops(model)
        if ops and all(domain in ("", "ai.onnx") and op in allowed for domain, op in ops):
            tests.append(name)
    return tests


def main_op(test):
    """The op named by the test: test_reduce_max_keepdims -> ReduceMax."""
    tokens = test[len("test_"):].split("_")
    by_lower = {op.lower(): op for op in OPS}
    for k in range(len(tokens), 0, -1):
        key = "".join(tokens[:k]).lower()
        if key in by_lower:
            return by_lower[key]
        if key in NAME_ALIASES:
            return NAME_ALIASES[key]
    return f"({tokens[0]})"  # an op outside the list, e.g. an expanded function


# ------------------------------------------------------------ test data I/O

class BF16(np.ndarray):
    """bfloat16 values held as float32 (numpy has no bfloat16)."""


def read_proto(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return proto


def bf16_as_uint16(proto, declared):
    """ONNX 1.12's test data stores bfloat16 tensors as UINT16 bits."""
    return declared == onnx.TensorProto.BFLOAT16 and proto.data_type == onnx.TensorProto.UINT16


def to_array(proto, declared=None):
    """The values of PROTO; DECLARED: the ONNX element type the model gives it."""
    array = numpy_helper.to_array(proto)
    if proto.data_type == onnx.TensorProto.BFLOAT16 or bf16_as_uint16(proto, declared):
        # onnx hands back the raw bits as uint16 (or ml_dtypes.bfloat16).
        bits = np.asarray(array).view(np.uint16).astype(np.uint32) << 16
        array = bits.view(np.float32).reshape(array.shape).view(BF16)
    return array


def dtype_name(array):
    return "bfloat16" if isinstance(array, BF16) else array.dtype.name


def value_kind(value_info):
    return value_info.type.WhichOneof("value")


def output_file(folder, name):
    """The file resq-run writes for the output NAME (--output-format pb)."""
    return os.path.join(folder, UNSAFE_IN_FILE_NAMES.sub("_", name) + ".pb")


def compare(index, expected, got):
    """None if the output GOT equals EXPECTED, else the reason."""
    if dtype_name(got) != dtype_name(expected):
        return f"output {index}: element type {dtype_name(got)}, expected {dtype_name(expected)}"
    if got.shape != expected.shape:
        return f"output {index}: shape {list(got.shape)}, expected {list(expected.shape)}"
    if expected.dtype.kind == "f":
        got, ref = np.asarray(got, np.float64), np.asarray(expected, np.float64)
        close = np.isclose(got, ref, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        got, ref = got.astype(np.int64), expected.astype(np.int64)
        close = got == ref
    if close.all():
        return None
    bad = np.argwhere(~close)
    where = tuple(int(i) for i in bad[0])
    return (f"output {index}: {len(bad)}/{expected.size} elements differ; "
            f"at {list(where)} got {got[where]:g}, expected {ref[where]:g}")


# ----------------------------------------------------------- compile cache

def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class CompileCache:
    """resq-compile's output folders, one per distinct model and flags."""

    def __init__(self, root, tools, timeout):
        self.root, self.timeout = root, timeout
        self.compiler = os.path.join(tools, "resq-compile")
        # A rebuilt compiler or runtime must not reuse folders of the old one.
        runtime = os.path.join(tools, "..", "lib", "libresq_runtime.so")
        self.tools_digest = "".join(file_digest(p) for p in (self.compiler, runtime)
                                    if os.path.isfile(p))
        self.lock = threading.Lock()
        self.key_locks, self.failures = {}, {}
        self.compiled = self.reused = 0
        os.makedirs(root, exist_ok=True)

    def key(self, model_path, flags):
        digest = hashlib.sha256(file_digest(model_path).encode())
        digest.update("\0".join(flags + [self.tools_digest]).encode())
        return digest.hexdigest()

    def get(self, model_path, flags):
        """The compiled folder of MODEL_PATH, compiling it if no run did yet."""
        key = self.key(model_path, flags)
        with self.lock:
            key_lock = self.key_locks.setdefault(key, threading.Lock())
        with key_lock:
            folder = os.path.join(self.root, key)
            if key in self.failures:
                failure = self.failures[key]
                raise Failure(failure.stage, failure.reason)
            if os.path.isfile(os.path.join(folder, "model.so")):
                with self.lock:
                    self.reused += 1
                return folder
            # Compile beside the cache entry and rename: another run sharing
            # the cache never sees a half-written folder.
            staging = tempfile.mkdtemp(prefix=key[:16] + "-", dir=self.root)
            try:
                run("compile", [self.compiler, model_path, "-o", staging, OPT_LEVEL,
                                "--inline-weights-below", INLINE_ALL] + flags, self.timeout)
            except Failure as failure:
                shutil.rmtree(staging, ignore_errors=True)
                self.failures[key] = failure
                raise
            try:
                os.rename(staging, folder)
            except OSError:  # another run stored it first
                shutil.rmtree(staging, ignore_errors=True)
            with self.lock:
                self.compiled += 1
            return folder


# ----------------------------------------------------------------- one test

def shape_flags(inputs):
    """--input-shape for symbolic dims and for dims the test data contradicts."""
    flags = []
    for vi, array, _ in inputs:
        tt = vi.type.tensor_type
        declared = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
        if tt.HasField("shape") and len(declared) != array.ndim:
            continue  # test data of another rank: reported after the compile
        if array.ndim > 0 and (not tt.HasField("shape") or declared != list(array.shape)):
            flags.append(f"--input-shape={vi.name}=" + "x".join(str(d) for d in array.shape))
    return flags


def compile_test(model_path, inputs, result, cache):
    """The folder resq-compile wrote, or None when resq-compile needs the
    values of some inputs at compile time: the test then runs JIT-compiled."""
    try:
        return cache.get(model_path, shape_flags(inputs))
    except Failure as failure:
        if "known at import time" not in failure.reason:
            raise
        return None


SPECIALIZED = re.compile(r"compiled with the value of input '([^']*)' fixed")


def run_test(test, args, cache):
    folder = os.path.join(args.data, test)
    result = {"test": test, "op": main_op(test), "stage": None, "reason": None,
              "notes": []}
    work = tempfile.mkdtemp(prefix=f"{test}-", dir=args.work)
    start = time.time()
    try:
        model_path = os.path.join(folder, "model.onnx")
        model = onnx.load(model_path, load_external_data=False)
        initializers = {init.name for init in model.graph.initializer}
        graph_inputs = [vi for vi in model.graph.input if vi.name not in initializers]
        data_set = os.path.join(folder, "test_data_set_0")
        n_inputs = len([f for f in os.listdir(data_set) if re.match(r"input_\d+\.pb$", f)])
        n_outputs = len([f for f in os.listdir(data_set) if re.match(r"output_\d+\.pb$", f)])
        if n_inputs > len(graph_inputs):
            raise Failure("data", f"{n_inputs} input files for {len(graph_inputs)} graph inputs")

        # Tensor inputs as (graph input, values, file); sequences and
        # optionals have no .pb form resq-run reads.
        inputs, non_tensor = [], None
        for i in range(n_inputs):
            kind = value_kind(graph_inputs[i])
            if kind != "tensor_type":
                non_tensor = f"input {i} is a {kind}"
                continue
            path = os.path.join(data_set, f"input_{i}.pb")
            declared = graph_inputs[i].type.tensor_type.elem_type
            proto = read_proto(path)
            if bf16_as_uint16(proto, declared):
                # resq-run reads the element type from the file: relabel the
                # same bits as what the model declares (newer ONNX does).
                proto.data_type = onnx.TensorProto.BFLOAT16
                path = os.path.join(work, f"input_{i}.pb")
                with open(path, "wb") as f:
                    f.write(proto.SerializeToString())
            inputs.append((graph_inputs[i], to_array(proto, declared), path))

        compiled = compile_test(model_path, inputs, result, cache)
        for vi, array, _ in inputs:
            tt = vi.type.tensor_type
            if tt.HasField("shape") and len(tt.shape.dim) != array.ndim:
                raise Failure("data", f"input '{vi.name}' has shape {list(array.shape)} in the "
                              f"test data; the model declares rank {len(tt.shape.dim)}")
        if non_tensor:
            raise Failure("harness", non_tensor + " (compiled anyway)")
        outputs = list(model.graph.output[:n_outputs])
        for i, vi in enumerate(outputs):
            if value_kind(vi) != "tensor_type":
                raise Failure("harness", f"output {i} is a {value_kind(vi)} (compiled anyway)")
        expected = [to_array(read_proto(os.path.join(data_set, f"output_{i}.pb")),
                             vi.type.tensor_type.elem_type) for i, vi in enumerate(outputs)]

        written = os.path.join(work, "outputs")
        if compiled:
            command = [compiled]
        else:
            command = [model_path] + shape_flags(inputs)
        ran = run("run", [os.path.join(args.tools, "resq-run")] + command
                  + [path for _, _, path in inputs]
                  + ["--output-dir", written, "--output-format", "pb"], args.timeout)
        if not compiled:
            fixed = SPECIALIZED.findall(ran.stderr)
            result["notes"].append("JIT, fixed: " + ", ".join(fixed))
        reasons = []
        for i, (vi, want) in enumerate(zip(outputs, expected)):
            path = output_file(written, vi.name)
            if not os.path.isfile(path):
                raise Failure("run", f"no file {os.path.basename(path)} for output {i} '{vi.name}'")
            got = to_array(read_proto(path), vi.type.tensor_type.elem_type)
            reasons.append(compare(i, want, got))
        reasons = [r for r in reasons if r]
        if reasons and test in KNOWN_DATA_ISSUES:
            raise Failure("data", KNOWN_DATA_ISSUES[test])
        if reasons:
            raise Failure("compare", "; ".join(reasons))
    except Failure as failure:
        result["stage"], result["reason"] = failure.stage, failure.reason
    except Exception as error:  # a harness bug: report it, keep going
        result["stage"], result["reason"] = "harness", f"{type(error).__name__}: {error}"
    finally:
        if args.keep:
            result["work"] = work
        else:
            shutil.rmtree(work, ignore_errors=True)
    result["seconds"] = time.time() - start
    return result


# ------------------------------------------------------------------- report

def markdown(results, data, seconds, jobs):
    table = {}
    for r in results:
        row = table.setdefault(r["op"], [0, 0, 0])
        row[0 if r["stage"] is None else 1] += 1
        if r["stage"] is None and r["notes"]:
            row[2] += 1
    order = [op for op in OPS if op in table] + sorted(op for op in table if op not in OPS)
    passed = sum(1 for r in results if r["stage"] is None)
    jit = sum(row[2] for row in table.values())
    lines = [
        "# ONNX node tests through resq-compile and resq-run",
        "",
        f"Test data: `{data}`. Compiled with `resq-compile {OPT_LEVEL}`, run with "
        f"`resq-run` on the tests' `input_*.pb`; where resq-compile needs input values "
        f"at compile time, JIT-compiled by `resq-run model.onnx input_*.pb` specialized "
        f"on them ('JIT'). Tolerance: rtol {RTOL:g}, atol {ATOL:g} "
        "for floats; exact for integers and bool. A test counts toward the op named "
        "in its name (names in parentheses are ops outside the supported list: "
        "expanded function forms that use only supported ops).",
        "",
    ]
    lines += [f"**Total: {passed} / {len(results)} passed ({100 * passed / len(results):.1f}%)"
              f"; {len(results) - passed} failed. Wall time {seconds:.0f} s "
              f"({jobs} at a time).**", ""]
    lines += ["| op | passed | failed | total | passed by JIT |",
              "|---|---:|---:|---:|---:|"]
    for op in order:
        p, f, b = table[op]
        lines.append(f"| {op} | {p} | {f} | {p + f} | {b} |")
    lines.append(f"| **all** | {passed} | {len(results) - passed} | {len(results)} | {jit} |")
    failures = [r for r in results if r["stage"] is not None]
    lines += ["", f"## Failures ({len(failures)})", "", "| test | stage | reason |", "|---|---|---|"]
    for r in failures:
        reason = r["reason"].replace("|", "\\|").replace("\n", " ")
        if r["notes"]:
            reason += f" ({'; '.join(r['notes'])})"
        lines.append(f"| {r['test']} | {r['stage']} | {reason} |")
    jit_passes = [r for r in results if r["stage"] is None and r["notes"]]
    if jit_passes:
        lines += ["", f"## Passed by JIT, specialized on input values ({len(jit_passes)})", ""]
        lines += [f"- {r['test']}: {'; '.join(r['notes'])}" for r in jit_passes]
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node",
                        help="folder of ONNX node tests (test_*/model.onnx, test_data_set_0)")
    parser.add_argument("--tools", default=os.path.join(here, "..", "..", "build", "bin"),
                        help="folder of resq-compile and resq-run")
    parser.add_argument("--filter", help="run only tests whose name matches this regex")
    parser.add_argument("--jobs", type=int, default=1,
                        help="tests run at once (default 1; each runs one process at a time)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per subprocess")
    parser.add_argument("--markdown", help="write the report as Markdown to this file")
    parser.add_argument("--cache", help="folder of compiled models, reused by later runs "
                        "(default: a temporary folder in the work folder, removed at the end)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (printed for failures)")
    parser.add_argument("--scratch", default=None,
                        help="where the work folder goes (default: TMPDIR)")
    parser.add_argument("--list", action="store_true", help="list the selected tests and exit")
    args = parser.parse_args()
    args.tools = os.path.abspath(args.tools)

    tests = select_tests(args.data, args.filter)
    if args.list:
        for test in tests:
            print(f"{test}  [{main_op(test)}]")
        return 0
    if not tests:
        sys.exit("no test selected")
    print(f"{len(tests)} tests, {args.jobs} at a time", flush=True)

    start = time.time()
    scratch = tempfile.mkdtemp(prefix="onnx-node-tests-", dir=args.scratch)
    args.work = os.path.join(scratch, "tests")
    os.makedirs(args.work)
    cache = CompileCache(os.path.abspath(args.cache or os.path.join(scratch, "cache")),
                         args.tools, args.timeout)
    results = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run_test, test, args, cache) for test in tests]
            for future in concurrent.futures.as_completed(futures):
                r = future.result()
                results.append(r)
                status = "PASS" if r["stage"] is None else f"FAIL [{r['stage']}] {r['reason']}"
                if r["notes"]:
                    status += f" ({'; '.join(r['notes'])})"
                extra = f" ({r['work']})" if args.keep and r["stage"] else ""
                print(f"{len(results):4}/{len(tests)} {r['test']}: {status}{extra}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.time() - start
    results.sort(key=lambda r: r["test"])

    report = markdown(results, args.data, seconds, max(1, args.jobs))
    print("\n" + report)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report)
    passed = sum(1 for r in results if r["stage"] is None)
    by_stage = {}
    for r in results:
        if r["stage"]:
            by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    print(f"{passed}/{len(results)} passed; failures by stage: "
          + (", ".join(f"{s} {n}" for s, n in sorted(by_stage.items())) or "none"))
    print(f"wall time {seconds:.0f} s with {max(1, args.jobs)} jobs; "
          f"{cache.compiled} models compiled, {cache.reused} reused from the cache")
    if args.markdown:
        print(f"report: {args.markdown}")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
