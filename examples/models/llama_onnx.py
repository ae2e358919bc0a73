"""A Hugging Face-style Llama as ONNX, built node by node the way
torch.onnx.export writes one (opset 17: MatMul projections, RMSNorm as
Pow/ReduceMean/Sqrt/Div/Mul, rotate_half RoPE with cos/sin tables, GQA by
Unsqueeze/Expand/Reshape, an additive causal mask, Softmax).

make_llama(config, weights) takes the tensors from `weights`: RandomWeights
(bench/compare_ort.py's generated model) or a real model's
(fetch_smollm2.py). Config fields: vocab, hidden, layers, heads, kv_heads,
head_dim, mlp, seq, rope_theta, eps, weight_seed.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper


class GraphBuilder:
    def __init__(self):
        self.nodes, self.initializers = [], []

    def const(self, name, value):
        """A Constant node, as torch exports scalars and shapes."""
        tensor = numpy_helper.from_array(np.asarray(value), name)
        self.nodes.append(helper.make_node("Constant", [], [name], value=tensor))
        return name

    def init(self, name, array):
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def op(self, op_type, inputs, name, **attrs):
        output = f"{name}_output_0"
        self.nodes.append(helper.make_node(op_type, inputs, [output],
                                           name=name, **attrs))
        return output


def rms_norm(g, x, weight, scope, eps):
    two = g.const(f"{scope}/Constant_output_0", np.float32(2.0))
    pow_ = g.op("Pow", [x, two], f"{scope}/Pow")
    mean = g.op("ReduceMean", [pow_], f"{scope}/ReduceMean", axes=[-1], keepdims=1)
    eps_ = g.const(f"{scope}/Constant_1_output_0", np.float32(eps))
    add = g.op("Add", [mean, eps_], f"{scope}/Add")
    sqrt = g.op("Sqrt", [add], f"{scope}/Sqrt")
    one = g.const(f"{scope}/Constant_2_output_0", np.float32(1.0))
    inv = g.op("Div", [one, sqrt], f"{scope}/Div")
    mul = g.op("Mul", [x, inv], f"{scope}/Mul")
    return g.op("Mul", [mul, weight], f"{scope}/Mul_1")


def rotate(g, x, cos, sin, scope, half):
    """x * cos + Concat(-x[..., half:], x[..., :half]) * sin (rotate_half)."""
    axes = g.const(f"{scope}/axes", np.array([3], np.int64))
    step = g.const(f"{scope}/step", np.array([1], np.int64))
    zero = g.const(f"{scope}/zero", np.array([0], np.int64))
    mid = g.const(f"{scope}/half", np.array([half], np.int64))
    end = g.const(f"{scope}/end", np.array([np.iinfo(np.int64).max], np.int64))
    x1 = g.op("Slice", [x, zero, mid, axes, step], f"{scope}/Slice")
    x2 = g.op("Slice", [x, mid, end, axes, step], f"{scope}/Slice_1")
    neg = g.op("Neg", [x2], f"{scope}/Neg")
    rotated = g.op("Concat", [neg, x1], f"{scope}/Concat", axis=-1)
    a = g.op("Mul", [x, cos], f"{scope}/Mul")
    b = g.op("Mul", [rotated, sin], f"{scope}/Mul_1")
    return g.op("Add", [a, b], f"{scope}/Add")


def repeat_kv(g, x, scope, c):
    """Hugging Face's repeat_kv: Unsqueeze(2) -> Expand -> Reshape."""
    groups = c.heads // c.kv_heads
    axis = g.const(f"{scope}/axis", np.array([2], np.int64))
    unsq = g.op("Unsqueeze", [x, axis], f"{scope}/Unsqueeze")
    shape5 = g.const(f"{scope}/shape5",
                     np.array([1, c.kv_heads, groups, c.seq, c.head_dim], np.int64))
    expand = g.op("Expand", [unsq, shape5], f"{scope}/Expand")
    shape4 = g.const(f"{scope}/shape4", np.array([1, c.heads, c.seq, c.head_dim], np.int64))
    return g.op("Reshape", [expand, shape4], f"{scope}/Reshape")


def split_heads(g, x, heads, scope, c):
    shape = g.const(f"{scope}/shape", np.array([1, c.seq, heads, c.head_dim], np.int64))
    r = g.op("Reshape", [x, shape], f"{scope}/Reshape")
    return g.op("Transpose", [r], f"{scope}/Transpose", perm=[0, 2, 1, 3])


def attention(g, x, i, c, weights, tables):
    s = f"/layers.{i}/self_attn"
    w = lambda name, rows, cols: g.init(  # noqa: E731
        f"layers.{i}.self_attn.{name}.weight",
        weights.linear(f"layers.{i}.self_attn.{name}.weight", rows, cols))
    q = g.op("MatMul", [x, w("q_proj", c.hidden, c.heads * c.head_dim)], f"{s}/q_proj/MatMul")
    k = g.op("MatMul", [x, w("k_proj", c.hidden, c.kv_heads * c.head_dim)], f"{s}/k_proj/MatMul")
    v = g.op("MatMul", [x, w("v_proj", c.hidden, c.kv_heads * c.head_dim)], f"{s}/v_proj/MatMul")
    q = split_heads(g, q, c.heads, f"{s}/q", c)
    k = split_heads(g, k, c.kv_heads, f"{s}/k", c)
    v = split_heads(g, v, c.kv_heads, f"{s}/v", c)
    cos, sin, mask = tables
    q = rotate(g, q, cos, sin, f"{s}/rope_q", c.head_dim // 2)
    k = rotate(g, k, cos, sin, f"{s}/rope_k", c.head_dim // 2)
    k = repeat_kv(g, k, f"{s}/repeat_k", c)
    v = repeat_kv(g, v, f"{s}/repeat_v", c)
    kt = g.op("Transpose", [k], f"{s}/Transpose_k", perm=[0, 1, 3, 2])
    scores = g.op("MatMul", [q, kt], f"{s}/MatMul")
    scale = g.const(f"{s}/scale", np.float32(np.sqrt(c.head_dim)))
    scores = g.op("Div", [scores, scale], f"{s}/Div")
    scores = g.op("Add", [scores, mask], f"{s}/Add_mask")
    probs = g.op("Softmax", [scores], f"{s}/Softmax", axis=-1)
    out = g.op("MatMul", [probs, v], f"{s}/MatMul_1")
    out = g.op("Transpose", [out], f"{s}/Transpose_o", perm=[0, 2, 1, 3])
    shape = g.const(f"{s}/shape_o", np.array([1, c.seq, c.heads * c.head_dim], np.int64))
    out = g.op("Reshape", [out, shape], f"{s}/Reshape_o")
    return g.op("MatMul", [out, w("o_proj", c.heads * c.head_dim, c.hidden)], f"{s}/o_proj/MatMul")


def mlp(g, x, i, c, weights):
    s = f"/layers.{i}/mlp"
    w = lambda name, rows, cols: g.init(  # noqa: E731
        f"layers.{i}.mlp.{name}.weight",
        weights.linear(f"layers.{i}.mlp.{name}.weight", rows, cols))
    gate = g.op("MatMul", [x, w("gate_proj", c.hidden, c.mlp)], f"{s}/gate_proj/MatMul")
    sig = g.op("Sigmoid", [gate], f"{s}/Sigmoid")
    silu = g.op("Mul", [gate, sig], f"{s}/Mul")
    up = g.op("MatMul", [x, w("up_proj", c.hidden, c.mlp)], f"{s}/up_proj/MatMul")
    h = g.op("Mul", [silu, up], f"{s}/Mul_1")
    return g.op("MatMul", [h, w("down_proj", c.mlp, c.hidden)], f"{s}/down_proj/MatMul")


class RandomWeights:
    """Seeded random weights, drawn in the order make_llama asks for them
    (so a seed always gives the same model)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def embedding(self, name, vocab, hidden):
        return self.rng.standard_normal((vocab, hidden), dtype=np.float32)

    def linear(self, name, rows, cols):
        """[in, out], as torch exports nn.Linear for MatMul; scaled so that
        activations stay O(1) through the layers."""
        return (self.rng.standard_normal((rows, cols), dtype=np.float32)
                / np.float32(np.sqrt(rows)))

    def norm(self, name, dim):
        return (1.0 + 0.1 * self.rng.standard_normal(dim, dtype=np.float32)).astype(np.float32)


def rope_tables(c):
    """cos/sin [T, head_dim], each angle repeated for both halves."""
    inv_freq = 1.0 / (c.rope_theta ** (np.arange(0, c.head_dim, 2) / c.head_dim))
    angles = np.outer(np.arange(c.seq), inv_freq)
    angles = np.concatenate([angles, angles], axis=-1)
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def make_llama(c, weights=None, producer="resq bench/compare_ort.py"):
    """The ONNX model of config `c` (fields as LlamaConfig) with the tensors
    `weights` provides (embedding / linear [in, out] / norm by Hugging Face
    name; default: RandomWeights(c.weight_seed))."""
    weights = weights or RandomWeights(c.weight_seed)
    g = GraphBuilder()
    cos, sin = rope_tables(c)
    mask = np.triu(np.full((c.seq, c.seq), np.finfo(np.float32).min, np.float32), 1)
    tables = (g.init("rope.cos", cos), g.init("rope.sin", sin),
              g.init("attn.causal_mask", mask))
    embed = g.init("embed_tokens.weight",
                   weights.embedding("embed_tokens.weight", c.vocab, c.hidden))
    x = g.op("Gather", [embed, "input_ids"], "/embed_tokens/Gather")
    for i in range(c.layers):
        name = f"layers.{i}.input_layernorm.weight"
        n1 = rms_norm(g, x, g.init(name, weights.norm(name, c.hidden)),
                      f"/layers.{i}/input_layernorm", c.eps)
        x = g.op("Add", [x, attention(g, n1, i, c, weights, tables)], f"/layers.{i}/Add")
        name = f"layers.{i}.post_attention_layernorm.weight"
        n2 = rms_norm(g, x, g.init(name, weights.norm(name, c.hidden)),
                      f"/layers.{i}/post_attention_layernorm", c.eps)
        x = g.op("Add", [x, mlp(g, n2, i, c, weights)], f"/layers.{i}/Add_1")
    x = rms_norm(g, x, g.init("norm.weight", weights.norm("norm.weight", c.hidden)),
                 "/norm", c.eps)
    head = g.init("lm_head.weight", weights.linear("lm_head.weight", c.hidden, c.vocab))
    g.nodes.append(helper.make_node("MatMul", [x, head], ["logits"], name="/lm_head/MatMul"))
    graph = helper.make_graph(
        g.nodes, "torch_jit",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, c.seq])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, c.seq, c.vocab])],
        g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name=producer)
    model.ir_version = 8
    return model
