#!/usr/bin/env python3
"""Writes the opset-23 transformer-op test models (RMSNormalization,
RotaryEmbedding, Attention) next to this script. Deterministic: rerun to
regenerate byte-identical files. Needs PyPI onnx >= 1.18 and numpy."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F = TensorProto.FLOAT


def save(name, nodes, inputs, outputs, initializers=(), opset=23, check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="resq-tests")
    model.ir_version = 10
    if check:
        onnx.checker.check_model(model, full_check=True)
    onnx.save_model(model, os.path.join(HERE, name + ".onnx"))


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


rng = np.random.default_rng(23)

# RMSNormalization over the last dim, and over the last two dims.
save("rms_norm_last",
     [helper.make_node("RMSNormalization", ["x", "gamma"], ["y"], name="norm", epsilon=1e-6)],
     [tensor("x", F, [2, 8, 64])], [tensor("y", F, [2, 8, 64])],
     [numpy_helper.from_array(rng.standard_normal(64).astype(np.float32), "gamma")])
save("rms_norm_two_axes",
     [helper.make_node("RMSNormalization", ["x", "gamma"], ["y"], name="norm", axis=-2)],
     [tensor("x", F, [2, 4, 8])], [tensor("y", F, [2, 4, 8])],
     [numpy_helper.from_array(rng.standard_normal((4, 8)).astype(np.float32), "gamma")])

# RotaryEmbedding: 4-D input with [batch, seq, half] caches, interleaved.
save("rope_4d_interleaved",
     [helper.make_node("RotaryEmbedding", ["x", "cos", "sin"], ["y"], name="rope",
                       interleaved=1)],
     [tensor("x", F, [1, 4, 16, 8]), tensor("cos", F, [1, 16, 4]), tensor("sin", F, [1, 16, 4])],
     [tensor("y", F, [1, 4, 16, 8])])
# 3-D input with position ids into [max_pos, half] caches, half-split, partial rotary dim.
positions = np.arange(16, dtype=np.int64).reshape(1, 16)
save("rope_3d_positions_partial",
     [helper.make_node("RotaryEmbedding", ["x", "cos", "sin", "pos"], ["y"], name="rope",
                       num_heads=4, rotary_embedding_dim=4)],
     [tensor("x", F, [1, 16, 32])], [tensor("y", F, [1, 16, 32])],
     [numpy_helper.from_array(rng.standard_normal((64, 2)).astype(np.float32), "cos"),
      numpy_helper.from_array(rng.standard_normal((64, 2)).astype(np.float32), "sin"),
      numpy_helper.from_array(positions, "pos")])

# Attention: 4-D grouped-query causal; 3-D with heads as attributes and a bool mask;
# decoding with past key/value and present outputs.
save("attention_4d_gqa_causal",
     [helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn", is_causal=1)],
     [tensor("q", F, [1, 8, 16, 8]), tensor("k", F, [1, 4, 16, 8]), tensor("v", F, [1, 4, 16, 8])],
     [tensor("y", F, [1, 8, 16, 8])])
save("attention_3d_bool_mask",
     [helper.make_node("Attention", ["q", "k", "v", "mask"], ["y"], name="attn",
                       q_num_heads=4, kv_num_heads=2, scale=0.25)],
     [tensor("q", F, [2, 6, 32]), tensor("k", F, [2, 6, 16]), tensor("v", F, [2, 6, 16]),
      tensor("mask", TensorProto.BOOL, [6, 6])],
     [tensor("y", F, [2, 6, 32])])
save("attention_decode_past",
     [helper.make_node("Attention", ["q", "k", "v", "", "past_k", "past_v"],
                       ["y", "present_k", "present_v"], name="attn", is_causal=1)],
     [tensor("q", F, [1, 8, 1, 8]), tensor("k", F, [1, 4, 1, 8]), tensor("v", F, [1, 4, 1, 8]),
      tensor("past_k", F, [1, 4, 15, 8]), tensor("past_v", F, [1, 4, 15, 8])],
     [tensor("y", F, [1, 8, 1, 8]), tensor("present_k", F, [1, 4, 16, 8]),
      tensor("present_v", F, [1, 4, 16, 8])])
save("attention_softcap",
     [helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn", softcap=30.0)],
     [tensor("q", F, [1, 2, 4, 8]), tensor("k", F, [1, 2, 4, 8]), tensor("v", F, [1, 2, 4, 8])],
     [tensor("y", F, [1, 2, 4, 8])])
save("attention_causal_cross",
     [helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn", is_causal=1)],
     [tensor("q", F, [1, 2, 4, 8]), tensor("k", F, [1, 2, 6, 8]), tensor("v", F, [1, 2, 6, 8])],
     [tensor("y", F, [1, 2, 4, 8])])
# An opset-23 op in an opset-17 model.
save("rms_norm_opset17",
     [helper.make_node("RMSNormalization", ["x", "gamma"], ["y"], name="norm")],
     [tensor("x", F, [2, 64])], [tensor("y", F, [2, 64])],
     [numpy_helper.from_array(np.ones(64, np.float32), "gamma")], opset=17, check=False)
