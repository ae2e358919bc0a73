#!/usr/bin/env python3
"""Compiles ONNX models with resq-compile, runs them with resq-run, and compares
the outputs with ONNX Runtime's (one thread) on the same seeded inputs.

The metric is the max absolute difference over the max absolute reference
value, per output; a model passes when it is at most --tolerance (1e-4).
Token-id inputs are drawn in [0, --vocab); float inputs from N(0, 1).

  parity.py --tools build/bin --model m.onnx [--input-shape ids=1x32] ...

Exit status 0 when every model passes.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

NUMPY_TYPES = {"tensor(int64)": np.int64, "tensor(int32)": np.int32,
               "tensor(float)": np.float32}


def make_inputs(session, shapes, vocab, rng):
    inputs = {}
    for spec in session.get_inputs():
        shape = shapes.get(spec.name)
        if shape is None:
            if not all(isinstance(d, int) for d in spec.shape):
                sys.exit(f"input {spec.name} has dynamic shape {spec.shape}: "
                         "pass --input-shape")
            shape = spec.shape
        dtype = NUMPY_TYPES[spec.type]
        if np.issubdtype(dtype, np.integer):
            inputs[spec.name] = rng.integers(0, vocab, size=shape).astype(dtype)
        else:
            inputs[spec.name] = rng.standard_normal(shape).astype(dtype)
    return inputs


def check(args, model, shapes, work):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options,
                                   providers=["CPUExecutionProvider"])
    inputs = make_inputs(session, shapes, args.vocab,
                         np.random.default_rng(args.seed))
    reference = session.run(None, inputs)

    out = os.path.join(work, "compiled")
    shape_flags = [f"--input-shape={n}={'x'.join(map(str, s))}"
                   for n, s in shapes.items()]
    subprocess.run([os.path.join(args.tools, "resq-compile"), model, "-o", out]
                   + shape_flags, check=True)
    run = [os.path.join(args.tools, "resq-run"), out,
           "--output-dir", os.path.join(work, "results")]
    for name, value in inputs.items():
        path = os.path.join(work, name.replace("/", "_") + ".npy")
        np.save(path, value)
        run.append(f"--input={name}={path}")
    subprocess.run(run, check=True)

    worst = 0.0
    for spec, ref in zip(session.get_outputs(), reference):
        got = np.load(os.path.join(work, "results",
                                   spec.name.replace("/", "_") + ".npy"))
        if got.shape != ref.shape:
            print(f"{os.path.basename(model)}: output {spec.name} has shape "
                  f"{got.shape}, ONNX Runtime {ref.shape}")
            return False
        scale = max(float(np.abs(ref).max()), 1e-30)
        worst = max(worst, float(np.abs(got.astype(np.float64) - ref).max()) / scale)
    verdict = "ok" if worst <= args.tolerance else "FAIL"
    print(f"{os.path.basename(model)}: max abs diff / max abs reference "
          f"{worst:.3e} (tolerance {args.tolerance:g}) {verdict}")
    return worst <= args.tolerance


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True)
    parser.add_argument("--model", required=True, action="append")
    parser.add_argument("--input-shape", action="append", default=[],
                        help="name=DxD..., for every model given")
    parser.add_argument("--vocab", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    shapes = {}
    for text in args.input_shape:
        name, dims = text.rsplit("=", 1)
        shapes[name] = [int(d) for d in dims.split("x")]
    ok = True
    for model in args.model:
        with tempfile.TemporaryDirectory() as work:
            ok &= check(args, model, shapes, work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
