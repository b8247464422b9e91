"""The encoder graph is built once and cached outside the repository; later processes load it
without importing onnx, and a cache that does not load is rebuilt, never a crash."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.retrieval.embeddings import MiniLM, _model_dir
from assistant.retrieval.onnx_minilm import DATA_FILE, GRAPH_FILE, OnnxEncoder

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Two teams keep missing their OKRs and every sync turns into an argument."
TEXTS = [TEXT, "Two managers refuse to cooperate.", "A recipe for banana bread with walnuts."]

# a diagnosis through the real CLI entry point, then what the process had imported
PROBE = """
import contextlib, io, json, sys
from assistant.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["diagnose", sys.argv[1], "--json"])
print(json.dumps({"code": code, "onnx": "onnx" in sys.modules,
                  "category": json.loads(out.getvalue())["category"]}))
"""
EMBED = """
import json, sys
from assistant.retrieval.embeddings import get_embedder
print(json.dumps({"onnx": "onnx" in sys.modules, "vector": get_embedder().embed([sys.argv[1]])[0].tolist()}))
"""


def _run(script: str, cache: Path, *args: str) -> dict:
    env = {**os.environ, "ASSISTANT_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _graphs(cache: Path) -> list[Path]:
    return sorted((cache / "encoder").glob("minilm-*"))


def _identity(folder: Path) -> list[tuple[int, int]]:
    return [((folder / n).stat().st_ino, (folder / n).stat().st_mtime_ns) for n in (GRAPH_FILE, DATA_FILE)]


@pytest.fixture(scope="module")
def model() -> MiniLM:
    """The numpy reference; its prepared weights also feed the in-process builds below."""
    return MiniLM(_model_dir(), backend="numpy")


def _cached(cache: Path, model: MiniLM) -> OnnxEncoder:
    return OnnxEncoder.cached(cache, model.model_dir, model.heads,
                              lambda: (model.w, model.layers, model.heads))


def _encode(model: MiniLM, forward: OnnxEncoder) -> np.ndarray:
    enc = model.tokenizer.encode_batch(TEXTS)
    width = max(len(e.ids) for e in enc)
    ids = np.zeros((len(enc), width), np.int64)
    mask = np.zeros_like(ids)
    for row, e in enumerate(enc):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
    return forward(ids, mask)


def test_graph_is_cached_once_and_later_processes_do_not_import_onnx(indexed, tmp_path):
    cache = tmp_path / "cache"
    first = _run(PROBE, cache, TEXT)
    assert first["code"] == 0 and first["onnx"]  # built: the one process that needs onnx
    (graph,) = _graphs(cache)
    written = _identity(graph)
    second = _run(PROBE, cache, TEXT)
    assert second == {**first, "onnx": False}
    assert _graphs(cache) == [graph] and _identity(graph) == written  # reused, not rewritten
    (graph / GRAPH_FILE).write_bytes(b"not a graph")  # a corrupt cache: rebuilt by the next process
    third = _run(PROBE, cache, TEXT)
    assert third == first
    assert _graphs(cache) == [graph] and (graph / GRAPH_FILE).stat().st_size > 1000
    assert not list((cache / "encoder").glob(".tmp-*")) and not list((cache / "encoder").glob(".trash-*"))


def test_two_processes_building_at_once_both_get_the_graph(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "ASSISTANT_CACHE_DIR": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", EMBED, TEXT], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT) for _ in range(2)]
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    assert np.array_equal(results[0]["vector"], results[1]["vector"])
    assert len(_graphs(cache)) == 1
    assert not list((cache / "encoder").glob(".tmp-*"))
    assert _run(EMBED, cache, TEXT) == {**results[0], "onnx": False}


def _garbage_graph(folder: Path) -> None:
    (folder / GRAPH_FILE).write_bytes(b"\x00garbage" * 50)


def _truncated_weights(folder: Path) -> None:
    data = folder / DATA_FILE
    data.write_bytes(data.read_bytes()[:4096])


def _missing_weights(folder: Path) -> None:
    (folder / DATA_FILE).unlink()


def _empty_folder(folder: Path) -> None:
    for name in (GRAPH_FILE, DATA_FILE):
        (folder / name).unlink()


def _other_key(folder: Path) -> None:
    """A graph whose metadata names another key (copied in by hand, say)."""
    path = folder / GRAPH_FILE
    key = folder.name.removeprefix("minilm-").encode()
    assert key in path.read_bytes()
    path.write_bytes(path.read_bytes().replace(key, b"f" * len(key)))


@pytest.mark.parametrize("corrupt", [_garbage_graph, _truncated_weights, _missing_weights,
                                     _empty_folder, _other_key])
def test_a_cache_that_does_not_load_is_rebuilt(model, tmp_path, caplog, corrupt):
    cache = tmp_path / "cache"
    expected = _encode(model, _cached(cache, model))
    (graph,) = _graphs(cache)
    corrupt(graph)
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
        rebuilt = _encode(model, _cached(cache, model))
    assert "rebuilding" in caplog.text
    assert np.array_equal(rebuilt, expected)
    assert _graphs(cache) == [graph]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
        _cached(cache, model)  # and the rebuilt one loads as it is
    assert caplog.text == ""


def test_an_unwritable_cache_only_costs_the_build(model, tmp_path, caplog):
    cache = tmp_path / "not-a-folder"
    cache.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
        vectors = _encode(model, _cached(cache, model))
    assert "in memory" in caplog.text
    assert np.abs(vectors - _encode(model, model.encode_ids)).max() < 1e-4


def test_vectors_are_identical_with_and_without_the_cache(model, tmp_path):
    in_memory = _encode(model, OnnxEncoder.from_weights(model.w, model.layers, model.heads))
    building = _encode(model, _cached(tmp_path / "cache", model))
    loaded = _encode(model, _cached(tmp_path / "cache", model))
    assert np.array_equal(in_memory, building) and np.array_equal(in_memory, loaded)
    assert np.abs(loaded - _encode(model, model.encode_ids)).max() < 1e-4  # and the numpy reference


def test_a_cached_encoder_does_not_read_the_weights(model, tmp_path):
    _cached(tmp_path / "cache", model)
    fresh = MiniLM(_model_dir(), cache_dir=tmp_path / "cache")
    assert "w" not in fresh.__dict__  # the safetensors were not loaded
    assert np.array_equal(fresh.encode(TEXTS), _encode(model, _cached(tmp_path / "cache", model)))


def test_the_cache_lives_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().cache_dir == tmp_path / "xdg" / "org-assistant"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings().cache_dir == tmp_path / "home" / ".cache" / "org-assistant"
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "mine"))
    assert Settings().cache_dir == tmp_path / "mine"
    assert not list(ROOT.glob("**/" + DATA_FILE))  # no graph was ever written into the checkout


# --- vectors of fixed texts (the engine's prototype sentences) kept on disk ---------------------

PROTOS = ["The two leads had a heated argument.", "Nobody owns the roadmap.", "Pay rewards local goals."]

# a diagnosis through the CLI, with every text the encoder was given (prototypes or the user's)
ENCODED = """
import contextlib, io, json, sys
from assistant.retrieval.embeddings import MiniLM
encoded = []
real = MiniLM.encode
def encode(self, texts):
    encoded.extend(texts)
    return real(self, texts)
MiniLM.encode = encode
from assistant.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["diagnose", sys.argv[1], "--json"])
result = json.loads(out.getvalue())
for key in ("diagnosis_id", "created_at"):
    result.pop(key, None)
print(json.dumps({"code": code, "encoded": encoded, "result": result,
                  "alembic": any(m.split(".")[0] == "alembic" for m in sys.modules)}))
"""


class Counting:
    """A model double for the Embedder: the real encoder, counting what it is asked to encode."""

    def __init__(self, model: MiniLM) -> None:
        self.model = model
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return self.model.encode(texts)


@pytest.fixture(scope="module")
def encoder(tmp_path_factory) -> MiniLM:
    """The production encoder (onnx, graph cached in a module-wide cache dir)."""
    return MiniLM(_model_dir(), cache_dir=tmp_path_factory.mktemp("graph-cache"))


def _embedder(encoder: MiniLM, root: Path, key: str = "model-a"):
    from assistant.retrieval.embeddings import Embedder
    from assistant.retrieval.fixed_vectors import FixedVectors

    counting = Counting(encoder)
    return Embedder(counting, fixed=FixedVectors(root, lambda: key, 384)), counting  # type: ignore[arg-type]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_fixed_texts_are_read_back_from_disk(encoder, tmp_path):
    first, counting = _embedder(encoder, tmp_path / "vectors")
    with first.fixed_texts():
        computed = first.embed(PROTOS)
    assert counting.encoded == PROTOS
    (stored,) = _files(tmp_path / "vectors")
    assert stored.parent.name == "model-a"
    assert not any(text.encode() in stored.read_bytes() for text in PROTOS)  # vectors, never texts
    again, counting = _embedder(encoder, tmp_path / "vectors")  # a later process
    with again.fixed_texts():
        loaded = again.embed(PROTOS)
    assert counting.encoded == []  # a hit: nothing encoded
    assert loaded.dtype == np.float32 and np.array_equal(loaded, computed)
    assert np.array_equal(loaded, encoder.encode(PROTOS))  # what the encoder computes, bit for bit


def test_other_texts_are_never_written(encoder, tmp_path):
    emb, counting = _embedder(encoder, tmp_path / "vectors")
    emb.embed(["Our two managers refuse to cooperate."])  # a user's text: outside fixed_texts
    emb.embed(PROTOS, cache=False)
    assert not (tmp_path / "vectors").exists()
    marked = []

    def other_thread() -> None:  # the mark is per thread: a request served meanwhile is not fixed
        marked.append(emb.embed(["Another user's text about a failing launch."]))

    with emb.fixed_texts():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        emb.embed(PROTOS[:1])
    emb.embed(PROTOS[1:])  # after the block: not fixed any more
    assert len(marked) == 1 and len(_files(tmp_path / "vectors")) == 1  # PROTOS[:1] only


def test_another_model_misses_and_replaces_the_old_vectors(encoder, tmp_path):
    from assistant.retrieval.fixed_vectors import PRUNE_AGE

    old, _ = _embedder(encoder, tmp_path / "vectors", key="model-a")
    with old.fixed_texts():
        old.embed(PROTOS)
    new, counting = _embedder(encoder, tmp_path / "vectors", key="model-b")
    with new.fixed_texts():
        new.embed(PROTOS)
    assert counting.encoded == PROTOS  # a miss: computed again for the new model
    # a recent folder of another key is another install sharing the cache: kept
    assert sorted(p.parent.name for p in _files(tmp_path / "vectors")) == ["model-a", "model-b"]
    stale = time.time() - PRUNE_AGE - 60
    os.utime(tmp_path / "vectors" / "model-a", (stale, stale))
    newest, _ = _embedder(encoder, tmp_path / "vectors", key="model-c")
    with newest.fixed_texts():
        newest.embed(PROTOS)
    names = sorted(p.parent.name for p in _files(tmp_path / "vectors"))
    assert names == ["model-b", "model-c"]  # the stale key pruned


def test_the_model_key_follows_the_model_files_and_libraries(tmp_path, monkeypatch):
    from assistant.retrieval import fixed_vectors

    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "tokenizer.json").write_text('{"version": "1"}')
    memo = tmp_path / "digests"
    key = fixed_vectors.vectors_key(model_dir, "graph-1", memo)
    assert fixed_vectors.vectors_key(model_dir, "graph-1", memo) == key
    assert fixed_vectors.vectors_key(model_dir, "graph-2", memo) != key  # model weights or builder
    (model_dir / "tokenizer.json").write_text('{"version": "2"}')
    changed = fixed_vectors.vectors_key(model_dir, "graph-1", memo)
    assert changed != key
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "__version__", "0.0.1")
    assert fixed_vectors.vectors_key(model_dir, "graph-1", memo) != changed


def test_the_model_key_hashes_the_real_model_files(tmp_path):
    model = MiniLM(_model_dir(), cache_dir=tmp_path / "cache")
    fixed = model.fixed_vectors()
    assert fixed is not None and fixed.root == tmp_path / "cache" / "vectors"
    assert len(fixed.folder().name) == 32
    assert MiniLM(_model_dir(), backend="numpy", cache_dir=tmp_path / "cache").fixed_vectors() is None


@pytest.mark.parametrize("damage", [
    lambda data: data[:-10],  # truncated
    lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],  # one bit flipped
    lambda data: b"",  # empty
    lambda data: b"not vectors at all",
])
def test_a_damaged_file_is_ignored_and_written_again(encoder, tmp_path, caplog, damage):
    emb, _ = _embedder(encoder, tmp_path / "vectors")
    with emb.fixed_texts():
        expected = emb.embed(PROTOS)
    (stored,) = _files(tmp_path / "vectors")
    stored.write_bytes(damage(stored.read_bytes()))
    again, counting = _embedder(encoder, tmp_path / "vectors")
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"), again.fixed_texts():
        vectors = again.embed(PROTOS)
    assert counting.encoded == PROTOS and np.array_equal(vectors, expected)
    assert "damaged" in caplog.text
    third, counting = _embedder(encoder, tmp_path / "vectors")
    with third.fixed_texts():
        assert np.array_equal(third.embed(PROTOS), expected)
    assert counting.encoded == []  # rewritten whole
    assert not list((tmp_path / "vectors").rglob(".tmp-*"))


def test_an_unwritable_vectors_cache_only_costs_the_embedding(encoder, tmp_path, caplog):
    (tmp_path / "vectors").write_text("a file where the folder should be")
    emb, counting = _embedder(encoder, tmp_path / "vectors")
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"), emb.fixed_texts():
        vectors = emb.embed(PROTOS)
    assert counting.encoded == PROTOS and np.array_equal(vectors, encoder.encode(PROTOS))
    assert "could not cache" in caplog.text


def test_a_warm_start_embeds_only_the_users_text_and_diagnoses_the_same(indexed, tmp_path):
    cache = tmp_path / "cache"
    cold = _run(ENCODED, cache, TEXT)
    files = _files(cache / "vectors")
    assert cold["code"] == 0 and files
    warm = _run(ENCODED, cache, TEXT)
    assert warm["result"] == cold["result"]  # the same diagnosis, field for field
    assert warm["encoded"] and all(t in TEXT for t in warm["encoded"])  # no prototype encoded
    assert len(cold["encoded"]) > len(warm["encoded"])
    assert not warm["alembic"]  # the database is at the newest revision: one query, no Alembic
    other = _run(ENCODED, cache, "Our CEO changes the company's priorities every week.")
    assert other["code"] == 0 and _files(cache / "vectors") == files  # a user's text is never kept


def test_the_migrations_head_constant_is_alembics_head():
    from assistant import migrations

    assert migrations.head() == migrations.HEAD
