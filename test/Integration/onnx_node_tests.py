#!/usr/bin/env python3
"""Runs ONNX's node conformance tests through resq-import and upstream MLIR.

Every test of ONNX's test data (Debian's libonnx-testdata by default) whose
model uses only ops that resq-import supports is imported with all weights
inline, wrapped in an @entry function that builds the test's inputs as
constants and prints every result, lowered with resq-opt --resq-lower-to-cpu
(as import_numerics.py does), run with mlir-runner, and compared with the test's
expected outputs using ONNX's backend-test tolerance (rtol 1e-3, atol 1e-7;
exact for integers and bool).

The report is a table per op (a test counts toward its "main op", the op
named in the test's name) and every failing test with the stage that failed
(import, lower, run, compare; data: the test data contradicts its model;
harness: this script could not build or read the program) and why.

By default a test runs as ONNX ships it. Two opt-in adaptations reach
further: --bake-inputs makes a test's axes/shape/starts/k... inputs
initializers when resq needs them at import time (it compiles static
shapes), and --convert-opset 13 lifts tests older than resq's first opset
with onnx.version_converter. Passes that needed either are listed.

Run from the repository root (2 cores: keep --jobs at most 2):
  python3 test/Integration/onnx_node_tests.py --jobs 2 --markdown report.md
  python3 test/Integration/onnx_node_tests.py --bake-inputs --convert-opset 13

Exit status 0 when every selected test passes, 1 otherwise.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_numerics import LOWERING  # noqa: E402

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
INLINE_ALL = str(2**62)

# numpy dtype name -> MLIR element type.
MLIR_TYPES = {
    "float32": "f32", "float16": "f16", "float64": "f64", "bfloat16": "bf16",
    "int64": "i64", "int32": "i32", "int16": "i16", "int8": "i8",
    "uint64": "i64", "uint32": "i32", "uint16": "i16", "uint8": "i8",
    "bool": "i1",
}
# Result element types printed as they are, and the printer of each.
PRINTERS = {"f32": "F32", "f64": "F64", "i32": "I32", "i64": "I64"}


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
        # Diagnostics name the file by its full path: keep the file name.
        reason = re.sub(r"(?:/[^\s:/]+)+/([^\s:/]+\.(?:onnx|mlir))", r"\1", reason)
        raise Failure(stage, f"exit {result.returncode}: {reason}")
    return result.stdout


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


def load_tensor(path, declared=None):
    """The tensor in PATH; DECLARED: the ONNX element type the model gives it."""
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    array = numpy_helper.to_array(proto)
    bf16 = proto.data_type == onnx.TensorProto.BFLOAT16 or (
        # ONNX 1.12's test data stores bfloat16 tensors as UINT16 bits.
        declared == onnx.TensorProto.BFLOAT16 and proto.data_type == onnx.TensorProto.UINT16)
    if bf16:
        # onnx hands back the raw bits as uint16 (or ml_dtypes.bfloat16).
        bits = np.asarray(array).view(np.uint16).astype(np.uint32) << 16
        array = bits.view(np.float32).reshape(array.shape).view(BF16)
    return array


def dtype_name(array):
    return "bfloat16" if isinstance(array, BF16) else array.dtype.name


def value_kind(value_info):
    return value_info.type.WhichOneof("value")


def mlir_element(array):
    name = dtype_name(array)
    if name not in MLIR_TYPES:
        raise Failure("harness", f"no MLIR type for numpy dtype {name}")
    return MLIR_TYPES[name]


def tensor_type(shape, element):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def nested(values, shape, fmt):
    if not shape:
        return fmt(values[0])
    if len(shape) == 1:
        return "[" + ", ".join(fmt(v) for v in values) + "]"
    step = len(values) // shape[0] if shape[0] else 0
    return "[" + ", ".join(nested(values[i * step:(i + 1) * step], shape[1:], fmt)
                           for i in range(shape[0])) + "]"


def dense_literal(array, element):
    """arith.constant value of ARRAY as ELEMENT (exact, nan/inf included)."""
    shape = list(array.shape)
    if array.size == 0:
        return "dense<>"
    if element == "i1":
        values = [bool(v) for v in array.reshape(-1)]
        return "dense<" + nested(values, shape, lambda v: "true" if v else "false") + ">"
    if element == "bf16":
        bits = (np.asarray(array, np.float32).view(np.uint32) >> 16).astype("<u2")
        return 'dense<"0x' + np.ascontiguousarray(bits).tobytes().hex().upper() + '">'
    if element in ("f32", "f16", "f64"):
        # The hex form is the raw little-endian buffer: exact for every value.
        return 'dense<"0x' + np.ascontiguousarray(array).tobytes().hex().upper() + '">'
    values = [int(v) for v in array.reshape(-1)]
    bits = int(element[1:])
    # Signless integers: write unsigned values (uint8 255) in two's complement.
    values = [v - (1 << bits) if v >= 1 << (bits - 1) else v for v in values]
    return "dense<" + nested(values, shape, str) + ">"


# ------------------------------------------------------- the imported @main

SIGNATURE = re.compile(r"^\s*func\.func @main\((.*)\)\s*->\s*(.*?)\s*\{\s*$", re.M)
TYPED = re.compile(r"(tensor<[^>]*>)(\s*\{[^}]*\})?")


def parse_tensor_type(text):
    body = text[len("tensor<"):-1]
    parts = body.split("x")
    return [int(d) if d != "?" else -1 for d in parts[:-1]], parts[-1]


def main_signature(mlir):
    match = SIGNATURE.search(mlir)
    if not match:
        raise Failure("harness", "no 'func.func @main' signature found in the import")
    args_text, results_text = match.groups()
    args = [(t, "resq.unsigned" in (a or "")) for t, a in TYPED.findall(args_text)]
    results = [(t, "resq.unsigned" in (a or "")) for t, a in TYPED.findall(results_text)]
    return args, results


def printable(index, value, rtype, unsigned):
    """IR converting result VALUE (RTYPE) to a printable tensor; (lines, name, type, printer)."""
    shape, element = parse_tensor_type(rtype)
    if element in PRINTERS:
        return [], value, rtype, PRINTERS[element]
    if element in ("f16", "bf16"):
        target, op = "f32", f"arith.extf %a : {element} to f32"
    elif element == "i1":
        target, op = "i32", "arith.extui %a : i1 to i32"
    elif element in ("i8", "i16"):
        ext = "arith.extui" if unsigned else "arith.extsi"
        target, op = "i32", f"{ext} %a : {element} to i32"
    else:
        raise Failure("harness", f"no printer for result type {rtype}")
    out_type = tensor_type(shape, target)
    dims = ", ".join(f"d{i}" for i in range(len(shape)))
    identity = f"affine_map<({dims}) -> ({dims})>"
    iterators = ", ".join('"parallel"' for _ in shape)
    lines = [
        f"%e{index} = tensor.empty() : {out_type}",
        f"%p{index} = linalg.generic {{indexing_maps = [{identity}, {identity}], "
        f"iterator_types = [{iterators}]}} ins({value} : {rtype}) outs(%e{index} : {out_type}) {{",
        f"^bb0(%a: {element}, %b: {target}):",
        f"  %x = {op}",
        f"  linalg.yield %x : {target}",
        f"}} -> {out_type}",
    ]
    return lines, f"%p{index}", out_type, PRINTERS[target]


def build_entry(args, results, inputs):
    lines = []
    operands = []
    for i, ((atype, _), array) in enumerate(zip(args, inputs)):
        shape, element = parse_tensor_type(atype)
        lines.append(f"%in{i} = arith.constant {dense_literal(array, element)} : {atype}")
        operands.append(f"%in{i}")
    arg_types = ", ".join(t for t, _ in args)
    result_types = ", ".join(t for t, _ in results)
    if len(results) == 1:
        lines.append(f"%r = call @main({', '.join(operands)}) : ({arg_types}) -> {result_types}")
        values = ["%r"]
    else:
        lines.append(f"%r:{len(results)} = call @main({', '.join(operands)}) : "
                     f"({arg_types}) -> ({result_types})")
        values = [f"%r#{i}" for i in range(len(results))]
    printers = set()
    for i, ((rtype, unsigned), value) in enumerate(zip(results, values)):
        convert, name, ptype, printer = printable(i, value, rtype, unsigned)
        lines += convert
        element = parse_tensor_type(ptype)[1]
        unranked = f"tensor<*x{element}>"
        lines.append(f"%u{i} = tensor.cast {name} : {ptype} to {unranked}")
        lines.append(f"call @printMemref{printer}(%u{i}) : ({unranked}) -> ()")
        printers.add((printer, unranked))
    decls = [f"  func.func private @printMemref{p}({t})" for p, t in sorted(printers)]
    body = "\n".join("    " + line for line in lines)
    return "\n".join(decls) + f"\n  func.func @entry() {{\n{body}\n    return\n  }}\n}}\n"


# ------------------------------------------------------------ the printout

HEADER = re.compile(r"rank = (\d+) offset = \d+ sizes = \[([^\]]*)\] strides = \[[^\]]*\] data =")
NUMBER = re.compile(r"[-+]?(?:nan|inf|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)", re.I)


def parse_printout(text):
    """[(sizes, value tokens)] for every memref printed by printMemref*."""
    chunks = text.split("Unranked Memref")[1:]
    printed = []
    for chunk in chunks:
        match = HEADER.search(chunk)
        if not match:
            raise Failure("harness", "unparsable printMemref header: " + chunk[:120].strip())
        sizes = [int(s) for s in match.group(2).replace(",", " ").split()]
        data = chunk[match.end():]
        printed.append((sizes, NUMBER.findall(data)))
    return printed


def compare(index, expected, sizes, tokens):
    """None if the printed result (TOKENS) equals EXPECTED, else the reason."""
    if list(expected.shape) != sizes:
        return f"output {index}: shape {sizes}, expected {list(expected.shape)}"
    if expected.size == 0:
        return None  # printMemref prints stray values for empty memrefs
    if len(tokens) != expected.size:
        return f"output {index}: printed {len(tokens)} values for {expected.size} elements"
    if expected.dtype.kind == "f":
        got = np.array([float(t) for t in tokens], dtype=np.float64).reshape(expected.shape)
        ref = np.asarray(expected).astype(np.float64)
        close = np.isclose(got, ref, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        try:  # integers and bool are printed exactly
            got = np.array([int(t) for t in tokens], dtype=np.int64).reshape(expected.shape)
        except ValueError:
            return f"output {index}: non-integer values printed for {expected.dtype.name}"
        ref = expected.astype(np.int64)
        close = got == ref
    if close.all():
        return None
    bad = np.argwhere(~close)
    where = tuple(int(i) for i in bad[0])
    return (f"output {index}: {len(bad)}/{expected.size} elements differ; "
            f"at {list(where)} got {got[where]:g}, expected {ref[where]:g}")


# ----------------------------------------------------------------- one test

def run_test(test, args):
    folder = os.path.join(args.data, test)
    result = {"test": test, "op": main_op(test), "stage": None, "reason": None,
              "baked": None, "converted": None, "notes": []}
    work = tempfile.mkdtemp(prefix=f"onnxnode-{test}-", dir=args.scratch)
    start = time.time()
    try:
        model = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
        initializers = {init.name for init in model.graph.initializer}
        graph_inputs = [vi for vi in model.graph.input if vi.name not in initializers]
        data_set = os.path.join(folder, "test_data_set_0")
        n_inputs = len([f for f in os.listdir(data_set) if re.match(r"input_\d+\.pb$", f)])
        n_outputs = len([f for f in os.listdir(data_set) if re.match(r"output_\d+\.pb$", f)])

        # Test inputs (tensors only: sequences and optionals cannot be constants).
        tensors, non_tensor = [], None  # tensors: (graph input, array)
        for i in range(n_inputs):
            kind = value_kind(graph_inputs[i]) if i < len(graph_inputs) else "tensor_type"
            if kind != "tensor_type":
                non_tensor = f"input {i} is a {kind}"
                continue
            declared = graph_inputs[i].type.tensor_type.elem_type
            tensors.append((graph_inputs[i],
                            load_tensor(os.path.join(data_set, f"input_{i}.pb"), declared)))

        def import_model(path, tensors):
            shapes = []
            for vi, array in tensors:
                # Bind symbolic dims, and dims the test data contradicts.
                declared = [d.dim_value if d.HasField("dim_value") else None
                            for d in vi.type.tensor_type.shape.dim]
                has_shape = vi.type.tensor_type.HasField("shape")
                if has_shape and len(declared) != array.ndim:
                    continue  # test data of another rank: reported after the import
                if array.ndim > 0 and (not has_shape or declared != list(array.shape)):
                    shapes.append(f"--input-shape={vi.name}="
                                  + "x".join(str(d) for d in array.shape))
            run("import", [os.path.join(args.tools, "resq-import"), path, "-o", imported,
                           "--params", os.path.join(work, "model.safetensors"),
                           "--inline-weights-below", INLINE_ALL] + shapes, args.timeout)

        imported = os.path.join(work, "model.mlir")
        path = os.path.join(folder, "model.onnx")
        while True:
            try:
                import_model(path, tensors)
                break
            except Failure as failure:
                # Optional adaptations of the test, each tried once, then
                # the import again; the notes say which a result needed.
                if (args.convert_opset and "imports default-domain opset" in failure.reason
                        and not result["converted"]):
                    # ONNX's own version converter (e.g. Unsqueeze axes
                    # attribute -> input) lifts tests older than resq's opsets.
                    from onnx import version_converter
                    old = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
                    try:
                        model = version_converter.convert_version(model, args.convert_opset)
                    except Exception as error:
                        raise Failure("import", f"{failure.reason} (version converter: "
                                      f"{str(error).splitlines()[0][:120]})")
                    result["converted"] = f"opset {old}->{args.convert_opset}"
                    result["notes"].append(result["converted"])
                elif args.bake_inputs and "known at import time" in failure.reason and not result["baked"]:
                    # ONNX's tests feed axes, shapes, starts, k... as graph
                    # inputs; resq needs them at import time. Make the test's
                    # small integer inputs and its scalars initializers.
                    baked = [(vi, a) for vi, a in tensors if a.ndim == 0 or (
                        a.dtype.kind in "iu" and a.ndim == 1 and a.size <= 64)]
                    if not baked:
                        raise
                    names = {vi.name for vi, _ in baked}
                    for vi, array in baked:
                        model.graph.initializer.append(numpy_helper.from_array(array, vi.name))
                    if model.ir_version >= 4:
                        kept = [vi for vi in model.graph.input if vi.name not in names]
                        del model.graph.input[:]
                        model.graph.input.extend(kept)
                    tensors = [(vi, a) for vi, a in tensors if vi.name not in names]
                    result["baked"] = sorted(names)
                    result["notes"].append("baked: " + ", ".join(sorted(names)))
                else:
                    raise
                path = os.path.join(work, f"adapted{len(result['notes'])}.onnx")
                onnx.save(model, path)
        inputs = [array for _, array in tensors]
        for vi, array in tensors:
            tt = vi.type.tensor_type
            if tt.HasField("shape") and len(tt.shape.dim) != array.ndim:
                raise Failure("data", f"input '{vi.name}' has shape {list(array.shape)} in the "
                              f"test data; the model declares rank {len(tt.shape.dim)}")
        if non_tensor:
            raise Failure("harness", non_tensor + " (imported anyway)")
        for i, vi in enumerate(model.graph.output[:n_outputs]):
            if value_kind(vi) != "tensor_type":
                raise Failure("harness", f"output {i} is a {value_kind(vi)} (imported anyway)")
        expected = [load_tensor(os.path.join(data_set, f"output_{i}.pb"),
                                model.graph.output[i].type.tensor_type.elem_type)
                    for i in range(n_outputs)]

        text = open(imported).read()
        sig_args, sig_results = main_signature(text)
        if len(sig_args) != len(inputs):
            raise Failure("import", f"@main takes {len(sig_args)} arguments, the test gives "
                          f"{len(inputs)} inputs")
        if len(sig_results) != len(expected):
            raise Failure("import", f"@main returns {len(sig_results)} results, the test "
                          f"expects {len(expected)} outputs")
        for kind, sigs, arrays in (("argument", sig_args, inputs), ("result", sig_results, expected)):
            for i, ((ttype, unsigned), array) in enumerate(zip(sigs, arrays)):
                shape, element = parse_tensor_type(ttype)
                want = tensor_type(array.shape, mlir_element(array))
                if ttype != want:
                    raise Failure("import", f"{kind} {i} is {ttype}, the test's "
                                  f"{dtype_name(array)} tensor is {want}")
                if (array.dtype.kind == "u") != unsigned:
                    raise Failure("import", f"{kind} {i} ({dtype_name(array)}) is "
                                  f"{'' if unsigned else 'not '}marked resq.unsigned")

        text = text[: text.rstrip().rindex("}")] + build_entry(sig_args, sig_results, inputs)
        program = os.path.join(work, "program.mlir")
        open(program, "w").write(text)
        lowered = os.path.join(work, "lowered.mlir")
        run("lower", [os.path.join(args.tools, "resq-opt"), program,
                      LOWERING, "-o", lowered],
            args.timeout)
        text = open(lowered).read()
        text = re.sub(r"^module attributes \{.*?\} \{", "module {", text, count=1, flags=re.M)
        open(lowered, "w").write(text)
        lib = os.path.join(args.llvm, "lib")
        output = run("run", [os.path.join(args.llvm, "bin", "mlir-runner"), lowered, "-e", "entry",
                             "-entry-point-result=void",
                             f"-shared-libs={lib}/libmlir_runner_utils.so,"
                             f"{lib}/libmlir_c_runner_utils.so"], args.timeout)
        printed = parse_printout(output)
        if len(printed) != len(expected):
            raise Failure("harness", f"printed {len(printed)} results, expected {len(expected)}")
        reasons = [compare(i, e, s, v) for i, (e, (s, v)) in enumerate(zip(expected, printed))]
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

def markdown(results, data, bake):
    table = {}
    for r in results:
        row = table.setdefault(r["op"], [0, 0, 0])
        row[0 if r["stage"] is None else 1] += 1
        if r["stage"] is None and r["notes"]:
            row[2] += 1
    order = [op for op in OPS if op in table] + sorted(op for op in table if op not in OPS)
    passed = sum(1 for r in results if r["stage"] is None)
    adapted = sum(row[2] for row in table.values())
    lines = [
        "# ONNX node tests through resq-import + upstream MLIR",
        "",
        f"Test data: `{data}`. Tolerance: rtol {RTOL:g}, atol {ATOL:g} for floats; "
        "exact for integers and bool. A test counts toward the op named in its "
        "name (names in parentheses are ops outside the supported list: expanded "
        "function forms that use only supported ops).",
        "",
    ]
    if bake:
        lines += ["Adaptations (`--bake-inputs`, `--convert-opset`): where the import "
                  "needed a graph input at import time, the test's small integer inputs "
                  "were made initializers; models older than resq's opsets were lifted "
                  "with ONNX's version converter. 'adapted' counts the passes that "
                  "needed either; they are listed below the failures.", ""]
    lines += [f"**Total: {passed} / {len(results)} passed.**", ""]
    extra = " adapted |" if bake else ""
    lines += [f"| op | passed | failed | total |{extra}",
              "|---|---:|---:|---:|" + ("---:|" if bake else "")]
    for op in order:
        p, f, b = table[op]
        lines.append(f"| {op} | {p} | {f} | {p + f} |" + (f" {b} |" if bake else ""))
    lines.append(f"| **all** | {passed} | {len(results) - passed} | {len(results)} |"
                 + (f" {adapted} |" if bake else ""))
    failures = [r for r in results if r["stage"] is not None]
    lines += ["", f"## Failures ({len(failures)})", "", "| test | stage | reason |", "|---|---|---|"]
    for r in failures:
        reason = r["reason"].replace("|", "\\|").replace("\n", " ")
        if r["notes"]:
            reason += f" ({'; '.join(r['notes'])})"
        lines.append(f"| {r['test']} | {r['stage']} | {reason} |")
    adapted_passes = [r for r in results if r["stage"] is None and r["notes"]]
    if adapted_passes:
        lines += ["", f"## Passed after adaptation ({len(adapted_passes)})", ""]
        lines += [f"- {r['test']}: {'; '.join(r['notes'])}" for r in adapted_passes]
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node",
                        help="folder of ONNX node tests (test_*/model.onnx, test_data_set_0)")
    parser.add_argument("--tools", default=os.path.join(here, "..", "..", "build", "bin"),
                        help="folder of resq-import and resq-opt")
    parser.add_argument("--llvm", default="/usr/lib/llvm-22", help="LLVM 22 root")
    parser.add_argument("--filter", help="run only tests whose name matches this regex")
    parser.add_argument("--jobs", type=int, default=1, help="tests run at once (default 1; each runs one process at a time)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per subprocess")
    parser.add_argument("--markdown", help="write the report as Markdown to this file")
    parser.add_argument("--bake-inputs", action="store_true",
                        help="when the import needs a graph input at import time (axes, "
                        "shapes, starts, k...), make the test's small integer 1-D inputs "
                        "and its scalars initializers and import again (noted 'baked')")
    parser.add_argument("--convert-opset", type=int, metavar="N",
                        help="when resq rejects the model's opset, convert the model to "
                        "opset N with onnx.version_converter and import again")
    parser.add_argument("--keep", action="store_true",
                        help="keep each test's work folder (printed for failures)")
    parser.add_argument("--scratch", default=None, help="where work folders go (default: TMPDIR)")
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

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_test, test, args): test for test in tests}
        for future in concurrent.futures.as_completed(futures):
            r = future.result()
            results.append(r)
            status = "PASS" if r["stage"] is None else f"FAIL [{r['stage']}] {r['reason']}"
            if r["notes"]:
                status += f" ({'; '.join(r['notes'])})"
            extra = f" ({r['work']})" if args.keep and r["stage"] else ""
            print(f"{len(results):4}/{len(tests)} {r['test']}: {status}{extra}", flush=True)
    results.sort(key=lambda r: r["test"])

    report = markdown(results, args.data, args.bake_inputs or args.convert_opset)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report)
    passed = sum(1 for r in results if r["stage"] is None)
    by_stage = {}
    for r in results:
        if r["stage"]:
            by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    print(f"\n{passed}/{len(results)} passed; failures by stage: "
          + (", ".join(f"{s} {n}" for s, n in sorted(by_stage.items())) or "none"))
    if args.markdown:
        print(f"report: {args.markdown}")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
