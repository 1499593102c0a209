"""Fit the answer-confidence model and write index/answer/confidence.json.

    python scripts/train_confidence.py [--measure]   # ~3 minutes on 2 cores, deterministic

scikit-learn fits the model; it is installed already (sentence-transformers needs it).

Fit sets, never reported as unseen: JSQuAD's fit part (made on the fly by benchmarks/jsquad.py from
../shared/data/jsquad: answerable, answer-paragraph-removed and off-library questions) and the
blind news set benchmarks/news_a, weighted equally. For every question citebot answers, the label is whether the
answer holds the gold evidence (the scorer's answer_has_evidence); an answered unanswerable is a
negative. Measured afterwards on the sets it never saw: `--measure` prints the AUC and the share
of wrong answers flagged "unsure" on benchmarks/news_c (blind), benchmarks/news_b, benchmarks/heldout and the dev set.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.jsquad import build as build_jsquad  # noqa: E402
from index.answer.compose import compose  # noqa: E402
from index.answer.confidence import FEATURES, MODEL_PATH, UNSURE_BELOW  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import load_questions, score  # noqa: E402
from index.types import Signals  # noqa: E402

FIT = ("jsquad-fit", "news_a")
MEASURE = ("news_c", "news_b", "heldout", "dev")
JSQUAD_QUESTIONS = 600


def question_set(name: str, work: Path) -> tuple[Path, Path]:
    if name == "jsquad-fit":
        out = work / "jsquad-fit"
        build_jsquad("fit", out, max_questions=JSQUAD_QUESTIONS, force=True)
        return out / "corpus", out / "questions.jsonl"
    base = REPO.parent / "shared" / "eval" / "dev" if name == "dev" else REPO / "benchmarks" / name
    return base / "corpus", base / "questions.jsonl"


def collect(name: str, work: Path) -> tuple[np.ndarray, np.ndarray]:
    """(signals, label) for every question of a set that citebot answers."""
    corpus, questions = question_set(name, work)
    engine = Engine.open(work / f"{name}-index")
    engine.ingest([corpus])
    rows, answers, qs = [], [], load_questions(questions)
    for q in qs:
        seen: list[Signals] = []
        query = engine.searcher.query(" ".join(q.question.split()))
        answers.append(compose(query, engine.searcher.rank(query, k=8), 5, engine.embedder.embed_queries,
                               observe=seen.append))
        rows.append(seen[0].vector() if seen else None)
    report = score(qs, answers)
    engine.close()
    x, y = [], []
    for row, result in zip(rows, report.results, strict=True):
        if row is not None:
            x.append(row)
            y.append(int(bool(result.measures.get("answer_has_evidence"))))
    print(f"{name}: {len(y)} answered of {len(qs)}, {sum(y)} hold the evidence", file=sys.stderr)
    return np.array(x), np.array(y)


def auc(y: np.ndarray, p: np.ndarray) -> float:
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="also score the model on the unseen sets")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        parts = [collect(name, work) for name in FIT]
        x = np.vstack([p[0] for p in parts])
        y = np.concatenate([p[1] for p in parts])
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        # Each fit set weighs the same: JSQuAD's many encyclopedia questions must not drown the news.
        weight = np.concatenate([np.full(len(p[1]), len(y) / (len(parts) * len(p[1]))) for p in parts])
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y, sample_weight=weight)
        model = {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
                 "coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
                 "fitted_on": list(FIT), "questions": int(len(y)),
                 "command": "python scripts/train_confidence.py"}
        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        p = lr.predict_proba((x - mean) / scale)[:, 1]
        print(f"fit: {len(y)} answers, AUC {auc(y, p):.3f}; wrote {MODEL_PATH.relative_to(REPO)}")
        if args.measure:
            for name in MEASURE:
                mx, my = collect(name, work)
                mp = lr.predict_proba((mx - mean) / scale)[:, 1]
                unsure = mp < UNSURE_BELOW
                print(f"{name}: AUC {auc(my, mp):.3f}; unsure {unsure.mean():.2f} of answers; "
                      f"of wrong answers flagged unsure {unsure[my == 0].mean():.2f}; "
                      f"of right answers flagged unsure {unsure[my == 1].mean():.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
