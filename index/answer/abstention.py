"""Whether the library holds an answer at all: a logistic model over the answer step's Grounds.

It tells questions about articles the library holds from questions about articles it does not
(their names unknown to it, its best passage weak); on-topic questions the articles leave
unanswered are the rules' business (compose.py), since their words and retrieval look like an
answerable question's. The weights, the operating point and the rules' two thresholds in
abstention.json are fitted by scripts/train_abstention.py (the command is in its docstring) on sets
the README does not report as unseen.
"""
from __future__ import annotations

import json
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from index.answer.logistic import load
from index.types import Grounds, Hit, Thresholds

MODEL_PATH = Path(__file__).with_name("abstention.json")
FEATURES = tuple(f.name for f in fields(Grounds))
# z given to a question whose nouns the library all uses: above any z that says "not meant".
ALL_MEANT = 5.0
# The best passages whose articles are counted: a question about an article the library does not
# hold lands on several loosely related ones, an answerable one mostly on its own article.
SPREAD_PASSAGES = 5


def grounds(hits: list[Hit], focus: list[str], unknown: list[str], meant: list[float],
            unknown_names: list[str], other_language: bool, likeliest: float) -> Grounds:
    """The Grounds of a question: `focus` its nouns, `unknown` those the library never uses and
    `meant` their z (coverage.meant), `unknown_names` its names the library never uses."""
    return Grounds(
        top_score=hits[0].score,
        top_gap=hits[0].score - hits[1].score if len(hits) > 1 else hits[0].score,
        top_lexical=hits[0].lexical,
        unknown_share=len(unknown) / len(focus) if focus else 0.0,
        unknown_name=float(bool(unknown_names)),
        unknown_meant=min([ALL_MEANT, *meant]),
        other_language=float(other_language),
        any_unknown=float(bool(unknown)),
        articles=len({h.passage.doc_path for h in hits[:SPREAD_PASSAGES]}) / SPREAD_PASSAGES,
        likeliest=likeliest,
    )


def unanswerable(g: Grounds) -> float | None:
    """The probability that the library does not answer the question; None without a model."""
    model = load(MODEL_PATH, FEATURES)
    return None if model is None else model.probability(g.vector())


def declines(g: Grounds, above: float | None) -> bool:
    """Whether the model's probability is above the operating point `above` (None: never)."""
    return above is not None and (p := unanswerable(g)) is not None and p > above


# Without a fitted file nothing is declined but for want of any passage: a fit starts from there.
NO_RULES = Thresholds(abstain_below=float("-inf"), covered_z=float("-inf"), decline_above=None)


@lru_cache(maxsize=None)
def thresholds() -> Thresholds:
    """The fitted thresholds: the rules' (abstention.json's "rules") and the model's operating point."""
    if not MODEL_PATH.exists():
        return NO_RULES
    rules = json.loads(MODEL_PATH.read_text(encoding="utf-8")).get("rules", {})
    model = load(MODEL_PATH, FEATURES)
    return Thresholds(abstain_below=rules.get("abstain_below", NO_RULES.abstain_below),
                      covered_z=rules.get("covered_z", NO_RULES.covered_z),
                      decline_above=model.decline_above if model is not None else None)
