"""The source list's order: a logistic model of "this passage holds what was asked", over what
the ranking and the answer step know of each of the fused ranking's best POOL passages.

e5 with BM25 finds the passages, but orders them by how much they are about the question: the
passage that says the question's words across languages, gives the type asked or is the second
model's choice often stood sixth or tenth behind the article's lead and its neighbours. The answer
itself is still read off the fused order: read off this one, it lost more first sentences than it
gained on question sets it was not fitted on (NOTES.md, session 30). The weights in placing.json are
fitted by scripts/train_placing.py on question sets the README does not report as unseen; the
command that reproduces them is in that script's docstring.
"""
from __future__ import annotations

import math
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from index.answer.answer_type import gives, types_asked
from index.answer.logistic import LogisticModel, load
from index.answer.question import asked_terms
from index.answer.words import cover_of, cover_weights, terms, z_scored
from index.text.glossary import said
from index.types import Hit, Placing, Query, Ranking

MODEL_PATH = Path(__file__).with_name("placing.json")
FEATURES = tuple(f.name for f in fields(Placing))
# How many of the fused ranking's passages the model orders: of 8, 12 and 40, 12 did best on the fit
# sets when the answer was read off this order (NOTES.md, session 30), and was kept for the source list.
POOL = 12


def place(q: Query, ranking: Ranking, k: int, model: LogisticModel | None = None) -> Ranking:
    """The best `k` candidates in the fused order (`hits`, what the answer is read from), and the
    `k` likeliest to hold the answer by the model, likeliest first (`placed`, the source list's
    order); the fused order alone when no fitted model is at hand. The candidates without the lift
    across languages (`ruled`), if any, get their probabilities too. `model` is one a fit tries,
    else the committed one."""
    model = model or load(MODEL_PATH, FEATURES)
    if model is None or len(ranking.hits) < 2:
        return replace(ranking, hits=ranking.hits[:k])
    hits = _scored(q, ranking, model)
    ruled = None if ranking.ruled is None else _scored(q, replace(ranking, hits=ranking.ruled), model)
    return replace(ranking, hits=hits[:k], placed=sorted(hits, key=lambda h: -h.likely)[:k], ruled=ruled)


def _scored(q: Query, ranking: Ranking, model: LogisticModel) -> list[Hit]:
    """The ranking's hits, each with the model's probability."""
    return [replace(h, likely=model.probability(row.vector())) for h, row in zip(ranking.hits, placings(q, ranking))]


def placings(q: Query, ranking: Ranking) -> list[Placing]:
    """What the model reads of each candidate passage, in the fused order."""
    hits = ranking.hits
    shares = cover_weights(q.terms, ranking.term_weights)
    wanted, asked = types_asked(q), list(set(asked_terms(q.text)))
    second = _second(ranking)
    z = z_scored(second)
    top = hits[0]
    out = []
    for i, h in enumerate(hits):
        p = h.passage
        sentences = ranking.sentences.get(p.id, [])
        best = max((sim for _, sim in sentences), default=h.dense)
        words = terms(p.text)
        heading = terms(" ".join(x for x in (p.title, p.section) if x))
        give = any(gives(wanted, p.text[s.start - p.start:s.end - p.start], p.section) for s, _ in sentences)
        out.append(Placing(
            score=h.score,
            gap=top.score - h.score,
            rank=math.log1p(i),
            dense=h.dense,
            # ranking.Searcher's dense score is the mean of the two
            passage_similarity=2 * h.dense - best,
            sentence_similarity=best,
            lexical=h.lexical,
            other_language=float(p.lang != q.lang),
            cover=cover_of(shares, said(q.terms, q.lang, p.lang, words)),
            heading_cover=cover_of(shares, said(q.terms, q.lang, p.lang, heading)),
            asked=float(bool(said(asked, q.lang, p.lang, words))) if asked else 0.5,
            gives=float(give),
            second=float(second[i]),
            second_z=float(z[i]),
            same_article=float(i > 0 and p.doc_path == top.passage.doc_path),
        ))
    return out


def _second(ranking: Ranking) -> np.ndarray:
    """Each candidate's best sentence by USE-multilingual (0 without its vectors: an index from
    before the second model, or on Milvus)."""
    sentences = [[s.second for s, _ in ranking.sentences.get(h.passage.id, ()) if s.second is not None]
                 for h in ranking.hits]
    q = ranking.second() if any(sentences) else None
    if q is None:
        return np.zeros(len(ranking.hits))
    return np.array([max(float(v @ q) for v in vs) if vs else 0.0 for vs in sentences])
