"""Build the MiniLM encoder as an ONNX graph from the packaged weights and run it with
onnxruntime: about twice as fast as the numpy forward pass, and the same vectors.

Nothing is exported with torch or fetched: the graph is assembled from the safetensors
arrays with `onnx` (importing it alone takes over a second), once per model and builder,
and cached on disk (`cached_graph`): later processes hand the cached file to onnxruntime
and never import `onnx`.

The cache is a folder `encoder/minilm-<key>/` in the cache dir (ASSISTANT_CACHE_DIR) holding
`model.onnx` and its weights as external data (`weights.bin`: a session loads in 0.12 s this
way, 0.3 s with the 90 MB inside the protobuf; measured here). The key hashes the model files'
contents (remembered by file size, mtime and inode in `encoder/digests/`) and this builder's
source (this module and `embeddings`, which prepares the weights), so a changed model or
builder gets a new graph. The folder is written
under a temporary name and renamed into place, so another process sees all of it or none; one
that does not load (corrupt, truncated, another key) is replaced. An unwritable cache dir
only costs the build: the graph is then loaded from memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("assistant.retrieval")

GRAPH_FILE = "model.onnx"
DATA_FILE = "weights.bin"
KEY_PROP = "assistant.graph_key"
# the files whose contents the graph is made from (the tokenizer is not part of it)
MODEL_FILES = ("model.safetensors", "config.json")
_BUILDER_SOURCES = (Path(__file__), Path(__file__).with_name("embeddings.py"))
_STALE_TEMP_SECONDS = 3600

Weights = tuple[dict[str, np.ndarray], int, int]  # weights prepared by MiniLM, layers, heads


def build_graph(w: dict[str, np.ndarray], layers: int, heads: int) -> bytes:
    """Return the serialised ONNX model of `build_model`."""
    return build_model(w, layers, heads).SerializeToString()


def build_model(w: dict[str, np.ndarray], layers: int, heads: int) -> Any:
    """Return an ONNX ModelProto: (input_ids, attention_mask) -> last hidden state.

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
    return model


def file_digest(path: Path, memo_dir: Path) -> str:
    """sha256 of a file's contents, remembered by its (path, size, mtime, inode): hashing the
    90 MB of weights takes 0.2 s, a stat takes microseconds; a reinstalled file is hashed again."""
    st = path.stat()
    signature = f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
    memo = memo_dir / hashlib.sha256(signature.encode()).hexdigest()[:32]
    try:
        known = memo.read_text().strip()
        if len(known) == 64:
            return known
    except OSError:
        pass
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    with contextlib.suppress(OSError):  # only the memo is lost: the next process hashes again
        write_atomically(memo, digest.encode())
    return digest


def digests_dir(cache_dir: Path) -> Path:
    """Where the model files' digests are remembered (`file_digest`)."""
    return cache_dir / "encoder" / "digests"


def graph_key(model_dir: Path, heads: int, memo_dir: Path) -> str:
    """The cache key: the model files' contents, the head count and the builder's source."""
    h = hashlib.sha256(f"minilm-graph\0heads={heads}\0".encode())
    for source in _BUILDER_SOURCES:
        h.update(source.read_bytes())
    for name in MODEL_FILES:
        path = model_dir / name
        h.update(f"\0{name}\0{file_digest(path, memo_dir) if path.exists() else '-'}".encode())
    return h.hexdigest()[:32]


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename: readers see all or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_graph(folder: Path, weights: Weights, key: str) -> None:
    """Write model.onnx + weights.bin into a new folder (imports onnx: the one slow path)."""
    from onnx import helper, save_model
    from onnx.external_data_helper import convert_model_to_external_data

    model = build_model(*weights)
    helper.set_model_props(model, {KEY_PROP: key})
    convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location=DATA_FILE, size_threshold=1024
    )
    folder.mkdir(parents=True)
    save_model(model, str(folder / GRAPH_FILE))
    for name in (DATA_FILE, GRAPH_FILE):
        _fsync(folder / name)


def _discard(folder: Path) -> None:
    """Move a folder out of the way (one rename: readers see it or nothing), then delete it."""
    trash = folder.with_name(f".trash-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        os.rename(folder, trash)
    except OSError:
        return  # already gone (another process replaced it)
    shutil.rmtree(trash, ignore_errors=True)


def _prune(root: Path, keep: Path) -> None:
    """Remove graphs of other keys and temporary folders left by killed processes."""
    now = time.time()
    for entry in root.iterdir():
        if entry == keep or not entry.is_dir():
            continue
        if entry.name.startswith("minilm-"):
            _discard(entry)
        elif entry.name.startswith((".tmp-", ".trash-")):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > _STALE_TEMP_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)


def _publish(tmp: Path, final: Path) -> None:
    """Rename the finished folder into place; when another process got there first, keep its."""
    try:
        os.rename(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (final / GRAPH_FILE).exists():
            raise


def _session(graph: Path | bytes, key: str | None = None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    source = str(graph) if isinstance(graph, Path) else graph
    session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    if key is not None and session.get_modelmeta().custom_metadata_map.get(KEY_PROP) != key:
        raise ValueError("the cached graph was built for another model or builder")
    return session


def cached_graph(
    cache_dir: Path, model_dir: Path, heads: int, weights: Callable[[], Weights]
) -> Any:
    """An onnxruntime session of the encoder graph, from the cache when it holds a good one.

    `weights` is called only when the graph has to be built. Never raises because of the
    cache: a graph that does not load is rebuilt, a cache that cannot be written is skipped.
    """
    root = cache_dir / "encoder"
    try:
        key = graph_key(model_dir, heads, digests_dir(cache_dir))
    except OSError as exc:
        log.warning("encoder graph cache unusable (%s); building the graph in memory", exc)
        return _session(build_graph(*weights()))
    final = root / f"minilm-{key}"
    if final.exists():
        try:
            return _session(final / GRAPH_FILE, key)
        except Exception as exc:  # onnxruntime's own errors derive from Exception only
            log.warning("cached encoder graph %s does not load (%s); rebuilding it", final, exc)
            _discard(final)
    prepared = weights()
    tmp = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        _write_graph(tmp, prepared, key)
        _publish(tmp, final)
        _prune(root, keep=final)
        return _session(final / GRAPH_FILE, key)
    except Exception as exc:  # a cache must never stop the encoder
        shutil.rmtree(tmp, ignore_errors=True)
        log.warning("could not cache the encoder graph in %s (%s); building it in memory",
                    root, exc)
        return _session(build_graph(*prepared))


class OnnxEncoder:
    """Runs the ONNX graph; same interface as `MiniLM.encode_ids`."""

    def __init__(self, session: Any) -> None:
        self.session = session

    @classmethod
    def from_weights(cls, w: dict[str, np.ndarray], layers: int, heads: int) -> OnnxEncoder:
        """Build the graph in memory (imports onnx)."""
        return cls(_session(build_graph(w, layers, heads)))

    @classmethod
    def cached(
        cls, cache_dir: Path, model_dir: Path, heads: int, weights: Callable[[], Weights]
    ) -> OnnxEncoder:
        """Load the graph from the cache, building and caching it first when needed."""
        return cls(cached_graph(cache_dir, model_dir, heads, weights))

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
