#!/usr/bin/env python3
"""Writes the .onnx inputs of resq-import's lit tests (test/Import/*.test).

Run with `python3 make_inputs.py` (needs PyPI `onnx` and `numpy`); it writes
into the folder it lives in and is deterministic: rerunning it reproduces
every file byte for byte. `--check` additionally runs onnx.checker and ONNX
shape inference on the valid models and prints their output types, which is
how the expected shapes in the tests were cross-checked.

Every model sets ir_version and opset_imports explicitly. Data is small
(arange-based or from a fixed hash stream) so the files stay a few KB.
It also writes extdata.bin (24 floats, the external data of extdata_*.onnx)
and the symbolic link extdata_link.bin -> extdata.bin. It only ever writes
the files it names; other generators' files in this folder are left alone.
"""

import hashlib
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F, I64, I32, I8, U8, B = (TensorProto.FLOAT, TensorProto.INT64,
                          TensorProto.INT32, TensorProto.INT8,
                          TensorProto.UINT8, TensorProto.BOOL)

# name -> ModelProto of the models meant to be valid (for --check).
VALID = {}


def write_bytes(name, data):
    path = os.path.join(HERE, name)
    old = None
    if os.path.lexists(path) and not os.path.islink(path):
        with open(path, "rb") as f:
            old = f.read()
    if old != data:
        if os.path.lexists(path):
            os.remove(path)
        with open(path, "wb") as f:
            f.write(data)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def ints(name, values):
    return init(name, np.array(values, dtype=np.int64))


def floats(name, shape, start=0.0, scale=0.125):
    count = int(np.prod(shape)) if shape else 1
    data = (np.arange(count, dtype=np.float32) * np.float32(scale) +
            np.float32(start))
    return init(name, data.reshape(shape))


def make(name, nodes, inputs, outputs, inits=(), opset=17, ir=None,
         functions=(), extra_opsets=(), valid=True, save=True):
    if ir is None:
        ir = 10 if opset >= 21 else 8
    graph = helper.make_graph(list(nodes), name.replace(".onnx", ""),
                              list(inputs), list(outputs),
                              initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)]
    opsets += [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets,
                              producer_name="resq-test",
                              producer_version="1",
                              functions=list(functions))
    model.ir_version = ir
    if save:
        write_bytes(name, model.SerializeToString())
    if valid:
        VALID[name] = model
    return model


def raw_tensor(name, elem, dims, raw):
    """A TensorProto built by hand (make_tensor rejects inconsistent ones)."""
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    if raw:
        t.raw_data = raw
    return t


def node(op, ins, outs, name=None, **attrs):
    return helper.make_node(op, ins, outs, name=name or outs[0], **attrs)


# --------------------------------------------------------------------------
# Elementwise ops.
# --------------------------------------------------------------------------
def elementwise():
    x = vi("x", F, [2, 3, 4])
    for op in ["Add", "Sub", "Mul", "Div"]:
        lower = op.lower()
        # [2,3,4] with [4] (runtime).
        make(f"{lower}_broadcast.onnx", [node(op, ["x", "y"], ["z"], op.lower())],
             [x, vi("y", F, [4])], [vi("z", F, [2, 3, 4])])
        # [2,3,4] with a scalar initializer.
        make(f"{lower}_scalar.onnx", [node(op, ["x", "c"], ["z"], op.lower())],
             [x], [vi("z", F, [2, 3, 4])],
             [init("c", np.array(3.0, dtype=np.float32))])
    # Integer Div truncates (arith.divsi) and is not a TOSA op.
    make("div_int64.onnx", [node("Div", ["a", "b"], ["z"], "div")],
         [vi("a", I64, [2, 3]), vi("b", I64, [3])], [vi("z", I64, [2, 3])])
    # [2,1,4] + [3,1] -> [2,3,4]: both sides broadcast.
    make("add_bidirectional.onnx", [node("Add", ["a", "b"], ["z"], "add")],
         [vi("a", F, [2, 1, 4]), vi("b", F, [3, 1])], [vi("z", F, [2, 3, 4])])
    # Pow with a constant exponent 2 is x * x.
    make("pow_square.onnx", [node("Pow", ["x", "two"], ["z"], "pow")],
         [x], [vi("z", F, [2, 3, 4])],
         [init("two", np.array(2.0, dtype=np.float32))])
    make("pow_runtime.onnx", [node("Pow", ["x", "e"], ["z"], "pow")],
         [x, vi("e", F, [4])], [vi("z", F, [2, 3, 4])])
    # ONNX Pow: base T and exponent T1 may differ (float ** int64).
    make("pow_int_exponent.onnx", [node("Pow", ["x", "two"], ["z"], "pow")],
         [x], [vi("z", F, [2, 3, 4])],
         [init("two", np.array(2, dtype=np.int64))])
    for op in ["Sqrt", "Reciprocal", "Neg", "Exp", "Sigmoid", "Tanh", "Relu",
               "Cos", "Sin"]:
        make(f"unary_{op.lower()}.onnx", [node(op, ["x"], ["z"], op.lower())],
             [x], [vi("z", F, [2, 3, 4])])
    # Unary ops on known inputs fold.
    make("unary_fold.onnx",
         [node("Neg", ["c"], ["n"], "neg"), node("Relu", ["n"], ["r"], "relu"),
          node("Sqrt", ["c"], ["s"], "sqrt"),
          node("Add", ["r", "s"], ["k"], "addk"),
          node("Add", ["x", "k"], ["z"], "add")],
         [vi("x", F, [4])], [vi("z", F, [4])],
         [init("c", np.array([4.0, 0.0, 1.0, 9.0], dtype=np.float32))])
    make("neg_int32.onnx", [node("Neg", ["a"], ["z"], "neg")],
         [vi("a", I32, [5])], [vi("z", I32, [5])])
    for op in ["Equal", "Less", "Greater"]:
        make(f"{op.lower()}.onnx", [node(op, ["a", "b"], ["z"], op.lower())],
             [vi("a", F, [2, 3]), vi("b", F, [3])], [vi("z", B, [2, 3])])
    make("less_int64.onnx", [node("Less", ["a", "b"], ["z"], "less")],
         [vi("a", I64, [2, 3]), vi("b", I64, [3])], [vi("z", B, [2, 3])])
    make("equal_int32.onnx", [node("Equal", ["a", "b"], ["z"], "equal")],
         [vi("a", I32, [4]), vi("b", I32, [4])], [vi("z", B, [4])])
    make("where.onnx", [node("Where", ["c", "a", "b"], ["z"], "where")],
         [vi("c", B, [2, 3]), vi("a", F, [3]), vi("b", F, [2, 1])],
         [vi("z", F, [2, 3])])
    make("where_int64.onnx", [node("Where", ["c", "a", "b"], ["z"], "where")],
         [vi("c", B, [4]), vi("a", I64, [4]), vi("b", I64, [4])],
         [vi("z", I64, [4])])
    make("cast_f32_i64.onnx", [node("Cast", ["x"], ["z"], "cast", to=I64)],
         [x], [vi("z", I64, [2, 3, 4])])
    make("cast_i64_f32.onnx", [node("Cast", ["a"], ["z"], "cast", to=F)],
         [vi("a", I64, [2, 3])], [vi("z", F, [2, 3])])
    make("cast_f32_bool.onnx", [node("Cast", ["x"], ["z"], "cast", to=B)],
         [x], [vi("z", B, [2, 3, 4])])
    make("cast_f32_u8.onnx", [node("Cast", ["a"], ["z"], "cast", to=U8)],
         [vi("a", F, [4])], [vi("z", U8, [4])])
    # Known casts fold: float -> int64 truncates toward zero, -> bool is != 0.
    make("cast_fold.onnx",
         [node("Cast", ["c"], ["ci"], "to_int", to=I64),
          node("Cast", ["c"], ["cb"], "to_bool", to=B)],
         [], [vi("ci", I64, [4]), vi("cb", B, [4])],
         [init("c", np.array([-2.5, -0.0, 0.75, 3.9], dtype=np.float32))])
    # Integer ops TOSA 1.0 only defines for i32.
    make("add_int8.onnx", [node("Add", ["a", "b"], ["z"], "add")],
         [vi("a", I8, [4]), vi("b", I8, [4])], [vi("z", I8, [4])])
    make("relu_int32.onnx", [node("Relu", ["a"], ["z"], "relu")],
         [vi("a", I32, [4])], [vi("z", I32, [4])])


# --------------------------------------------------------------------------
# MatMul and Gemm.
# --------------------------------------------------------------------------
def matmul():
    make("matmul_2d_weight.onnx", [node("MatMul", ["x", "W"], ["y"], "mm")],
         [vi("x", F, [4, 8])], [vi("y", F, [4, 16])], [floats("W", [8, 16])])
    make("matmul_3d_2d.onnx", [node("MatMul", ["x", "W"], ["y"], "mm")],
         [vi("x", F, [2, 4, 8])], [vi("y", F, [2, 4, 16])],
         [floats("W", [8, 16])])
    make("matmul_4d_batched.onnx", [node("MatMul", ["a", "b"], ["y"], "mm")],
         [vi("a", F, [2, 1, 4, 8]), vi("b", F, [1, 3, 8, 5])],
         [vi("y", F, [2, 3, 4, 5])])
    make("matmul_1d_left.onnx", [node("MatMul", ["a", "b"], ["y"], "mm")],
         [vi("a", F, [8]), vi("b", F, [2, 8, 5])], [vi("y", F, [2, 5])])
    make("matmul_1d_right.onnx", [node("MatMul", ["a", "b"], ["y"], "mm")],
         [vi("a", F, [3, 4, 8]), vi("b", F, [8])], [vi("y", F, [3, 4])])
    make("matmul_1d_both.onnx", [node("MatMul", ["a", "b"], ["y"], "mm")],
         [vi("a", F, [8]), vi("b", F, [8])], [vi("y", F, [])])
    make("gemm_default.onnx", [node("Gemm", ["a", "B", "C"], ["y"], "gemm")],
         [vi("a", F, [4, 8])], [vi("y", F, [4, 16])],
         [floats("B", [8, 16]), floats("C", [16])])
    make("gemm_trans.onnx",
         [node("Gemm", ["a", "b", "c"], ["y"], "gemm", transA=1, transB=1,
               alpha=0.5, beta=2.0)],
         [vi("a", F, [8, 4]), vi("b", F, [16, 8]), vi("c", F, [4, 1])],
         [vi("y", F, [4, 16])])
    make("gemm_no_c.onnx", [node("Gemm", ["a", "b"], ["y"], "gemm")],
         [vi("a", F, [4, 8]), vi("b", F, [8, 16])], [vi("y", F, [4, 16])])


# --------------------------------------------------------------------------
# Reductions and Softmax.
# --------------------------------------------------------------------------
def reduce():
    x = vi("x", F, [2, 3, 4])
    make("softmax_last.onnx", [node("Softmax", ["x"], ["y"], "softmax")],
         [x], [vi("y", F, [2, 3, 4])], opset=13)
    make("softmax_axis1.onnx",
         [node("Softmax", ["x"], ["y"], "softmax", axis=1)],
         [x], [vi("y", F, [2, 3, 4])], opset=13)
    make("reducemean_13.onnx",
         [node("ReduceMean", ["x"], ["y"], "mean", axes=[-1])],
         [x], [vi("y", F, [2, 3, 1])], opset=13)
    make("reducemean_18.onnx",
         [node("ReduceMean", ["x", "axes"], ["y"], "mean", keepdims=0)],
         [x], [vi("y", F, [2, 4])], [ints("axes", [1])], opset=18)
    make("reducesum_keep.onnx",
         [node("ReduceSum", ["x", "axes"], ["y"], "sum", keepdims=1)],
         [x], [vi("y", F, [1, 3, 1])], [ints("axes", [0, 2])], opset=13)
    make("reducesum_nokeep.onnx",
         [node("ReduceSum", ["x", "axes"], ["y"], "sum", keepdims=0)],
         [x], [vi("y", F, [2, 4])], [ints("axes", [-2])], opset=13)
    make("reducesum_noop.onnx",
         [node("ReduceSum", ["x"], ["y"], "sum", noop_with_empty_axes=1)],
         [x], [vi("y", F, [2, 3, 4])], opset=13)
    make("reducesum_all.onnx",
         [node("ReduceSum", ["x"], ["y"], "sum", keepdims=0)],
         [x], [vi("y", F, [])], opset=13)
    make("reducemax_13.onnx",
         [node("ReduceMax", ["x"], ["y"], "max", axes=[1], keepdims=0)],
         [x], [vi("y", F, [2, 4])], opset=13)
    make("reducemax_18.onnx",
         [node("ReduceMax", ["x", "axes"], ["y"], "max")],
         [x], [vi("y", F, [2, 3, 1])], [ints("axes", [-1])], opset=18)


# --------------------------------------------------------------------------
# Gather.
# --------------------------------------------------------------------------
def gather():
    make("gather_embedding.onnx",
         [node("Gather", ["table", "ids"], ["emb"], "embed")],
         [vi("ids", I64, [1, 5])], [vi("emb", F, [1, 5, 4])],
         [floats("table", [10, 4])])
    make("gather_axis1.onnx",
         [node("Gather", ["x", "idx"], ["y"], "gather", axis=1)],
         [vi("x", F, [2, 5, 3])], [vi("y", F, [2, 2, 3])],
         [ints("idx", [3, 0])])
    make("gather_negative.onnx",
         [node("Gather", ["x", "idx"], ["y"], "gather", axis=-1)],
         [vi("x", F, [4, 6])], [vi("y", F, [4, 2])], [ints("idx", [-1, -6])])
    make("gather_scalar_index.onnx",
         [node("Gather", ["x", "idx"], ["y"], "gather", axis=1)],
         [vi("x", F, [2, 5, 3])], [vi("y", F, [2, 3])],
         [init("idx", np.array(2, dtype=np.int64))])
    # Known data and indices fold (negative indices count from the end).
    make("gather_fold.onnx",
         [node("Gather", ["data", "idx"], ["g"], "gather", axis=1),
          node("Add", ["x", "g"], ["y"], "add")],
         [vi("x", F, [2, 2])], [vi("y", F, [2, 2])],
         [init("data", np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)),
          ints("idx", [-1, 0])])


# --------------------------------------------------------------------------
# Shape ops.
# --------------------------------------------------------------------------
def shape_ops():
    x = vi("x", F, [2, 3, 4])
    make("reshape_zero_neg.onnx",
         [node("Reshape", ["x", "shape"], ["y"], "reshape")],
         [x], [vi("y", F, [2, 12])], [ints("shape", [0, -1])])
    # Opset 14 without allowzero: a 0 in the target copies the input dim.
    make("reshape_copyzero_14.onnx",
         [node("Reshape", ["x", "shape"], ["y"], "reshape")],
         [vi("x", F, [3, 4])], [vi("y", F, [3, 4])], [ints("shape", [0, 4])],
         opset=14)
    make("transpose.onnx",
         [node("Transpose", ["x"], ["y"], "transpose", perm=[2, 0, 1])],
         [x], [vi("y", F, [4, 2, 3])])
    make("transpose_default.onnx",
         [node("Transpose", ["x"], ["y"], "transpose")],
         [x], [vi("y", F, [4, 3, 2])])
    make("unsqueeze.onnx",
         [node("Unsqueeze", ["x", "axes"], ["y"], "unsqueeze")],
         [vi("x", F, [3, 4])], [vi("y", F, [1, 3, 4, 1])],
         [ints("axes", [0, -1])])
    make("squeeze_axes.onnx",
         [node("Squeeze", ["x", "axes"], ["y"], "squeeze")],
         [vi("x", F, [1, 3, 1, 4])], [vi("y", F, [1, 3, 4])],
         [ints("axes", [2])])
    make("squeeze_all.onnx", [node("Squeeze", ["x"], ["y"], "squeeze")],
         [vi("x", F, [1, 3, 1, 4])], [vi("y", F, [3, 4])])
    make("flatten.onnx",
         [node("Flatten", ["x"], ["y"], "flatten", axis=2)],
         [vi("x", F, [2, 3, 4, 5])], [vi("y", F, [6, 20])])
    make("flatten_axis0.onnx",
         [node("Flatten", ["x"], ["y"], "flatten", axis=0)],
         [vi("x", F, [2, 3, 4, 5])], [vi("y", F, [1, 120])])
    make("flatten_negative.onnx",
         [node("Flatten", ["x"], ["y"], "flatten", axis=-1)],
         [vi("x", F, [2, 3, 4, 5])], [vi("y", F, [24, 5])])
    make("concat.onnx",
         [node("Concat", ["a", "b", "c"], ["y"], "concat", axis=-1)],
         [vi("a", F, [2, 3]), vi("b", F, [2, 5]), vi("c", F, [2, 1])],
         [vi("y", F, [2, 9])])
    make("concat_int64.onnx",
         [node("Concat", ["a", "b"], ["y"], "concat", axis=0)],
         [vi("a", I64, [2]), vi("b", I64, [3])], [vi("y", I64, [5])])
    make("expand.onnx", [node("Expand", ["x", "shape"], ["y"], "expand")],
         [vi("x", F, [3, 1])], [vi("y", F, [2, 3, 4])],
         [ints("shape", [2, 1, 4])])
    make("identity.onnx", [node("Identity", ["x"], ["y"], "identity")],
         [x], [vi("y", F, [2, 3, 4])])
    make("shape_13.onnx", [node("Shape", ["x"], ["s"], "shape")],
         [x], [vi("s", I64, [3])], opset=13)
    make("shape_15.onnx",
         [node("Shape", ["x"], ["s"], "shape", start=1, end=-1),
          node("Shape", ["x"], ["t"], "shape_tail", start=-2),
          node("Shape", ["x"], ["u"], "shape_empty", start=2, end=1)],
         [x], [vi("s", I64, [1]), vi("t", I64, [2]), vi("u", I64, [0])],
         opset=15)
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape folds completely.
    make("shape_subgraph.onnx",
         [node("Shape", ["x"], ["s"], "shape"),
          node("Gather", ["s", "i0"], ["d0"], "gather0", axis=0),
          node("Gather", ["s", "i1"], ["d1"], "gather1", axis=0),
          node("Unsqueeze", ["d0", "ax"], ["u0"], "unsqueeze0"),
          node("Unsqueeze", ["d1", "ax"], ["u1"], "unsqueeze1"),
          node("Concat", ["u0", "u1", "tail"], ["target"], "concat", axis=0),
          node("Reshape", ["x", "target"], ["y"], "reshape")],
         [vi("x", F, [2, 3, 8])], [vi("y", F, [2, 3, 2, 4])],
         [init("i0", np.array(0, dtype=np.int64)),
          init("i1", np.array(1, dtype=np.int64)),
          ints("ax", [0]), ints("tail", [2, 4])])


# --------------------------------------------------------------------------
# Slice and Split.
# --------------------------------------------------------------------------
def slice_split():
    big = np.iinfo(np.int64)
    make("slice_step2.onnx",
         [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], "slice")],
         [vi("x", F, [10, 8])], [vi("y", F, [4, 8])],
         [ints("st", [1]), ints("en", [9]), ints("ax", [0]), ints("sp", [2])])
    make("slice_reverse.onnx",
         [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], "slice")],
         [vi("x", F, [4, 10])], [vi("y", F, [4, 10])],
         [ints("st", [-1]), ints("en", [big.min]), ints("ax", [1]),
          ints("sp", [-1])])
    make("slice_negstep2.onnx",
         [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], "slice")],
         [vi("x", F, [10])], [vi("y", F, [3])],
         [ints("st", [7]), ints("en", [1]), ints("ax", [0]), ints("sp", [-2])])
    make("slice_negative_bounds.onnx",
         [node("Slice", ["x", "st", "en", "ax"], ["y"], "slice")],
         [vi("x", F, [4, 10])], [vi("y", F, [4, 2])],
         [ints("st", [-3]), ints("en", [-1]), ints("ax", [-1])])
    make("slice_omitted_axes.onnx",
         [node("Slice", ["x", "st", "en"], ["y"], "slice")],
         [vi("x", F, [4, 6, 8])], [vi("y", F, [2, 4, 8])],
         [ints("st", [1, 2]), ints("en", [3, big.max])])
    # slice of known data folds: [0..9][8:2:-3] = [8, 5].
    make("slice_fold.onnx",
         [node("Slice", ["d", "st", "en", "ax", "sp"], ["s"], "slice"),
          node("Add", ["x", "s"], ["y"], "add")],
         [vi("x", I64, [2])], [vi("y", I64, [2])],
         [ints("d", list(range(10))), ints("st", [8]), ints("en", [2]),
          ints("ax", [0]), ints("sp", [-3])])
    make("split_13.onnx",
         [node("Split", ["x", "split"], ["a", "b"], "split", axis=1)],
         [vi("x", F, [4, 5])], [vi("a", F, [4, 2]), vi("b", F, [4, 3])],
         [ints("split", [2, 3])], opset=13)
    make("split_13_equal.onnx",
         [node("Split", ["x"], ["a", "b", "c"], "split")],
         [vi("x", F, [6, 2])],
         [vi("a", F, [2, 2]), vi("b", F, [2, 2]), vi("c", F, [2, 2])],
         opset=13)
    make("split_18.onnx",
         [node("Split", ["x"], ["a", "b", "c"], "split", axis=-1,
               num_outputs=3)],
         [vi("x", F, [2, 7])],
         [vi("a", F, [2, 3]), vi("b", F, [2, 3]), vi("c", F, [2, 1])],
         opset=18)
    make("split_18_input.onnx",
         [node("Split", ["x", "split"], ["a", "b"], "split", axis=0)],
         [vi("x", F, [5, 2])], [vi("a", F, [1, 2]), vi("b", F, [4, 2])],
         [ints("split", [1, 4])], opset=18)


# --------------------------------------------------------------------------
# Constant-producing ops.
# --------------------------------------------------------------------------
def constants():
    x = vi("x", F, [2, 2])
    make("constant_value.onnx",
         [node("Constant", [], ["c"], "const",
               value=numpy_helper.from_array(
                   np.array([[1, 2], [3, 4]], dtype=np.float32), "c")),
          node("Add", ["x", "c"], ["y"], "add")],
         [x], [vi("y", F, [2, 2])])
    make("constant_value_float.onnx",
         [node("Constant", [], ["c"], "const", value_float=0.5),
          node("Mul", ["x", "c"], ["y"], "mul")],
         [x], [vi("y", F, [2, 2])])
    make("constant_value_ints.onnx",
         [node("Constant", [], ["c"], "const", value_ints=[4, -1]),
          node("Reshape", ["x", "c"], ["y"], "reshape")],
         [vi("x", F, [2, 3, 4])], [vi("y", F, [4, 6])])
    # A large Constant (>= 16 elements) goes to the archive.
    make("constant_large.onnx",
         [node("Constant", [], ["c"], "const",
               value=numpy_helper.from_array(
                   np.arange(32, dtype=np.float32).reshape(4, 8), "cval")),
          node("Add", ["x", "c"], ["y"], "add")],
         [vi("x", F, [4, 8])], [vi("y", F, [4, 8])])
    make("constantofshape.onnx",
         [node("ConstantOfShape", ["shape"], ["c"], "fill",
               value=numpy_helper.from_array(
                   np.array([0.5], dtype=np.float32), "v")),
          node("Add", ["x", "c"], ["y"], "add")],
         [vi("x", F, [2, 3])], [vi("y", F, [2, 3])], [ints("shape", [2, 3])])
    make("constantofshape_default.onnx",
         [node("Shape", ["x"], ["s"], "shape"),
          node("ConstantOfShape", ["s"], ["c"], "fill"),
          node("Add", ["x", "c"], ["y"], "add")],
         [vi("x", F, [3])], [vi("y", F, [3])])
    make("range_add.onnx",
         [node("Range", ["s", "l", "d"], ["r"], "range"),
          node("Add", ["x", "r"], ["y"], "add")],
         [vi("x", F, [3, 4])], [vi("y", F, [3, 4])],
         [init("s", np.array(0.5, dtype=np.float32)),
          init("l", np.array(2.5, dtype=np.float32)),
          init("d", np.array(0.5, dtype=np.float32))])
    make("range_reshape.onnx",
         [node("Range", ["s", "l", "d"], ["r"], "range"),
          node("Reshape", ["x", "r"], ["y"], "reshape")],
         [vi("x", F, [10])], [vi("y", F, [2, 5])],
         [init("s", np.array(2, dtype=np.int64)),
          init("l", np.array(7, dtype=np.int64)),
          init("d", np.array(3, dtype=np.int64))])
    make("trilu_upper.onnx",
         [node("Trilu", ["x", "k"], ["y"], "trilu", upper=1)],
         [vi("x", F, [2, 4, 4])], [vi("y", F, [2, 4, 4])],
         [init("k", np.array(1, dtype=np.int64))], opset=14)
    make("trilu_lower.onnx",
         [node("Trilu", ["x"], ["y"], "trilu", upper=0)],
         [vi("x", F, [4, 5])], [vi("y", F, [4, 5])], opset=14)
    make("trilu_lower_k.onnx",
         [node("Trilu", ["x", "k"], ["y"], "trilu", upper=0)],
         [vi("x", F, [4, 5])], [vi("y", F, [4, 5])],
         [init("k", np.array(-1, dtype=np.int64))], opset=14)
    # The causal mask of exports: Trilu of known ones folds.
    make("trilu_fold.onnx",
         [node("ConstantOfShape", ["shape"], ["ones"], "ones",
               value=numpy_helper.from_array(
                   np.array([1.0], dtype=np.float32), "v")),
          node("Trilu", ["ones"], ["mask"], "trilu", upper=0),
          node("Mul", ["x", "mask"], ["y"], "mul")],
         [vi("x", F, [3, 3])], [vi("y", F, [3, 3])], [ints("shape", [3, 3])],
         opset=14)


# --------------------------------------------------------------------------
# Opset variants (beyond the per-op files above).
# --------------------------------------------------------------------------
def opset_variants():
    for opset in [13, 24]:
        make(f"add_opset{opset}.onnx", [node("Add", ["x", "y"], ["z"], "add")],
             [vi("x", F, [4]), vi("y", F, [4])], [vi("z", F, [4])],
             opset=opset)
    # Trilu exists from opset 14 on; resq's table says so at opset 13.
    make("trilu_opset13.onnx", [node("Trilu", ["x"], ["y"], "trilu")],
         [vi("x", F, [4, 4])], [vi("y", F, [4, 4])], opset=13, valid=False)
    # Reshape-14 allowzero on known (zero-element) data: with allowzero=1 a
    # 0 in the target is a 0 dim, without it copies the input's dim.
    empty = init("c", np.zeros((3, 0), dtype=np.float32))
    for allow in [0, 1]:
        make(f"reshape_allowzero{allow}_14.onnx",
             [node("Reshape", ["c", "shape"], ["y"], "reshape",
                   allowzero=allow)],
             [], [vi("y", F, [3, 0] if allow == 0 else [0, 0])],
             [empty, ints("shape", [0, 0])], opset=14)
    # Reductions without axes reduce everything, at both axes conventions.
    x = vi("x", F, [2, 3, 4])
    make("reducemean_13_noaxes.onnx",
         [node("ReduceMean", ["x"], ["y"], "mean")],
         [x], [vi("y", F, [1, 1, 1])], opset=13)
    make("reducemean_18_noaxes.onnx",
         [node("ReduceMean", ["x"], ["y"], "mean")],
         [x], [vi("y", F, [1, 1, 1])], opset=18)
    make("reducemax_20.onnx",
         [node("ReduceMax", ["x", "axes"], ["y"], "max", keepdims=0)],
         [x], [vi("y", F, [3, 4])], [ints("axes", [0])], opset=20)
    # Split-18 needs a split input or num_outputs.
    make("split_18_noattr.onnx",
         [node("Split", ["x"], ["a", "b"], "split")],
         [vi("x", F, [4])], [vi("a", F, None), vi("b", F, None)], opset=18,
         valid=False)
    # Several ops at the newest supported opset.
    make("opset24_mix.onnx",
         [node("Transpose", ["x"], ["t"], "transpose", perm=[1, 0]),
          node("Reshape", ["t", "shape"], ["r"], "reshape"),
          node("Unsqueeze", ["r", "ax"], ["u"], "unsqueeze"),
          node("Squeeze", ["u", "ax"], ["s"], "squeeze"),
          node("Flatten", ["s"], ["f"], "flatten", axis=1),
          node("Cast", ["f"], ["c"], "cast", to=I64),
          node("Identity", ["c"], ["y"], "identity")],
         [vi("x", F, [2, 6])], [vi("y", I64, [3, 4])],
         [ints("shape", [3, 4]), ints("ax", [0])], opset=24)
    old_opsets()


def old_opsets():
    """Opsets 7-12, where axes and split sizes were attributes and Softmax
    flattened its input to 2-D. old-opsets.test compares them with ONNX
    Runtime; opset-variants.test checks the import."""
    x = vi("x", F, [2, 3, 4])
    make("unsqueeze_squeeze_opset11.onnx",
         [node("Unsqueeze", ["x"], ["u"], "unsqueeze", axes=[0, -1]),
          node("Squeeze", ["u"], ["y"], "squeeze", axes=[0])],
         [x], [vi("y", F, [2, 3, 4, 1])], opset=11)
    make("reducesum_opset11.onnx",
         [node("ReduceSum", ["x"], ["y"], "sum", axes=[0, 2], keepdims=0)],
         [x], [vi("y", F, [3])], opset=11)
    make("split_opset11.onnx",
         [node("Split", ["x"], ["a", "b"], "split", axis=2, split=[1, 3])],
         [x], [vi("a", F, [2, 3, 1]), vi("b", F, [2, 3, 3])], opset=11)
    make("softmax_opset11.onnx",
         [node("Softmax", ["x"], ["y"], "softmax")],
         [x], [vi("y", F, [2, 3, 4])], opset=11)
    make("softmax_opset12_axis2.onnx",
         [node("Softmax", ["x"], ["y"], "softmax", axis=2)],
         [x], [vi("y", F, [2, 3, 4])], opset=12)
    make("mix_opset9.onnx",
         [node("MatMul", ["x", "w"], ["m"], "matmul"),
          node("Add", ["m", "b"], ["a"], "add"),
          node("Relu", ["a"], ["r"], "relu"),
          node("Reshape", ["r", "shape"], ["y"], "reshape")],
         [x], [vi("y", F, [6, 5])],
         [floats("w", [4, 5], -1.0), floats("b", [5]), ints("shape", [6, 5])],
         opset=9)
    # Slice took attributes until opset 10; resq follows only the inputs.
    make("slice_opset9.onnx",
         [node("Slice", ["x"], ["y"], "slice", starts=[0], ends=[1], axes=[0])],
         [x], [vi("y", F, [1, 3, 4])], opset=9, valid=False)


# --------------------------------------------------------------------------
# Error inputs.
# --------------------------------------------------------------------------
def errors():
    x = vi("x", F, [1, 3, 8, 8])
    make("unsupported_two.onnx",
         [node("Conv", ["x", "w"], ["c"], "conv"),
          node("Relu", ["c"], ["r"], "relu"),
          node("LSTM", ["r", "w", "w"], ["l"], "lstm")],
         [x], [vi("l", F, None)], [floats("w", [3, 3, 1, 1])], valid=False)
    make("com_microsoft.onnx",
         [node("FusedMatMul", ["a", "b"], ["y"], "fused", domain="com.microsoft",
               alpha=1.0)],
         [vi("a", F, [2, 3]), vi("b", F, [3, 4])], [vi("y", F, [2, 4])],
         extra_opsets=[("com.microsoft", 1)], valid=False)
    fn = helper.make_function(
        "local", "MyRelu", ["a"], ["b"],
        [helper.make_node("Relu", ["a"], ["b"])],
        [helper.make_opsetid("", 17)])
    make("local_function.onnx",
         [node("MyRelu", ["x"], ["y"], "myrelu", domain="local")],
         [vi("x", F, [4])], [vi("y", F, [4])], functions=[fn],
         extra_opsets=[("local", 1)], valid=False)
    add = [node("Add", ["x", "y"], ["z"], "add")]
    io = ([vi("x", F, [4]), vi("y", F, [4])], [vi("z", F, [4])])
    make("opset6.onnx", add, *io, opset=6, ir=3, valid=False)
    make("opset25.onnx", add, *io, opset=25, ir=11, valid=False)
    make("ir15.onnx", add, *io, ir=15, valid=False)
    make("ir2.onnx", add, *io, ir=2, valid=False)
    # The accepted range's ends: IR 14 (what PyPI's onnx writes), and IR 3,
    # whose graphs list every initializer among the inputs too.
    make("ir14.onnx", add, *io, ir=14, valid=False)
    make("ir3_initializer_inputs.onnx", add,
         [vi("x", F, [4]), vi("y", F, [4])], [vi("z", F, [4])],
         [floats("y", [4])], ir=3, opset=13, valid=False)
    make("rmsnorm_opset17.onnx",
         [node("RMSNormalization", ["x", "scale"], ["y"], "rms")],
         [vi("x", F, [2, 4])], [vi("y", F, [2, 4])], [floats("scale", [4])],
         valid=False)
    # Truncated: the first half of a valid model with a weight.
    full = make("truncated_source.onnx",
                [node("MatMul", ["x", "W"], ["y"], "mm")],
                [vi("x", F, [4, 32])], [vi("y", F, [4, 32])],
                [floats("W", [32, 32])], save=False, valid=False)
    data = full.SerializeToString()
    write_bytes("truncated.onnx", data[: len(data) // 2])
    # Garbage: a fixed hash stream.
    stream = b""
    seed = b"resq garbage"
    while len(stream) < 512:
        seed = hashlib.sha256(seed).digest()
        stream += seed
    write_bytes("garbage.onnx", stream[:512])
    bad = raw_tensor("w", F, [4], b"\0" * 12)
    make("raw_data_mismatch.onnx", [node("Add", ["x", "w"], ["y"], "add")],
         [vi("x", F, [4])], [vi("y", F, [4])], [bad], valid=False)
    neg = raw_tensor("w", F, [-1, 4], b"")
    make("negative_dim.onnx", [node("Add", ["x", "w"], ["y"], "add")],
         [vi("x", F, [4])], [vi("y", F, [4])], [neg], valid=False)
    make("cycle.onnx",
         [node("Add", ["x", "b"], ["a"], "first"),
          node("Relu", ["a"], ["b"], "second")],
         [vi("x", F, [4])], [vi("a", F, [4])], valid=False)
    make("missing_input.onnx",
         [node("Add", ["x", "nowhere"], ["y"], "add")],
         [vi("x", F, [4])], [vi("y", F, [4])], valid=False)
    make("symbolic_dim.onnx", [node("Relu", ["x"], ["y"], "relu")],
         [vi("x", F, [1, "T"])], [vi("y", F, [1, "T"])])
    make("reshape_runtime_shape.onnx",
         [node("Reshape", ["x", "shape"], ["y"], "reshape")],
         [vi("x", F, [2, 6]), vi("shape", I64, [2])], [vi("y", F, None)],
         valid=False)
    make("reshape_two_neg.onnx",
         [node("Reshape", ["x", "shape"], ["y"], "reshape")],
         [vi("x", F, [2, 6])], [vi("y", F, None)], [ints("shape", [-1, -1])],
         valid=False)
    make("squeeze_non1.onnx",
         [node("Squeeze", ["x", "axes"], ["y"], "squeeze")],
         [vi("x", F, [1, 3])], [vi("y", F, None)], [ints("axes", [1])],
         valid=False)
    make("matmul_mismatch.onnx", [node("MatMul", ["a", "b"], ["y"], "mm")],
         [vi("a", F, [4, 8]), vi("b", F, [7, 5])], [vi("y", F, None)],
         valid=False)
    make("gather_oob.onnx",
         [node("Gather", ["x", "idx"], ["y"], "gather", axis=1)],
         [vi("x", F, [2, 5])], [vi("y", F, None)], [ints("idx", [0, 5])],
         valid=False)
    make("string_input.onnx", [node("Identity", ["s"], ["y"], "identity")],
         [vi("s", TensorProto.STRING, [2])],
         [vi("y", TensorProto.STRING, [2])], valid=False)
    make("uint16_input.onnx", [node("Identity", ["s"], ["y"], "identity")],
         [vi("s", TensorProto.UINT16, [2])],
         [vi("y", TensorProto.UINT16, [2])], valid=False)


# --------------------------------------------------------------------------
# External data.
# --------------------------------------------------------------------------
def external_data():
    # 24 floats 0..23: weight "w" [4, 4] lives at offset 32 (after 8 floats).
    data = np.arange(24, dtype=np.float32).tobytes()
    write_bytes("extdata.bin", data)
    link = os.path.join(HERE, "extdata_link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink("extdata.bin", link)

    def model(name, location, offset=32, length=64, valid=False):
        w = raw_tensor("w", F, [4, 4], b"")
        entries = {"location": location}
        if offset is not None:
            entries["offset"] = str(offset)
        if length is not None:
            entries["length"] = str(length)
        w.ClearField("raw_data")
        w.data_location = TensorProto.EXTERNAL
        for key, value in entries.items():
            entry = w.external_data.add()
            entry.key = key
            entry.value = value
        make(name, [node("MatMul", ["x", "w"], ["y"], "mm")],
             [vi("x", F, [2, 4])], [vi("y", F, [2, 4])], [w], valid=valid)

    model("extdata_ok.onnx", "extdata.bin", valid=True)
    model("extdata_abs.onnx", "/etc/passwd")
    model("extdata_dotdot.onnx", "../Inputs/extdata.bin")
    model("extdata_symlink.onnx", "extdata_link.bin")
    model("extdata_range.onnx", "extdata.bin", offset=64)
    model("extdata_length.onnx", "extdata.bin", length=60)
    model("extdata_missing.onnx", "no_such_file.bin")
    # Legal locations that are spelled unusually.
    model("extdata_dotslash.onnx", "./extdata.bin", valid=True)


# --------------------------------------------------------------------------
# Regression inputs: valid models the importer once got wrong, and malformed
# ones it once crashed on instead of reporting them.
# --------------------------------------------------------------------------
def bugs():
    big = np.iinfo(np.int64)
    # UINT8 at run time: i8 in the IR, converted and compared as unsigned.
    make("div_u8.onnx", [node("Div", ["a", "b"], ["z"], "div")],
         [vi("a", U8, [4]), vi("b", U8, [4])], [vi("z", U8, [4])])
    make("less_u8.onnx", [node("Less", ["a", "b"], ["z"], "less")],
         [vi("a", U8, [4]), vi("b", U8, [4])], [vi("z", B, [4])])
    make("cast_u8_f32.onnx", [node("Cast", ["a"], ["z"], "cast", to=F)],
         [vi("a", U8, [4])], [vi("z", F, [4])])
    make("add_u8.onnx", [node("Add", ["a", "b"], ["z"], "add")],
         [vi("a", U8, [4]), vi("b", U8, [4])], [vi("z", U8, [4])])
    make("trilu_u8.onnx", [node("Trilu", ["x"], ["y"], "trilu")],
         [vi("x", U8, [3, 3])], [vi("y", U8, [3, 3])], opset=14)
    # TOSA 1.0 defines these ops for i32 (and floats) only.
    make("sub_int8.onnx", [node("Sub", ["a", "b"], ["z"], "sub")],
         [vi("a", I8, [4]), vi("b", I8, [4])], [vi("z", I8, [4])])
    make("mul_int8.onnx", [node("Mul", ["a", "b"], ["z"], "mul")],
         [vi("a", I8, [4]), vi("b", I8, [4])], [vi("z", I8, [4])])
    make("greater_int8.onnx", [node("Greater", ["a", "b"], ["z"], "greater")],
         [vi("a", I8, [4]), vi("b", I8, [4])], [vi("z", B, [4])])
    make("equal_bool.onnx", [node("Equal", ["a", "b"], ["z"], "equal")],
         [vi("a", B, [4]), vi("b", B, [4])], [vi("z", B, [4])])
    make("reducesum_int8.onnx",
         [node("ReduceSum", ["x"], ["y"], "sum", keepdims=0)],
         [vi("x", I8, [4])], [vi("y", I8, [])], opset=13)
    # Zero-element tensors at run time.
    make("reshape_allowzero_runtime.onnx",
         [node("Reshape", ["x", "shape"], ["y"], "reshape", allowzero=1)],
         [vi("x", F, [3, 0])], [vi("y", F, [0, 3])], [ints("shape", [0, 3])],
         opset=14)
    make("concat_empty.onnx",
         [node("Concat", ["a", "b"], ["y"], "concat", axis=1)],
         [vi("a", F, [2, 0]), vi("b", F, [2, 0])], [vi("y", F, [2, 0])])
    make("slice_empty.onnx", [node("Slice", ["x", "st", "en"], ["y"], "slice")],
         [vi("x", F, [10])], [vi("y", F, [0])], [ints("st", [5]), ints("en", [2])])
    make("split_18_empty_chunk.onnx",
         [node("Split", ["x"], ["a", "b", "c"], "split", num_outputs=3)],
         [vi("x", F, [2, 2])],
         [vi("a", F, [1, 2]), vi("b", F, [1, 2]), vi("c", F, [0, 2])],
         opset=18)
    # Slice count overflow: [0:10:INT64_MAX] of 10 elements is one element.
    make("slice_huge_step.onnx",
         [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], "slice")],
         [vi("x", F, [10])], [vi("y", F, [1])],
         [ints("st", [0]), ints("en", [10]), ints("ax", [0]),
          ints("sp", [big.max])])
    # Malformed nodes that crash the importer.
    make("add_empty_input.onnx", [node("Add", ["x", ""], ["z"], "add")],
         [vi("x", F, [4])], [vi("z", F, [4])], valid=False)
    make("add_one_input.onnx", [node("Add", ["x"], ["z"], "add")],
         [vi("x", F, [4])], [vi("z", F, [4])], valid=False)
    make("where_two_inputs.onnx", [node("Where", ["c", "x"], ["y"], "where")],
         [vi("c", B, [4]), vi("x", F, [4])], [vi("y", F, None)], valid=False)
    make("gather_no_indices.onnx", [node("Gather", ["x"], ["y"], "gather")],
         [vi("x", F, [4])], [vi("y", F, None)], valid=False)
    make("concat_no_inputs.onnx",
         [node("Concat", [], ["y"], "concat", axis=0)],
         [], [vi("y", F, None)], valid=False)
    make("split_13_no_outputs.onnx",
         [helper.make_node("Split", ["x"], [], name="split")],
         [vi("x", F, [4])], [], opset=13, valid=False)
    # A folded tensor of 2^46 elements (under the 2^48 element cap): host
    # allocation fails and the importer aborts.
    make("constantofshape_huge.onnx",
         [node("ConstantOfShape", ["shape"], ["y"], "fill")],
         [], [vi("y", F, None)], [ints("shape", [2 ** 23, 2 ** 23])],
         valid=False)
    # Trilu with an empty k tensor reads past its end.
    make("trilu_empty_k.onnx", [node("Trilu", ["x", "k"], ["y"], "trilu")],
         [vi("x", F, [3, 3])], [vi("y", F, [3, 3])], [ints("k", [])],
         opset=14, valid=False)


def attributes():
    """Attributes of the wrong type, given twice, or without a type: ONNX
    Runtime 1.32 refuses each of these models but the Constant (whose
    value_int it reads from a FLOAT); resq-import refuses all."""
    x = vi("x", F, [2, 4])
    y = vi("y", F, [2, 4])

    def attr(name, value, declared=None):
        a = helper.make_attribute(name, value)
        if declared is not None:
            a.type = declared
        return a

    def with_attrs(op, ins, outs, name, *attrs):
        n = helper.make_node(op, ins, outs, name=name)
        n.attribute.extend(attrs)
        return n

    A = onnx.AttributeProto
    make("attr_gemm_alpha_int.onnx",
         [with_attrs("Gemm", ["x", "W"], ["y"], "gemm", attr("alpha", 2))],
         [x], [vi("y", F, [2, 3])], [floats("W", [4, 3])], valid=False)
    make("attr_softmax_axis_float.onnx",
         [with_attrs("Softmax", ["x"], ["y"], "softmax", attr("axis", 1.0))],
         [x], [y], valid=False)
    make("attr_concat_axis_twice.onnx",
         [with_attrs("Concat", ["x", "x"], ["y"], "concat", attr("axis", 0),
                     attr("axis", 1))],
         [x], [vi("y", F, [4, 4])], valid=False)
    make("attr_cast_to_float.onnx",
         [with_attrs("Cast", ["x"], ["y"], "cast", attr("to", 7.0))],
         [x], [vi("y", I64, [2, 4])], valid=False)
    untyped = onnx.AttributeProto()
    untyped.name = "axis"
    make("attr_no_type.onnx",
         [with_attrs("Softmax", ["x"], ["y"], "softmax", untyped)],
         [x], [y], valid=False)
    make("attr_declared_float_holds_int.onnx",
         [with_attrs("Gemm", ["x", "W"], ["y"], "gemm",
                     attr("beta", 3, declared=A.FLOAT))],
         [x], [vi("y", F, [2, 3])], [floats("W", [4, 3])], valid=False)
    make("attr_constant_value_int_float.onnx",
         [with_attrs("Constant", [], ["y"], "const", attr("value_int", 2.0))],
         [], [vi("y", I64, [])], valid=False)


def check():
    from onnx import shape_inference
    for name, model in sorted(VALID.items()):
        try:
            onnx.checker.check_model(model)
            inferred = shape_inference.infer_shapes(model, strict_mode=True)
            outs = []
            for out in inferred.graph.output:
                t = out.type.tensor_type
                dims = [d.dim_value if d.HasField("dim_value") else d.dim_param
                        for d in t.shape.dim]
                outs.append(f"{out.name}:{TensorProto.DataType.Name(t.elem_type)}{dims}")
            print(f"ok    {name}: {' '.join(outs)}")
        except Exception as e:  # noqa: BLE001
            print(f"FAIL  {name}: {str(e).splitlines()[0]}")


def main():
    elementwise()
    matmul()
    reduce()
    gather()
    shape_ops()
    slice_split()
    constants()
    opset_variants()
    errors()
    external_data()
    bugs()
    attributes()
    if "--check" in sys.argv[1:]:
        check()


if __name__ == "__main__":
    main()
