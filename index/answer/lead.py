"""Which of the best-scored sentences leads the answer: a learned model of "this sentence holds
what was asked", over what the answer step already knows of each candidate.

The hand score (compose._score_sentence) adds e5's similarity, the passage's fused score and a few
fixed bonuses; its weights were set on the dev set. The lead decides hit@1 and the first citation,
so among the hand score's best CANDIDATES the model's likeliest leads instead. The model is
gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier) fitted by
scripts/train_lead.py on news question sets the README does not report as unseen, and committed as
plain node arrays: only numpy runs here. The command that reproduces them is in the script's
docstring.

Two models: lead.json reads every feature and chooses when the question's candidates are in both
languages (the news sets' bilingual libraries, where it was fitted and gained); within one language
(an encyclopedia, a Japanese-only library) lead_one_language.json, fitted on the same rows without
the features of where the candidates agree, chooses (NOTES.md, session 49).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.answer.joiner import in_both_languages
from index.types import InPassage, Scored, Sentence

MODEL_PATH = Path(__file__).with_name("lead.json")
ONE_LANGUAGE_PATH = Path(__file__).with_name("lead_one_language.json")
# How many of the hand score's best sentences compete to lead. Of 5 and 10, 5 did best with each
# fifth of the news fit sets left out in turn (NOTES.md, session 46); with where each sits in its
# passage, 12 did best of 5, 8 and 12 (session 57): the sentence that answers, short and leaning on
# the one before it, is often beyond the hand score's fifth.
CANDIDATES = 12
FEATURES = ("similarity", "passage", "cover", "names", "gives", "headed", "other_language", "lead", "rank",
            "position", "likely", "dense", "lexical", "length", "digit", "second", "score",
            # Each candidate against the best among them: the choice is within one question.
            "score_gap", "similarity_gap", "passage_gap", "likely_gap", "cover_gap",
            "place", "first",
            # Where it sits in its passage (types.InPassage): the sentences beside it, the passage's closest.
            "before", "after", "passage_closest", "behind_closest", "place_in_passage", "passage_sentences", "context",
            # Where the candidates agree: how many others share its passage or article, its passage's
            # place among theirs, and its place by the passage model and by e5 among them.
            "same_passage", "same_article", "article_first", "passage_place", "likely_rank", "similarity_rank",
            "dense_gap", "lexical_gap", "second_gap", "japanese")
# The one-language model reads the features before the agreement ones: with them, JSQuAD's fit
# part moved 4 of 1,904 answers and its measure part lost 3 gold answers of 300 (NOTES.md, sessions
# 48 and 49).
ONE_LANGUAGE_FEATURES = FEATURES[:FEATURES.index("same_passage")]
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class TreeModel:
    """Additive trees over FEATURES: the log-odds is `baseline` plus one leaf value per tree. The
    trees' nodes are stacked: `left` and `right` index the same arrays."""

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray  # each tree's first node
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    depth: int

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Each row's log-odds: every tree walked for every row at once, one level a step."""
        x = np.asarray(x, dtype=np.float64)
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(self.leaf[node], node, np.where(go_left, self.left[node], self.right[node]))
        return self.baseline + self.value[node].sum(axis=1)


def to_json(model: TreeModel, **about) -> dict:
    arrays = {k: getattr(model, k).tolist() for k in ("roots", "feature", "threshold", "left", "right", "leaf", "value")}
    return {"features": list(model.features), "baseline": model.baseline, "depth": model.depth, **arrays, **about}


def from_json(data: dict) -> TreeModel:
    return TreeModel(tuple(data["features"]), float(data["baseline"]), np.array(data["roots"], dtype=np.int64),
                     np.array(data["feature"], dtype=np.int64), np.array(data["threshold"], dtype=np.float64),
                     np.array(data["left"], dtype=np.int64), np.array(data["right"], dtype=np.int64),
                     np.array(data["leaf"], dtype=bool), np.array(data["value"], dtype=np.float64), int(data["depth"]))


@lru_cache(maxsize=None)
def load(path: Path = MODEL_PATH, features: tuple[str, ...] = FEATURES) -> TreeModel | None:
    """A committed model, or None when it is missing or reads other features (it would score nonsense)."""
    if not path.exists():
        return None
    model = from_json(json.loads(path.read_text(encoding="utf-8")))
    return model if model.features == features else None


def vectors(candidates: list[Scored]) -> np.ndarray:
    """What the model reads of each candidate (all scored by compose, so all with their parts)."""
    rows = []
    for c in candidates:
        p, hit = c.parts, c.hit
        likely = 0.5 if hit.likely is None else hit.likely
        rows.append([p.similarity, hit.score, p.cover, p.names, p.gives, p.headed, p.other_language, p.lead,
                     p.rank, p.position, likely, hit.dense, hit.lexical, math.log1p(len(c.text)),
                     bool(_DIGIT.search(c.text)), p.second, c.score])
    x = np.array(rows, dtype=np.float64)
    # score, similarity, passage, likely, cover: each against the best candidate's
    relative = x[:, [16, 0, 1, 10, 2]]
    places = np.arange(len(candidates), dtype=np.float64)[:, None]
    passages = [c.hit.passage.id for c in candidates]
    articles = [c.hit.passage.doc_path for c in candidates]
    order = list(dict.fromkeys(passages))
    agreement = np.array([[passages.count(p) - 1, articles.count(a) - 1, c.hit.passage.first, order.index(p)]
                          for p, a, c in zip(passages, articles, candidates)], dtype=np.float64)
    ranks = np.stack([_rank(x[:, 10]), _rank(x[:, 0])], axis=1)
    # dense, lexical, second: each against the best candidate's
    behind = x[:, [11, 12, 15]]
    japanese = np.array([[c.hit.passage.lang == "ja"] for c in candidates], dtype=np.float64)
    return np.hstack([x, relative - relative.max(axis=0), places, places == 0, _around(candidates), agreement, ranks,
                      behind - behind.max(axis=0), japanese])


def _around(candidates: list[Scored]) -> np.ndarray:
    """Each candidate's InPassage; without one (a sentence scored outside compose) as if it stood alone."""
    rows = []
    for c in candidates:
        a, sim = c.parts.around, c.parts.similarity
        rows.append([sim, sim, sim, 0.0, 0, 1, 0.0] if a is None else
                    [a.before, a.after, a.best, sim - a.best, a.place, a.count, a.context])
    return np.array(rows, dtype=np.float64)


def in_passage(sentences: Sequence[tuple[Sentence, float]], question: np.ndarray) -> list[InPassage]:
    """Each of a passage's sentences (with e5's similarity to the question, in passage order) among
    the others."""
    sims = [sim for _, sim in sentences]
    if not sims:
        return []
    places, best = _rank(np.array(sims)), max(sims)
    out = []
    for i, (s, sim) in enumerate(sentences):
        with_before = s.vector + 0.5 * sentences[i - 1][0].vector if i else s.vector
        norm = float(np.linalg.norm(with_before))
        context = float(with_before @ question) / norm - float(s.vector @ question) if norm else 0.0
        out.append(InPassage(sims[i - 1] if i else sim, sims[i + 1] if i + 1 < len(sims) else sim, best,
                             int(places[i]), len(sims), context))
    return out


def _rank(values: np.ndarray) -> np.ndarray:
    """Each value's place, highest first (ties in candidate order)."""
    return np.argsort(np.argsort(-values, kind="stable"), kind="stable").astype(np.float64)


def first(scored: list[Scored], model: TreeModel | None = None) -> list[Scored]:
    """`scored` (best first by the hand score) with its best CANDIDATES in the model's order, each
    at the hand score of the place it takes (the likeliest at the best), so that the margin rule
    (compose.choose) and the joiner weigh the model's runners-up in turn, as close behind the lead as
    the hand order's were; unchanged without a fitted model. `model` is one a fit tries, else the
    committed one for the candidates' languages (one or both)."""
    if model is None:
        # The one-language model's trees index the leading columns, which vectors() keeps in place.
        model = load() if in_both_languages(scored) else load(ONE_LANGUAGE_PATH, ONE_LANGUAGE_FEATURES)
    top = scored[:CANDIDATES]
    if model is None or len(top) < 2 or any(c.parts is None for c in top):
        return scored
    odds = model.log_odds(vectors(top))
    # A candidate that says none of the question's words and gives nothing of the asked type never
    # displaces a best that does both. On the fit sets' 1,364 questions the model never chose so; in
    # the three-article sample library, out of the trees' range, it led "When did the Expo close?"
    # with "Long queues… in September" over "The 2025 World Expo in Osaka closed on Monday, 13
    # October 2025" (NOTES.md, session 51).
    if top[0].parts.cover > 0 and top[0].parts.gives:
        odds[[c.parts.cover == 0 and not c.parts.gives for c in top]] = -np.inf
    # Only the lead moved until session 57; the runners-up in the model's order too held the
    # evidence in 67 more of the fit sets' 1,466 answers, the answers as long (NOTES.md).
    places = sorted((c.score for c in top), reverse=True)
    order = np.argsort(-odds, kind="stable")
    return [replace(top[i], score=score) for i, score in zip(order, places)] + scored[len(top):]
