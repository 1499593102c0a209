"""Fit the passage order model and write index/answer/placing.json.

    python scripts/train_placing.py [--measure]   # 3-5 minutes on 2 cores, deterministic

Run it first of the answer models: the abstention model reads its highest probability among a
question's candidates (train_abstention.py, then train_joiner.py and train_confidence.py, after it).
scikit-learn fits it; it is installed already (sentence-transformers needs it).

Rows: every answerable question of fit_sets.FIT (JSQuAD's fit part, made on the fly by
benchmarks/jsquad.py from ../shared/data/jsquad; the news sets benchmarks/news_a, news_b, news_e,
news_f, news_i, news_j, news_m and news_n; the dev set) gives one row per candidate passage of its
fused ranking (ranking.Searcher.candidates: placing.POOL of them), labelled 1 when the passage, its title
or its section holds a gold evidence string. A logistic regression (C=1, standardised), each set
weighing the same (JSQuAD's 360 questions would otherwise outweigh the news sets' 62 each).

It prints, for each fit set, how many answerable questions have every evidence string in the
first 1 and 5 passages, fused order against the model fitted on the other sets, each left out in
turn. `--measure` does the same on the sets it never saw.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_sets import FIT, REPO, UNSEEN, arguments, question_set  # noqa: E402

from index.answer.logistic import LogisticModel, write  # noqa: E402
from index.answer.placing import FEATURES, MODEL_PATH, placings  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import load_questions  # noqa: E402
from index.evaluation.scoring import comparable  # noqa: E402


def candidates(name: str, work: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each answerable question's (features, holds-evidence) of its candidates: one column of
    holds-evidence per evidence string."""
    corpus, path = question_set(name, work)
    engine = Engine.open(work / f"{name}-index")
    engine.ingest([corpus])
    out = []
    for q in load_questions(path):
        if not q.answerable:
            continue
        query = engine.searcher.query(" ".join(q.question.split()))
        ranking = engine.searcher.candidates(query)
        if not ranking.hits:
            out.append((np.zeros((0, len(FEATURES))), np.zeros((0, len(q.evidence)), dtype=bool)))
            continue
        evidence = [comparable(e) for e in q.evidence]
        texts = [comparable(" ".join(x for x in (h.passage.text, h.passage.title, h.passage.section) if x))
                 for h in ranking.hits]
        out.append((np.array([p.vector() for p in placings(query, ranking)]),
                    np.array([[e in t for e in evidence] for t in texts])))
    engine.close()
    return out


def fit(sets: dict[str, list]) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([f for rows in sets.values() for f, _ in rows])
    y = np.concatenate([held.any(axis=1) for rows in sets.values() for _, held in rows])
    weight = np.concatenate([np.full(len(held), 1.0 / sum(len(h) for _, h in rows))
                             for rows in sets.values() for _, held in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y, sample_weight=weight * len(weight))
    return LogisticModel(FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def found(rows: list, model: LogisticModel | None) -> tuple[int, int]:
    """Questions with every evidence string in the first 1 and the first 5 passages."""
    at = [0, 0]
    for x, held in rows:
        if not len(x):
            continue
        order = np.arange(len(x)) if model is None else np.argsort(
            [-model.probability(v) for v in x], kind="stable")
        for j, k in enumerate((1, 5)):
            at[j] += bool(held[order[:k]].any(axis=0).all())
    return at[0], at[1]


def main() -> int:
    args = arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sets = {name: candidates(name, work) for name in FIT}
        for name, rows in sets.items():
            left_out = fit({n: r for n, r in sets.items() if n != name})
            print(f"{name}: {len(rows)} answerable; evidence first, in the first five: "
                  f"fused {found(rows, None)} -> model fitted without it {found(rows, left_out)}", file=sys.stderr)
        model = fit(sets)
        write(MODEL_PATH, FEATURES, model.mean, model.scale, model.coef, model.intercept, fitted_on=list(FIT),
              rows=int(sum(len(x) for rows in sets.values() for x, _ in rows)),
              command="python scripts/train_placing.py")
        print(f"wrote {MODEL_PATH.relative_to(REPO)}")
        if args.measure:
            for name in UNSEEN:
                rows = candidates(name, work)
                print(f"{name} (unseen): evidence first, in the first five: fused {found(rows, None)} -> "
                      f"model {found(rows, model)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
