"""BM25 as Milvus sparse vectors: citebot's own terms (Sudachi for Japanese), weighted here,
scored by Milvus's inner product.

A passage's sparse vector holds BM25's term-frequency part, tf·(k1+1)/(tf + k1·(1−b+b·len/avg)),
with the library's average length when it was written; a query's holds each known term's IDF.
Their inner product is the passage's BM25 score. The document frequencies behind the IDF are the
library's, kept per generation (TermStats), so a library's statistics stay its own.
"""
from __future__ import annotations

import base64
import json
import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterable

from index.store.lexical import B, K1

# Sparse indices are 32-bit; Milvus reserves the largest.
_KEYS = (1 << 32) - 1


def term_key(term: str) -> int:
    """A term's sparse index. Two terms sharing one (about one pair in 4 billion) add up."""
    return zlib.crc32(term.encode("utf-8")) % _KEYS


def passage_vector(terms: list[str], avg_len: float) -> dict[int, float]:
    """BM25's term-frequency part of each of a passage's terms."""
    if not terms:
        # Milvus refuses an empty sparse row; a weight on a key no query asks for matches nothing.
        return {_KEYS - 1: 1e-9}
    norm = K1 * (1 - B + B * len(terms) / max(avg_len, 1e-9))
    out: dict[int, float] = {}
    for term, tf in Counter(terms).items():
        key = term_key(term)
        out[key] = out.get(key, 0.0) + tf * (K1 + 1) / (tf + norm)
    return out


class TermStats:
    """Document frequency of every term, the passage count and total length: enough for IDF."""

    def __init__(self, df: dict[str, int] | None = None, n: int = 0, total: int = 0) -> None:
        self.df = df or {}
        self.n = n
        self.total = total

    @property
    def avg_len(self) -> float:
        return self.total / self.n if self.n else 1.0

    def add(self, terms: Iterable[str], sign: int = 1) -> None:
        terms = list(terms)
        self.n += sign
        self.total += sign * len(terms)
        for term in set(terms):
            left = self.df.get(term, 0) + sign
            if left > 0:
                self.df[term] = left
            else:
                self.df.pop(term, None)

    def idf(self, term: str) -> float:
        df = self.df[term]
        # The same "+1" form as the embedded BM25 (index.store.lexical).
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def encode(self) -> str:
        raw = json.dumps({"df": self.df, "n": self.n, "total": self.total}, ensure_ascii=False)
        return base64.b64encode(zlib.compress(raw.encode("utf-8"), 6)).decode("ascii")

    @classmethod
    def decode(cls, value: str) -> "TermStats":
        data = json.loads(zlib.decompress(base64.b64decode(value)))
        return cls(data["df"], data["n"], data["total"])


class SparseLexical:
    """The lexical side of one generation, as the ranker asks for it (index.store.lexical.BM25's
    `top`, `weights` and `vocab`), searching through `search(sparse_query, n) -> [(id, score)]`."""

    def __init__(self, stats: TermStats, search: Callable[[dict[int, float], int], list[tuple[int, float]]]):
        self.stats = stats
        self.vocab = stats.df  # answers `term in vocab`
        self._search = search

    def weights(self, query: list[str]) -> dict[str, float]:
        return {t: self.stats.idf(t) for t in query if t in self.vocab}

    def top(self, query: list[str], n: int) -> list[tuple[int, float]]:
        weights = self.weights(list(dict.fromkeys(query)))
        if not weights:
            return []
        sparse: dict[int, float] = {}
        for term, w in weights.items():
            sparse[term_key(term)] = sparse.get(term_key(term), 0.0) + w
        ceiling = sum(weights.values()) or 1.0
        return [(pid, min(1.0, score / ceiling)) for pid, score in self._search(sparse, n) if score > 0]
