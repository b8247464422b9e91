"""Retrieval: embeddings, the Chroma store, ingest and search."""
