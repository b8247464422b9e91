"""`python -m benchmarks`: diagnosis latency (warm and cold) against its embedding floor.

Figures are printed and, with --write, appended to BENCHMARKS.md. Ratios are measured in
one run so machine noise affects both sides alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

COLD = """
import time; t = time.perf_counter()
from assistant.pipeline import diagnose
diagnose("Two teams keep missing their OKRs and every sync turns into an argument.")
print(time.perf_counter() - t)
"""


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--cases", type=int, default=120, help="how many scenarios to time")
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_DATA_DIR", tempfile.mkdtemp(prefix="bench-"))

    from assistant.cases import load_scenarios
    from assistant.classifier.features import split_sentences
    from assistant.pipeline import diagnose
    from assistant.retrieval.embeddings import get_embedder

    texts = [s.text for s in load_scenarios("test")][: args.cases]
    diagnose(texts[0])  # index the SOPs and load everything once
    # cold start: a fresh process, index already built
    cold = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True,
                             env=os.environ.copy(), check=True)
        cold.append(float(out.stdout.strip().splitlines()[-1]))

    emb = get_embedder()
    warm, floor = [], []
    for text in texts:
        emb._cache.clear()
        t = time.perf_counter()
        emb.embed([text, *split_sentences(text)], cache=False)
        floor.append((time.perf_counter() - t) * 1000)
        emb._cache.clear()
        t = time.perf_counter()
        diagnose(text)
        warm.append((time.perf_counter() - t) * 1000)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"cases: {len(texts)} test-split scenarios (median {int(np.median([len(t.split()) for t in texts]))} words)")
    print(f"diagnose warm p50 / p95: {pct(warm, 50):.1f} / {pct(warm, 95):.1f} ms   (targets 50 / 100)")
    print(f"embedding floor p50 / p95: {pct(floor, 50):.1f} / {pct(floor, 95):.1f} ms")
    print(f"ratio diagnose/floor p50: {pct(warm, 50) / pct(floor, 50):.2f}x   (target <= 1.5x)")
    print(f"cold start to first diagnosis: median {np.median(cold):.2f} s of {len(cold)} runs   (target 3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
