"""Sentence roles: which sentence is the complaint, which point at a cause, which are context,
filler (greetings, apologies, "sorry for the long post") or the person's ask ("how do I fix
this?").

The surface symptom is the first complaint, never a greeting; fillers and asks are never quoted
as evidence. A small linear model over each sentence's vector (already computed for the
diagnosis, so it costs nothing extra) plus its position, length and punctuation, learnt from
labelled sentences (evals/roles/sentences.jsonl, documents of the real-world train and dev
splits and of the written training split; the real holdout's documents are held out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.classifier.lexical import WordModel
from assistant.classifier.model import (
    LinearModel,
    _softmax,
    balanced_weights,
    data_fingerprint,
    open_artifact,
    save_artifact,
)

ROLES = ("symptom", "cue", "context", "filler", "ask")
ROLES_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "roles.npz"
ROLES_FEATURE_VERSION = "2"
ROLES_C = 0.3
# A word model beside the sentence vectors (greetings, "any advice", "because", "nobody owns"
# are words): fitted on the same sentences; weight chosen on the real dev documents with a model
# fitted without them (surface symptom 0.565 without words, 0.635 at 0.5 and at 1.0).
ROLES_WORDS_C = 10.0
ROLES_WORDS_WEIGHT = 0.5
_QUESTION = re.compile(r"\?\s*$")


def role_features(vectors: np.ndarray, sentences: list[str]) -> np.ndarray:
    """One row per sentence: its vector, relative position, first/last flags, length, '?'."""
    n = len(sentences)
    rows = []
    for i, sentence in enumerate(sentences):
        words = len(sentence.split())
        rows.append([i / max(1, n - 1), float(i == 0), float(i == n - 1), np.log1p(words) / 4.0,
                     float(bool(_QUESTION.search(sentence)))])
    extra = np.array(rows, dtype=np.float32).reshape(n, 5)
    return np.concatenate([vectors.astype(np.float32), extra], axis=1)


@dataclass
class RoleModel:
    """Sentence -> role probabilities."""

    model: LinearModel
    fingerprint: str
    info: dict
    words: WordModel | None = None
    words_weight: float = ROLES_WORDS_WEIGHT

    def probabilities(self, vectors: np.ndarray, sentences: list[str]) -> np.ndarray:
        """(sentences, roles) probabilities."""
        if not len(sentences):
            return np.zeros((0, len(ROLES)), dtype=np.float32)
        logits = self.model.logits(role_features(vectors, sentences))
        if self.words is not None:
            logits = logits + self.words_weight * self.words.log_probs_many(sentences)
        return _softmax(logits)

    def save(self, path: Path = ROLES_ARTIFACT) -> None:
        meta = {"fingerprint": self.fingerprint, "feature_version": ROLES_FEATURE_VERSION,
                "roles": list(ROLES), "words_weight": self.words_weight, **self.info}
        save_artifact(path, meta, self.model.arrays("roles") | (self.words.arrays("words") if self.words else {}))

    @classmethod
    def load(cls, path: Path = ROLES_ARTIFACT) -> RoleModel:
        data, meta = open_artifact(path, "sentence-role model", ROLES_FEATURE_VERSION)
        info = {k: v for k, v in meta.items() if k not in ("fingerprint", "words_weight")}
        return cls(LinearModel.from_arrays(data, "roles"), meta["fingerprint"], info,
                   WordModel.optional_from_arrays(data, "words"), float(meta.get("words_weight", ROLES_WORDS_WEIGHT)))


_NOT_EVIDENCE = re.compile(
    r"\?\s*$|^\W*(hi|hello|hey|thanks|thank you|sorry|apologies|tl;?dr|edit|update)\b"
    r"|\b(how|what|should|can|could|would|do|does|am|is there|any)\b[^.?!]{0,80}\?"
    r"|\bany (advice|thoughts|ideas|suggestions|tips|help)\b|\bthanks in advance\b", re.I)


# What people paste around their description is not their description: e-mail headers and
# signatures, URLs, table rows, code and stack traces. None of it is quoted as evidence.
_HEADER = re.compile(r"^\W*(from|sent|to|cc|bcc|subject|date|reply-to)\s*:|^\W*on .{3,80} wrote:\s*$"
                     # the confidentiality notice under an e-mail
                     r"|^\W*this (e-?mail|message)\b.{0,40}\b(is|are) (strictly )?(confidential|intended)", re.I)
# a log line: a timestamp first, or a level in capitals ("ERROR:", "[WARN]"); "Context: we are..."
# and "Error budgets are ignored" are prose
_LOG = re.compile(r"^\W*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d|(ERROR|WARN|WARNING|DEBUG|FATAL|DETAIL|HINT|INFO|TRACE)\s*[:\]])")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+\d[\d\s().-]{8,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
_CODE = re.compile(r"```|^\W*traceback\b|\bfile \"[^\"]+\", line \d+|[{};=]{2,}|\w+\([^)]*\)\s*[;{]", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")


def is_prose(sentence: str) -> bool:
    """A sentence someone wrote: at least two words, mostly words (not a table row or a list
    of figures), not an e-mail header, a signature with contact details, a URL or code."""
    if _HEADER.search(sentence) or _LOG.search(sentence) or _CODE.search(sentence) or sentence.count("|") >= 2:
        return False  # a header, a log line, code, or a table row or signature with | between cells
    rest = _URL.sub(" ", sentence)
    words = _WORD.findall(rest)
    if len(words) < 2 or len(words) < 0.5 * len(rest.split()):
        return False
    return not (_CONTACT.search(rest) and len(words) < 12)


def bare_link(text: str) -> bool:
    """True for a text that is a link and hardly anything else (the assistant does not open
    links, so there is nothing to read)."""
    rest = _URL.sub(" ", text)
    return rest != text and len(_WORD.findall(rest)) < 3


def quotable_sentences(sentences: list[str], role_probs: np.ndarray, fallback: bool = True) -> np.ndarray:
    """Which sentences may be quoted as evidence: never the person's question or a filler
    (greeting, thanks, apology), by the role model and by their plain form, and only prose
    (`is_prose`: no pasted headers, signatures, URLs, table rows or code)."""
    if not len(sentences):
        return np.zeros(0, dtype=bool)
    noise = np.isin(role_probs.argmax(1), [ROLES.index("filler"), ROLES.index("ask")])
    plain = np.array([bool(_NOT_EVIDENCE.search(s)) or not is_prose(s) for s in sentences])
    ok = ~(noise | plain)
    return ok if ok.any() or not fallback else np.ones(len(sentences), dtype=bool)


def surface_sentence(role_probs: np.ndarray, quotable: np.ndarray) -> int:
    """The surface symptom: the likeliest complaint among the quotable sentences."""
    if not len(quotable):
        return 0
    return int(np.argmax(np.where(quotable, role_probs[:, ROLES.index("symptom")], -1.0)))


def roles_fingerprint(rows: list[tuple[str, str]]) -> str:
    """Hash of the labelled sentences (sentence, role) and the feature version."""
    return data_fingerprint(ROLES_FEATURE_VERSION, (f"{role}\x1f{sentence}" for sentence, role in sorted(rows)))


def labelled_documents(split: str) -> list[tuple[list[str], list[str]]]:
    """(sentences, roles) per labelled document; split "train" is every document outside the
    real-world holdout, "holdout" the holdout's documents."""
    import json

    from assistant.cases import evals_dir

    docs: dict[str, list[tuple[int, str, str]]] = {}
    path = evals_dir() / "roles" / "sentences.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if (row["split"] == "holdout") == (split == "holdout"):
                docs.setdefault(row["doc"], []).append((row["i"], row["sentence"], row["role"]))
    out = []
    for doc in sorted(docs):
        items = sorted(docs[doc])
        out.append(([s for _, s, _ in items], [r for _, _, r in items]))
    return out


def train_roles_and_save(path: Path | None = None) -> RoleModel:
    """Fit the role model on the labelled documents outside the real holdout; report the
    holdout's figures; write the artifact."""
    from assistant.retrieval.embeddings import get_embedder

    embedder = get_embedder()

    def matrix(docs: list[tuple[list[str], list[str]]]) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for sentences, roles in docs:
            xs.append(role_features(embedder.embed(sentences), sentences))
            ys += [ROLES.index(r) for r in roles]
        return np.concatenate(xs), np.array(ys)

    train_docs = labelled_documents("train")
    x, y = matrix(train_docs)
    weights = balanced_weights(y, len(ROLES))
    words = WordModel.fit([s for ss, _ in train_docs for s in ss], y, len(ROLES), ROLES_WORDS_C, weights)
    model = RoleModel(LinearModel.fit(x, y, ROLES_C, weights=weights),
                      roles_fingerprint([(s, r) for ss, rr in train_docs for s, r in zip(ss, rr, strict=True)]),
                      {}, words)
    model.info = {"train_sentences": int(len(y)), **evaluate_roles(model, labelled_documents("holdout"),
                                                                   embedder)}
    model.save(path or ROLES_ARTIFACT)
    return model


def evaluate_roles(model: RoleModel, docs: list[tuple[list[str], list[str]]], embedder) -> dict:
    """Held-out figures: sentence accuracy, surface-symptom accuracy, and how often a filler or
    ask would be quoted as evidence."""
    right = total = surface_ok = quoted_noise = quoted = 0
    for sentences, gold in docs:
        probs = model.probabilities(embedder.embed(sentences), sentences)
        predicted = [ROLES[int(i)] for i in probs.argmax(1)]
        right += sum(p == g for p, g in zip(predicted, gold, strict=True))
        total += len(gold)
        quotable = quotable_sentences(sentences, probs)
        chosen = gold[surface_sentence(probs, quotable)]
        # right when it is a complaint (or, in a text with no complaint, a cue)
        surface_ok += chosen == "symptom" or ("symptom" not in gold and chosen == "cue")
        quoted += int(quotable.sum())
        quoted_noise += sum(g in ("filler", "ask") for q, g in zip(quotable, gold, strict=True) if q)
    n = max(1, len(docs))
    return {"holdout_sentence_accuracy": round(right / max(1, total), 4),
            "holdout_surface_accuracy": round(surface_ok / n, 4),
            "holdout_noise_in_evidence": round(quoted_noise / max(1, quoted), 4),
            "holdout_documents": len(docs)}
