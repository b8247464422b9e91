"""The Chroma store: embedded `PersistentClient` by default, a Chroma server when configured.

One collection holds every chunk. Its metadata records the embedding model and dimension;
opening it with another model is a clear error that names `assistant reindex`. An embedded
directory has one writer at a time, guarded by a lock file.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assistant.config import Settings, get_settings
from assistant.errors import StoreError

COLLECTION = "assistant_chunks"
GLOBAL_WORKSPACE = "__global__"

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds; map them at the boundary
        where = (
            f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"embedded store {settings.chroma_dir}"
        )
        raise StoreError(f"cannot open the {where}: {exc}") from exc


class Store:
    """The chunk collection plus the lock that guards an embedded directory."""

    def __init__(self, settings: Settings | None = None) -> None:
        from assistant.retrieval.embeddings import get_embedder

        self.settings = settings or get_settings()
        self.embedder = get_embedder()
        self.client = _client(self.settings)
        try:
            self.collection = self.client.get_or_create_collection(
                COLLECTION,
                metadata={
                    "hnsw:space": "cosine",
                    "embedding_model": self.embedder.model_name,
                    "embedding_dim": self.embedder.dimension,
                },
                embedding_function=None,
            )
        except Exception as exc:
            raise StoreError(f"cannot open the chunk collection: {exc}") from exc
        self._check_model()

    def _check_model(self) -> None:
        meta = self.collection.metadata or {}
        model, dim = meta.get("embedding_model"), meta.get("embedding_dim")
        if (model and model != self.embedder.model_name) or (
            dim and int(dim) != self.embedder.dimension
        ):
            raise StoreError(
                f"the index was built with embedding model {model} ({dim} dims) but this "
                f"process uses {self.embedder.model_name} ({self.embedder.dimension} dims); "
                "run `assistant reindex` to rebuild it"
            )

    @property
    def embedded(self) -> bool:
        """True for the embedded (on-disk) store, False for a Chroma server."""
        return not self.settings.chroma_host

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock of an embedded store (no-op for a server)."""
        if not self.embedded:
            yield
            return
        path = self.settings.chroma_dir / ".writer.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK, open(path, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreError(
                    f"another process is writing to the embedded store {self.settings.chroma_dir}; "
                    "wait for it to finish, or run several processes against a Chroma server "
                    "(ASSISTANT_CHROMA_HOST)"
                ) from exc
            try:
                handle.write(str(os.getpid()))
                handle.flush()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def count(self) -> int:
        """Number of chunks in the index."""
        return int(self.collection.count())

    def get(self, **kwargs: Any) -> dict[str, Any]:
        """`collection.get` with errors mapped."""
        try:
            return self.collection.get(**kwargs)
        except Exception as exc:
            raise StoreError(f"store read failed: {exc}") from exc

    def add(self, ids: list[str], texts: list[str], metadatas: list[dict], vectors: Any) -> None:
        """Upsert chunks with precomputed vectors."""
        try:
            for start in range(0, len(ids), 1000):
                end = start + 1000
                self.collection.upsert(
                    ids=ids[start:end],
                    documents=texts[start:end],
                    metadatas=metadatas[start:end],
                    embeddings=[list(map(float, v)) for v in vectors[start:end]],
                )
        except Exception as exc:
            raise StoreError(f"store write failed: {exc}") from exc

    def delete(self, ids: list[str]) -> None:
        """Delete chunks by id."""
        if not ids:
            return
        try:
            for start in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[start : start + 1000])
        except Exception as exc:
            raise StoreError(f"store delete failed: {exc}") from exc

    def query(self, vector: Any, k: int, where: dict | None) -> dict[str, Any]:
        """Nearest chunks to `vector` under the `where` filter."""
        try:
            return self.collection.query(
                query_embeddings=[list(map(float, vector))],
                n_results=k,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise StoreError(f"store query failed: {exc}") from exc


_STORES: dict[tuple, Store] = {}
_WRITE_LOCK = threading.Lock()  # threads of one process queue up; other processes get refused


def get_store(settings: Settings | None = None) -> Store:
    """A store per (data dir, host, port), opened once per process."""
    settings = settings or get_settings()
    key = (str(settings.chroma_dir), settings.chroma_host, settings.chroma_port)
    if key not in _STORES:
        _STORES[key] = Store(settings)
    return _STORES[key]


def forget_stores() -> None:
    """Drop cached store handles (tests, reindex)."""
    _STORES.clear()
