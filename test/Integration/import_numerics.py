#!/usr/bin/env python3
"""Runs a model imported by resq-import and compares its logits with a reference.

The imported graph-level IR (weights inlined) is lowered by resq-opt
--resq-lower-to-cpu (upstream lowerings of TOSA/linalg plus resq's own) and
executed by mlir-runner, so that the importer's semantics are checked
against an independent implementation: the torch logits saved beside the
example models, or ONNX Runtime.

Exit status 0 when max|out - ref| / max|ref| <= --tolerance.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

# resq's CPU pipeline (graph level and resq ops to the LLVM dialect).
LOWERING = "--resq-lower-to-cpu"


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stderr[-4000:]}")
    return result.stdout


def reference_with_onnxruntime(model, ids):
    import onnxruntime

    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: ids})[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--ids", help=".npy model input: token ids, or floats "
                        "(default: random token ids, seeded)")
    parser.add_argument("--input-shape", action="append", default=[],
                        help="passed to resq-import")
    parser.add_argument("--batch", type=int, default=1, help="rows of random ids")
    parser.add_argument("--seq", type=int, default=16, help="length of random ids")
    parser.add_argument("--vocab", type=int, default=256)
    parser.add_argument("--ref", help=".npy reference logits (else ONNX Runtime)")
    parser.add_argument("--tools", required=True, help="folder of resq-import/resq-opt")
    parser.add_argument("--llvm", default="/usr/lib/llvm-22", help="LLVM 22 root")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    if args.ids:
        ids = np.load(args.ids)
        if ids.dtype != np.float32:
            ids = ids.astype(np.int64)
    else:
        ids = np.random.default_rng(0).integers(0, args.vocab, (args.batch, args.seq),
                                                 dtype=np.int64)
    ref = np.load(args.ref) if args.ref else reference_with_onnxruntime(args.model, ids)

    with tempfile.TemporaryDirectory() as work:
        imported = os.path.join(work, "model.mlir")
        shape = "x".join(str(d) for d in ids.shape)
        run([os.path.join(args.tools, "resq-import"), args.model, "-o", imported,
             "--params", os.path.join(work, "model.safetensors"),
             "--inline-weights-below", str(2**62)]
            + [f"--input-shape={shape}" for shape in args.input_shape])
        # Name the input whatever the model calls it: resq-import keeps the
        # order of graph inputs, and these models have one.
        text = open(imported).read()
        result_type = re.search(r"-> \(?(tensor<[^>]*>)", text).group(1)
        element = "f32" if ids.dtype == np.float32 else "i64"
        scalar = (lambda v: repr(float(v))) if element == "f32" else (lambda v: str(int(v)))
        rows = ", ".join("[" + ", ".join(scalar(v) for v in row) + "]" for row in ids)
        ids_type = f"tensor<{shape}x{element}>"
        wrapper = f"""
  func.func private @printMemrefF32(tensor<*xf32>)
  func.func @entry() {{
    %ids = arith.constant dense<[{rows}]> : {ids_type}
    %r = call @main(%ids) : ({ids_type}) -> {result_type}
    %u = tensor.cast %r : {result_type} to tensor<*xf32>
    call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
    return
  }}
}}"""
        text = text[: text.rstrip().rindex("}")] + wrapper
        program = os.path.join(work, "program.mlir")
        open(program, "w").write(text)
        lowered = os.path.join(work, "lowered.mlir")
        run([os.path.join(args.tools, "resq-opt"), program,
             LOWERING, "-o", lowered])
        # mlir-runner knows no resq or tosa attributes: drop the module's.
        text = open(lowered).read()
        text = re.sub(r"^module attributes \{.*?\} \{", "module {", text, count=1, flags=re.M)
        open(lowered, "w").write(text)
        lib = os.path.join(args.llvm, "lib")
        output = run([os.path.join(args.llvm, "bin", "mlir-runner"), lowered, "-e", "entry",
                      "-entry-point-result=void",
                      f"-shared-libs={lib}/libmlir_runner_utils.so,{lib}/libmlir_c_runner_utils.so"])

    data = output[output.index("data =") + len("data ="):]
    got = np.array([float(x) for x in re.findall(r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?nan|-?inf", data)])
    ref = ref.astype(np.float64).flatten()
    if got.shape != ref.shape:
        sys.exit(f"got {got.shape[0]} values, expected {ref.shape[0]}")
    error = float(np.abs(got - ref).max() / np.abs(ref).max())
    print(f"{os.path.basename(args.model)}: max relative error {error:.3g} "
          f"(tolerance {args.tolerance:g}) over {ref.size} logits")
    return 0 if error <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
