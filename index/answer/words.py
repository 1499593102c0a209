"""A sentence's words as the answer step reads them, and how much of a question they say."""
from __future__ import annotations

from functools import lru_cache

from index.text.terms import terms as _terms


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


def same_claim(a: str, b: str) -> bool:
    """Near-duplicates (a summary bullet repeating the body) add length, not information."""
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8
