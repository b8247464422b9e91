"""Metrics with honest uncertainty: bootstrap intervals, macro-F1, calibration error."""

from __future__ import annotations

import numpy as np


def bootstrap_ci(correct: np.ndarray, n_boot: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of a mean of 0/1 (or fractional) outcomes."""
    correct = np.asarray(correct, dtype=float)
    if len(correct) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = rng.choice(correct, size=(n_boot, len(correct)), replace=True).mean(1)
    return (round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4))


def confusion(y_true: list[str], y_pred: list[str], labels: list[str]) -> list[list[int]]:
    """Rows: true label; columns: predicted."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        matrix[index[t], index[p]] += 1
    return matrix.tolist()


def per_class(matrix: list[list[int]], labels: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per class from a confusion matrix."""
    m = np.array(matrix, dtype=float)
    out = {}
    for i, label in enumerate(labels):
        tp = m[i, i]
        precision = tp / m[:, i].sum() if m[:, i].sum() else 0.0
        recall = tp / m[i, :].sum() if m[i, :].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                      "f1": round(f1, 4), "support": int(m[i, :].sum())}
    return out


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, list[dict]]:
    """ECE over equal-width confidence bins, and the bins for a reliability diagram."""
    confidences = np.asarray(confidences, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    ece, table = 0.0, []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidences > lo) & (confidences <= hi) if lo > 0 else (confidences >= lo) & (confidences <= hi)
        if not mask.any():
            continue
        conf, acc = float(confidences[mask].mean()), float(correct[mask].mean())
        ece += mask.mean() * abs(conf - acc)
        table.append({"lo": round(float(lo), 2), "hi": round(float(hi), 2), "count": int(mask.sum()),
                      "confidence": round(conf, 4), "accuracy": round(acc, 4)})
    return round(float(ece), 4), table


def percentile(values: list[float], q: float) -> float:
    """A percentile in milliseconds, rounded."""
    return round(float(np.percentile(values, q)), 2) if values else 0.0
