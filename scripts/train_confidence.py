"""Fit the answer-confidence model and write index/answer/confidence.json.

    python scripts/train_confidence.py [--measure]   # 4-8 minutes on 2 cores, deterministic

scikit-learn fits the model; it is installed already (sentence-transformers needs it).

Fit sets, never reported as unseen: JSQuAD's fit part (made on the fly by benchmarks/jsquad.py from
../shared/data/jsquad: answerable, answer-paragraph-removed and off-library questions), the news
sets benchmarks/news_a, news_b, news_e, news_f, news_i, news_j, news_m and news_n, and the dev set, weighted
equally (the decline fit uses a part of them, see scripts/train_abstention.py). For every question citebot answers, the label is whether the
answer holds the gold evidence (the scorer's answer_has_evidence); an answered unanswerable is a
negative. Measured afterwards on the sets it never saw: `--measure` prints the AUC and the share
of wrong answers flagged "unsure" on every set fit_sets.UNSEEN names (the other news sets, heldout).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_sets import FIT, REPO, UNSEEN, arguments, auc, fit_rows, run  # noqa: E402

from index.answer.confidence import FEATURES, MODEL_PATH, UNSURE_BELOW  # noqa: E402
from index.answer.logistic import write  # noqa: E402
from index.types import Signals  # noqa: E402

# Fitted on fit_sets.FIT (six sets) instead of JSQuAD and news_a alone, the mean AUC over news_c,
# news_d, news_g and heldout rose from 0.600 to 0.634 in session 14 (each of them rose or held); with
# news_m and news_n added (ten sets), the mean over those and news_h, news_k, news_l rose from 0.649
# to 0.659 in session 19.


def collect(name: str, work: Path) -> tuple[np.ndarray, np.ndarray]:
    """(signals, label) for every question of a set that citebot answers."""
    result = run(name, work)
    x, y = [], []
    for seen, outcome in zip(result.observed, result.report.results, strict=True):
        signals = [s for s in seen if isinstance(s, Signals)]
        if signals:
            x.append(signals[0].vector())
            y.append(int(bool(outcome.measures.get("answer_has_evidence"))))
    print(f"{name}: {len(y)} answered of {len(result.questions)}, {sum(y)} hold the evidence", file=sys.stderr)
    return np.array(x), np.array(y)


def main() -> int:
    args = arguments(__doc__)
    from sklearn.linear_model import LogisticRegression

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        x, y, which = fit_rows(collect, FIT, work)
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        # Each fit set weighs the same: JSQuAD's many encyclopedia questions must not drown the news.
        weight = len(y) / (len(FIT) * np.bincount(which)[which])
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y, sample_weight=weight)
        write(MODEL_PATH, FEATURES, mean, scale, lr.coef_[0], lr.intercept_[0], fitted_on=list(FIT),
              questions=int(len(y)), command="python scripts/train_confidence.py")
        p = lr.predict_proba((x - mean) / scale)[:, 1]
        print(f"fit: {len(y)} answers, AUC {auc(y, p):.3f}; wrote {MODEL_PATH.relative_to(REPO)}")
        if args.measure:
            for name in UNSEEN:
                mx, my = collect(name, work)
                mp = lr.predict_proba((mx - mean) / scale)[:, 1]
                unsure = mp < UNSURE_BELOW
                print(f"{name}: AUC {auc(my, mp):.3f}; unsure {unsure.mean():.2f} of answers; "
                      f"of wrong answers flagged unsure {unsure[my == 0].mean():.2f}; "
                      f"of right answers flagged unsure {unsure[my == 1].mean():.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
