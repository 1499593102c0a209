"""What the answer step reads of a sentence beside the question: its words, how much of the
question they say, and the second model's opinion of it."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

from index.text.terms import terms as _terms
from index.types import Scored


@lru_cache(maxsize=32768)
def terms(text: str) -> tuple[str, ...]:
    # The same sentences are scored for question after question: Sudachi reads each once.
    return tuple(_terms(text))


def cover_weights(question_terms: list[str], idf: dict[str, float]) -> dict[str, float]:
    """Each question term's share of a sentence's cover (the shares sum to 1), by its IDF, so that
    the sentence holding the question's rare word (「別名」 in 「和歌山県の別名」) outscores one holding
    only the article's subject; a term no article uses weighs the mean of the others (it can be
    said only through the glossary, in the other language)."""
    known = [idf[t] for t in question_terms if t in idf]
    default = sum(known) / len(known) if known else 1.0
    weights = {t: idf.get(t, default) for t in question_terms}
    total = sum(weights.values())
    return {t: w / total for t, w in weights.items()}


def cover_of(shares: dict[str, float], said: Iterable[str]) -> float:
    """The share of a question's cover that the terms a text says hold. Summed exactly: `said`
    is a set, whose order follows Python's string hashing, which changes from process to process;
    a plain sum's last bit did too, and one unseen question in 557 was answered differently."""
    return math.fsum(shares[t] for t in said)


def same_claim(a: str, b: str) -> bool:
    """Near-duplicates (a summary bullet repeating the body) add length, not information."""
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8


def second_opinion(scored: list[Scored], question: Callable[[], np.ndarray | None]) -> np.ndarray | None:
    """Each sentence's USE-multilingual similarity to the question, z-scored among them; None for
    an index without the second model's vectors (from before it, or on Milvus). `question` gives
    the question's vector and is asked only when every sentence has one."""
    vectors = [c.sentence.second for c in scored]
    if any(v is None for v in vectors):
        return None
    q = question()
    if q is None:
        return None
    return z_scored(np.stack(vectors) @ q)


def z_scored(values: np.ndarray) -> np.ndarray:
    """Standard deviations from the mean of `values`: one question's similarities compare with
    each other, not with another question's."""
    return (values - values.mean()) / max(float(values.std()), 1e-6)
