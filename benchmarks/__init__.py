"""Benchmarks: `python -m benchmarks` prints figures (not timed tests)."""
