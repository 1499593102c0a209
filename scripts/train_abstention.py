"""Fit where the answer step declines and write index/answer/abstention.json.

    python scripts/train_abstention.py [--measure]   # 10 minutes on 2 cores (20 with --measure), deterministic

Two rules come before the model, fitted on the fit sets (FIT: JSQuAD's fit part, news_a, news_b,
news_e, news_f, news_i, news_j, news_m, news_n, dev, and offlib_a's off-library questions over
news_a's library): the best
passage's score below which citebot declines (abstain_below) and the z below which a noun the
library never uses counts as not meant by the best passages (covered_z). The floor is tried from
0 up its grid; for each, covered_z is the grid value that, with the model off, declines the
largest share of unanswerable questions (all kinds, averaged over the sets) while declining none
of any fit set's answerable ones beyond what the count rule alone declines
(RULES_MAX_FALSE_ABSTAIN; ties: fewer false abstentions, then the lower z), and the model is
fitted on top (below). Kept is the lowest floor whose whole fit keeps the bar of each
set that has one (BARRED: the dev README's bar).

The model. Rows: the answerable and off-library questions of the fit sets that those rules
let through (a best passage above abstain_below, every unknown noun meant, a count question's
number found); label: the question is
about an article the library does not hold (JSQuAD's over a Japanese library, offlib_a's over a
bilingual one; the news sets and dev give
answerable rows). Each set weighs the same, and within a set both labels weigh the same, so
neither JSQuAD's many encyclopedia questions nor a set's share of off-library ones decides. The operating point is
fitted too: the lowest probability above which, out of fold (5 folds by question), the model
declines at most MAX_FALSE_ABSTAIN of any fit set's answerable questions; it is saved with the
weights, and the answer step declines above it.
`--measure` prints, on the sets it never saw (fit_sets.UNSEEN: the other news sets and heldout;
JSQuAD's measure part, offlib_b), how many questions of each kind citebot (rules and model) declines.
"""
from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_sets import REPO, UNSEEN, Ranked, arguments, auc, ranked, run, stack  # noqa: E402

from index.answer import abstention  # noqa: E402
from index.answer.abstention import NO_RULES  # noqa: E402
from index.answer.logistic import write  # noqa: E402
from index.evaluation import score  # noqa: E402
from index.types import Grounds, Thresholds  # noqa: E402

# fit_sets.FIT and offlib_a. news_i, news_j, news_m and news_n were left out while dev's fourth
# unanswerable needed the floor at 0.025, where it declines an answerable question of theirs, which
# the rules may not (session 15); the "no noun known" rule declines that question now, the floor
# is 0, and with them the operating point moved 0.836 -> 0.781 (session 20, NOTES.md).
FIT = ("jsquad-fit", "news_a", "news_b", "news_e", "news_f", "news_i", "news_j", "news_m", "news_n", "dev", "offlib_a")
MAX_FALSE_ABSTAIN = 0.02
# The rules get no such allowance: the 2 % they were allowed on the fit sets became 5-8 % on news
# sets they were not fitted on (NOTES.md, session 13), and on JSQuAD the model does the
# floor's work either way.
RULES_MAX_FALSE_ABSTAIN = 0.0
# On-topic unanswerables (JSQuAD's removed paragraphs, the news sets' unanswerables) are left out:
# trained on them too, the model separated worse (out-of-fold AUC 0.78 against 0.99) and its
# operating point declined fewer off-library questions (28 of JSQuAD measure's 50, not 39).
LABELS = ("answerable", "off_library")
FOLDS = 5
MEASURE = (*UNSEEN, "jsquad-measure", "offlib_b")
# The sets whose own bar (the dev README's) the whole fit must keep.
BARRED = ("dev",)
ABSTAIN_GRID = np.round(np.arange(0.0, 0.0601, 0.005), 4)
COVERED_GRID = np.round(np.arange(0.0, 2.41, 0.1), 2)


def count_rule_declines(sets: list[Ranked]) -> list[float]:
    """Each set's share of answerable questions the count rule alone declines (a 何人 question with
    no number counted so): the rules' thresholds may add at most RULES_MAX_FALSE_ABSTAIN to it."""
    return [np.mean([a.abstained for a, q in zip(s.compose(NO_RULES)[0], s.questions) if q.answerable] or [0.0])
            for s in sets]


def fit_rules(sets: list[Ranked], count_rule: list[float], below: float) -> Thresholds | None:
    """covered_z for the best-passage floor `below` (see the docstring above), the model left out;
    None when every z declines an answerable question the count rule does not."""
    best, best_key = None, None
    for z in COVERED_GRID:
        t = Thresholds(abstain_below=below, covered_z=float(z), decline_above=None)
        false, declined = [], []
        for s in sets:
            answers, _ = s.compose(t)
            false.append(np.mean([a.abstained for a, q in zip(answers, s.questions) if q.answerable] or [0.0]))
            unanswerable = [a.abstained for a, q in zip(answers, s.questions) if not q.answerable]
            if unanswerable:
                declined.append(np.mean(unanswerable))
        if max(f - base for f, base in zip(false, count_rule)) > RULES_MAX_FALSE_ABSTAIN + 1e-9:
            continue
        key = (round(float(np.mean(declined)), 9), -round(float(np.sum(false)), 9), -z)
        if best_key is None or key > best_key:
            best, best_key = t, key
    if best is not None:
        print(f"rules: abstain_below {below}, covered_z {best.covered_z}: {best_key[0]:.3f} of unanswerables "
              f"declined (mean over the fit sets), false abstain {-best_key[1]:.3f} summed", file=sys.stderr)
    return best


def rows(s: Ranked, rules: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    _, observed = s.compose(rules)
    x, y = [], []
    for q, kind, seen in zip(s.questions, s.kinds, observed, strict=True):
        grounds = [g for g in seen if isinstance(g, Grounds)]
        if grounds and kind in LABELS:
            x.append(grounds[0].vector())
            y.append(int(not q.answerable))
    print(f"{s.name}: {len(y)} of {len(s.questions)} questions reach the model, {sum(y)} unanswerable",
          file=sys.stderr)
    return np.array(x), np.array(y)


def measure(name: str, work: Path) -> None:
    result = run(name, work)
    declined = Counter(k for k, a in zip(result.kinds, result.answers, strict=True) if a.abstained)
    total = Counter(result.kinds)
    print(f"{name}: declined " + ", ".join(f"{k} {declined[k]}/{total[k]}" for k in sorted(total)))


def fit_model(sets: list[Ranked], rules: Thresholds) -> Thresholds:
    """Fit the model on what `rules` let through, write it with its operating point and the rules,
    and return all three."""
    x, y, which = stack([rows(s, rules) for s in sets])
    weight = np.ones(len(y))
    for i in range(len(sets)):
        for label in (0, 1):
            mask = (which == i) & (y == label)
            if mask.any():
                weight[mask] = len(y) / (2 * len(sets) * mask.sum())

    def fit(rows):
        mean, scale = x[rows].mean(axis=0), x[rows].std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((x[rows] - mean) / scale, y[rows],
                                                          sample_weight=weight[rows])
        return mean, scale, lr

    # Out-of-fold probabilities choose the operating point: in-sample ones would flatter it.
    folds = np.arange(len(y)) % FOLDS
    oof = np.zeros(len(y))
    for f in range(FOLDS):
        mean, scale, lr = fit(folds != f)
        oof[folds == f] = lr.predict_proba((x[folds == f] - mean) / scale)[:, 1]
    answerable = [oof[(which == i) & (y == 0)] for i in range(len(sets))]
    threshold = next(t for t in np.unique(np.concatenate([oof, [1.0]]))
                     if all((a > t).mean() <= MAX_FALSE_ABSTAIN for a in answerable if len(a)))
    mean, scale, lr = fit(np.ones(len(y), dtype=bool))
    write(abstention.MODEL_PATH, abstention.FEATURES, mean, scale, lr.coef_[0], lr.intercept_[0],
          decline_above=float(threshold), fitted_on=[s.name for s in sets], questions=int(len(y)),
          command="python scripts/train_abstention.py",
          rules={"abstain_below": rules.abstain_below, "covered_z": rules.covered_z})
    abstention.thresholds.cache_clear()
    offs = {s.name: oof[(which == i) & (y == 1)] for i, s in enumerate(sets) if ((which == i) & (y == 1)).any()}
    print(f"model: {len(y)} questions, out-of-fold AUC {auc(y, oof):.3f}; declining above {threshold:.3f}, out of "
          "fold: " + ", ".join(f"{s.name} {(a > threshold).mean():.3f} of answerables" for s, a in
                               zip(sets, answerable) if len(a)) + "; " +
          ", ".join(f"{name} {(o > threshold).mean():.2f} of off-library" for name, o in offs.items()),
          file=sys.stderr)
    return abstention.thresholds()


def main() -> int:
    args = arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sets = [ranked(name, work) for name in FIT]
        # The floor's zero false abstentions on the fit sets did not hold on news sets it never saw
        # (it declined 7 answerable questions of news_g and news_h, session 14), so it is held as
        # low as the sets with a bar of their own (dev) allow, everything else fitted on top of it.
        committed = abstention.MODEL_PATH.read_bytes() if abstention.MODEL_PATH.exists() else None
        count_rule = count_rule_declines(sets)
        for below in ABSTAIN_GRID:
            rules = fit_rules(sets, count_rule, float(below))
            if rules is None:
                continue
            fitted = fit_model(sets, rules)
            failing = [s.name for s in sets if s.name in BARRED and not score(s.questions, s.compose()[0]).passed]
            if not failing:
                break
            print(f"abstain_below {below}: {', '.join(failing)} under its bar, next", file=sys.stderr)
        else:
            if committed is not None:  # a failed fit leaves the committed model as it was
                abstention.MODEL_PATH.write_bytes(committed)
            raise SystemExit("no floor on the grid keeps every barred set's bar; abstention.json left as it was")
        print(f"kept: abstain_below {fitted.abstain_below}, covered_z {fitted.covered_z}, "
              f"declining above {fitted.decline_above:.3f}")
        print(f"wrote {abstention.MODEL_PATH.relative_to(REPO)}")
        if args.measure:
            for name in MEASURE:
                measure(name, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
