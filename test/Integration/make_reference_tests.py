#!/usr/bin/env python3
"""Writes ONNX node-test folders (model.onnx + test_data_set_0/*.pb) for
models that ONNX's own test data does not cover, with ONNX Runtime's
outputs as the expected ones, so that onnx_node_tests.py can check resq on
them. Inputs are seeded random values: floats ~ N(0, 1), bool masks with
the diagonal kept, int64 position ids 0..seq-1.

Usage: make_reference_tests.py --out DIR MODEL.onnx...
"""
import argparse
import os
import shutil

import numpy as np
import onnx
import onnxruntime
from onnx import numpy_helper


def make_input(value_info, rng):
    tensor = value_info.type.tensor_type
    shape = [d.dim_value for d in tensor.shape.dim]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor.elem_type)
    if dtype == np.bool_:
        mask = rng.random(shape) > 0.3
        # Keep every query's own key visible so no row is fully masked.
        rows, cols = shape[-2], shape[-1]
        mask[..., np.arange(min(rows, cols)), np.arange(min(rows, cols))] = True
        return mask
    if np.issubdtype(dtype, np.integer):
        return np.broadcast_to(np.arange(shape[-1]), shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    for path in args.models:
        model = onnx.load(path)
        name = "test_" + os.path.splitext(os.path.basename(path))[0]
        folder = os.path.join(args.out, name)
        data = os.path.join(folder, "test_data_set_0")
        os.makedirs(data, exist_ok=True)
        shutil.copy(path, os.path.join(folder, "model.onnx"))
        initializers = {i.name for i in model.graph.initializer}
        inputs = {vi.name: make_input(vi, rng) for vi in model.graph.input
                  if vi.name not in initializers}
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        outputs = session.run(None, inputs)
        for i, (input_name, value) in enumerate(inputs.items()):
            tensor = numpy_helper.from_array(np.asarray(value), input_name)
            open(os.path.join(data, f"input_{i}.pb"), "wb").write(tensor.SerializeToString())
        for i, (output, value) in enumerate(zip(model.graph.output, outputs)):
            tensor = numpy_helper.from_array(value, output.name)
            open(os.path.join(data, f"output_{i}.pb"), "wb").write(tensor.SerializeToString())
        print(f"{name}: {len(inputs)} inputs, {len(outputs)} outputs")


if __name__ == "__main__":
    main()
