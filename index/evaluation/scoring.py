"""Score cited answers against a question set (the measures of the dev set's README).

Pure functions over `Question`s and `Answer`s: no model, no index, so the same scoring
serves `citebot eval`, the quality benchmark and the tests.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from index.types import Answer, Citation
from index.evaluation.questions import Question

_WHITESPACE = re.compile(r"\s+")

# Measure names, in the order reports show them.
ANSWERABLE_MEASURES = (
    "hit@1",
    "hit@3",
    "hit@5",
    "answer_has_evidence",
    "cite@1",
    "source_url@5",
    "false_abstain",
)
UNANSWERABLE_MEASURES = ("unanswerable_abstained",)
MEASURES = ANSWERABLE_MEASURES + UNANSWERABLE_MEASURES

# The project's quality bar: (comparison, threshold). false_abstain is the one where lower is better.
BAR: dict[str, tuple[str, float]] = {
    "hit@5": (">=", 0.92),
    "hit@1": (">=", 0.70),
    "answer_has_evidence": (">=", 0.80),
    "cite@1": (">=", 0.75),
    "source_url@5": (">=", 0.90),
    "unanswerable_abstained": (">=", 0.55),
    "false_abstain": ("<=", 0.05),
}

# Failure reasons, spelled once so callers can compare against them.
NOT_RETRIEVED = "not retrieved"
NOT_IN_ANSWER = "retrieved but not in the answer"
WRONG_SOURCE = "wrong source"
WRONGLY_ABSTAINED = "wrongly abstained"
ANSWERED_UNANSWERABLE = "answered an unanswerable"

# ---------------------------------------------------------------- matching


def comparable(text: str) -> str:
    """NFKC, then drop all whitespace: line breaks and full-width forms must not hide a match."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _metadata(c: Citation) -> list[str]:
    values = (c.title, c.section, c.source, c.outlet, c.url, c.source_url, c.published)
    return [v for v in values if v]


def _citation_fields(c: Citation) -> list[str]:
    # Fields are kept apart rather than concatenated so that an evidence string can't be
    # "found" straddling the end of the passage and the start of the title.
    return [c.passage, *_metadata(c)]


def _all_found(evidence: Sequence[str], texts: Iterable[str]) -> bool:
    """Every evidence string occurs in at least one of `texts` (after normalising both)."""
    haystacks = [comparable(t) for t in texts]
    return all(any(comparable(e) in h for h in haystacks) for e in evidence)


def _any_found(evidence: Sequence[str], texts: Iterable[str]) -> bool:
    haystacks = [comparable(t) for t in texts]
    return any(comparable(e) in h for e in evidence for h in haystacks)


def _hit_at(q: Question, a: Answer, k: int) -> bool:
    texts = [t for c in a.citations[:k] for t in _citation_fields(c)]
    return _all_found(q.evidence, texts)


def _cited(a: Answer) -> list[Citation]:
    """The citations the answer's [n] markers point at (not merely the ones listed)."""
    used = {s.n for s in a.sentences}
    return [c for c in a.citations if c.n in used]


def _answer_has_evidence(q: Question, a: Answer) -> bool:
    if a.abstained:
        return False
    texts = [a.text, *(m for c in _cited(a) for m in _metadata(c))]
    return _all_found(q.evidence, texts)


def _cite_at_1(q: Question, a: Answer) -> bool:
    return bool(a.citations) and _any_found(q.evidence, _citation_fields(a.citations[0]))


def _source_url_at_5(q: Question, a: Answer) -> bool | None:
    """None when the question has no gold URL: it then doesn't count for this measure."""
    if not q.source_url:
        return None
    shown = {comparable(u) for c in a.citations[:5] for u in (c.url, c.source_url) if u}
    return all(comparable(u) in shown for u in q.source_url)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class QuestionResult:
    """One question's outcome; a measure that doesn't apply to the question is None."""

    id: str
    question: str
    type: str
    lang: str
    answerable: bool
    abstained: bool
    measures: dict[str, bool | None]
    reasons: list[str]
    top_title: str | None = None
    top_section: str | None = None

    @property
    def wrong(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True)
class Measure:
    hits: int
    total: int  # the denominator: questions the measure applies to

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def to_json(self) -> dict:
        value = self.value
        return {"value": None if value is None else round(value, 4), "hits": self.hits, "total": self.total}


@dataclass(frozen=True)
class GroupScores:
    name: str
    questions: int
    measures: dict[str, Measure]

    def value(self, measure: str) -> float | None:
        return self.measures[measure].value

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "questions": self.questions,
            "measures": {k: m.to_json() for k, m in self.measures.items()},
        }


def passes(measure: str, value: float | None) -> bool | None:
    """Whether `value` meets the bar; None when there is no bar or nothing to measure."""
    if measure not in BAR or value is None:
        return None
    op, threshold = BAR[measure]
    return value >= threshold if op == ">=" else value <= threshold


@dataclass(frozen=True)
class EvalReport:
    overall: GroupScores
    by_type: dict[str, GroupScores]
    by_lang: dict[str, GroupScores]
    results: list[QuestionResult]

    @property
    def wrong(self) -> list[QuestionResult]:
        return [r for r in self.results if r.wrong]

    def bar(self) -> dict[str, bool | None]:
        return {m: passes(m, self.overall.value(m)) for m in BAR}

    @property
    def passed(self) -> bool:
        """True when every measured bar passes (a measure with no questions doesn't fail it)."""
        return all(ok is not False for ok in self.bar().values())

    def to_json(self) -> dict:
        return {
            "overall": self.overall.to_json(),
            "by_type": {k: g.to_json() for k, g in self.by_type.items()},
            "by_lang": {k: g.to_json() for k, g in self.by_lang.items()},
            "bar": {
                m: {"op": op, "threshold": t, "value": self.overall.measures[m].to_json()["value"],
                    "pass": passes(m, self.overall.value(m))}
                for m, (op, t) in BAR.items()
            },
            "passed": self.passed,
            "questions": [asdict(r) for r in self.results],
        }


def _failure_reasons(q: Question, a: Answer, m: dict[str, bool | None]) -> list[str]:
    if not q.answerable:
        return [] if a.abstained else [ANSWERED_UNANSWERABLE]
    reasons = []
    if not m["hit@5"]:
        reasons.append(NOT_RETRIEVED)
    elif not m["answer_has_evidence"]:
        reasons.append(NOT_IN_ANSWER)
    if m["source_url@5"] is False:
        reasons.append(WRONG_SOURCE)
    if a.abstained:
        reasons.append(WRONGLY_ABSTAINED)
    return reasons


def score_question(q: Question, a: Answer) -> QuestionResult:
    measures: dict[str, bool | None] = dict.fromkeys(MEASURES)
    if q.answerable:
        measures.update({
            "hit@1": _hit_at(q, a, 1),
            "hit@3": _hit_at(q, a, 3),
            "hit@5": _hit_at(q, a, 5),
            "answer_has_evidence": _answer_has_evidence(q, a),
            "cite@1": _cite_at_1(q, a),
            "source_url@5": _source_url_at_5(q, a),
            "false_abstain": a.abstained,
        })
    else:
        measures["unanswerable_abstained"] = a.abstained
    top = a.citations[0] if a.citations else None
    return QuestionResult(
        id=q.id,
        question=q.question,
        type=q.type,
        lang=q.lang,
        answerable=q.answerable,
        abstained=a.abstained,
        measures=measures,
        reasons=_failure_reasons(q, a, measures),
        top_title=top.title if top else None,
        top_section=top.section if top else None,
    )


def _group(name: str, results: Sequence[QuestionResult]) -> GroupScores:
    measures = {}
    for m in MEASURES:
        applied = [r.measures[m] for r in results if r.measures[m] is not None]
        measures[m] = Measure(hits=sum(bool(v) for v in applied), total=len(applied))
    return GroupScores(name=name, questions=len(results), measures=measures)


def _groups_by(results: Sequence[QuestionResult], key: str) -> dict[str, GroupScores]:
    names = sorted({getattr(r, key) for r in results})
    return {n: _group(n, [r for r in results if getattr(r, key) == n]) for n in names}


def score(questions: Sequence[Question], answers: Sequence[Answer]) -> EvalReport:
    """Score answers[i] against questions[i]."""
    if len(questions) != len(answers):
        raise ValueError(f"{len(questions)} questions but {len(answers)} answers: they must pair up")
    results = [score_question(q, a) for q, a in zip(questions, answers)]
    return EvalReport(
        overall=_group("overall", results),
        by_type=_groups_by(results, "type"),
        by_lang=_groups_by(results, "lang"),
        results=results,
    )
