"""An ONNX model dividing two int64 inputs (Div), and inputs for
bad-values.test: python int_div.py MODEL.onnx FOLDER."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

model_path, folder = sys.argv[1], sys.argv[2]
vector = [4]
graph = helper.make_graph(
    [helper.make_node("Div", ["a", "b"], ["q"], name="div")],
    "int_div",
    [helper.make_tensor_value_info("a", TensorProto.INT64, vector),
     helper.make_tensor_value_info("b", TensorProto.INT64, vector)],
    [helper.make_tensor_value_info("q", TensorProto.INT64, vector)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          ir_version=8)
onnx.checker.check_model(model)
onnx.save(model, model_path)

inputs = {
    "a": [7, -7, 1, 9],
    "b": [2, 2, 5, 4],
    "zero": [0, 1, 1, 1],
    "min": [np.iinfo(np.int64).min, 1, 1, 1],
    "minus1": [-1, 1, 1, 1],
}
for name, values in inputs.items():
    np.save(f"{folder}/{name}.npy", np.array(values, np.int64))
