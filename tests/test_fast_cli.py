"""The encoder graph is built once and cached outside the repository; later processes load it
without importing onnx, and a cache that does not load is rebuilt, never a crash."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
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
