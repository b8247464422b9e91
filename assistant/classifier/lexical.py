"""Word and word-pair features (TF-IDF) and linear models over them, run in numpy: the safety
screen's word member and the root-cause classifier's word model.

A sentence embedding says what a text is about; the decision often turns on a few words
("sorted out who gets his bikes for after", "told us to sign the delivery notes with last
month's date", "nobody has decided which of the two products we are building"). Fitted with scikit-learn at training time; the runtime needs only the
vocabulary and the idf weights, and gives the same vectors as scikit-learn's
`TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` (a test holds them equal).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
MIN_DF = 2


def terms(text: str) -> list[str]:
    """The text's words and adjacent word pairs, lower-cased."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass
class Tfidf:
    """Vocabulary (term -> column) and idf per column."""

    vocabulary: list[str]
    idf: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {term: i for i, term in enumerate(self.vocabulary)}

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of the text's l2-normalised sublinear TF-IDF row."""
        counts: dict[int, int] = {}
        for term in terms(text):
            column = self.index.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        columns = np.fromiter(counts, np.int64, len(counts))
        values = np.array([1.0 + math.log(n) for n in counts.values()]) * self.idf[columns]
        return columns, (values / np.linalg.norm(values)).astype(np.float32)

    def matrix(self, texts: list[str]):
        """A scipy sparse matrix of the rows (training)."""
        from scipy.sparse import csr_matrix

        rows = [self.vectorize(t) for t in texts]
        indptr = np.cumsum([0] + [len(c) for c, _ in rows])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        return csr_matrix((values, columns, indptr), shape=(len(texts), len(self.vocabulary)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_vocabulary": np.array(self.vocabulary, dtype=np.str_),
                f"{prefix}_idf": self.idf.astype(np.float32)}

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Tfidf:
        # tolist() gives plain strs three times faster than a loop (15 ms of start-up saved)
        return cls(data[f"{prefix}_vocabulary"].tolist(), np.asarray(data[f"{prefix}_idf"], np.float64))

    @classmethod
    def fit(cls, texts: list[str], min_df: int = MIN_DF) -> Tfidf:
        """Terms found in at least `min_df` texts, with scikit-learn's smoothed idf."""
        df: dict[str, int] = {}
        for text in texts:
            for term in set(terms(text)):
                df[term] = df.get(term, 0) + 1
        vocabulary = sorted(t for t, n in df.items() if n >= min_df)
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary])
        return cls(vocabulary, idf)


@dataclass
class WordModel:
    """A linear model over a Tfidf's rows: logits (classes,) for a text."""

    tfidf: Tfidf
    coef: np.ndarray  # (classes, terms)
    intercept: np.ndarray  # (classes,)

    def logits(self, text: str) -> np.ndarray:
        return self.logits_at(*self.tfidf.vectorize(text))

    def logits_at(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Logits of a row already vectorised by this model's tfidf."""
        return self.coef[:, columns] @ values + self.intercept

    def log_probs(self, text: str) -> np.ndarray:
        z = self.logits(text)
        z = z - z.max()
        return z - math.log(float(np.exp(z).sum()))

    def log_probs_many(self, texts: list[str]) -> np.ndarray:
        """(texts, classes) log-probabilities: one row per text (a description's sentences)."""
        return np.stack([self.log_probs(t) for t in texts])

    def arrays(self, prefix: str, terms: bool = True, dtype=np.float32) -> dict[str, np.ndarray]:
        """Its arrays for an .npz file; terms=False leaves out the tfidf (shared with another
        model saved beside it)."""
        return (self.tfidf.arrays(prefix) if terms else {}) | {
            f"{prefix}_coef": self.coef.astype(dtype), f"{prefix}_intercept": self.intercept.astype(np.float32)}

    @classmethod
    def optional_from_arrays(cls, data, prefix: str) -> WordModel | None:
        """The word model saved under `prefix`, or None in an artifact without one."""
        return cls.from_arrays(data, prefix) if f"{prefix}_coef" in data.files else None

    @classmethod
    def from_arrays(cls, data, prefix: str, tfidf: Tfidf | None = None) -> WordModel:
        return cls(tfidf or Tfidf.from_arrays(data, prefix), np.asarray(data[f"{prefix}_coef"], np.float32),
                   np.asarray(data[f"{prefix}_intercept"], np.float32))

    @classmethod
    def fit(cls, texts: list[str], labels: np.ndarray, classes: int, c: float,
            weights: np.ndarray | None = None, tfidf: Tfidf | None = None) -> WordModel:
        """Multinomial logistic regression (scikit-learn, training only) over `classes` classes,
        on `tfidf`'s terms (by default fitted on these texts); a class with no example gets a
        logit that never wins."""
        from sklearn.linear_model import LogisticRegression

        tfidf = tfidf or Tfidf.fit(texts)
        model = LogisticRegression(C=c, max_iter=5000).fit(tfidf.matrix(texts), labels, sample_weight=weights)
        coef = np.zeros((classes, len(tfidf.vocabulary)), np.float32)
        intercept = np.full(classes, -1e4, np.float32)
        if len(model.classes_) == 2:  # scikit-learn gives one row: the second class's log-odds
            coef[model.classes_] = np.stack([np.zeros_like(model.coef_[0]), model.coef_[0]])
            intercept[model.classes_] = [0.0, model.intercept_[0]]
        else:
            coef[model.classes_] = model.coef_
            intercept[model.classes_] = model.intercept_
        return cls(tfidf, coef, intercept)
