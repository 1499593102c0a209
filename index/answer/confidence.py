"""How likely an answer is to hold what was asked: a logistic model over the answer step's Signals.

The weights in confidence.json are fitted by scripts/train_confidence.py on question sets the
README does not report as unseen (JSQuAD's fit part, eight news sets and the dev set); the command
that reproduces them is in that script's docstring.
"""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from index.answer.logistic import load
from index.text.glossary import said
from index.text.terms import terms
from index.types import Hit, Query, Ranking, Scored, Signals

MODEL_PATH = Path(__file__).with_name("confidence.json")
FEATURES = tuple(f.name for f in fields(Signals))
# Below this the bot says plainly that it is unsure of the answer.
UNSURE_BELOW = 0.5


def signals(q: Query, ranking: Ranking, hits: list[Hit], scored: list[Scored], focus: list[str],
            asked: set[str]) -> Signals:
    """The answer's Signals; `focus` and `asked` are the question's nouns and asked-for noun (question.py)."""
    best = scored[0]
    words = terms(best.text)
    lang = best.hit.passage.lang
    qterms = set(q.terms)
    known = ranking.known_terms
    return Signals(
        top_score=hits[0].score,
        top_gap=hits[0].score - hits[1].score if len(hits) > 1 else hits[0].score,
        top_lexical=hits[0].lexical,
        best_sentence=best.score,
        sentence_gap=best.score - scored[1].score if len(scored) > 1 else best.score,
        cover=len(said(q.terms, q.lang, lang, words)) / len(qterms) if qterms else 0.0,
        asked=float(bool(said(list(asked), q.lang, lang, words))),
        unknown_terms=(sum(t not in known for t in focus) / len(focus)) if focus and known is not None else 0.0,
        same_language=float(best.hit.passage.lang == q.lang),
        from_top=float(best.hit.passage.id == hits[0].passage.id),
    )


def probability(s: Signals) -> float | None:
    model = load(MODEL_PATH, FEATURES)
    return None if model is None else model.probability(s.vector())


def is_unsure(confidence: float | None) -> bool:
    return confidence is not None and confidence < UNSURE_BELOW


