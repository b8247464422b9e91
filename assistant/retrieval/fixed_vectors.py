"""Vectors of fixed sentences (the engine's prototype sentences) kept on disk, so that a fresh
process does not embed the same hundred sentences again at every start (about 0.5 s here).

`Embedder.fixed_texts()` marks the texts embedded inside it as fixed: each such call looks its
vectors up here first. A file holds the vectors of one call's texts, in order, so a hit returns
exactly what the encoder would have computed for that call (same texts, same batches). It sits
in `vectors/<model key>/<texts key>.bin` in the cache dir (ASSISTANT_CACHE_DIR). The model key
hashes what the vectors are made from: the model and tokenizer files, the encoder's builder
(`onnx_minilm.graph_key`) and the versions of the libraries that compute them (onnxruntime,
tokenizers, numpy); a change gets new files and the old model keys' folders are removed. A
file starts with the sha256 of its vectors: a corrupt or truncated file is ignored and written
again. Files are written atomically (temp file + rename). A cache that cannot be read or
written only costs the embedding.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.retrieval.onnx_minilm import file_digest, write_atomically

log = logging.getLogger("assistant.retrieval")

_DIGEST = 32  # bytes of sha256 in front of the vectors


def vectors_key(model_dir: Path, graph: str, memo_dir: Path) -> str:
    """The model key: the encoder graph's key (model files + builder), the tokenizer file and
    the versions of the libraries that turn texts into vectors."""
    import onnxruntime
    import tokenizers

    tokenizer = model_dir / "tokenizer.json"
    h = hashlib.sha256(f"minilm-vectors\0{graph}\0".encode())
    h.update(file_digest(tokenizer, memo_dir).encode() if tokenizer.exists() else b"-")
    h.update(f"\0{onnxruntime.__version__}\0{tokenizers.__version__}\0{np.__version__}".encode())
    return h.hexdigest()[:32]


def texts_key(texts: Sequence[str]) -> str:
    """The file name of one call's texts (their order counts: a batch is kept as it was)."""
    h = hashlib.sha256(f"{len(texts)}\0".encode())
    for text in texts:
        h.update(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()[:40]


# a folder of another model key is removed once it has not been written for this long (a few
# hundred kilobytes each: the cost of keeping one is nothing next to re-embedding at each start)
PRUNE_AGE = 30 * 24 * 3600


class FixedVectors:
    """The on-disk vectors of fixed texts under `root`, for the model named by `model_key`
    (called once, on first use: it reads the model files' digests)."""

    def __init__(self, root: Path, model_key: Callable[[], str], dimension: int) -> None:
        self.root = root
        self._model_key = model_key
        self.dimension = dimension
        self._folder: Path | None = None

    def folder(self) -> Path:
        """This model's folder (the key is computed once)."""
        if self._folder is None:
            self._folder = self.root / self._model_key()
        return self._folder

    def load(self, texts: Sequence[str]) -> np.ndarray | None:
        """The vectors stored for exactly these texts, or None (absent, corrupt, unreadable)."""
        try:
            path = self.folder() / f"{texts_key(texts)}.bin"
            data = path.read_bytes()
        except OSError:
            return None
        body = data[_DIGEST:]
        if len(body) != len(texts) * self.dimension * 4 or hashlib.sha256(body).digest() != data[:_DIGEST]:
            log.warning("cached vectors %s are damaged; embedding again", path)
            return None
        return np.frombuffer(body, dtype="<f4").reshape(len(texts), self.dimension).astype(np.float32)

    def save(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store the vectors of these texts (never raises: the cache is only a shortcut)."""
        body = np.ascontiguousarray(vectors, dtype="<f4").tobytes()
        try:
            folder = self.folder()
            fresh = not folder.exists()
            write_atomically(folder / f"{texts_key(texts)}.bin", hashlib.sha256(body).digest() + body)
            if fresh:
                self._prune(keep=folder)
        except OSError as exc:
            log.warning("could not cache fixed vectors in %s (%s)", self.root, exc)

    def _prune(self, keep: Path) -> None:
        """Remove the folders of other model keys (a changed model or library) not written for
        PRUNE_AGE: another install sharing the cache directory keeps its own."""
        cutoff = time.time() - PRUNE_AGE
        for entry in self.root.iterdir():
            if entry != keep and entry.is_dir() and not entry.name.startswith("."):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        shutil.rmtree(entry)
