"""Fit the runner-up (joiner) model and write index/answer/joiner.json.

    python scripts/train_joiner.py [--measure]   # 3-6 minutes on 2 cores, deterministic

scikit-learn fits the model; it is installed already (sentence-transformers needs it).

Rows: every answerable question of fit_sets.FIT (JSQuAD's fit part, made on the fly by
benchmarks/jsquad.py from ../shared/data/jsquad; the news sets benchmarks/news_a, news_b, news_e,
news_f, news_i, news_j, news_m and news_n; the dev set) gives one row per runner-up of its lead
(joiner.joinings: the eleven sentences after the lead, as compose.read hands them on: on the
question's subject, in the lead model's order), labelled 1 when the runner-up holds a gold
evidence string the lead does not. A logistic regression over the rows (C=1, standardised).

Operating point: the smallest step of 0.01 at which answers across languages are no longer than
the margin rule makes them: the number of sentences of the answered answerable questions of the
news fit sets and dev whose candidates are in both languages (joiner.in_both_languages), answered
with the model, is not above their number with the margin rule alone. There the model trades the
rule's choices for better ones, not for more sentences. In one language it adds to the rule's
choice at the same point, which makes those answers longer (NOTES.md, session 59).

`--measure` answers the sets it never saw both ways and prints the answers holding their evidence.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_sets import FIT, REPO, UNSEEN, Ranked, arguments, auc, ranked, score  # noqa: E402

from index.answer.compose import ANSWER_PASSAGES, on_subject, on_subject_choice, score_sentences  # noqa: E402
from index.answer.lead import first as lead_first  # noqa: E402
from index.answer.joiner import FEATURES, MODEL_PATH, in_both_languages, joinings  # noqa: E402
from index.answer.logistic import LogisticModel, write  # noqa: E402
from index.evaluation.scoring import comparable  # noqa: E402
from index.types import Query, Ranking, Scored  # noqa: E402

STEPS = [round(0.01 * i, 2) for i in range(1, 51)]


def rows(sets: Ranked) -> tuple[list[list[float]], list[int]]:
    """(features, label) of each runner-up of each answerable question's lead."""
    x, y = [], []
    for kind, q, (query, ranking) in zip(sets.kinds, sets.questions, sets.rankings, strict=True):
        if kind != "answerable":
            continue
        scored = candidates(query, ranking)
        if len(scored) < 2:
            continue
        evidence = [comparable(e) for e in q.evidence]
        lead = comparable(scored[0].text)
        hand = on_subject_choice(query, ranking, scored)
        for c, row in zip(scored[1:], joinings(query, ranking, scored, hand)):
            text = comparable(c.text)
            x.append(row.vector())
            y.append(int(any(e in text and e not in lead for e in evidence)))
    return x, y


def candidates(query: Query, ranking: Ranking) -> list[Scored]:
    """The candidates as compose.read hands them to the joiner: on the subject, in the lead model's order."""
    return lead_first(on_subject(query, score_sentences(query, ranking, ranking.hits[:ANSWER_PASSAGES])))


def across(sets: list[Ranked]) -> list[list[bool]]:
    """Per set, whether each question's candidates are in both languages."""
    return [[in_both_languages(candidates(query, ranking)) for query, ranking in s.rankings] for s in sets]


def length(sets: list[Ranked], both: list[list[bool]], joiner: LogisticModel) -> int:
    """Sentences of the answered answerable questions whose candidates are in both languages (`both`)."""
    count = 0
    for s, flags in zip(sets, both, strict=True):
        answers, _ = s.compose(joiner=joiner)
        count += sum(len(a.sentences) for kind, a, flag in zip(s.kinds, answers, flags, strict=True)
                     if kind == "answerable" and not a.abstained and flag)
    return count


def with_evidence(s: Ranked, joiner: LogisticModel) -> int:
    answers, _ = s.compose(joiner=joiner)
    report = score(s.questions, answers)
    return sum(bool(r.measures.get("answer_has_evidence")) for r in report.results)


def main() -> int:
    args = arguments(__doc__)
    from sklearn.linear_model import LogisticRegression

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sets = [ranked(name, work) for name in FIT]
        x, y = [], []
        for s in sets:
            sx, sy = rows(s)
            x += sx
            y += sy
            print(f"{s.name}: {len(sy)} runners-up, {sum(sy)} hold what the lead lacks", file=sys.stderr)
        x, y = np.array(x), np.array(y)
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)

        def model(join_above: float | None) -> LogisticModel:
            return LogisticModel(FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]), join_above=join_above)

        news = [s for s in sets if not s.name.startswith("jsquad")]
        both = across(news)
        rule = length(news, both, model(None))
        step = next((t for t in STEPS if length(news, both, model(t)) <= rule), STEPS[-1])
        write(MODEL_PATH, FEATURES, mean, scale, lr.coef_[0], lr.intercept_[0], join_above=step,
              fitted_on=list(FIT), rows=int(len(y)), command="python scripts/train_joiner.py")
        p = lr.predict_proba((x - mean) / scale)[:, 1]
        print(f"fit: {len(y)} runners-up, AUC {auc(y, p):.3f}; joins at {step:.2f}: "
              f"{length(news, both, model(step))} sentences in the answers across languages against the margin rule's {rule}; "
              f"wrote {MODEL_PATH.relative_to(REPO)}")
        for s in sets:
            print(f"{s.name}: answers with evidence {with_evidence(s, model(None))} -> {with_evidence(s, model(step))}")
        if args.measure:
            for name in UNSEEN:
                s = ranked(name, work)
                print(f"{name} (unseen): answers with evidence {with_evidence(s, model(None))} -> "
                      f"{with_evidence(s, model(step))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
