"""Query -> ranked passages: dense (per language, bias-corrected) fused with BM25 in the question's language."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import numpy as np

from index.answer.copies import without_copies
from index.answer.coverage import names_said, titled
from index.answer.placing import POOL, place
from index.answer.question import nouns
from index.answer.words import cover_of, cover_weights, terms
from index.store.calibration import embed_reference, offset_key
from index.embedding import Embedder, SecondOpinion
from index.text.furniture import is_teaser
from index.text.glossary import said
from index.text.language import detect_lang
from index.store.database import LANGS, Snapshot, Store
from index.text.terms import query_terms
from index.types import Hit, Query, Ranking, Sentence

# How many candidates each retriever contributes before fusion.
CANDIDATES = 40
# Weight of BM25 (scaled to 0..1, see Searcher.rank) next to cosine similarity.
LEXICAL_WEIGHT = 0.05
# Later passages from an article already ranked lose this much per earlier one, so that a
# question whose parts live in two articles gets both into the top few.
SAME_ARTICLE_PENALTY = 0.01
# A passage that says the question's names (in either language: "Shiomi" is 潮見 there) scores
# this much more, in proportion to the share it says. In a library of many articles e5 finds
# another town's hospital or festival as close as the one asked about. Chosen on the fit sets,
# each over its own articles and all eight news sets as one library (0.01 / 0.02 / 0.04: answers
# with evidence +2 / 0 / +1 over their own articles, 325 -> 337 / 339 / 340 of 496 as one
# library), see NOTES.md, session 37.
NAME_WEIGHT = 0.01
# ...and every candidate of an article this much more, in proportion to the best share one of its
# candidates says: the passage that gives the boats a typhoon sank need not repeat the port's name
# its article's lead gives. Chosen on the fit sets (0.005 / 0.01 / 0.02 on top of NAME_WEIGHT: as
# one library 337 -> 336 / 339 / 341 answers with evidence of 496; each over its own articles at
# most one moved); judged on the blind news_y and news_z, see NOTES.md, sessions 37 and 38.
ARTICLE_NAME_WEIGHT = 0.02
# A passage in the other language than the question's scores this much more per share of the
# question's words (by IDF) it says through the glossary beyond the best share a passage in the
# question's language says. e5-small ranks the question's-language twin of an article first even
# when only the other article says what was asked ("How much will Shiogiri residents pay to cross
# the bridge?" took the English bridge article's lead over the Japanese one's 通行料); a question
# its own language's passages already say as well gains nothing. Chosen on the fit sets (0.02 /
# 0.04 / 0.08 / 0.12 / 0.16: all eight news sets as one library 342 -> 347 / 348 / 350 / 352 / 348
# answers with evidence of 496, each over its own articles 766 -> 767 at 0.08), see NOTES.md,
# session 39. It moves what is answered, never whether: the refusal rules and the decline model
# read the order without it (Ranking.ruled), on which they were fitted.
GLOSSARY_WEIGHT = 0.08


class Searcher:
    def __init__(self, store: Store, embedder: Embedder, second: SecondOpinion | None = None):
        self.store = store
        self.embedder = embedder
        self.second = second
        self._reference: dict[str, np.ndarray] = {}
        self._reference_lock = threading.Lock()

    def reference(self, lang: str, snapshot: Snapshot) -> np.ndarray:
        """Unrelated reference sentences of a language, embedded as passages: stored with the
        index, or embedded once per process for an index from before they were."""
        stored = snapshot.reference
        if stored is not None and lang in stored:
            return stored[lang]
        with self._reference_lock:
            if not self._reference:
                self._reference = embed_reference(self.embedder)
        return self._reference.get(lang, self._reference["en"])

    def query(self, text: str) -> Query:
        vec = self.embedder.embed_queries([text])[0]
        return Query(text, detect_lang(text), vec, query_terms(text))

    @staticmethod
    def offset(qlang: str, plang: str, snapshot: Snapshot) -> float:
        return snapshot.lang_offsets.get(offset_key(qlang, plang), 0.0)

    def search(self, q: Query, k: int = 5) -> list[Hit]:
        return self.rank(q, k).hits

    def rank(self, q: Query, k: int = 5) -> Ranking:
        """The best `k` passages, and the same candidates in the passage model's order (answer/placing.py)."""
        return place(q, self.candidates(q), k)

    def candidates(self, q: Query, k: int = POOL) -> Ranking:
        """Candidates from each retriever, scored by passage and best-sentence similarity plus BM25."""
        store = self.store
        # Every index file below comes from this one generation, whatever a writer does meanwhile.
        snap = store.snapshot
        cand: set[int] = set()
        for lang in LANGS:
            index = snap.dense.get(lang)
            if index is None or index.ntotal == 0:
                continue
            _, ids = index.search(q.vector.reshape(1, -1), min(CANDIDATES, index.ntotal))
            cand.update(int(i) for i in ids[0] if i >= 0)
        lex_by_id: dict[int, float] = {}
        lexical = snap.lexical
        if lexical is not None and q.terms:
            lex_by_id = dict(lexical.top(q.terms, CANDIDATES))
            cand.update(lex_by_id)
        weights = self.term_weights(q, snap)
        if not cand:
            return self._ranking([], {}, q, snap, weights)
        ids = sorted(cand)
        passages = store.passages(ids)
        vectors = store.vectors(ids)
        sentences: dict[int, list[tuple[Sentence, float]]] = {}
        for s in store.sentences(ids):
            off = self.offset(q.lang, passages[s.passage_id].lang, snap) if s.passage_id in passages else 0.0
            sentences.setdefault(s.passage_id, []).append((s, float(s.vector @ q.vector) - off))
        hits = []
        for pid in ids:
            p = passages.get(pid)
            # A teaser for other pages holds their headlines: listed, it took a source's place and
            # cited nothing (fit sets: 39 of the answers' source entries, no figure moved without them).
            if p is None or is_teaser(p.section):
                continue
            passage_sim = float(vectors[pid] @ q.vector) - self.offset(q.lang, p.lang, snap)
            sentence_sim = max((sim for _, sim in sentences.get(pid, ())), default=passage_sim)
            # The passage vector knows the context, the best sentence vector the exact claim.
            dense = (passage_sim + sentence_sim) / 2
            lex = lex_by_id.get(pid, 0.0) if p.lang == q.lang else 0.0
            hits.append(Hit(p, dense + LEXICAL_WEIGHT * lex, dense=dense, lexical=lex))
        hits = _with_names(_within_language(hits, q.lang), q)
        lifted = _across_languages(hits, q, weights)
        ranking = self._ranking(_ranked(lifted, k), sentences, q, snap, weights)
        moved = any(a is not b for a, b in zip(lifted, hits))
        return replace(ranking, ruled=_ranked(hits, k)) if moved else ranking

    def _ranking(self, hits: list[Hit], sentences: dict, q: Query, snap: Snapshot,
                 weights: dict[str, float]) -> Ranking:
        vocab = snap.lexical.vocab if snap.lexical is not None else None
        return Ranking(hits, sentences, weights, vocab, lambda lang: self.reference(lang, snap), self._second(q.text))

    def _second(self, text: str) -> Callable[[], np.ndarray | None]:
        """The question's second-model vector, embedded once on first call (~4 ms on 2 cores)."""
        if self.second is None:
            return lambda: None
        second = self.second
        return cache(lambda: second.embed([text])[0])

    @staticmethod
    def term_weights(q: Query, snapshot: Snapshot) -> dict[str, float]:
        """IDF of each query term the corpus knows: how much a text holding it tells about the question."""
        return snapshot.lexical.weights(q.terms) if snapshot.lexical is not None else {}


def _within_language(hits: list[Hit], lang: str) -> list[Hit]:
    """Let BM25 reorder the question-language passages among themselves, never lift them over
    the other language: an English question about a Japanese article has no words to match,
    so a bonus for matching words would hand every such question to an English distractor.
    The fused order is kept, but the passages take over that language's dense scores, best first."""
    same = [h for h in hits if h.passage.lang == lang]
    fused = sorted(same, key=lambda h: -h.score)
    scores = sorted((h.dense for h in same), reverse=True)
    moved = [replace(h, score=s) for h, s in zip(fused, scores)]
    return moved + [replace(h, score=h.dense) for h in hits if h.passage.lang != lang]


def _with_names(hits: list[Hit], q: Query) -> list[Hit]:
    """Each candidate lifted by the share of the question's names its passage says, and by the
    best share among its article's candidates."""
    names = nouns(q.text).names
    if not names:
        return hits
    said = [names_said(names, q.lang, h.passage) for h in hits]
    best: dict[str, float] = {}
    for h, s in zip(hits, said):
        best[h.passage.doc_path] = max(best.get(h.passage.doc_path, 0.0), s)
    return [replace(h, score=h.score + NAME_WEIGHT * s + ARTICLE_NAME_WEIGHT * best[h.passage.doc_path])
            for h, s in zip(hits, said)]


def _ranked(hits: list[Hit], k: int) -> list[Hit]:
    """The best k, best first: a copy of another article's passage shown once, each further passage of an article a little lower."""
    return diversify(without_copies(sorted(hits, key=lambda h: -h.score), k), k)


def _across_languages(hits: list[Hit], q: Query, weights: dict[str, float]) -> list[Hit]:
    """Each candidate in the other language lifted by the share of the question's words it says
    through the glossary beyond the best share a candidate in the question's language says."""
    if not q.terms or not hits:
        return hits
    shares = cover_weights(q.terms, weights)
    cover = [cover_of(shares, said(q.terms, q.lang, h.passage.lang, terms(titled(h.passage))))
             for h in hits]
    own = max((c for h, c in zip(hits, cover) if h.passage.lang == q.lang), default=0.0)
    return [h if h.passage.lang == q.lang or c <= own else replace(h, score=h.score + GLOSSARY_WEIGHT * (c - own))
            for h, c in zip(hits, cover)]


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


# Passage ids are per index: in a merged ranking each library's move to a range of their own.
_LIBRARY_ID_STRIDE = 1 << 40


class _AnyOf:
    """Every term any of several vocabularies knows."""

    def __init__(self, vocabularies: list) -> None:
        self.vocabularies = vocabularies

    def __contains__(self, term: object) -> bool:
        return any(term in v for v in self.vocabularies)


def merge(rankings: list[Ranking], k: int) -> Ranking:
    """One ranking of a query from its rankings in several libraries' indexes (same model, same
    query vector, scores on one bias-corrected scale), best k passages first."""
    if len(rankings) == 1:
        return rankings[0]
    hits, placed, ruled, sentences, weights = [], [], [], {}, {}
    for i, ranking in enumerate(rankings):
        for h in {h.passage.id: h for h in (*ranking.hits, *ranking.sources, *ranking.refusal_hits)}.values():
            pid = _moved_id(i, h.passage.id)
            sentences[pid] = [(replace(s, passage_id=pid), sim) for s, sim in ranking.sentences.get(h.passage.id, ())]
        hits += [_moved(i, h) for h in ranking.hits]
        placed += [_moved(i, h) for h in ranking.sources]
        ruled += [_moved(i, h) for h in ranking.refusal_hits]
        for term, weight in ranking.term_weights.items():
            weights[term] = max(weight, weights.get(term, 0.0))
    known = [r.known_terms for r in rankings]
    # The same article in two libraries is one source.
    hits = diversify(without_copies(sorted(hits, key=lambda h: -h.score), k), k)
    if all(r.placed is not None for r in rankings):
        placed = without_copies(sorted(placed, key=lambda h: -(h.likely or 0.0)), k)[:k]
    else:
        placed = None
    lifted = any(r.ruled is not None for r in rankings)
    return Ranking(hits, sentences, weights, _AnyOf(known) if all(v is not None for v in known) else None,
                   rankings[0].reference, rankings[0].second, placed=placed,
                   ruled=_ranked(ruled, len(ruled)) if lifted else None)


def _moved(i: int, h: Hit) -> Hit:
    """A hit of the i-th library with its passage id moved to that library's range."""
    return replace(h, passage=replace(h.passage, id=_moved_id(i, h.passage.id)))


def _moved_id(i: int, passage_id: int) -> int:
    return i * _LIBRARY_ID_STRIDE + passage_id
