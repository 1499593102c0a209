"""Fit the lead models and write index/answer/lead.json and lead_one_language.json.

    python scripts/train_lead.py [--measure]   # 10-20 minutes on 2 cores, most of it indexing

It is deterministic: run once from nothing and twice on indexes built before, each under its own
hash seed, it wrote the committed file byte for byte (session 47; 10 minutes from nothing beside
another job). Until then a quarter of the split points moved between runs: the rows' covers were
summed over sets, whose order follows Python's string hashing (now words.cover_of sums exactly).

Rows: every answerable question of the news fit sets (benchmarks/library.py FITTED_NEWS and
TRAINING_NEWS) and the dev set gives one row per candidate sentence among the hand score's best
lead.CANDIDATES (compose.score_sentences, then compose.on_subject, as compose reads them),
labelled 1 when the sentence holds a gold evidence string or lies inside one. JSQuAD's fit part
is left out: with it the news sets left out in turn gained less (NOTES.md, session 46).

Model: scikit-learn's HistGradientBoostingClassifier (200 trees of at most 15 leaves, learning
rate 0.05, no early stopping, random_state 0), chosen among four settings and two candidate
counts with each fifth of the news sets left out in turn (session 46), then given ten more
features of where the candidates agree (session 48: the same folds, answered in full and scored,
hit@1 1,034 -> 1,049 of 1,364; six settings and seven candidates did no better), and in session 57
seven of where each candidate sits in its passage (types.InPassage) with twelve candidates (the same
folds, leads holding the evidence 887 by the hand order and 938 by the model; session 56's
features over five candidates, read on the same folds by a separate script, 931); written as node arrays that
index/answer/lead.py walks with numpy, checked here to give the classifier's own log-odds. The
one-language model is the same fit without those ten features: compose reads it when the
candidates are in one language, where the ten cost JSQuAD's measure part three gold answers
(session 49: on the folds, hit@1 1,048 with the split against 1,049 without).

It prints, for the news sets left out a fifth at a time, how many answerable questions' lead
holds the evidence by the hand score and by the model fitted without them. `--measure` does the
same on the sets it never saw with the two-language model it wrote.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_sets import REPO, UNSEEN, arguments, ranked  # noqa: E402

from benchmarks.library import FITTED_NEWS, TRAINING_NEWS  # noqa: E402
from index.answer.compose import ANSWER_PASSAGES, on_subject, score_sentences  # noqa: E402
from index.answer.lead import (CANDIDATES, FEATURES, MODEL_PATH, ONE_LANGUAGE_FEATURES, ONE_LANGUAGE_PATH,  # noqa: E402
                               TreeModel, to_json, vectors)
from index.evaluation.scoring import comparable  # noqa: E402

SETS = (*FITTED_NEWS, *TRAINING_NEWS, "dev")
SETTINGS = dict(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, early_stopping=False, random_state=0)


def candidates(name: str, work: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each answerable question's (features, holds-evidence) of its lead candidates."""
    sets = ranked(name, work)
    out = []
    for kind, q, (query, ranking) in zip(sets.kinds, sets.questions, sets.rankings, strict=True):
        if kind != "answerable":
            continue
        top = on_subject(query, score_sentences(query, ranking, ranking.hits[:ANSWER_PASSAGES]))[:CANDIDATES]
        if not top:
            continue
        evidence = [comparable(e) for e in q.evidence]
        held = [any(e in t or (len(t) > 6 and t in e) for e in evidence) for t in (comparable(c.text) for c in top)]
        out.append((vectors(top), np.array(held)))
    return out


def fit(rows: list[tuple[np.ndarray, np.ndarray]]):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([f for f, _ in rows])
    y = np.concatenate([h for _, h in rows])
    return HistGradientBoostingClassifier(**SETTINGS).fit(x, y)


def trees(classifier, features: tuple[str, ...] = FEATURES) -> TreeModel:
    """The classifier's trees as stacked node arrays (its fitted predictors: one tree per iteration)."""
    roots, feature, threshold, left, right, leaf, value, depth = [], [], [], [], [], [], [], 0
    for (predictor,) in classifier._predictors:
        nodes, base = predictor.nodes, len(feature)
        roots.append(base)
        feature += nodes["feature_idx"].tolist()
        threshold += nodes["num_threshold"].tolist()
        left += (nodes["left"] + base).tolist()
        right += (nodes["right"] + base).tolist()
        leaf += nodes["is_leaf"].astype(bool).tolist()
        value += nodes["value"].tolist()
        depth = max(depth, int(nodes["depth"].max()))
    return TreeModel(features, float(np.ravel(classifier._baseline_prediction)[0]), np.array(roots), np.array(feature),
                     np.array(threshold), np.array(left), np.array(right), np.array(leaf), np.array(value), depth)


def leads(rows: list[tuple[np.ndarray, np.ndarray]], model: TreeModel | None) -> int:
    """Questions whose lead holds the evidence: the hand score's first candidate, or the model's likeliest."""
    return sum(bool(held[0 if model is None else int(np.argmax(model.log_odds(x)))]) for x, held in rows)


def main() -> int:
    args = arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sets = {name: candidates(name, work) for name in SETS}
        news = [n for n in SETS if n != "dev"]
        for k in range(5):
            out = news[k::5]
            model = trees(fit([r for n, rows in sets.items() if n not in out for r in rows]))
            print(f"left out {', '.join(out)}: leads holding the evidence {sum(leads(sets[n], None) for n in out)} -> "
                  f"{sum(leads(sets[n], model) for n in out)} of {sum(len(sets[n]) for n in out)}", file=sys.stderr)
        every = [r for rows in sets.values() for r in rows]
        x = np.vstack([f for f, _ in every])
        about = dict(fitted_on=list(SETS), rows=len(x), settings=SETTINGS, command="python scripts/train_lead.py")
        # Both models from the same rows: the one-language model without the agreement features.
        written = {}
        for path, features in ((MODEL_PATH, FEATURES), (ONE_LANGUAGE_PATH, ONE_LANGUAGE_FEATURES)):
            columns = x[:, :len(features)]
            classifier = fit([(f[:, :len(features)], held) for f, held in every])
            written[path] = trees(classifier, features)
            assert np.allclose(written[path].log_odds(columns), classifier.decision_function(columns)), \
                "the exported trees disagree"
            path.write_text(json.dumps(to_json(written[path], **about)) + "\n", encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}: {len(written[path].roots)} trees, {len(written[path].feature)} nodes")
        model = written[MODEL_PATH]
        if args.measure:
            total = [0, 0, 0]
            for name in UNSEEN:
                rows = candidates(name, work)
                hand, learned = leads(rows, None), leads(rows, model)
                total = [total[0] + hand, total[1] + learned, total[2] + len(rows)]
                print(f"{name} (unseen): leads holding the evidence {hand} -> {learned} of {len(rows)}")
            print(f"unseen: {total[0]} -> {total[1]} of {total[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
