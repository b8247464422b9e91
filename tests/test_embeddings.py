"""The packaged model runs offline; the ONNX graph matches the numpy reference."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.embeddings import DIMENSION, MiniLM, _model_dir, get_embedder

TEXTS = [
    "Two managers refuse to cooperate.",
    "The two leads cannot stand each other and will not work together.",
    "Our deployment pipeline takes forty minutes and fails every other run.",
    "A recipe for banana bread with walnuts.",
]


def test_onnx_matches_numpy_reference():
    onnx_model = get_embedder().model
    reference = MiniLM(_model_dir(), backend="numpy")
    a = onnx_model.encode(TEXTS)
    b = reference.encode(TEXTS)
    assert a.shape == (4, DIMENSION)
    assert np.abs(a - b).max() < 1e-4


def test_padding_does_not_change_a_vector():
    """The fused attention kernel must honour the mask: a short text padded inside a batch
    of longer ones gets the vector it gets alone."""
    model = get_embedder().model
    alone = np.stack([model.encode([t])[0] for t in TEXTS])
    ids = [model.tokenizer.encode(t).ids for t in TEXTS]
    width = max(map(len, ids))
    batch = np.zeros((len(ids), width), np.int64)
    mask = np.zeros_like(batch)
    for row, seq in enumerate(ids):
        batch[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    assert len(set(map(len, ids))) > 1  # some rows really are padded
    assert np.abs(model.forward(batch, mask) - alone).max() < 1e-5


def test_blas_is_single_threaded_once_the_encoder_is_loaded():
    """numpy's BLAS threads busy-wait and take the cores from the encoder (see BENCHMARKS.md)."""
    from threadpoolctl import threadpool_info

    get_embedder()
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_vectors_are_normalised_and_semantic():
    vecs = get_embedder().embed(TEXTS)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2]
    assert sims[0, 1] > sims[0, 3]


def test_query_cache_returns_same_vector_and_batches_duplicates():
    emb = get_embedder()
    first = emb.embed(["a cached query about slipping deadlines"])
    second = emb.embed(["a cached query about slipping deadlines"])
    assert np.array_equal(first, second)
    both = emb.embed(["same text", "same text"], cache=False)
    assert np.array_equal(both[0], both[1])


def test_langchain_and_chroma_interfaces():
    emb = get_embedder()
    assert len(emb.embed_query("hello")) == DIMENSION
    assert len(emb.embed_documents(["a", "b"])) == 2
    assert len(emb(["a", "b"])) == 2
