"""Build the MiniLM encoder as an ONNX graph from the packaged weights and run it with
onnxruntime: about twice as fast as the numpy forward pass, and the same vectors.

Nothing is exported with torch or fetched: the graph is assembled in memory from the
safetensors arrays at load time (about 0.2 s).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def build_graph(w: dict[str, np.ndarray], layers: int, heads: int) -> bytes:
    """Return a serialised ONNX model: (input_ids, attention_mask) -> last hidden state.

    Each layer uses onnxruntime's fused CPU kernels (com.microsoft Attention, BiasGelu and
    SkipLayerNormalization: residual + bias + layer norm in one pass), seven nodes instead of
    about thirty. Same maths (max difference to the numpy reference 2e-7); measured here
    about 15% faster than the same graph written with standard operators, which onnxruntime
    did not fuse by itself.
    """
    from onnx import TensorProto, helper, numpy_helper

    hidden = w["embeddings.word_embeddings.weight"].shape[1]
    inits: list = []
    nodes: list = []
    counter = [0]

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], fused: bool = False, **attrs: Any) -> str:
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        domain = {"domain": "com.microsoft"} if fused else {}
        nodes.append(helper.make_node(op, inputs, [out], **domain, **attrs))
        return out

    def residual_norm(x: str, residual: str, bias: np.ndarray, prefix: str) -> str:
        """layer_norm(x + residual + bias)"""
        return node(
            "SkipLayerNormalization",
            [x, residual, const(prefix + ".w", w[prefix + ".weight"]), const(prefix + ".b", w[prefix + ".bias"]),
             const(prefix + ".bias_in", bias)],
            fused=True,
            epsilon=1e-12,
        )

    # embeddings
    word = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"])
    seq_len = node("Gather", [node("Shape", ["input_ids"]), const("one_idx", np.array([1], np.int64))])
    pos = node(
        "Slice",
        [const("pos_emb", w["embeddings.position_embeddings.weight"]), const("zero", np.array([0], np.int64)), seq_len,
         const("axis0", np.array([0], np.int64))],
    )
    x = node("Add", [node("Add", [word, pos]), const("type_emb", w["embeddings.token_type_embeddings.weight"][0])])
    x = node(
        "LayerNormalization",
        [x, const("emb_ln.w", w["embeddings.LayerNorm.weight"]), const("emb_ln.b", w["embeddings.LayerNorm.bias"])],
        axis=-1,
        epsilon=1e-12,
    )
    mask = node("Cast", ["attention_mask"], to=TensorProto.INT32)  # raw [batch, seq] 1/0 mask

    for i in range(layers):
        p = f"encoder.layer.{i}."
        ctx = node("Attention", [x, const(p + "qkv.w", w[p + "qkv.weight"]), const(p + "qkv.b", w[p + "qkv.bias"]), mask],
                   fused=True, num_heads=heads)
        attn = node("MatMul", [ctx, const(p + "ao.w", w[p + "attention.output.dense.weight"])])
        x = residual_norm(attn, x, w[p + "attention.output.dense.bias"], p + "attention.output.LayerNorm")
        h = node("MatMul", [x, const(p + "inter.w", w[p + "intermediate.dense.weight"])])
        gelu = node("BiasGelu", [h, const(p + "inter.b", w[p + "intermediate.dense.bias"])], fused=True)
        out = node("MatMul", [gelu, const(p + "out.w", w[p + "output.dense.weight"])])
        x = residual_norm(out, x, w[p + "output.dense.bias"], p + "output.LayerNorm")
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
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    )
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
