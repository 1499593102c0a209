"""Query -> ranked passages: dense (per language, bias-corrected) fused with BM25 in the question's language."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .language import detect_lang
from .store import LANGS, Store
from .tokenize import query_terms
from .types import Hit

# How many candidates each retriever contributes before fusion.
CANDIDATES = 40
# Weight of BM25 (scaled to 0..1 by the best same-language match) next to cosine similarity.
LEXICAL_WEIGHT = 0.08
# Later passages from an article already ranked lose this much per earlier one, so that a
# question whose parts live in two articles gets both into the top few.
SAME_ARTICLE_PENALTY = 0.01


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    vector: np.ndarray
    terms: list[str]


def offset_key(query_lang: str, passage_lang: str) -> str:
    return f"{query_lang}>{passage_lang}"


def estimate_lang_offsets(embedder: Embedder, samples: dict[str, list[str]],
                          vectors: dict[str, np.ndarray]) -> dict[str, float]:
    """Mean similarity of corpus text, embedded as queries, to the passages of each language.

    A multilingual embedder scores same-language pairs higher whatever they say; this mean is
    that bias (plus the corpus' general level), so subtracting it puts Japanese and English
    passages on one scale for a question in either language.
    """
    offsets: dict[str, float] = {}
    for qlang, texts in samples.items():
        if not texts:
            continue
        q = embedder.embed_queries(texts)
        for plang, vecs in vectors.items():
            if len(vecs):
                offsets[offset_key(qlang, plang)] = float((q @ vecs.T).mean())
    return offsets


class Searcher:
    def __init__(self, store: Store, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def query(self, text: str) -> Query:
        vec = self.embedder.embed_queries([text])[0]
        return Query(text, detect_lang(text), vec, query_terms(text))

    def offset(self, qlang: str, plang: str) -> float:
        return self.store.lang_offsets.get(offset_key(qlang, plang), 0.0)

    def search(self, q: Query, k: int = 5) -> list[Hit]:
        store = self.store
        cand: set[int] = set()
        for lang in LANGS:
            index = store.dense.get(lang)
            if index is None or index.ntotal == 0:
                continue
            _, ids = index.search(q.vector.reshape(1, -1), min(CANDIDATES, index.ntotal))
            cand.update(int(i) for i in ids[0] if i >= 0)
        lex_by_id: dict[int, float] = {}
        if store.lexical is not None and q.terms:
            scores = store.lexical.scores(q.terms)
            top = np.argsort(-scores)[:CANDIDATES]
            for row in top:
                if scores[row] > 0:
                    lex_by_id[int(store.lexical.ids[row])] = float(scores[row])
            cand.update(lex_by_id)
        if not cand:
            return []
        ids = sorted(cand)
        passages = store.passages(ids)
        vectors = store.vectors(ids)
        hits = []
        best_lex = max((s for i, s in lex_by_id.items() if i in passages and passages[i].lang == q.lang), default=0.0)
        for pid in ids:
            p = passages.get(pid)
            if p is None:
                continue
            dense = float(vectors[pid] @ q.vector) - self.offset(q.lang, p.lang)
            lex = lex_by_id.get(pid, 0.0) / best_lex if best_lex and p.lang == q.lang else 0.0
            hits.append(Hit(p, dense + LEXICAL_WEIGHT * lex, dense=dense, lexical=lex))
        return diversify(sorted(hits, key=lambda h: -h.score), k)


def diversify(hits: list[Hit], k: int) -> list[Hit]:
    """Re-rank with a small penalty per passage already taken from the same article."""
    taken: dict[str, int] = {}
    out: list[Hit] = []
    pool = list(hits)
    while pool and len(out) < k:
        best = max(pool, key=lambda h: h.score - SAME_ARTICLE_PENALTY * taken.get(h.passage.doc_path, 0))
        pool.remove(best)
        out.append(best)
        taken[best.passage.doc_path] = taken.get(best.passage.doc_path, 0) + 1
    return out


def passage_embed_text(title: str, section: str | None, text: str) -> str:
    """What the embedder sees for a passage: short passages need their article and section as context."""
    head = f"{title} / {section}" if section else title
    return f"{head}\n{text}"

