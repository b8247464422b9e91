"""Build the MiniLM encoder as an ONNX graph from the packaged weights and run it with
onnxruntime: about twice as fast as the numpy forward pass, and the same vectors.

Nothing is exported with torch or fetched: the graph is assembled in memory from the
safetensors arrays at load time (about 0.2 s).
"""

from __future__ import annotations

import numpy as np


def build_graph(w: dict[str, np.ndarray], layers: int, heads: int) -> bytes:
    """Return a serialised ONNX model: (input_ids, attention_mask) -> last hidden state."""
    from onnx import TensorProto, helper, numpy_helper

    hidden = w["embeddings.word_embeddings.weight"].shape[1]
    head_dim = hidden // heads
    inits: list = []
    nodes: list = []
    counter = [0]

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], **attrs: object) -> str:
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def layer_norm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization",
            [x, const(prefix + ".w", w[prefix + ".weight"]), const(prefix + ".b", w[prefix + ".bias"])],
            axis=-1,
            epsilon=1e-12,
        )

    def linear(x: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
        return node("Add", [node("MatMul", [x, const(name + ".w", weight)]), const(name + ".b", bias)])

    # embeddings
    word = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"])
    seq_len = node("Gather", [node("Shape", ["input_ids"]), const("one_idx", np.array([1], np.int64))])
    pos = node(
        "Slice",
        [const("pos_emb", w["embeddings.position_embeddings.weight"]), const("zero", np.array([0], np.int64)), seq_len,
         const("axis0", np.array([0], np.int64))],
    )
    x = node("Add", [node("Add", [word, pos]), const("type_emb", w["embeddings.token_type_embeddings.weight"][0])])
    x = layer_norm(x, "embeddings.LayerNorm")

    # additive attention mask [B, 1, 1, S]
    mask_f = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    inv = node("Sub", [const("f_one", np.array(1.0, np.float32)), mask_f])
    bias = node("Mul", [inv, const("neg_big", np.array(-1e9, np.float32))])
    bias = node("Unsqueeze", [bias, const("ax12", np.array([1, 2], np.int64))])

    head_shape = const("head_shape", np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    half = const("half", np.array(0.5, np.float32))
    one = const("one", np.array(1.0, np.float32))
    for i in range(layers):
        p = f"encoder.layer.{i}."
        qkv = linear(x, w[p + "qkv.weight"], w[p + "qkv.bias"], p + "qkv")
        q, k, v = (f"q_{i}", f"k_{i}", f"v_{i}")
        nodes.append(
            helper.make_node(
                "Split", [qkv, const(p + "split", np.array([hidden] * 3, np.int64))], [q, k, v], axis=-1
            )
        )
        qh = node("Transpose", [node("Reshape", [q, head_shape])], perm=[0, 2, 1, 3])
        kh = node("Transpose", [node("Reshape", [k, head_shape])], perm=[0, 2, 3, 1])
        vh = node("Transpose", [node("Reshape", [v, head_shape])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [qh, kh]), scale]), bias])
        probs = node("Softmax", [scores], axis=-1)
        ctx = node("Reshape", [node("Transpose", [node("MatMul", [probs, vh])], perm=[0, 2, 1, 3]), merge_shape])
        attn = linear(ctx, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"], p + "ao")
        x = layer_norm(node("Add", [attn, x]), p + "attention.output.LayerNorm")
        h = linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"], p + "inter")
        gelu = node("Mul", [node("Mul", [h, half]), node("Add", [node("Erf", [node("Div", [h, sqrt2])]), one])])
        out = linear(gelu, w[p + "output.dense.weight"], w[p + "output.dense.bias"], p + "out")
        x = layer_norm(node("Add", [out, x]), p + "output.LayerNorm")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))

    graph = helper.make_graph(
        nodes,
        "minilm",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


class OnnxEncoder:
    """Runs the ONNX graph; same interface as `MiniLM.encode_ids`."""

    def __init__(self, w: dict[str, np.ndarray], layers: int, heads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            build_graph(w, layers, heads), options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
