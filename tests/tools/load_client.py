"""A bounded load generator (loopback only): N threads for S seconds against a running server.

Prints one JSON line: status counts, feedback writes acknowledged, latencies.
Usage: python tests/tools/load_client.py URL KEY CLIENTS SECONDS DIAGNOSIS_ID
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter

import httpx

TEXTS = [
    "Since Ana and Rob fell out they refuse to talk, and every release between their teams stalls.",
    "Every team is bonused on its own OKRs, so nobody helps anyone; it happens whoever leads.",
    "The CEO and CTO give the teams opposite goals and never decided which wins.",
    "We have 14 projects in parallel, approvals take three weeks and the build takes 40 minutes.",
]


def main() -> int:
    url, key, clients, seconds, diagnosis_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    assert url.startswith("http://127.0.0.1:"), "load tests only target loopback"
    statuses: Counter[int] = Counter()
    feedback_ok = 0
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        nonlocal feedback_ok
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
            i = n
            while time.monotonic() < stop:
                i += 1
                t = time.perf_counter()
                if i % 3 == 0:
                    r = c.post("/v1/feedback", json={"diagnosis_id": diagnosis_id, "rating": 1, "comment": f"w{n}-{i}"})
                elif i % 3 == 1:
                    r = c.post("/v1/diagnose", json={"text": TEXTS[i % len(TEXTS)] + f" ({n}-{i})"})
                else:
                    r = c.get("/v1/search", params={"q": TEXTS[i % len(TEXTS)], "k": 5})
                with lock:
                    statuses[r.status_code] += 1
                    latencies.append(time.perf_counter() - t)
                    if r.status_code == 201 and i % 3 == 0:
                        feedback_ok += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    print(json.dumps({"statuses": dict(statuses), "feedback_ok": feedback_ok, "requests": len(latencies),
                      "seconds": round(elapsed, 2), "rps": round(len(latencies) / elapsed, 2),
                      "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
                      "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 1) if latencies else None}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
