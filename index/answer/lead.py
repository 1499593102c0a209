"""Which of the best-scored sentences leads the answer: a learned model of "this sentence holds
what was asked", over what the answer step already knows of each candidate.

The hand score (compose._score_sentence) adds e5's similarity, the passage's fused score and a few
fixed bonuses; its weights were set on the dev set. The lead decides hit@1 and the first citation,
so among the hand score's best LEAD_CANDIDATES the model's likeliest leads instead. The model is
gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier) fitted by
scripts/train_lead.py on news question sets the README does not report as unseen, and committed as
plain node arrays in lead.json: only numpy runs here. The command that reproduces them is in the
script's docstring.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.types import Scored

MODEL_PATH = Path(__file__).with_name("lead.json")
# How many of the hand score's best sentences compete to lead: of 5 and 10, 5 did best with each
# fifth of the news fit sets left out in turn (NOTES.md, session 46).
CANDIDATES = 5
FEATURES = ("similarity", "passage", "cover", "names", "gives", "headed", "other_language", "lead", "rank",
            "position", "likely", "dense", "lexical", "length", "digit", "second", "score",
            # Each candidate against the best among them: the choice is within one question.
            "score_gap", "similarity_gap", "passage_gap", "likely_gap", "cover_gap",
            "place", "first")
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
def load(path: Path = MODEL_PATH) -> TreeModel | None:
    """The committed model, or None when it is missing or reads other features (it would score nonsense)."""
    if not path.exists():
        return None
    model = from_json(json.loads(path.read_text(encoding="utf-8")))
    return model if model.features == FEATURES else None


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
    return np.hstack([x, relative - relative.max(axis=0), places, places == 0])


def first(scored: list[Scored], model: TreeModel | None = None) -> list[Scored]:
    """`scored` (best first by the hand score) with the model's likeliest of its best CANDIDATES
    first, at the best hand score, so that the margin rule (compose.choose) still weighs the others
    against the best of them; unchanged without a fitted model. `model` is one a fit tries, else
    the committed one."""
    model = model or load()
    top = scored[:CANDIDATES]
    if model is None or len(top) < 2 or any(c.parts is None for c in top):
        return scored
    best = int(np.argmax(model.log_odds(vectors(top))))
    if best == 0:
        return scored
    return [replace(top[best], score=scored[0].score), *scored[:best], *scored[best + 1:]]
