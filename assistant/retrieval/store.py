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
from assistant.workspaces import RESERVED

COLLECTION_PREFIX = "ws."
GLOBAL_WORKSPACE = RESERVED  # no caller may name it (workspaces.check_workspace)

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
        # Chroma creates its tables when it first opens a directory: two processes opening a
        # fresh one together race ("table collections already exists"), so opens take turns
        with open(settings.chroma_dir / ".open.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    except Exception as exc:  # chromadb raises many kinds; map them at the boundary
        where = (
            f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"embedded store {settings.chroma_dir}"
        )
        raise StoreError(f"cannot open the {where}: {exc}") from exc


def collection_name(workspace: str) -> str:
    """One collection per workspace (and one for the global SOPs): a query never needs a
    workspace filter, which costs Chroma a scan of the matching metadata."""
    return f"{COLLECTION_PREFIX}{workspace}.v1"


def _workspace_values(cond: Any) -> list[str] | None:
    if isinstance(cond, str):
        return [cond]
    if isinstance(cond, dict) and len(cond) == 1:
        op, value = next(iter(cond.items()))
        if op == "$eq" and isinstance(value, str):
            return [value]
        if op == "$in" and isinstance(value, list):
            return [str(v) for v in value]
    return None


def split_where(where: dict | None) -> tuple[list[str] | None, dict | None]:
    """(workspaces named by the filter or None for all, the rest of the filter or None)."""
    if not where:
        return None, None
    if set(where) == {"workspace"}:
        values = _workspace_values(where["workspace"])
        return (values, None) if values is not None else (None, where)
    if set(where) == {"$and"}:
        workspaces, rest = None, []
        for clause in where["$and"]:
            found, remainder = split_where(clause)
            if found is not None and remainder is None and workspaces is None:
                workspaces = found
            else:
                rest.append(clause)
        if not rest:
            return workspaces, None
        return workspaces, rest[0] if len(rest) == 1 else {"$and": rest}
    return None, where


class Store:
    """The chunk collections (one per workspace) plus the lock that guards an embedded directory."""

    def __init__(self, settings: Settings | None = None) -> None:
        from assistant.retrieval.embeddings import get_embedder

        self.settings = settings or get_settings()
        self.embedder = get_embedder()
        self.client = _client(self.settings)
        self._collections: dict[str, Any] = {}
        self._view = threading.local()
        self.framework_ready = False  # set once the shipped SOPs are known to be indexed
        self.step_chunks: dict[str, tuple[str, dict, str]] | None = None  # search.step_chunks' copy
        for name in self._existing_names():
            self._check_model(self._open(name, create=False))

    # -- collections ---------------------------------------------------------------------------
    @contextmanager
    def one_listing(self) -> Iterator[None]:
        """List the collections once for the queries inside the block (a retrieval's step and
        plan queries), instead of once per query; per thread, so requests never share it."""
        self._view.names = self._list_names()
        try:
            yield
        finally:
            self._view.names = None

    def _existing_names(self) -> list[str]:
        names = getattr(self._view, "names", None)
        return names if names is not None else self._list_names()

    def _list_names(self) -> list[str]:
        try:
            names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        except Exception as exc:
            raise StoreError(f"cannot list the store's collections: {exc}") from exc
        return [n for n in names if n.startswith(COLLECTION_PREFIX)]

    def _open(self, name: str, create: bool = True) -> Any:
        if name not in self._collections:
            try:
                if create:
                    self._collections[name] = self.client.get_or_create_collection(
                        name,
                        metadata={"hnsw:space": "cosine", "embedding_model": self.embedder.model_name,
                                  "embedding_dim": self.embedder.dimension},
                        embedding_function=None,
                    )
                else:
                    self._collections[name] = self.client.get_collection(name, embedding_function=None)
            except Exception as exc:
                raise StoreError(f"cannot open the chunk collection {name}: {exc}") from exc
        return self._collections[name]

    def collection_for(self, workspace: str, create: bool = False) -> Any | None:
        """The collection of a workspace, or None when it has none yet (and `create` is False)."""
        name = collection_name(workspace)
        if name in self._collections:
            return self._collections[name]
        if create or name in self._existing_names():
            return self._open(name)
        return None

    def workspaces(self) -> list[str]:
        """The workspaces that have indexed documents (the global SOPs' one left out)."""
        names = []
        for name in self._list_names():
            inner = name[len(COLLECTION_PREFIX):]
            if inner.endswith(".v1") and not inner.startswith("__"):
                names.append(inner[: -len(".v1")])
        return sorted(names)

    def _targets(self, workspaces: list[str] | None) -> list[Any]:
        if workspaces is None:
            return [self._open(n, create=False) for n in self._existing_names()]
        found = (self.collection_for(w) for w in dict.fromkeys(workspaces))
        return [c for c in found if c is not None]

    def drop_workspace(self, workspace: str) -> None:
        """Delete a workspace's whole collection."""
        name = collection_name(workspace)
        self._collections.pop(name, None)
        if workspace == GLOBAL_WORKSPACE:
            self.framework_ready = False
        if name in self._existing_names():
            try:
                self.client.delete_collection(name)
            except Exception as exc:
                raise StoreError(f"cannot delete collection {name}: {exc}") from exc

    def drop_all(self) -> None:
        """Delete every chunk collection (reindex)."""
        self.framework_ready = False
        for name in self._existing_names():
            self.drop_workspace(name[len(COLLECTION_PREFIX) : -len(".v1")])

    def _check_model(self, collection: Any) -> None:
        meta = collection.metadata or {}
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

    def _fresh(self, operation):
        """Run `operation`; if another process dropped or recreated a collection we hold,
        forget the cached handles and run it once more."""
        try:
            return operation()
        except Exception as exc:
            if "does not exist" not in str(exc):
                raise
            self._collections.clear()
            return operation()

    def count(self) -> int:
        """Number of chunks in the index."""
        try:
            return self._fresh(lambda: sum(int(c.count()) for c in self._targets(None)))
        except Exception as exc:
            raise StoreError(f"store read failed: {exc}") from exc

    def get(self, *, ids: list[str] | None = None, where: dict | None = None,
            include: list[str] | None = None, limit: int | None = None) -> dict[str, Any]:
        """`collection.get` across the collections the filter names (all when it names none)."""
        workspaces, rest = split_where(where)
        include = ["metadatas", "documents"] if include is None else include

        def read() -> dict[str, list]:
            merged: dict[str, list] = {"ids": [], "metadatas": [], "documents": []}
            for collection in self._targets(workspaces):
                got = collection.get(ids=ids, where=rest, include=include, limit=limit)
                merged["ids"] += got["ids"]
                for key in ("metadatas", "documents"):
                    merged[key] += got.get(key) or [None] * len(got["ids"])
                if limit is not None and len(merged["ids"]) >= limit:
                    break
            return merged

        try:
            return self._fresh(read)
        except Exception as exc:
            raise StoreError(f"store read failed: {exc}") from exc

    def add(self, ids: list[str], texts: list[str], metadatas: list[dict], vectors: Any) -> None:
        """Upsert chunks with precomputed vectors, each into its workspace's collection."""
        groups: dict[str, list[int]] = {}
        for i, meta in enumerate(metadatas):
            groups.setdefault(str(meta["workspace"]), []).append(i)
        def write() -> None:
            for workspace, rows in groups.items():
                collection = self.collection_for(workspace, create=True)
                if collection is None:  # cannot happen: create=True always opens one
                    raise StoreError(f"cannot open the collection of workspace {workspace}")
                for start in range(0, len(rows), 1000):
                    part = rows[start : start + 1000]
                    collection.upsert(
                        ids=[ids[i] for i in part], documents=[texts[i] for i in part],
                        metadatas=[metadatas[i] for i in part],
                        embeddings=[list(map(float, vectors[i])) for i in part],
                    )

        try:
            self._fresh(write)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"store write failed: {exc}") from exc

    def delete(self, ids: list[str], workspace: str | None = None) -> None:
        """Delete chunks by id (in one workspace's collection, or wherever they are)."""
        if not ids:
            return
        def remove() -> None:
            for collection in self._targets(None if workspace is None else [workspace]):
                for start in range(0, len(ids), 1000):
                    collection.delete(ids=ids[start : start + 1000])

        try:
            self._fresh(remove)
        except Exception as exc:
            raise StoreError(f"store delete failed: {exc}") from exc

    def query(self, vector: Any, k: int, where: dict | None) -> dict[str, Any]:
        """Nearest chunks to `vector` under the filter, merged across the named collections."""
        workspaces, rest = split_where(where)
        embedding = [list(map(float, vector))]

        def search() -> list[tuple[float, str, str, dict]]:
            found: list[tuple[float, str, str, dict]] = []
            for collection in self._targets(workspaces):
                got = collection.query(query_embeddings=embedding, n_results=k, where=rest,
                                       include=["documents", "metadatas", "distances"])
                found += list(zip(got["distances"][0], got["ids"][0], got["documents"][0],
                                  got["metadatas"][0], strict=True))
            return found

        try:
            rows = self._fresh(search)
        except Exception as exc:
            raise StoreError(f"store query failed: {exc}") from exc
        rows.sort(key=lambda r: r[0])
        rows = rows[:k]
        return {"ids": [[r[1] for r in rows]], "documents": [[r[2] for r in rows]],
                "metadatas": [[r[3] for r in rows]], "distances": [[r[0] for r in rows]]}


_STORES: dict[tuple, Store] = {}
_OPEN_LOCK = threading.Lock()  # a burst of first requests must open one store, not thirty
_WRITE_LOCK = threading.Lock()  # threads of one process queue up; other processes get refused


def get_store(settings: Settings | None = None) -> Store:
    """A store per (data dir, host, port), opened once per process."""
    settings = settings or get_settings()
    key = (str(settings.chroma_dir), settings.chroma_host, settings.chroma_port)
    store = _STORES.get(key)
    if store is None:
        with _OPEN_LOCK:
            store = _STORES.get(key)
            if store is None:
                store = _STORES[key] = Store(settings)
    return store


def forget_stores() -> None:
    """Drop cached store handles (tests, reindex)."""
    _STORES.clear()
